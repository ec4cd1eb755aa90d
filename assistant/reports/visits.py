"""Visits to the center in a period: requested, confirmed, held, cancelled.

A request counts in the period (Bangkok time) in which the user made it. Confirmed: it is
confirmed now; held: confirmed with its start already past (so also counted as confirmed);
cancelled: cancelled by staff. A proposal the user has not accepted yet is only requested.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from sqlalchemy import select

from assistant.extensions import db
from assistant.models import VisitRequest, VisitStatus, as_utc, utcnow

LABELS = {"requested": ("Requested", "ขอนัดหมาย"), "confirmed": ("Confirmed", "ยืนยันแล้ว"),
          "held": ("Held", "เข้าพบแล้ว"), "cancelled": ("Cancelled", "ยกเลิก")}


@dataclass(frozen=True)
class Visits:
    """Visit requests made in a period and what became of them."""

    requested: int = 0
    confirmed: int = 0
    held: int = 0
    cancelled: int = 0

    def as_dict(self) -> dict[str, int]:
        """``{"requested": n, "confirmed": n, "held": n, "cancelled": n}``."""
        return asdict(self)


def visits(start: dt.datetime, end: dt.datetime) -> Visits:
    """Requests made from ``start`` (included) to ``end`` (UTC)."""
    rows = db.session.execute(select(VisitRequest.status, VisitRequest.start_at).where(
        VisitRequest.created_at >= start, VisitRequest.created_at < end)).all()
    now = utcnow()
    confirmed = [row.start_at for row in rows if row.status == VisitStatus.CONFIRMED]
    return Visits(
        requested=len(rows), confirmed=len(confirmed),
        held=sum(1 for start_at in confirmed if start_at is not None and as_utc(start_at) < now),
        cancelled=sum(1 for row in rows if row.status == VisitStatus.CANCELLED))
