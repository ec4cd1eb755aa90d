"""Which staff members are online: those whose console was open a moment ago."""

from __future__ import annotations

import datetime as dt

from flask import current_app
from sqlalchemy import select

from assistant.extensions import db
from assistant.models import CHAT_ROLES, User, as_utc, utcnow

# A console page asks every few seconds; writing the time once in this while is enough.
TOUCH_EVERY = dt.timedelta(seconds=30)


def touch(user: User) -> None:
    """Record that ``user`` has the console open now (at most one write per 30 s)."""
    now = utcnow()
    if user.last_seen_at is None or now - as_utc(user.last_seen_at) >= TOUCH_EVERY:
        user.last_seen_at = now
        db.session.commit()


def online_staff() -> list[User]:
    """Active staff and admins seen within ``PRESENCE_SECONDS`` and not away, latest first."""
    since = utcnow() - dt.timedelta(seconds=current_app.config["PRESENCE_SECONDS"])
    return list(db.session.scalars(
        select(User).where(User.active.is_(True), User.away.is_(False),
                           User.role.in_(CHAT_ROLES), User.last_seen_at >= since)
        .order_by(User.last_seen_at.desc())))
