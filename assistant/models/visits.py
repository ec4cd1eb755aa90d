"""Visits to the center: a user's request (two preferred slots) and what staff decided."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Optional

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assistant.models.base import Base, StrEnum, status_column, utcnow

if TYPE_CHECKING:  # related models of other modules, named by string in the mappings
    from assistant.models.conversation import Conversation
    from assistant.models.staff import User


class VisitStatus(StrEnum):
    """requested -> confirmed | proposed (the user accepts: confirmed) | cancelled."""

    REQUESTED = "requested"
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"


class VisitRequest(Base):
    """A visit asked for in a chat: who, why, two preferred slots, and the agreed start.

    ``start_at``: the slot staff proposed while ``proposed``, the agreed one once
    ``confirmed``. ``accept_token_hash``: SHA-256 of the token of the proposal's accept link
    (a new proposal replaces it, so an older link no longer opens).
    """

    __tablename__ = "visit_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    purpose: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(2))
    first_slot: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    second_slot: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[VisitStatus] = status_column(VisitStatus, 20, default=VisitStatus.REQUESTED,
                                                index=True)
    start_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True), index=True)
    decided_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True))
    accept_token_hash: Mapped[Optional[str]] = mapped_column(String(64), unique=True)
    reminder_sent_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                    index=True)

    conversation: Mapped[Conversation] = relationship("Conversation")
    decided_by: Mapped[Optional[User]] = relationship("User")

    @property
    def reference(self) -> str:
        """The number the user and the center quote, e.g. "V-0042"."""
        return f"V-{self.id:04d}"

    @property
    def slots(self) -> tuple[dt.datetime, dt.datetime]:
        """The two preferred starts, in the user's order."""
        return self.first_slot, self.second_slot
