"""Personal data (Thailand's PDPA): a conversation's data on request, erasure, retention.

The export is the user's copy: staff's private notes are internal and stay out of it.
Erasing a conversation deletes its transcript (every message, the trainers' review marks of
them, the user's votes on answers, staff's private notes and their @mentions, every e-mail
about the chat and the address of an offline question, the LINE user id and name) here and
in Rasa's tracker. The conversation row (times, state, language, channel, labels), its
waits for staff and its rating stay, with no text: they are anonymous, and every
satisfaction figure of the reports stays as it was (the chat's main topic is kept for the
satisfaction-by-topic figure). The retention purge erases every chat closed more than
``RETENTION_DAYS`` days ago.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

import requests
from sqlalchemy import delete, select

from assistant.extensions import db
from assistant.models import (
    AnswerFeedback,
    Conversation,
    Message,
    MessageReview,
    Note,
    NoteMention,
    OutboundEmail,
    Sender,
    State,
    main_topic,
    utcnow,
)

DEFAULT_RETENTION_DAYS = 365


class Trackers(Protocol):
    """Where Rasa keeps each conversation's tracker (the app's ``current_rasa()``)."""

    def replace_events(self, sender: str, events: list[dict[str, Any]]) -> None:
        """Replace a conversation's tracker events (``[]`` erases them)."""


def export(conversation: Conversation) -> dict[str, Any]:
    """What is stored about one conversation for its user, as JSON-ready data (no notes)."""
    rating, ticket = conversation.rating, conversation.ticket
    return {
        "conversation": {
            "id": conversation.id, "state": conversation.state.value,
            "language": conversation.language, "channel": conversation.channel,
            "contact_name": conversation.contact_name,
            "started_at": conversation.created_at.isoformat(),
            "closed_at": conversation.closed_at.isoformat() if conversation.closed_at else None,
            "erased_at": conversation.erased_at.isoformat() if conversation.erased_at else None,
        },
        "messages": [{"id": m.id, "sender": m.sender.value, "text": m.text,
                      "sent_at": m.created_at.isoformat(), "intent": m.intent,
                      "topic": m.topic, "sources": m.sources or []}
                     for m in conversation.messages],
        "answer_feedback": [{"message_id": m.id, "helpful": m.feedback.helpful,
                             "comment": m.feedback.comment}
                            for m in conversation.messages if m.feedback is not None],
        "rating": None if rating is None else {"level": rating.level,
                                                "rated_at": rating.created_at.isoformat()},
        "offline_question": None if ticket is None else {
            "reference": ticket.reference, "email": ticket.email, "status": ticket.status.value,
            "emails": [{"to": e.to_address, "subject": e.subject, "body": e.body,
                        "status": e.status} for e in ticket.emails]},
    }


def erase(conversation: Conversation, rasa: Trackers) -> dict[str, Any]:
    """Delete the transcript (here and in Rasa); keep the anonymous rating and timings."""
    messages = list(conversation.messages)
    if conversation.main_topic is None:
        conversation.main_topic = main_topic(
            m.topic for m in messages if m.topic and m.sender != Sender.USER)
    ids = [m.id for m in messages]
    db.session.execute(delete(AnswerFeedback)
                       .where(AnswerFeedback.conversation_id == conversation.id))
    if ids:
        db.session.execute(delete(MessageReview).where(MessageReview.message_id.in_(ids)))
        db.session.execute(delete(Message).where(Message.id.in_(ids)))
    notes = select(Note.id).where(Note.conversation_id == conversation.id)
    db.session.execute(delete(NoteMention).where(NoteMention.note_id.in_(notes)))
    db.session.execute(delete(Note).where(Note.conversation_id == conversation.id))
    db.session.execute(delete(OutboundEmail)
                       .where(OutboundEmail.conversation_id == conversation.id))
    if conversation.ticket is not None:
        conversation.ticket.email = None
    conversation.external_user_id = conversation.contact_name = None
    now = utcnow()
    conversation.erased_at = now
    if conversation.state != State.CLOSED:
        conversation.state, conversation.closed_at = State.CLOSED, conversation.closed_at or now
    db.session.commit()
    try:
        rasa.replace_events(conversation.id, [])
        tracker = "erased"
    except requests.RequestException:
        tracker = "unavailable: erase it when Rasa is back (flask privacy erase)"
    return {"erased": True, "messages_deleted": len(ids), "rasa_tracker": tracker}


def purge(older_than: dt.timedelta, rasa: Trackers) -> int:
    """Erase the transcripts of chats closed before ``older_than`` ago; how many."""
    due = db.session.scalars(
        select(Conversation).where(Conversation.closed_at < utcnow() - older_than,
                                   Conversation.erased_at.is_(None))).all()
    for conversation in due:
        erase(conversation, rasa)
    return len(due)
