"""Recovery of unhappy users: which ratings and votes open a follow-up task for staff.

A rating of 1 or 2 (Dissatisfied, Very Dissatisfied; a re-rating too) or a 👎 on a knowledge
answer opens the chat's follow-up task, due one working day later
(``assistant.chat.working_time``). A chat has at most one task: a later low rating or 👎
adds to the open one, and a rating given once staff contacted the user (or closed the task)
is recorded on it as the rating after recovery, opening nothing new.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

from flask import current_app
from sqlalchemy import select

from assistant.chat.working_time import one_working_day_after
from assistant.extensions import db
from assistant.models import (
    Conversation,
    FollowUpReason,
    FollowUpTask,
    Message,
    utcnow,
)

LOW_LEVELS = (1, 2)


def task_of(conversation: Conversation) -> Optional[FollowUpTask]:
    """The chat's follow-up task, if it has one."""
    return db.session.scalar(select(FollowUpTask)
                             .where(FollowUpTask.conversation_id == conversation.id))


def _open(conversation: Conversation, reason: FollowUpReason) -> FollowUpTask:
    now = utcnow()
    task = FollowUpTask(conversation=conversation, reason=reason, opened_at=now,
                        due_at=one_working_day_after(current_app.config["OFFICE_HOURS"], now)
                        .astimezone(dt.timezone.utc))  # SQLite keeps no offset: store UTC
    db.session.add(task)
    return task


def after_rating(conversation: Conversation, level: int) -> None:
    """A rating was given: open the task for a low one, or record it after recovery.

    Added to the session; the caller commits with the rating.
    """
    task = task_of(conversation)
    if task is not None and task.recovering:
        task.rating_after, task.rerated_at = level, utcnow()
    elif level in LOW_LEVELS:
        task = task or _open(conversation, FollowUpReason.LOW_RATING)
        task.rating_level = level


def after_vote(message: Message, helpful: bool) -> None:
    """A 👎 on ``message`` opens the chat's task if it has none (the caller commits)."""
    if not helpful and task_of(message.conversation) is None:
        _open(message.conversation, FollowUpReason.NOT_HELPFUL).message = message
