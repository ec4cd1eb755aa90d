"""Visit requests for tests, made as the action server's visit form makes them: one bot reply
whose metadata holds ``visit_request``, stored by the real ``store_bot_replies``."""

import datetime as dt

from assistant.chat import conversations, messages
from assistant.chat.working_time import office_spans
from assistant.extensions import db
from assistant.models import Message, Sender, VisitRequest
from common.rasa_client import Reply
from common.thai_calendar import bangkok_today

THANKS = {"en": "Thank you! A staff member will confirm your visit by e-mail.",
          "th": "ขอบคุณค่ะ เจ้าหน้าที่จะยืนยันนัดหมายทางอีเมล"}


def office_slots(app, count=2, first_day=2, hour=10):
    """The next ``count`` office days from ``first_day`` days on, each at ``hour``:00
    Bangkok time, as ISO 8601 with +07:00 (office hours of ``app``)."""
    hours = app.config["OFFICE_HOURS"]
    slots: list[str] = []
    day = bangkok_today() + dt.timedelta(days=first_day)
    while len(slots) < count:
        for opens, closes in office_spans(hours, day):
            start = opens.replace(hour=hour, minute=0)
            if opens <= start and start + dt.timedelta(hours=1) <= closes:
                slots.append(start.isoformat())
                break
        day += dt.timedelta(days=1)
    return slots


def visit_metadata(app, language="en", name="Anna Schmidt", email="anna@example.com",
                   purpose="Questions about a work permit", slots=None):
    """The ``visit_request`` metadata of the form's last reply."""
    return {"name": name, "email": email, "purpose": purpose,
            "slots": slots or office_slots(app), "language": language}


def requested_visit(app, language="en", metadata=None, **fields):
    """A chat whose user asked to visit the center; returns (chat id, visit id or None).

    ``metadata`` replaces the whole ``visit_request`` (malformed requests); ``fields`` go to
    ``visit_metadata``.
    """
    request = metadata if metadata is not None else visit_metadata(app, language, **fields)
    with app.app_context():
        chat = conversations.start()
        chat.language = language
        db.session.add(Message(conversation=chat, sender=Sender.USER, language=language,
                               text="I would like to visit the center"))
        db.session.commit()
        messages.store_bot_replies(chat, [Reply(THANKS[language], [],
                                                {"language": language,
                                                 "visit_request": request})], {})
        visit = db.session.scalar(db.select(VisitRequest.id)
                                  .where(VisitRequest.conversation_id == chat.id))
        return chat.id, visit
