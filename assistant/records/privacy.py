"""Personal data (Thailand's PDPA): a conversation's data on request, erasure, retention.

The export is the user's copy: staff's private notes are internal and stay out of it.
Erasing a conversation deletes its transcript (every message, the trainers' review marks of
them, the user's votes on answers, staff's private notes and their @mentions, every e-mail
about the chat and the address of an offline question, the LINE user id and name) here and
in Rasa's tracker. The conversation row (times, state, language, channel, labels), its
waits for staff and its rating stay, with no text: they are anonymous, and every
satisfaction figure of the reports stays as it was (the chat's main topic is kept for the
satisfaction-by-topic figure); so does its follow-up task, without its note or answer, and
so do its visits to the center (counted in the reports), without name, e-mail or purpose (a
request not yet confirmed is cancelled; a confirmed visit gets no reminder). The retention
purge erases every chat closed more than ``RETENTION_DAYS`` days ago.

Erasure has two steps, each with its own mark. Here: the rows above are deleted and
``erased_at`` set in one transaction, under the conversation row's lock; from then on nothing
is written to the chat (``writable``), not even a reply Rasa was still preparing. In Rasa:
with the SQL tracker store (scale-out profile) the chat's rows of Rasa's ``events`` table are
deleted directly (``RASA_TRACKER_DB_URL``): Rasa 3.6's HTTP API has no delete, and its SQL
store only appends, so ``PUT …/tracker/events []`` leaves every event in place. With Rasa's
default in-memory store that ``PUT`` replaces the tracker with an empty one, a real erasure.
Done, it sets ``rasa_erased_at``; when Rasa's store cannot be reached that stays empty and
the retention process finishes the job on a later round (``finish_in_rasa``).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, Optional, Protocol, cast

import requests
from flask import current_app
from sqlalchemy import CursorResult, create_engine, delete, func, select, text, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from assistant.extensions import db
from assistant.models import (
    AnswerFeedback,
    Conversation,
    FollowUpTask,
    Message,
    MessageReview,
    Note,
    NoteMention,
    OutboundEmail,
    Sender,
    State,
    VisitRequest,
    VisitStatus,
    main_topic,
    utcnow,
)

logger = logging.getLogger(__name__)
# Rasa 3.6's SQLTrackerStore: one row per event in table "events", keyed by "sender_id"
# (our conversation id).
DELETE_TRACKER = text("DELETE FROM events WHERE sender_id = :sender")
# Takes the conversation row's write lock until the transaction ends (a no-op update: the
# lock is the point). Writers and the erasure queue on it, so a write either commits before
# the erasure (and is erased with the rest) or sees it and is refused.
LOCK = "UPDATE conversations SET erased_at = erased_at WHERE id = :id"
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
            "id": conversation.id, "reference": conversation.reference,
            "state": conversation.state.value,
            "language": conversation.language, "channel": conversation.channel,
            "site": conversation.site, "contact_name": conversation.contact_name,
            "started_at": conversation.created_at.isoformat(),
            "closed_at": conversation.closed_at.isoformat() if conversation.closed_at else None,
            "erased_at": _iso(conversation.erased_at),
            "rasa_erased_at": _iso(conversation.rasa_erased_at),
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


def writable(conversation: Conversation) -> bool:
    """Lock the chat's row until the next commit; False (rolled back) if it was erased.

    Every write into a conversation (messages, Rasa's replies, ratings, notes, labels)
    starts here.
    """
    locked = cast(CursorResult[Any], db.session.execute(
        text(LOCK + " AND erased_at IS NULL"), {"id": conversation.id}))
    if locked.rowcount:
        return True
    db.session.rollback()
    return False


def erase(conversation: Conversation, rasa: Trackers, in_rasa: bool = True) -> dict[str, Any]:
    """Delete the transcript here, then Rasa's copy; keep the anonymous rating and timings.

    ``in_rasa=False`` leaves Rasa's copy to ``finish_in_rasa`` (the purge does all at once).
    """
    db.session.execute(text(LOCK), {"id": conversation.id})
    db.session.refresh(conversation)  # as it is now that nobody else can write to it
    of_chat = Message.conversation_id == conversation.id
    if conversation.main_topic is None:
        topics = db.session.scalars(select(Message.topic).where(
            of_chat, Message.sender != Sender.USER).order_by(Message.id))
        conversation.main_topic = main_topic(topic for topic in topics if topic)
    messages = select(Message.id).where(of_chat)
    deleted = db.session.scalar(select(func.count()).select_from(Message).where(of_chat)) or 0
    db.session.execute(delete(AnswerFeedback)
                       .where(AnswerFeedback.conversation_id == conversation.id))
    db.session.execute(delete(MessageReview).where(MessageReview.message_id.in_(messages)))
    db.session.execute(update(FollowUpTask).where(FollowUpTask.conversation_id == conversation.id)
                       .values(message_id=None, outcome_note=None))
    of_visits = VisitRequest.conversation_id == conversation.id
    db.session.execute(update(VisitRequest).where(
        of_visits, VisitRequest.status.in_([VisitStatus.REQUESTED, VisitStatus.PROPOSED]))
        .values(status=VisitStatus.CANCELLED))
    db.session.execute(update(VisitRequest).where(of_visits).values(
        name="", email="", purpose="", accept_token_hash=None))
    db.session.execute(delete(Message).where(of_chat))
    notes = select(Note.id).where(Note.conversation_id == conversation.id)
    db.session.execute(delete(NoteMention).where(NoteMention.note_id.in_(notes)))
    db.session.execute(delete(Note).where(Note.conversation_id == conversation.id))
    db.session.execute(delete(OutboundEmail)
                       .where(OutboundEmail.conversation_id == conversation.id))
    if conversation.ticket is not None:
        conversation.ticket.email = None
    conversation.external_user_id = conversation.contact_name = None
    now = utcnow()
    conversation.erased_at = conversation.erased_at or now
    conversation.rasa_erased_at = None
    if conversation.state != State.CLOSED:
        conversation.state, conversation.closed_at = State.CLOSED, conversation.closed_at or now
    db.session.commit()
    done = in_rasa and erase_in_rasa(conversation, rasa)
    return {"erased": True, "messages_deleted": deleted,
            "rasa_tracker": "erased" if done else "pending",
            "rasa_erased_at": _iso(conversation.rasa_erased_at)}


def erase_in_rasa(conversation: Conversation, rasa: Trackers) -> bool:
    """Erase Rasa's copy of an erased chat; sets ``rasa_erased_at``, or clears it on failure."""
    tracker_db = current_app.config.get("RASA_TRACKER_DB_URL") or ""
    try:
        if tracker_db:
            rows = delete_tracker_rows(tracker_db, conversation.id)
            logger.info("conversation %s: %d tracker event(s) deleted in Rasa's database",
                        conversation.id, rows)
        else:
            rasa.replace_events(conversation.id, [])  # in-memory store: replaced by nothing
    except (requests.RequestException, SQLAlchemyError) as error:
        logger.warning("conversation %s: Rasa's copy not erased yet, retried by the retention "
                       "process: %s", conversation.id, error)
        db.session.rollback()
        conversation.rasa_erased_at = None
        db.session.commit()
        return False
    conversation.rasa_erased_at = utcnow()
    db.session.commit()
    return True


def erase_in_rasa_later(conversation: Conversation) -> None:
    """Rasa may still write to the erased chat's tracker: the next retention round erases it."""
    db.session.rollback()
    conversation.rasa_erased_at = None
    db.session.commit()


def delete_tracker_rows(url: str, sender_id: str) -> int:
    """Delete ``sender_id``'s events from Rasa's SQL tracker store at ``url``; how many."""
    timeout = {"connect_timeout": 5} if url.startswith("postgresql") else {}
    engine = create_engine(url, poolclass=NullPool, connect_args=timeout)
    try:
        with engine.begin() as connection:
            result = connection.execute(DELETE_TRACKER, {"sender": sender_id})
            return int(result.rowcount)
    finally:
        engine.dispose()


def finish_in_rasa(rasa: Trackers) -> tuple[int, int]:
    """Erase Rasa's copy of the erased chats where that is pending: (done, still pending).

    Stops at the first failure (Rasa's store is away: the next round tries again).
    """
    pending = db.session.scalars(
        select(Conversation).where(Conversation.erased_at.is_not(None),
                                   Conversation.rasa_erased_at.is_(None))
        .order_by(Conversation.erased_at, Conversation.id)).all()
    done = 0
    for conversation in pending:
        if not erase_in_rasa(conversation, rasa):
            break
        done += 1
    return done, len(pending) - done


def purge(older_than: dt.timedelta, rasa: Trackers) -> int:
    """Erase the transcripts of chats closed before ``older_than`` ago; how many.

    Rasa's copies are erased afterwards by ``finish_in_rasa``.
    """
    due = db.session.scalars(
        select(Conversation).where(Conversation.closed_at < utcnow() - older_than,
                                   Conversation.erased_at.is_(None))).all()
    for conversation in due:
        erase(conversation, rasa, in_rasa=False)
    return len(due)


def _iso(moment: Optional[dt.datetime]) -> Optional[str]:
    return moment.isoformat() if moment else None
