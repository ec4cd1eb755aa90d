"""Offline questions (tickets), the outbox of e-mails and the rating links they carry."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Optional

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assistant.models.base import Base, EmailStatus, TicketStatus, status_column, utcnow

if TYPE_CHECKING:  # related models of other modules, named by string in the mappings
    from assistant.models.conversation import Conversation


class Ticket(Base):
    """A question left while no staff member was online; staff answer it by e-mail."""

    __tablename__ = "tickets"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), unique=True)
    status: Mapped[TicketStatus] = status_column(TicketStatus, 20,
                                                 default=TicketStatus.AWAITING_EMAIL)
    email: Mapped[Optional[str]] = mapped_column(String(254))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    opened_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True))
    # The first staff reply; answered_at: when the question was marked answered.
    replied_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True))
    answered_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True))

    conversation: Mapped[Conversation] = relationship("Conversation",
                                                      back_populates="ticket")
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
    kind: Mapped[str] = mapped_column(String(20))  # center_notice, staff_reply, visit_*, ...
    to_address: Mapped[str] = mapped_column(String(254))
    reply_to: Mapped[Optional[str]] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    # One text attachment, e.g. a visit's calendar invitation (``invitation.ics``,
    # ``text/calendar; method=PUBLISH``).
    attachment_name: Mapped[Optional[str]] = mapped_column(String(100))
    attachment_type: Mapped[Optional[str]] = mapped_column(String(100))
    attachment: Mapped[Optional[str]] = mapped_column(Text)
    status: Mapped[EmailStatus] = status_column(EmailStatus, 10, default=EmailStatus.QUEUED,
                                                index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[Optional[str]] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True))

    ticket: Mapped[Optional[Ticket]] = relationship(back_populates="emails")


class RatingLink(Base):
    """The link to the satisfaction question in an answer e-mail (``/rate/<token>``).

    Only the SHA-256 of its random token is stored: the link says nothing about the chat.
    """

    __tablename__ = "rating_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    conversation: Mapped[Conversation] = relationship("Conversation")
