"""Recovery of unhappy users in a period: follow-up tasks opened, done in time, re-ratings.

A task counts in the period (Bangkok time) in which it was opened. Done in time: done at or
before its due time. Re-rated: the user rated the chat again once staff had contacted them or
closed the task (``rating_after``); improved: that rating is higher than the low one that
opened the task; satisfied: it is Satisfied or better.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Optional

from sqlalchemy import select

from assistant.chat.satisfaction import SATISFIED_OR_BETTER, percent
from assistant.extensions import db
from assistant.models import FollowUpTask, as_utc


@dataclass(frozen=True)
class Recovery:
    """Follow-up tasks opened in a period and what came of them."""

    opened: int = 0
    done: int = 0
    done_in_time: int = 0
    rerated: int = 0
    improved: int = 0
    satisfied_after: int = 0

    @property
    def in_time_percent(self) -> Optional[Decimal]:
        """Done in time ÷ opened × 100 (None without tasks)."""
        return percent(self.done_in_time, self.opened)


def recovery(start: dt.datetime, end: dt.datetime) -> Recovery:
    """Tasks opened from ``start`` (included) to ``end`` (UTC)."""
    tasks = db.session.scalars(select(FollowUpTask).where(FollowUpTask.opened_at >= start,
                                                          FollowUpTask.opened_at < end)).all()
    done = [as_utc(task.done_at) <= as_utc(task.due_at) for task in tasks
            if task.done_at is not None]
    after = [(task.rating_level, task.rating_after) for task in tasks
             if task.rating_after is not None]
    return Recovery(
        opened=len(tasks), done=len(done), done_in_time=sum(done), rerated=len(after),
        improved=sum(1 for before, level in after if before is not None and level > before),
        satisfied_after=sum(1 for _, level in after if level >= SATISFIED_OR_BETTER))
