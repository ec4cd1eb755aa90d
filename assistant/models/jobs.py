"""Background jobs: long work (a training run, a LINE event) done by the worker process.

A job is a row: the web process inserts it and answers at once; ``flask jobs work`` claims
it, runs it and marks it done or failed. Rows are durable, so a job outlives a restart of
either process; a running job whose worker stopped sending heartbeats is queued again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from sqlalchemy import JSON, DateTime, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from assistant.models.base import Base, StrEnum, status_column, utcnow


class JobState(StrEnum):
    """A job: queued -> running -> done | failed (running -> queued when its worker died)."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


RUNNING_IN_LANE = text("state = 'running' AND lane IS NOT NULL")


class Job(Base):
    """One piece of work for the worker process."""

    __tablename__ = "jobs"
    __table_args__ = (
        Index("ix_jobs_state_run_after", "state", "run_after"),
        # At most one running job per lane (e.g. one training run at a time), whatever races.
        Index("ux_jobs_running_lane", "lane", unique=True, sqlite_where=RUNNING_IN_LANE,
              postgresql_where=RUNNING_IN_LANE),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    # The same key is queued once (a LINE event LINE delivers again).
    key: Mapped[Optional[str]] = mapped_column(String(200), unique=True)
    lane: Mapped[Optional[str]] = mapped_column(String(60))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    state: Mapped[JobState] = status_column(JobState, 20, default=JobState.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    run_after: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    locked_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True))
    locked_by: Mapped[Optional[str]] = mapped_column(String(100))
    error: Mapped[Optional[str]] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True))
