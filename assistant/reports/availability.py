"""How available the service was in a period, from the probe's results (``ProbeResult``).

Availability = looks where all was well ÷ all looks × 100 (rounded half up to two
decimals); None when the probe did not run in the period.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Optional

from sqlalchemy import func, select

from assistant.chat.satisfaction import percent
from assistant.extensions import db
from assistant.models import ProbeResult
from assistant.reports.periods import Period


def availability_percent(period: Period) -> Optional[Decimal]:
    """The share of the probe's looks in ``period`` that found the service working."""
    # Bounds as UTC: SQLite compares stored UTC text, so a Bangkok offset would shift them.
    start, end = (moment.astimezone(dt.timezone.utc) for moment in (period.start, period.end))
    looks, good = db.session.execute(
        select(func.count(ProbeResult.id),
               func.count(ProbeResult.id).filter(ProbeResult.ok.is_(True)))
        .where(ProbeResult.checked_at >= start, ProbeResult.checked_at < end)).one()
    return percent(int(good or 0), int(looks or 0))
