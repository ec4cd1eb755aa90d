"""Conversations and what they are made of: messages, ratings, answer votes, waits for staff."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from typing import TYPE_CHECKING, Any, Iterable, Optional

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from assistant.models.base import Base, Sender, State, checked_language, status_column, utcnow
from assistant.models.tokens import hashed, matches, new_reference, new_token

# The longest site (an origin) a chat keeps.
SITE_LENGTH = 300

if TYPE_CHECKING:  # related models of other modules, named by string in the mappings
    from assistant.models.mail import Ticket
    from assistant.models.staff import Label, Note, User


class Conversation(Base):
    """One chat between a user and the center (bot and staff)."""

    __tablename__ = "conversations"

    id: Mapped[str] = mapped_column(String(32), primary_key=True,
                                    default=lambda: uuid.uuid4().hex)
    # How people outside the console name the chat (report exports, e-mails to the center).
    reference: Mapped[str] = mapped_column(String(12), unique=True, index=True,
                                           default=new_reference)
    # SHA-256 of the access token the user's widget holds (export, erasure, reading replies);
    # None for chats of other channels and those started before migration 0014.
    access_token_hash: Mapped[Optional[str]] = mapped_column(String(64))
    state: Mapped[State] = status_column(State, 20, default=State.BOT)
    language: Mapped[str] = mapped_column(String(2), default="en")
    channel: Mapped[str] = mapped_column(String(20), default="web")
    staff_involved: Mapped[bool] = mapped_column(default=False)
    # The assistant saw a sign of danger (its emergency help): the queue lists the chat first.
    urgent: Mapped[bool] = mapped_column(default=False)
    assigned_to_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    waiting_since: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                    onupdate=utcnow)
    closed_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True))
    satisfaction_asked_at: Mapped[Optional[dt.datetime]] = mapped_column(
        DateTime(timezone=True))
    # Synthetic conversations of the demo database (``flask demo-data``), never real ones.
    demo: Mapped[bool] = mapped_column(default=False)
    # When the transcript was erased (retention or on request); the anonymous rating stays,
    # with the chat's main topic kept here for the satisfaction-by-topic figures.
    erased_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True))
    # When Rasa's copy (its tracker) was erased too; None while that is pending (Rasa's
    # store was unreachable): the retention process retries each round.
    rasa_erased_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True))
    main_topic: Mapped[Optional[str]] = mapped_column(String(32))
    # Who the chat is with on a messaging channel (LINE user id) and the name they show there.
    external_user_id: Mapped[Optional[str]] = mapped_column(String(64), index=True)
    contact_name: Mapped[Optional[str]] = mapped_column(String(100))
    # The site whose page the web chat started on (its origin, see assistant.chat.sites);
    # None for the center's own site, other channels and chats before migration 0019.
    site: Mapped[Optional[str]] = mapped_column(String(SITE_LENGTH))

    messages: Mapped[list[Message]] = relationship(back_populates="conversation",
                                                   order_by="Message.id")
    assigned_to: Mapped[Optional[User]] = relationship("User")
    rating: Mapped[Optional[Rating]] = relationship(back_populates="conversation")
    handoffs: Mapped[list[Handoff]] = relationship(back_populates="conversation",
                                                   order_by="Handoff.id")
    ticket: Mapped[Optional[Ticket]] = relationship("Ticket", back_populates="conversation")
    labels: Mapped[list[Label]] = relationship("Label", secondary="conversation_labels",
                                               order_by="Label.name")
    notes: Mapped[list[Note]] = relationship("Note", back_populates="conversation",
                                             order_by="Note.id")

    @validates("language")
    def _language(self, _key: str, value: str) -> str:
        return str(checked_language("Conversation", value))

    def new_access_token(self) -> str:
        """A new access token for the chat's user; only its hash is kept (the caller commits)."""
        token = new_token()
        self.access_token_hash = hashed(token)
        return token

    def opens_with(self, token: Optional[str]) -> bool:
        """``token`` is the chat's access token."""
        return matches(token, self.access_token_hash)


class Message(Base):
    """A user, bot or staff message with what is known about it."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), index=True)
    sender: Mapped[Sender] = status_column(Sender, 10)
    text: Mapped[str] = mapped_column(Text, default="")
    payload: Mapped[Optional[str]] = mapped_column(Text)
    buttons: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    intent: Mapped[Optional[str]] = mapped_column(String(64))
    confidence: Mapped[Optional[float]]
    topic: Mapped[Optional[str]] = mapped_column(String(32))
    article_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    sources: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    language: Mapped[Optional[str]] = mapped_column(String(2))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    staff_user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    # The channel's own id of the event that brought the message (LINE webhookEventId), so a
    # redelivered event is stored once.
    external_id: Mapped[Optional[str]] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    conversation: Mapped[Conversation] = relationship(back_populates="messages")
    staff_user: Mapped[Optional[User]] = relationship("User")
    feedback: Mapped[Optional[AnswerFeedback]] = relationship(back_populates="message")

    @validates("language")
    def _language(self, _key: str, value: Optional[str]) -> Optional[str]:
        return checked_language("Message", value, optional=True)

    @property
    def is_knowledge_answer(self) -> bool:
        """A bot reply that shows knowledge articles (users may vote on it)."""
        return self.sender == Sender.BOT and bool(self.article_ids)

    @property
    def passage_id(self) -> Optional[str]:
        """The quoted passage of a pinpointed answer (``article#passage``), if any."""
        passage = (self.details or {}).get("passage_id")
        return passage if isinstance(passage, str) and passage else None


class Rating(Base):
    """The answer to the satisfaction question; one per conversation (a re-rating updates it)."""

    __tablename__ = "ratings"
    __table_args__ = (CheckConstraint("level BETWEEN 1 AND 5", name="level_1_to_5"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), unique=True)
    level: Mapped[int]
    language: Mapped[str] = mapped_column(String(2))
    handled_by: Mapped[str] = mapped_column(String(10))  # "bot" or "staff"
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                    onupdate=utcnow)

    conversation: Mapped[Conversation] = relationship(back_populates="rating")

    @validates("language")
    def _language(self, _key: str, value: str) -> str:
        return str(checked_language("Rating", value))


class AnswerFeedback(Base):
    """A user's vote on a knowledge answer ("Helpful?"): one per answer; a new one replaces it."""

    __tablename__ = "answer_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), unique=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), index=True)
    helpful: Mapped[bool]
    comment: Mapped[Optional[str]] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                    onupdate=utcnow)

    message: Mapped[Message] = relationship(back_populates="feedback")
    conversation: Mapped[Conversation] = relationship()


class Handoff(Base):
    """One wait for staff: requested (user asked, bot gave up, or assistant down), then taken,
    or expired (nobody took it in time, or the user went back to the assistant: the chat went
    back to the bot)."""

    __tablename__ = "handoffs"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), index=True)
    requested_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    taken_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True))
    staff_user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    expired_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True))

    conversation: Mapped[Conversation] = relationship(back_populates="handoffs")


def main_topic(topics: Iterable[str]) -> Optional[str]:
    """The most frequent of a chat's answer topics (the earliest on a tie), or None.

    Reports group ratings by it; an erased chat keeps it in ``Conversation.main_topic``.
    """
    counted = Counter(topics).most_common(1)
    return counted[0][0] if counted else None
