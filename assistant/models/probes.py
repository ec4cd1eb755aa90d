"""The availability probe's results: one row per look at the service."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import Boolean, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from assistant.models.base import Base, utcnow


class ProbeResult(Base):
    """One look of the probe: ``/api/health`` and one real question, end to end.

    ``failed_part``: what did not answer (``database``, ``rasa``, ``action_server`` as the
    health check names them, ``web`` when the service itself did not answer, ``answer`` when
    the question got no proper answer); None when all was well. ``latency_ms``: how long the
    question's answer took (None when it failed before an answer).
    """

    __tablename__ = "probe_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    checked_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                    index=True)
    ok: Mapped[bool] = mapped_column(Boolean)
    failed_part: Mapped[Optional[str]] = mapped_column(String(40))
    latency_ms: Mapped[Optional[int]] = mapped_column(Integer)
    detail: Mapped[Optional[str]] = mapped_column(String(300))
