"""How available the service was in a period, from the probe's results (``ProbeResult``).

Availability = looks where all was well ÷ all looks × 100 (rounded half up to two
decimals); None when the probe did not run in the period. An incident is a run of
consecutive failed looks: it starts at the first failed look and ends at the next good one
(None while it lasts). Answer latency percentiles are nearest-rank, over the looks that got
an answer.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable, Optional, Sequence

from sqlalchemy import func, select

from assistant.chat.satisfaction import percent
from assistant.extensions import db
from assistant.models import ProbeResult
from assistant.reports.periods import Period


@dataclass(frozen=True)
class Look:
    """What one look of the probe found."""

    checked_at: dt.datetime
    ok: bool
    failed_part: Optional[str] = None
    latency_ms: Optional[int] = None


@dataclass(frozen=True)
class Incident:
    """Consecutive failed looks: from the first failed look to the next good one."""

    start: dt.datetime
    end: Optional[dt.datetime]  # None: still failing at the period's last look
    looks: int
    parts: tuple[str, ...]  # the failed parts, most often named first

    @property
    def minutes(self) -> Optional[float]:
        """How long it lasted (None while it lasts)."""
        return None if self.end is None else round(
            (self.end - self.start).total_seconds() / 60, 1)


@dataclass(frozen=True)
class Availability:
    """The probe's figures of one period."""

    looks: int
    percent: Optional[Decimal]
    incidents: list[Incident]
    p50_ms: Optional[int]
    p95_ms: Optional[int]


def _bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    """Bounds as UTC: SQLite compares stored UTC text, so a Bangkok offset would shift them."""
    start, end = (moment.astimezone(dt.timezone.utc) for moment in (period.start, period.end))
    return start, end


def availability_percent(period: Period) -> Optional[Decimal]:
    """The share of the probe's looks in ``period`` that found the service working."""
    start, end = _bounds(period)
    looks, good = db.session.execute(
        select(func.count(ProbeResult.id),
               func.count(ProbeResult.id).filter(ProbeResult.ok.is_(True)))
        .where(ProbeResult.checked_at >= start, ProbeResult.checked_at < end)).one()
    return percent(int(good or 0), int(looks or 0))


def incidents(looks: Iterable[Look]) -> list[Incident]:
    """Group consecutive failed looks (in time order) into incidents."""
    found: list[Incident] = []
    failed: list[Look] = []
    for look in looks:
        if not look.ok:
            failed.append(look)
            continue
        if failed:
            found.append(_incident(failed, look.checked_at))
            failed = []
    if failed:
        found.append(_incident(failed, None))
    return found


def _incident(failed: Sequence[Look], end: Optional[dt.datetime]) -> Incident:
    parts = Counter(look.failed_part or "unknown" for look in failed)
    return Incident(failed[0].checked_at, end, len(failed),
                    tuple(part for part, _ in parts.most_common()))


def percentile(values: Sequence[int], share: float) -> Optional[int]:
    """Nearest-rank percentile: the smallest value with ``share`` of all at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)), 1) - 1]


def availability(period: Period) -> Availability:
    """Availability, incidents and answer latency of ``period``."""
    start, end = _bounds(period)
    rows = db.session.execute(
        select(ProbeResult.checked_at, ProbeResult.ok, ProbeResult.failed_part,
               ProbeResult.latency_ms)
        .where(ProbeResult.checked_at >= start, ProbeResult.checked_at < end)
        .order_by(ProbeResult.checked_at, ProbeResult.id)).all()
    looks = [Look(row.checked_at, row.ok, row.failed_part, row.latency_ms) for row in rows]
    latencies = [look.latency_ms for look in looks if look.latency_ms is not None]
    return Availability(
        looks=len(looks), percent=availability_percent(period),
        incidents=incidents(looks), p50_ms=percentile(latencies, 0.5),
        p95_ms=percentile(latencies, 0.95))
