"""Conversation store: conversations, their messages, satisfaction ratings, answer votes."""

from __future__ import annotations

import datetime as dt
import enum
import secrets
import uuid
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Optional

from flask_login import UserMixin
from sqlalchemy import JSON, CheckConstraint, DateTime, Enum, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from werkzeug.security import check_password_hash, generate_password_hash

from assistant.extensions import Base

if TYPE_CHECKING:  # the staff console's own tables
    from assistant.console_models import Label, Note


def _values(enum_class: type[enum.Enum]) -> list[str]:
    return [str(member.value) for member in enum_class]


def utcnow() -> dt.datetime:
    """Now, timezone-aware UTC (stored as such)."""
    return dt.datetime.now(dt.timezone.utc)


def as_utc(moment: dt.datetime) -> dt.datetime:
    """A stored time as aware UTC (SQLite gives it back without its offset)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


class State(str, enum.Enum):
    """Who is answering: the bot, nobody yet (waiting), a staff member, or nobody (closed)."""

    BOT = "bot"
    WAITING_FOR_STAFF = "waiting_for_staff"
    WITH_STAFF = "with_staff"
    CLOSED = "closed"


class Role(str, enum.Enum):
    """What a console user may do.

    Staff answer chats, trainers improve the assistant, admins manage users and content.
    """

    STAFF = "staff"
    TRAINER = "trainer"
    ADMIN = "admin"


CHAT_ROLES = (Role.STAFF, Role.ADMIN)  # who answers chats


class Sender(str, enum.Enum):
    """Who wrote a message."""

    USER = "user"
    BOT = "bot"
    STAFF = "staff"


LANGUAGES = ("en", "th")  # the only languages ever stored
CHANNEL_NAMES = {"web": "Web chat", "line": "LINE"}  # Conversation.channel -> display name
MAX_MESSAGE_ID = 2**63 - 1  # the largest id a database integer column holds


def known_language(value: object, fallback: str = "en") -> str:
    """``value`` if it is a language the service speaks (en, th), else ``fallback``."""
    return value if isinstance(value, str) and value in LANGUAGES else fallback


def _checked_language(model: str, value: Optional[str], optional: bool = False) -> Optional[str]:
    """Refuse to store a language other than en or th (a bug upstream, never user data)."""
    if value in LANGUAGES or (optional and value is None):
        return value
    raise ValueError(f"{model}.language must be one of {LANGUAGES}, not {value!r}")


def parse_id(raw: str) -> Optional[int]:
    """A row id written in ASCII digits that a database integer column holds, else None."""
    if raw.isascii() and raw.isdigit() and int(raw) <= MAX_MESSAGE_ID:
        return int(raw)
    return None


class Conversation(Base):
    """One chat between a user and the center (bot and staff)."""

    __tablename__ = "conversations"

    id: Mapped[str] = mapped_column(String(32), primary_key=True,
                                    default=lambda: uuid.uuid4().hex)
    state: Mapped[State] = mapped_column(
        Enum(State, native_enum=False, length=20, values_callable=_values), default=State.BOT)
    language: Mapped[str] = mapped_column(String(2), default="en")
    channel: Mapped[str] = mapped_column(String(20), default="web")
    staff_involved: Mapped[bool] = mapped_column(default=False)
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

    messages: Mapped[list[Message]] = relationship(back_populates="conversation",
                                                   order_by="Message.id")
    assigned_to: Mapped[Optional[User]] = relationship()
    rating: Mapped[Optional[Rating]] = relationship(back_populates="conversation")
    handoffs: Mapped[list[Handoff]] = relationship(back_populates="conversation",
                                                   order_by="Handoff.id")
    ticket: Mapped[Optional[Ticket]] = relationship(back_populates="conversation")
    labels: Mapped[list[Label]] = relationship(secondary="conversation_labels",
                                               order_by="Label.name")
    notes: Mapped[list[Note]] = relationship(back_populates="conversation",
                                             order_by="Note.id")

    @validates("language")
    def _language(self, _key: str, value: str) -> str:
        return str(_checked_language("Conversation", value))


class Message(Base):
    """A user, bot or staff message with what is known about it."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), index=True)
    sender: Mapped[Sender] = mapped_column(
        Enum(Sender, native_enum=False, length=10, values_callable=_values))
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
    staff_user: Mapped[Optional[User]] = relationship()
    feedback: Mapped[Optional[AnswerFeedback]] = relationship(back_populates="message")

    @validates("language")
    def _language(self, _key: str, value: Optional[str]) -> Optional[str]:
        return _checked_language("Message", value, optional=True)

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
        return str(_checked_language("Rating", value))


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
    """One wait for staff: requested (user asked, bot gave up, or assistant down), then taken."""

    __tablename__ = "handoffs"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), index=True)
    requested_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    taken_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True))
    staff_user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))

    conversation: Mapped[Conversation] = relationship(back_populates="handoffs")


class User(UserMixin, Base):
    """A console user (staff member, trainer or admin) with a hashed password."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=10, values_callable=_values), default=Role.STAFF)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Last request of an open console page: staff seen recently are online, unless away.
    last_seen_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True))
    away: Mapped[bool] = mapped_column(default=False)

    def set_password(self, password: str) -> None:
        """Store a salted hash of ``password`` (never the password)."""
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        """True if ``password`` matches."""
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:
        """Deactivated users cannot log in."""
        return self.active


@lru_cache(maxsize=1)
def _dummy_password_hash() -> str:
    return generate_password_hash(secrets.token_hex(16))


def password_matches(user: Optional[User], password: str) -> bool:
    """True if ``user`` exists and ``password`` is theirs.

    An unknown e-mail costs the same hash check, so response times do not tell which
    e-mail addresses have an account.
    """
    if user is None:
        check_password_hash(_dummy_password_hash(), password)
        return False
    return user.check_password(password)


class ArticleRevision(Base):
    """One saved edit of a knowledge article: who, when, and the file before and after."""

    __tablename__ = "article_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[str] = mapped_column(String(100), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    before: Mapped[str] = mapped_column(Text)
    after: Mapped[str] = mapped_column(Text)

    user: Mapped[User] = relationship()


class AuditEvent(Base):
    """Who changed which example, intent, story, article or model, and when."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                    index=True)
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(200))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    user: Mapped[Optional[User]] = relationship()


class MessageReview(Base):
    """A user message a trainer has dealt with (annotated or dismissed) in the review inbox."""

    __tablename__ = "message_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    outcome: Mapped[str] = mapped_column(String(20))  # "annotated" or "dismissed"
    intent: Mapped[Optional[str]] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TrainingRun(Base):
    """One retraining: validate, train, evaluate against the active model, gate, activate."""

    __tablename__ = "training_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(20), default="queued")
    step: Mapped[str] = mapped_column(String(200), default="")
    log: Mapped[str] = mapped_column(Text, default="")
    candidate: Mapped[Optional[str]] = mapped_column(String(300))
    baseline: Mapped[Optional[str]] = mapped_column(String(300))
    evaluation: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True))

    user: Mapped[Optional[User]] = relationship()


class TicketStatus(str, enum.Enum):
    """An offline question: waiting for the user's e-mail address, sent to the center, answered."""

    AWAITING_EMAIL = "awaiting_email"
    OPEN = "open"
    ANSWERED = "answered"


class Ticket(Base):
    """A question left while no staff member was online; staff answer it by e-mail."""

    __tablename__ = "tickets"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), unique=True)
    status: Mapped[TicketStatus] = mapped_column(
        Enum(TicketStatus, native_enum=False, length=20, values_callable=_values),
        default=TicketStatus.AWAITING_EMAIL)
    email: Mapped[Optional[str]] = mapped_column(String(254))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    opened_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True))
    answered_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True))

    conversation: Mapped[Conversation] = relationship(back_populates="ticket")
    emails: Mapped[list[OutboundEmail]] = relationship(back_populates="ticket",
                                                       order_by="OutboundEmail.id")

    @property
    def reference(self) -> str:
        """The number the user and the center quote, e.g. "BKK-000012"."""
        return f"BKK-{self.id:06d}"


class OutboundEmail(Base):
    """An e-mail in the outbox: stored first, then sent (and retried until it is)."""

    __tablename__ = "outbound_emails"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[Optional[int]] = mapped_column(ForeignKey("tickets.id"), index=True)
    # The conversation an e-mail is about (a transcript sent on request, or a ticket's mail).
    conversation_id: Mapped[Optional[str]] = mapped_column(ForeignKey("conversations.id"),
                                                           index=True)
    kind: Mapped[str] = mapped_column(String(20))  # center_notice, staff_reply, transcript
    to_address: Mapped[str] = mapped_column(String(254))
    reply_to: Mapped[Optional[str]] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[Optional[str]] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True))

    ticket: Mapped[Optional[Ticket]] = relationship(back_populates="emails")
