"""Follow-up tasks: staff contact a user who was unhappy (a low rating or a 👎 on an answer)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Optional

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assistant.models.base import Base, StrEnum, as_utc, status_column, utcnow

if TYPE_CHECKING:  # related models of other modules, named by string in the mappings
    from assistant.models.conversation import Conversation, Message
    from assistant.models.staff import User


class FollowUpReason(StrEnum):
    """Why the task was opened: a rating of 1 or 2, or a 👎 on a knowledge answer."""

    LOW_RATING = "low_rating"
    NOT_HELPFUL = "not_helpful"


class FollowUpOutcome(StrEnum):
    """What came of the follow-up, as the staff member recorded it."""

    CONTACTED_RESOLVED = "contacted_resolved"
    CONTACTED_UNRESOLVED = "contacted_unresolved"
    UNREACHABLE = "unreachable"
    NOT_NEEDED = "not_needed"


class FollowUpTask(Base):
    """One chat's follow-up (at most one per chat), due one working day after it opened.

    ``rating_level``: the low rating known while the task was open; ``rating_after``: the
    rating the user gave once staff had contacted them or closed the task (a re-rating).
    ``channel``: where the contact went (``web``, ``line``, ``email``, joined by ``+``).
    """

    __tablename__ = "follow_up_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), unique=True)
    reason: Mapped[FollowUpReason] = status_column(FollowUpReason, 20)
    rating_level: Mapped[Optional[int]]
    message_id: Mapped[Optional[int]] = mapped_column(ForeignKey("messages.id"))
    opened_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    due_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    assigned_to_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    contacted_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True))
    channel: Mapped[Optional[str]] = mapped_column(String(20))
    done_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True), index=True)
    outcome: Mapped[Optional[FollowUpOutcome]] = status_column(FollowUpOutcome, 30,
                                                               nullable=True)
    outcome_note: Mapped[Optional[str]] = mapped_column(Text)
    rating_after: Mapped[Optional[int]]
    rerated_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True))

    conversation: Mapped[Conversation] = relationship("Conversation")
    message: Mapped[Optional[Message]] = relationship("Message")
    assigned_to: Mapped[Optional[User]] = relationship("User")

    @property
    def recovering(self) -> bool:
        """True once staff contacted the user or closed the task: a new rating is "after"."""
        return self.contacted_at is not None or self.done_at is not None

    def overdue(self, now: dt.datetime) -> bool:
        """True if still open after its due time."""
        return self.done_at is None and as_utc(self.due_at) < now
