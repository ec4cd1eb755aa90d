"""Chats for console tests, built through the chat core without Rasa: the bot's replies are
given as Rasa would send them (text, buttons, metadata) and stored by the real code."""

import datetime as dt
from typing import Optional

from assistant.chat import conversations, messages
from assistant.extensions import db
from assistant.models import Message, Sender, Ticket, TicketStatus, utcnow
from common.rasa_client import Reply

HUMAN_BUTTON = {"en": {"title": "Talk to a staff member", "payload": "/ask_human"},
                "th": {"title": "คุยกับเจ้าหน้าที่", "payload": "/ask_human"}}
DANGER_HELP = "If you or someone else is in danger now, call 191."


def waiting_chat(app, text: str = "I need help with my visa", language: str = "en", *,
                 danger: bool = False, minutes: int = 0,
                 ticket_email: Optional[str] = None) -> str:
    """A chat whose user pressed the staff button and now waits; returns its id.

    ``danger``: the bot answered with the emergency help first (``danger: true``);
    ``minutes``: how long it has waited; ``ticket_email``: an offline question with that address.
    """
    with app.app_context():
        chat = conversations.start()
        chat.language = language
        db.session.add(Message(conversation=chat, sender=Sender.USER, text=text,
                               language=language))
        db.session.commit()
        button = HUMAN_BUTTON[language]
        first = Reply(DANGER_HELP if danger else "Here is what I found.", [button],
                      {"language": language, "danger": danger,
                       "topic": "emergency" if danger else "visa"})
        messages.store_bot_replies(chat, [first], {})
        db.session.add(Message(conversation=chat, sender=Sender.USER, text=button["payload"],
                               payload=button["payload"]))
        db.session.commit()
        messages.store_bot_replies(chat, [Reply("A staff member will join.", [],
                                                {"language": language, "handoff": True})], {})
        chat.waiting_since = utcnow() - dt.timedelta(minutes=minutes)
        if ticket_email:
            chat.ticket = Ticket(email=ticket_email, status=TicketStatus.OPEN,
                                 opened_at=utcnow())
        db.session.commit()
        return chat.id
