"""Chats with known close times and ratings for report tests, and the report as JSON."""

import datetime as dt
import json

from assistant.extensions import db
from assistant.models import Conversation, Handoff, Message, Rating, Sender, State
from common.thai_calendar import BANGKOK

UTC = dt.timezone.utc


def bangkok(year, month, day, hour=0, minute=0):
    """A moment in Bangkok time."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=BANGKOK)


def add_chat(app, closed, level=None, handled_by="bot", topic=None, language="en",
             fallback=False, wait_minutes=None, site=None, channel="web"):
    """A closed chat (rated when ``level`` is given) with the given close time, on ``site``
    (an origin; None: the center's own site) of ``channel``."""
    closed = closed.astimezone(UTC)  # as the service stores times (SQLite keeps no offset)
    started = closed - dt.timedelta(minutes=30)
    with app.app_context():
        chat = Conversation(language=language, created_at=started, closed_at=closed,
                            satisfaction_asked_at=closed, state=State.CLOSED,
                            staff_involved=handled_by == "staff", site=site, channel=channel)
        chat.messages.append(Message(sender=Sender.USER, text="question", created_at=started))
        intent = "nlu_fallback" if fallback else f"ask_{topic}" if topic else "greet"
        chat.messages.append(Message(sender=Sender.BOT, text="answer", intent=intent,
                                     topic=topic, created_at=started))
        if wait_minutes is not None:
            chat.handoffs.append(Handoff(requested_at=started, taken_at=started
                                         + dt.timedelta(minutes=wait_minutes)))
        if level is not None:
            chat.rating = Rating(level=level, language=language, handled_by=handled_by)
        db.session.add(chat)
        db.session.commit()
        return chat.id


def cli_json(app, *args):
    """The last line of ``flask report … --json``, parsed."""
    result = app.test_cli_runner().invoke(args=["report", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output.strip().splitlines()[-1])
