"""The staff console's own records: labels, private notes with @mentions, canned answers."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import Column, DateTime, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assistant.extensions import Base
from assistant.models import Conversation, User, utcnow

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

    conversation: Mapped[Conversation] = relationship(back_populates="notes")
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
