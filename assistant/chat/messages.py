"""A user's message: checked, stored before it goes anywhere, answered by Rasa or by staff.

Every user message is committed before it is forwarded anywhere. Bot replies come from Rasa
(the conversation id is Rasa's sender id) while the chat is the bot's or waits on an offline
question (``offline``), and are stored with their metadata; if Rasa or the
action server cannot answer, the user gets a polite message in their language and the
conversation waits for staff, so nothing is lost.

Nothing is stored in an erased chat (``conversations.claim``): a reply Rasa sends back after
an erasure made while it was answering is dropped.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any, Dict, List, Optional, Protocol

import requests
from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from assistant.chat import conversations, events, handoffs, offline, visits
from assistant.chat.domain import entities, intents
from assistant.chat.errors import ConversationError
from assistant.chat.satisfaction import RATING_PAYLOAD
from assistant.extensions import db
from assistant.models import (
    LANGUAGES,
    Conversation,
    Handoff,
    Message,
    Sender,
    State,
    known_language,
    utcnow,
)
from assistant.rasa import current_rasa
from assistant.records import privacy
from common.rasa_client import Reply
from nlu.language import detect_language

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


class Bot(Protocol):
    """What the chat core asks of Rasa: the app's ``current_rasa()``, a fake in tests."""

    def send(self, sender: str, text: str) -> List[Reply]:
        """Forward a user message (text or payload); the bot's replies."""

    def tracker(self, sender: str, include_events: str = "ALL") -> Dict[str, Any]:
        """The conversation's tracker: slots and the latest message."""


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


def client_message_id(value: Any) -> Optional[str]:
    """The stored id of an API message from its ``client_id`` (a UUID), or a 422 error."""
    if value is None:
        return None
    try:
        if isinstance(value, str):
            return f"web:{uuid.UUID(value)}"
    except ValueError:
        pass
    raise ConversationError(422, "invalid_client_id", '"client_id" must be a UUID.')


def post_user_message(conversation: Conversation, text: str, payload: Optional[str],
                      rasa: Bot, external_id: Optional[str] = None,
                      handoff_check: Optional[handoffs.HandoffCheck] = None) -> List[Message]:
    """Store the user's message, forward it if the bot is answering; return the replies.

    ``external_id`` is the channel's id of the message (a LINE event, a widget's
    ``client_id``): a message sent again with it is stored once (``_sent_again``).
    ``handoff_check`` is the channel's limit on new waits for staff (``handoffs``).
    """
    guess = detect_language(text) if payload is None else None
    earlier = _stored_as(external_id)
    if earlier is not None:
        return _sent_again(conversation, earlier, rasa, handoff_check)
    conversations.claim(conversation)
    rating = RATING_PAYLOAD.match(payload or "")
    if conversation.state == State.CLOSED and not rating:
        raise ConversationError(409, "conversation_closed", "This conversation is closed.")
    if rating:
        conversations.check_asked(conversation)
    if guess:
        conversation.language = guess.language
    db.session.add(Message(conversation=conversation, sender=Sender.USER, text=text,
                           payload=payload, language=guess.language if guess else None,
                           external_id=external_id))
    try:
        db.session.commit()  # stored before it goes anywhere
    except IntegrityError:  # the same message, sent again at the same moment, came first
        db.session.rollback()
        earlier = _stored_as(external_id)
        if earlier is None:
            raise
        return _sent_again(conversation, earlier, rasa, handoff_check)
    if rating:
        return [conversations.rate(conversation, int(rating.group(1)))]
    return _answer(conversation, text, rasa, handoff_check)


def _stored_as(external_id: Optional[str]) -> Optional[Message]:
    """The message stored with ``external_id``, if any."""
    if external_id is None:
        return None
    return db.session.scalar(select(Message).where(Message.external_id == external_id))


def _sent_again(conversation: Conversation, earlier: Message, rasa: Bot,
                handoff_check: Optional[handoffs.HandoffCheck]) -> List[Message]:
    """A message the client sent again (its first request failed on the way back).

    Nothing is stored twice: the replies stored since are returned; if there are none and the
    bot still has the chat (the first attempt died before Rasa answered), it is answered now.
    """
    if earlier.conversation_id != conversation.id:
        raise ConversationError(409, "client_id_used",
                                "This client_id belongs to another conversation.")
    replies = conversations.replies_after(conversation.id, earlier.id)
    if replies or conversation.state != State.BOT or earlier.payload is not None:
        return replies
    conversations.claim(conversation)
    return _answer(conversation, earlier.text, rasa, handoff_check)


def _answer(conversation: Conversation, text: str, rasa: Bot,
            handoff_check: Optional[handoffs.HandoffCheck]) -> List[Message]:
    """Forward a stored message to Rasa (or leave it for staff); the replies stored."""
    if conversation.state != State.BOT:
        conversations.claim(conversation)
        registered = offline.take_email(conversation, text)
        db.session.commit()  # releases the lock
        if registered:
            return [registered]
        if not offline.request_pending(conversation):  # staff answer from the console
            return []
    try:
        replies = rasa.send(conversation.id, text)
        tracker = rasa.tracker(conversation.id, include_events="NONE")
    except requests.RequestException:
        return _unavailable(conversation)
    return store_bot_replies(conversation, replies, tracker, handoff_check)


def _claim_for_bot(conversation: Conversation, answered: bool) -> bool:
    """Claim the chat for what the bot says after its Rasa turn; False: say nothing.

    The row stays locked until the commit and is read again under the lock: a chat that
    left the bot meanwhile (a staff member took it over, another message handed it off or
    closed it) keeps its new state and the bot's reply is dropped.
    A chat erased while Rasa was answering: the reply is dropped (and logged), and Rasa's
    copy is erased again, since Rasa saved this turn after the erasure deleted the tracker.
    When Rasa did not answer in time it may still be saving: the next retention round
    erases its copy.
    """
    if privacy.writable(conversation):
        db.session.refresh(conversation)
        if conversation.state == State.BOT or offline.request_pending(conversation):
            return True
        current_app.logger.info("conversation %s left the bot during its Rasa turn (now %s): "
                                "the bot's reply is dropped", conversation.id,
                                conversation.state.value)
        db.session.rollback()  # releases the lock
        return False
    current_app.logger.warning("conversation %s was erased during its Rasa turn: the bot's "
                               "reply is dropped", conversation.id)
    if answered:
        privacy.erase_in_rasa(conversation, current_rasa())
    else:
        privacy.erase_in_rasa_later(conversation)
    raise conversations.erased_error()


def store_bot_replies(conversation: Conversation, replies: List[Reply],
                      tracker: Dict[str, Any],
                      handoff_check: Optional[handoffs.HandoffCheck] = None) -> List[Message]:
    """Store Rasa's replies with their metadata; a hand-off reply starts a wait for staff.

    Unless ``handoff_check`` refuses it (over the client's limit): then the user is told.
    A reply with a sign of danger (``danger`` in its metadata) makes the chat urgent; one
    with a ``visit_request`` stores the request (``visits.from_reply``).
    Nothing is stored when the chat left the bot during the turn (``_claim_for_bot``).
    """
    if not _claim_for_bot(conversation, answered=True):
        return []
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
        if meta.get("danger"):  # the emergency help: staff see the chat first
            conversation.urgent = True
        if meta.get("handoff"):
            _hand_off(conversation, message, handoff_check)
        if "visit_request" in meta:  # the visit form's end: staff confirm by e-mail
            visits.from_reply(conversation, message)
        if any(b.get("payload", "").startswith("/rate_satisfaction") for b in reply.buttons):
            conversations.mark_closed(conversation)
    db.session.commit()
    return stored


def _hand_off(conversation: Conversation, message: Message,
              check: Optional[handoffs.HandoffCheck]) -> None:
    """The bot's reply ``message`` asks for staff: a wait, an offline question, or a refusal."""
    details, said = message.details, message.text
    if conversation.waiting_since is None and not handoffs.allowed(check):
        message.text = handoffs.text("limited", conversation.language)
        message.details = {**details, "handoff_limited": True, "assistant_text": said}
        return
    wait_for_staff(conversation)
    if offline.applies():  # nobody to join: offer to answer by e-mail instead
        message.text = offline.open_ticket(conversation)
        message.details = {**details, "offline_offer": True, "assistant_text": said}


def _unavailable(conversation: Conversation) -> List[Message]:
    """Rasa or the action server did not answer: apologise and queue for staff."""
    if not _claim_for_bot(conversation, answered=False):
        return []
    wait_for_staff(conversation)
    offline_offer = offline.applies()
    text = (offline.open_ticket(conversation) if offline_offer
            else UNAVAILABLE[conversation.language])
    message = Message(conversation=conversation, sender=Sender.BOT, text=text,
                      language=conversation.language,
                      details={"assistant_unavailable": True, "offline_offer": offline_offer})
    db.session.add(message)
    db.session.commit()
    return [message]


def wait_for_staff(conversation: Conversation) -> None:
    """The chat waits for staff; a new wait is timed from now and announced (the caller commits).

    ``events.handoff_requested`` lets assignment give the chat to someone before the commit.
    """
    if conversation.waiting_since is None:  # a new wait, timed from now (reports)
        conversation.waiting_since = utcnow()
        db.session.add(Handoff(conversation_id=conversation.id,
                               requested_at=conversation.waiting_since))
        events.handoff_requested.send(conversation)
    conversation.state = State.WAITING_FOR_STAFF
