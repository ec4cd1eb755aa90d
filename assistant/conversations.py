"""Conversation store operations: start, post a message, close, rate.

Every user message is committed before it is forwarded anywhere. Bot replies come from Rasa
(the conversation id is Rasa's sender id) and are stored with their metadata; if Rasa or the
action server cannot answer, the user gets a polite message in their language and the
conversation waits for staff, so nothing is lost.

Nothing is written to an erased conversation: every write first takes the conversation
row's lock (``privacy.writable``) and gets a 410 error once the chat was erased, even a reply
that Rasa sends back after an erasure made while it was answering.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any, Dict, List, Optional

import requests
from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from assistant import assignment, channels, offline, privacy
from assistant.domain import entities, intents
from assistant.extensions import db
from assistant.models import (
    LANGUAGES,
    Conversation,
    Handoff,
    Message,
    Rating,
    Sender,
    State,
    User,
    known_language,
    utcnow,
)
from assistant.nlu.language import detect_language
from assistant.rasa_client import Reply
from assistant.rasa_pool import RasaPool
from assistant.satisfaction import RATING_PAYLOAD, question
from knowledge.articles import Article

PAYLOAD = re.compile(r"/[a-z_]+(\{.*\})?", re.DOTALL)
UNAVAILABLE = {
    "en": (
        "Sorry, the assistant is not available right now. Your message is saved and a staff "
        "member of the center will answer here as soon as possible."
    ),
    "th": (
        "ขออภัยค่ะ ขณะนี้ระบบผู้ช่วยไม่พร้อมให้บริการ ข้อความของคุณถูกบันทึกไว้แล้ว "
        "เจ้าหน้าที่ของศูนย์จะตอบกลับในแชตนี้โดยเร็วที่สุดค่ะ"
    ),
}
RATING_THANKS = {
    "en": "Thank you for your feedback! It helps us improve the service.",
    "th": "ขอบคุณสำหรับความคิดเห็นค่ะ ข้อมูลนี้ช่วยให้เราพัฒนาบริการได้ดียิ่งขึ้น",
}


class ConversationError(Exception):
    """A request the store refuses, with the HTTP status and a machine-readable code."""

    def __init__(self, status: int, code: str, message: str) -> None:
        """Remember status, code and message."""
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def erased_error() -> ConversationError:
    """410: the chat was erased, nothing more is stored in it."""
    return ConversationError(410, "conversation_erased",
                             "This conversation was erased: nothing more can be added to it.")


def claim(conversation: Conversation) -> None:
    """Lock the conversation for a write until the next commit; a 410 error if erased."""
    if not privacy.writable(conversation):
        raise erased_error()


def start(channel: str = "web") -> Conversation:
    """A new conversation with the bot."""
    conversation = Conversation(channel=channel, state=State.BOT)
    db.session.add(conversation)
    db.session.commit()
    return conversation


def find(conversation_id: str) -> Conversation:
    """The conversation, or a 404 error."""
    conversation = db.session.get(Conversation, conversation_id)
    if conversation is None:
        raise ConversationError(404, "unknown_conversation", "No conversation with this id.")
    return conversation


def validate_input(text: Any, payload: Any, max_length: int) -> tuple[str, Optional[str]]:
    """(text to forward, payload or None) from a request, or a 4xx error.

    Rasa reads any text starting with "/" as an intent with entities, so such text is
    checked, and forwarded, exactly like a payload.
    """
    if (text is None) == (payload is None):
        raise ConversationError(400, "text_or_payload", 'Send either "text" or "payload".')
    if payload is None and isinstance(text, str) and text.strip().startswith("/"):
        payload = text.strip()
    if payload is not None:
        checked = validate_payload(payload, max_length)
        return checked, checked
    return validate_text(text, max_length), None


def validate_payload(payload: Any, max_length: int) -> str:
    """A button payload ``/intent`` or ``/intent{"entity": "value"}``, or a 422 error.

    The intent must be in the domain, each entity a domain entity with a plain value, and a
    ``language`` entity en or th.
    """
    if not isinstance(payload, str) or len(payload) > max_length \
            or not PAYLOAD.fullmatch(payload):
        raise ConversationError(422, "invalid_payload",
                                'A payload looks like "/intent" or "/intent{...}".')
    name, _, body = payload[1:].partition("{")
    if name not in intents():
        raise ConversationError(422, "unknown_intent", "The payload names no known intent.")
    try:
        values = json.loads("{" + body) if body else {}
    except ValueError as error:
        raise ConversationError(422, "invalid_payload",
                                "The payload's entities are not valid JSON.") from error
    for entity, value in values.items():
        if entity not in entities() or isinstance(value, bool) \
                or not isinstance(value, (str, int, float)):
            raise ConversationError(422, "invalid_payload",
                                    f"The payload's entity {entity!r} is not allowed.")
        if entity == "language" and value not in LANGUAGES:
            raise ConversationError(422, "invalid_payload", "language must be en or th.")
    return payload


def validate_text(text: Any, max_length: int) -> str:
    """A message's text, stripped, or a 4xx error (empty, not a string, too long)."""
    if not isinstance(text, str) or not text.strip():
        raise ConversationError(400, "empty_text", "The message text is empty.")
    if len(text) > max_length:
        raise ConversationError(413, "text_too_long",
                                f"The message is longer than {max_length} characters.")
    return text.strip()


def post_user_message(conversation: Conversation, text: str, payload: Optional[str],
                      rasa: RasaPool, external_id: Optional[str] = None) -> List[Message]:
    """Store the user's message, forward it if the bot is answering; return the replies.

    ``external_id`` is the channel's id of the event (LINE), kept so it is stored once.
    """
    guess = detect_language(text) if payload is None else None
    claim(conversation)
    rating = RATING_PAYLOAD.match(payload or "")
    if conversation.state == State.CLOSED and not rating:
        raise ConversationError(409, "conversation_closed", "This conversation is closed.")
    if rating:
        _check_asked(conversation)
    if guess:
        conversation.language = guess.language
    db.session.add(Message(conversation=conversation, sender=Sender.USER, text=text,
                           payload=payload, language=guess.language if guess else None,
                           external_id=external_id))
    db.session.commit()  # stored before it goes anywhere
    if rating:
        return [rate(conversation, int(rating.group(1)))]
    if conversation.state != State.BOT:  # staff answer from the console
        claim(conversation)
        waiting = offline.answer_waiting_user(conversation, text)
        return [waiting] if waiting else []
    try:
        replies = rasa.send(conversation.id, text)
        tracker = rasa.tracker(conversation.id, include_events="NONE")
    except requests.RequestException:
        return [_unavailable(conversation, rasa)]
    return _store_bot_replies(conversation, replies, tracker, rasa)


def _claim_for_bot(conversation: Conversation, rasa: Optional[RasaPool], answered: bool) -> None:
    """Claim the chat for what the bot says after its Rasa turn; an erased chat gets nothing.

    A chat erased while Rasa was answering: the reply is dropped (and logged), and Rasa's
    copy is erased again, since Rasa saved this turn after the erasure deleted the tracker.
    When Rasa did not answer in time it may still be saving: the next retention round
    erases its copy.
    """
    if privacy.writable(conversation):
        return
    current_app.logger.warning("conversation %s was erased during its Rasa turn: the bot's "
                               "reply is dropped", conversation.id)
    if answered:
        privacy.erase_in_rasa(conversation, rasa or current_app.extensions["rasa"])
    else:
        privacy.erase_in_rasa_later(conversation)
    raise erased_error()


def _store_bot_replies(conversation: Conversation, replies: List[Reply],
                       tracker: Dict[str, Any], rasa: Optional[RasaPool] = None,
                       ) -> List[Message]:
    _claim_for_bot(conversation, rasa, answered=True)
    latest_intent = (tracker.get("latest_message") or {}).get("intent") or {}
    slots = tracker.get("slots") or {}
    chosen = slots.get("language_preference") or slots.get("language")  # as replies choose
    conversation.language = known_language(chosen, conversation.language)
    stored = []
    for reply in replies:
        meta = reply.metadata
        message = Message(
            conversation=conversation, sender=Sender.BOT, text=reply.text,
            buttons=reply.buttons, intent=meta.get("intent") or latest_intent.get("name"),
            confidence=meta.get("confidence", latest_intent.get("confidence")),
            topic=meta.get("topic"), article_ids=meta.get("article_ids") or [],
            sources=meta.get("sources") or [],
            language=known_language(meta.get("language"), conversation.language), details=meta,
        )
        stored.append(message)
        db.session.add(message)
        if meta.get("handoff"):
            _wait_for_staff(conversation)
            if offline.applies():  # nobody to join: offer to answer by e-mail instead
                message.text = offline.open_ticket(conversation)
                message.details = {**meta, "offline_offer": True, "assistant_text": reply.text}
        if any(b.get("payload", "").startswith("/rate_satisfaction") for b in reply.buttons):
            _mark_closed(conversation)
    db.session.commit()
    return stored


def _unavailable(conversation: Conversation, rasa: RasaPool) -> Message:
    """Rasa or the action server did not answer: apologise and queue for staff."""
    _claim_for_bot(conversation, rasa, answered=False)
    _wait_for_staff(conversation)
    offline_offer = offline.applies()
    text = (offline.open_ticket(conversation) if offline_offer
            else UNAVAILABLE[conversation.language])
    message = Message(conversation=conversation, sender=Sender.BOT, text=text,
                      language=conversation.language,
                      details={"assistant_unavailable": True, "offline_offer": offline_offer})
    db.session.add(message)
    db.session.commit()
    return message


def _wait_for_staff(conversation: Conversation) -> None:
    if conversation.waiting_since is None:  # a new wait, timed from now (reports)
        conversation.waiting_since = utcnow()
        db.session.add(Handoff(conversation_id=conversation.id,
                               requested_at=conversation.waiting_since))
        assignment.assign_automatically(conversation)
    conversation.state = State.WAITING_FOR_STAFF


def _mark_closed(conversation: Conversation, asked: bool = True) -> None:
    now = utcnow()
    conversation.state = State.CLOSED
    conversation.closed_at = conversation.closed_at or now
    if asked:
        conversation.satisfaction_asked_at = conversation.satisfaction_asked_at or now


def _has_user_message(conversation: Conversation) -> bool:
    return db.session.scalar(select(Message.id).where(
        Message.conversation_id == conversation.id, Message.sender == Sender.USER)
        .limit(1)) is not None


def close(conversation: Conversation) -> List[Message]:
    """Close the conversation; the satisfaction question is asked once, at the first close.

    A chat in which the user wrote nothing is closed without the question: there is
    nothing to rate.
    """
    claim(conversation)
    if conversation.satisfaction_asked_at is not None or not _has_user_message(conversation):
        _mark_closed(conversation, asked=False)
        db.session.commit()
        return []
    asked = question(conversation.language)
    message = Message(conversation=conversation, sender=Sender.BOT, text=asked["text"],
                      buttons=asked["buttons"], language=conversation.language,
                      details={"satisfaction_question": True})
    _mark_closed(conversation)
    return _commit_and_deliver(message)


def _check_asked(conversation: Conversation) -> None:
    """A 409 error unless the chat was asked the satisfaction question."""
    if conversation.satisfaction_asked_at is None:
        raise ConversationError(409, "not_asked",
                                "This conversation was not asked the satisfaction question.")


def rate(conversation: Conversation, level: object, signed_link: bool = False) -> Message:
    """Store (or replace) the conversation's rating and thank the user.

    Only a chat that was asked the question may be rated, or one whose user followed the
    signed rating link of an answer e-mail (``signed_link``).
    """
    if not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= 5:
        raise ConversationError(422, "invalid_level", "level must be an integer from 1 to 5.")
    claim(conversation)
    if not signed_link:
        _check_asked(conversation)
    rating = conversation.rating or Rating(conversation=conversation)
    rating.level = level
    rating.language = conversation.language
    rating.handled_by = "staff" if conversation.staff_involved else "bot"
    if conversation.state != State.CLOSED:
        _mark_closed(conversation)
    thanks = Message(conversation=conversation, sender=Sender.BOT,
                     text=RATING_THANKS[conversation.language], language=conversation.language,
                     details={"satisfaction_level": level})
    db.session.add_all([rating, thanks])
    db.session.commit()
    return thanks


def replies_after(conversation_id: str, after_id: int) -> List[Message]:
    """Bot and staff messages newer than ``after_id`` (for polling and the push channel)."""
    query = (select(Message)
             .where(Message.conversation_id == conversation_id, Message.id > after_id,
                    Message.sender != Sender.USER)
             .options(selectinload(Message.feedback)).order_by(Message.id))
    return list(db.session.scalars(query))



STAFF_NOTICES = {
    "joined": {"en": "{name} from the center has joined the chat.",
               "th": "คุณ{name} เจ้าหน้าที่ของศูนย์ เข้าร่วมการสนทนาแล้วค่ะ"},
    "handed_back": {"en": "You are back with the assistant. Ask anything else at any time.",
                    "th": "กลับมาคุยกับผู้ช่วยอัตโนมัติแล้วค่ะ ถามเรื่องอื่นได้ตลอดนะคะ"},
}


def _commit_and_deliver(message: Message) -> List[Message]:
    """Commit, then send to the user's channel (the widget reads its event stream)."""
    db.session.add(message)
    db.session.commit()
    channels.deliver([message])
    return [message]


def _staff_message(conversation: Conversation, user: User, text: str,
                   **details: Any) -> Message:
    message = Message(conversation=conversation, sender=Sender.STAFF, text=text,
                      language=conversation.language, staff_user_id=user.id, details=details)
    db.session.add(message)
    return message


def take_over(conversation: Conversation, user: User) -> Message:
    """A staff member takes the chat: it is assigned to them and the user is told."""
    claim(conversation)
    if conversation.state == State.CLOSED:
        raise ConversationError(409, "conversation_closed", "This conversation is closed.")
    for handoff in conversation.handoffs:
        if handoff.taken_at is None:
            handoff.taken_at, handoff.staff_user_id = utcnow(), user.id
    conversation.state = State.WITH_STAFF
    conversation.assigned_to = user
    conversation.staff_involved = True
    conversation.waiting_since = None
    notice = STAFF_NOTICES["joined"][conversation.language].format(name=user.name)
    message = _staff_message(conversation, user, notice, notice="joined")
    return _commit_and_deliver(message)[0]


def staff_reply(conversation: Conversation, user: User, text: str, max_length: int) -> Message:
    """A staff member's answer; the conversation must be with staff."""
    claim(conversation)
    if conversation.state != State.WITH_STAFF:
        raise ConversationError(409, "not_with_staff", "Take the conversation over first.")
    message = _staff_message(conversation, user, validate_text(text, max_length))
    return _commit_and_deliver(message)[0]


def send_article(conversation: Conversation, user: User, article: Article) -> Message:
    """A staff member sends a knowledge article (short answer and source) to the user."""
    claim(conversation)
    if conversation.state != State.WITH_STAFF:
        raise ConversationError(409, "not_with_staff", "Take the conversation over first.")
    language = conversation.language
    message = _staff_message(conversation, user,
                             f"{article.title[language]}\n\n{article.answer[language]}")
    message.topic = article.topic
    message.article_ids = [article.id]
    message.sources = [{"title": s.title, "url": s.url} for s in article.sources]
    return _commit_and_deliver(message)[0]


def hand_back(conversation: Conversation, user: User) -> Message:
    """Return the chat to the bot."""
    claim(conversation)
    if conversation.state != State.WITH_STAFF:
        raise ConversationError(409, "not_with_staff", "Only a chat with staff can be handed back.")
    conversation.state = State.BOT
    conversation.assigned_to = None
    message = _staff_message(conversation, user,
                             STAFF_NOTICES["handed_back"][conversation.language],
                             notice="handed_back")
    return _commit_and_deliver(message)[0]


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
