"""Conversation lifecycle: start, find, close (asking the satisfaction question once), rate.

Messages written outside a request of the user (the question of a staff or idle close, staff
replies and notices) are committed, then announced on ``events.messages_written``: the
user's channel delivers them.

Nothing is written to an erased conversation: every write first takes the conversation
row's lock (``claim``, i.e. ``privacy.writable``) and gets a 410 error once the chat was
erased, even a reply that Rasa sends back after an erasure made while it was answering.
"""

from __future__ import annotations

import datetime as dt
from typing import List, Optional

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from assistant.chat import events, followup_opening
from assistant.chat.errors import ConversationError
from assistant.chat.satisfaction import question
from assistant.extensions import db
from assistant.models import Conversation, Message, Rating, Sender, State, utcnow
from assistant.records import privacy
from common.texts import RATING_THANKS


def erased_error() -> ConversationError:
    """410: the chat was erased, nothing more is stored in it."""
    return ConversationError(410, "conversation_erased",
                             "This conversation was erased: nothing more can be added to it.")


def claim(conversation: Conversation) -> None:
    """Lock the conversation for a write until the next commit; a 410 error if erased."""
    if not privacy.writable(conversation):
        raise erased_error()


def start(channel: str = "web") -> Conversation:
    """A new conversation with the bot, with no access token (widget: ``start_with_token``)."""
    return _stored(Conversation(channel=channel, state=State.BOT))


def start_with_token(site: Optional[str] = None) -> tuple[Conversation, str]:
    """A new web chat and its user's access token, given only now (its hash is kept).

    ``site``: the origin of the page it started on (None: the center's own site).
    """
    conversation = Conversation(channel="web", state=State.BOT, site=site)
    token = conversation.new_access_token()
    return _stored(conversation), token


def _stored(conversation: Conversation) -> Conversation:
    db.session.add(conversation)
    db.session.commit()
    return conversation


def find(conversation_id: str) -> Conversation:
    """The conversation, or a 404 error."""
    conversation = db.session.get(Conversation, conversation_id)
    if conversation is None:
        raise ConversationError(404, "unknown_conversation", "No conversation with this id.")
    return conversation


def find_authorized(conversation_id: str, token: Optional[str]) -> Conversation:
    """The conversation if ``token`` is its access token, else a 404, 403 or 401 error.

    Chats of other channels, and web chats started before access tokens existed, have none:
    nothing opens them (403 ``no_access_token``); the center exports or erases them on request.
    """
    conversation = find(conversation_id)
    if conversation.access_token_hash is None:
        raise ConversationError(403, "no_access_token",
                                "This chat has no access token: ask the center to export or "
                                "erase it.")
    if not token:
        raise ConversationError(401, "access_token_required",
                                "Send the chat's access token: Authorization: Bearer <token>.")
    if not conversation.opens_with(token):
        raise ConversationError(401, "invalid_access_token",
                                "This is not the chat's access token.")
    return conversation


def mark_closed(conversation: Conversation, asked: bool = True) -> None:
    """Closed from now (or since an earlier close); ``asked``: the question went with it."""
    now = utcnow()
    conversation.state = State.CLOSED
    conversation.closed_at = conversation.closed_at or now
    if asked:
        conversation.satisfaction_asked_at = conversation.satisfaction_asked_at or now


def _has_user_message(conversation: Conversation) -> bool:
    return db.session.scalar(select(Message.id).where(
        Message.conversation_id == conversation.id, Message.sender == Sender.USER)
        .limit(1)) is not None


def close(conversation: Conversation, language: Optional[str] = None) -> List[Message]:
    """Close the conversation; the satisfaction question is asked once, at the first close.

    A chat in which the user wrote nothing is closed without the question: there is
    nothing to rate. ``language``: the one to ask it in (default: the chat's).
    """
    claim(conversation)
    conversation.language = language or conversation.language
    if conversation.satisfaction_asked_at is not None or not _has_user_message(conversation):
        mark_closed(conversation, asked=False)
        db.session.commit()
        return []
    asked = question(conversation.language)
    message = Message(conversation=conversation, sender=Sender.BOT, text=asked["text"],
                      buttons=asked["buttons"], language=conversation.language,
                      details={"satisfaction_question": True})
    mark_closed(conversation)
    return commit_and_deliver(message)


def check_asked(conversation: Conversation) -> None:
    """A 409 error unless the chat was asked the satisfaction question."""
    if conversation.satisfaction_asked_at is None:
        raise ConversationError(409, "not_asked",
                                "This conversation was not asked the satisfaction question.")


def rate(conversation: Conversation, level: object, by_link: bool = False) -> Message:
    """Store (or replace) the conversation's rating and thank the user.

    Only a chat that was asked the question may be rated, or one whose user followed the
    rating link of an answer e-mail (``by_link``). A low rating opens a follow-up task.
    """
    if not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= 5:
        raise ConversationError(422, "invalid_level", "level must be an integer from 1 to 5.")
    claim(conversation)
    if not by_link:
        check_asked(conversation)
    rating = conversation.rating or Rating(conversation=conversation)
    rating.level = level
    rating.language = conversation.language
    rating.handled_by = "staff" if conversation.staff_involved else "bot"
    if conversation.state != State.CLOSED:
        mark_closed(conversation)
    thanks = Message(conversation=conversation, sender=Sender.BOT,
                     text=RATING_THANKS[conversation.language], language=conversation.language,
                     details={"satisfaction_level": level})
    db.session.add_all([rating, thanks])
    followup_opening.after_rating(conversation, level)
    db.session.commit()
    return thanks


def replies_after(conversation_id: str, after_id: int) -> List[Message]:
    """Bot and staff messages newer than ``after_id`` (for polling and the push channel)."""
    query = (select(Message)
             .where(Message.conversation_id == conversation_id, Message.id > after_id,
                    Message.sender != Sender.USER)
             .options(selectinload(Message.feedback)).order_by(Message.id))
    return list(db.session.scalars(query))


def commit_and_deliver(message: Message) -> List[Message]:
    """Commit, then have it sent to the user's channel (the widget reads its event stream)."""
    db.session.add(message)
    db.session.commit()
    events.messages_written.send(message.conversation, messages=[message])
    return [message]


def close_inactive(idle: dt.timedelta) -> int:
    """Close chats with the bot or staff whose last message is older than ``idle``.

    Each gets the satisfaction question (once, as for any close). Chats waiting for staff
    stay open: the wait is on the center's side. Returns how many were closed.
    """
    last_message = (select(Message.conversation_id, func.max(Message.created_at).label("last"))
                    .group_by(Message.conversation_id).subquery())
    idle_chats = db.session.scalars(
        select(Conversation)
        .join(last_message, last_message.c.conversation_id == Conversation.id)
        .where(Conversation.state.in_([State.BOT, State.WITH_STAFF]),
               last_message.c.last < utcnow() - idle)).all()
    closed = 0
    for conversation in idle_chats:
        try:
            close(conversation)
            closed += 1
        except ConversationError:  # erased meanwhile: nothing to close
            continue
    return closed
