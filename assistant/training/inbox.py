"""The review inbox: user messages worth a trainer's look, with the prediction behind them.

A message is listed when the NLU was unsure about it (confidence below
``LOW_CONFIDENCE``) or did not understand it (fallback), when the answer to it said the
knowledge base has no answer (``unanswered``) or was marked not helpful by the user (👎), or
when its chat was rated Dissatisfied or worse, or asked for staff (taken over or not). The
prediction is the intent and confidence of the bot's first answer after the message. Each
item carries its context: the earlier turns of the chat and the replies to the message.
Messages a trainer has annotated or dismissed leave the inbox (``MessageReview``), and are
listed again with "Include reviewed". Trainers open and annotate only messages of the inbox
(:func:`in_inbox`), reviewed or not, not any message by its id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from sqlalchemy import Select, Text, cast, or_, select
from sqlalchemy.orm import selectinload

from assistant.extensions import db
from assistant.models import (
    AnswerFeedback,
    Conversation,
    Handoff,
    Message,
    MessageReview,
    Rating,
    Sender,
)

LOW_CONFIDENCE = 0.7
FALLBACK_INTENT = "nlu_fallback"
REASONS = {
    "unanswered": "no answer in the knowledge base",
    "not_helpful": "answer marked not helpful",
    "fallback": "not understood",
    "low_confidence": f"confidence below {LOW_CONFIDENCE:.0%}",
    "dissatisfied": "chat rated Dissatisfied or worse",
    "handed_off": "chat taken over by staff",
    "asked_for_staff": "chat asked for staff (not taken over)",
}
SCANNED_CONVERSATIONS = 300
CONTEXT_TURNS = 3  # earlier user turns (with their replies) shown with an item


@dataclass
class ReviewItem:
    """A user message, why it is in the inbox, and its place in the chat."""

    message: Message
    intent: Optional[str]
    confidence: Optional[float]
    reasons: list[str] = field(default_factory=list)
    reviewed: Optional[MessageReview] = None
    context: list[Message] = field(default_factory=list)  # earlier turns, oldest first
    replies: list[Message] = field(default_factory=list)  # bot and staff answers to it


def is_unanswered(message: Message) -> bool:
    """A bot reply saying the knowledge base has no answer (metadata ``unanswered: true``)."""
    return message.sender == Sender.BOT and (message.details or {}).get("unanswered") is True


def is_not_helpful(message: Message) -> bool:
    """A knowledge answer the user marked 👎."""
    return message.feedback is not None and not message.feedback.helpful


def _prediction(replies: list[Message]) -> tuple[Optional[str], Optional[float]]:
    for reply in replies:
        if reply.sender == Sender.BOT and reply.intent:
            return reply.intent, reply.confidence
    return None, None


def prediction_for(message: Message) -> tuple[Optional[str], Optional[float]]:
    """The intent and confidence the bot answered ``message`` with (None: no bot answer)."""
    messages = message.conversation.messages
    return _prediction(_replies(messages, messages.index(message)))


def _replies(messages: list[Message], index: int) -> list[Message]:
    """The messages after ``messages[index]`` up to the next user message."""
    replies = []
    for later in messages[index + 1:]:
        if later.sender == Sender.USER:
            break
        replies.append(later)
    return replies


def _context(messages: list[Message], index: int) -> list[Message]:
    """The ``CONTEXT_TURNS`` user turns before ``messages[index]``, with their replies."""
    start, turns = index, 0
    while start > 0 and turns < CONTEXT_TURNS:
        start -= 1
        turns += messages[start].sender == Sender.USER
    return messages[start:index]


def _candidates() -> Select[Conversation]:
    """Conversations that may hold inbox items (``items_of`` decides which messages)."""
    unsure = select(Message.conversation_id).where(
        Message.sender == Sender.BOT,
        or_(Message.intent == FALLBACK_INTENT, Message.confidence < LOW_CONFIDENCE,
            cast(Message.details, Text).like('%"unanswered"%')))  # is_unanswered decides
    unhappy = select(Rating.conversation_id).where(Rating.level <= 2)
    handed_off = select(Handoff.conversation_id)
    not_helpful = select(AnswerFeedback.conversation_id).where(AnswerFeedback.helpful.is_(False))
    return (select(Conversation)
            .where(or_(Conversation.id.in_(unsure), Conversation.id.in_(unhappy),
                       Conversation.id.in_(handed_off), Conversation.id.in_(not_helpful)))
            .options(selectinload(Conversation.messages).selectinload(Message.feedback),
                     selectinload(Conversation.rating), selectinload(Conversation.handoffs)))


def _candidate_conversations() -> list[Conversation]:
    return list(db.session.scalars(_candidates().order_by(Conversation.updated_at.desc())
                                   .limit(SCANNED_CONVERSATIONS)))


def items_of(conversation: Conversation, reviews: dict[int, MessageReview]) -> list[ReviewItem]:
    """The conversation's user messages that belong in the inbox."""
    chat_reasons = []
    if conversation.rating is not None and conversation.rating.level <= 2:
        chat_reasons.append("dissatisfied")
    if any(handoff.taken_at for handoff in conversation.handoffs):
        chat_reasons.append("handed_off")
    elif conversation.handoffs:
        chat_reasons.append("asked_for_staff")
    items = []
    messages = conversation.messages
    for index, message in enumerate(messages):
        if message.sender != Sender.USER or message.payload is not None:
            continue
        replies = _replies(messages, index)
        intent, confidence = _prediction(replies)
        reasons = [reason for reason, applies in (
            ("unanswered", any(is_unanswered(reply) for reply in replies)),
            ("not_helpful", any(is_not_helpful(reply) for reply in replies)),
            ("fallback", intent == FALLBACK_INTENT),
            ("low_confidence", intent != FALLBACK_INTENT and confidence is not None
             and confidence < LOW_CONFIDENCE)) if applies] + chat_reasons
        if reasons:
            items.append(ReviewItem(message, intent, confidence, reasons,
                                    reviews.get(message.id), _context(messages, index),
                                    replies))
    return items


def inbox(reason: str = "", language: str = "", query: str = "",
          include_reviewed: bool = False, limit: int = 100) -> list[ReviewItem]:
    """Messages to review, newest chats first, filtered by reason, language and text."""
    reviews = {review.message_id: review
               for review in db.session.scalars(select(MessageReview))}
    found = []
    for conversation in _candidate_conversations():
        for item in items_of(conversation, reviews):
            if item.reviewed and not include_reviewed:
                continue
            if reason and reason not in item.reasons:
                continue
            if language and (item.message.language or conversation.language) != language:
                continue
            if query and query.casefold() not in item.message.text.casefold():
                continue
            found.append(item)
    return found[:limit]


def in_inbox(message: Message) -> bool:
    """Whether ``message`` is an item of the review inbox (reviewed ones included).

    The same reasons as the inbox's; not bounded by the inbox's scan of the newest chats,
    so an item does not disappear while a trainer has it open.
    """
    if message.sender != Sender.USER or message.payload is not None:
        return False
    conversation = db.session.scalar(
        _candidates().where(Conversation.id == message.conversation_id))
    return conversation is not None and any(
        item.message.id == message.id for item in items_of(conversation, {}))
