"""The review inbox: user messages worth a trainer's look, with the prediction behind them.

A message is listed when the NLU was unsure about it (confidence below
``LOW_CONFIDENCE``) or did not understand it (fallback), or when its chat was rated
Dissatisfied or worse, or had to be taken over by staff. The prediction is the intent and
confidence of the bot's first answer after the message. Messages a trainer has annotated or
dismissed leave the inbox (``MessageReview``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from sqlalchemy import or_, select

from assistant.extensions import db
from assistant.models import Conversation, Handoff, Message, MessageReview, Rating, Sender

LOW_CONFIDENCE = 0.7
FALLBACK_INTENT = "nlu_fallback"
REASONS = {
    "fallback": "not understood",
    "low_confidence": f"confidence below {LOW_CONFIDENCE:.0%}",
    "dissatisfied": "chat rated Dissatisfied or worse",
    "handed_off": "chat taken over by staff",
}
SCANNED_CONVERSATIONS = 300


@dataclass
class ReviewItem:
    """A user message and why it is in the inbox."""

    message: Message
    intent: Optional[str]
    confidence: Optional[float]
    reasons: list[str] = field(default_factory=list)
    reviewed: Optional[MessageReview] = None


def _prediction(messages: list[Message], index: int) -> tuple[Optional[str], Optional[float]]:
    for later in messages[index + 1:]:
        if later.sender == Sender.USER:
            break
        if later.sender == Sender.BOT and later.intent:
            return later.intent, later.confidence
    return None, None


def _candidate_conversations() -> list[Conversation]:
    unsure = select(Message.conversation_id).where(
        Message.sender == Sender.BOT,
        or_(Message.intent == FALLBACK_INTENT, Message.confidence < LOW_CONFIDENCE))
    unhappy = select(Rating.conversation_id).where(Rating.level <= 2)
    handed_off = select(Handoff.conversation_id)
    return list(db.session.scalars(
        select(Conversation)
        .where(or_(Conversation.id.in_(unsure), Conversation.id.in_(unhappy),
                   Conversation.id.in_(handed_off)))
        .order_by(Conversation.updated_at.desc()).limit(SCANNED_CONVERSATIONS)))


def items_of(conversation: Conversation, reviews: dict[int, MessageReview]) -> list[ReviewItem]:
    """The conversation's user messages that belong in the inbox."""
    chat_reasons = []
    if conversation.rating is not None and conversation.rating.level <= 2:
        chat_reasons.append("dissatisfied")
    if conversation.handoffs:
        chat_reasons.append("handed_off")
    items = []
    messages = conversation.messages
    for index, message in enumerate(messages):
        if message.sender != Sender.USER or message.payload is not None:
            continue
        intent, confidence = _prediction(messages, index)
        reasons = list(chat_reasons)
        if intent == FALLBACK_INTENT:
            reasons.insert(0, "fallback")
        elif confidence is not None and confidence < LOW_CONFIDENCE:
            reasons.insert(0, "low_confidence")
        if reasons:
            items.append(ReviewItem(message, intent, confidence, reasons,
                                    reviews.get(message.id)))
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
