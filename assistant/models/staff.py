"""Console users and the console's records: labels, private notes with @mentions, canned answers."""

from __future__ import annotations

import datetime as dt
import secrets
from functools import lru_cache
from typing import TYPE_CHECKING, Optional

from flask_login import UserMixin
from sqlalchemy import Column, DateTime, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from assistant.models.base import Base, Role, status_column, utcnow

if TYPE_CHECKING:  # related models of other modules, named by string in the mappings
    from assistant.models.conversation import Conversation


class User(UserMixin, Base):
    """A console user (staff member, trainer or admin) with a hashed password."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = status_column(Role, 10, default=Role.STAFF)
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


conversation_labels = Table(
    "conversation_labels", Base.metadata,
    Column("conversation_id", ForeignKey("conversations.id"), primary_key=True),
    Column("label_id", ForeignKey("labels.id"), primary_key=True),
)


class Label(Base):
    """A tag staff put on conversations, e.g. "visa-complex", "complaint", "investor-lead"."""

    __tablename__ = "labels"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Note(Base):
    """A private note inside a conversation: staff see it, the user never does."""

    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    conversation: Mapped[Conversation] = relationship("Conversation",
                                                      back_populates="notes")
    author: Mapped[User] = relationship()
    mentions: Mapped[list[NoteMention]] = relationship(back_populates="note",
                                                       order_by="NoteMention.id")


class NoteMention(Base):
    """A colleague @mentioned in a note; the chat shows in their list until they open it."""

    __tablename__ = "note_mentions"
    __table_args__ = (UniqueConstraint("note_id", "user_id", name="uq_note_mentions_note_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("notes.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    seen_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True))

    note: Mapped[Note] = relationship(back_populates="mentions")
    user: Mapped[User] = relationship()


class CannedAnswer(Base):
    """A saved reply in English and Thai with a short code (``/visa90``) and variables."""

    __tablename__ = "canned_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(100))
    text_en: Mapped[str] = mapped_column(Text)
    text_th: Mapped[str] = mapped_column(Text)
    usage_count: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                    onupdate=utcnow)
