"""Audit log: who changed which example, intent, story, article or model, and when."""

from __future__ import annotations

from typing import Any, Optional

from sqlalchemy import select

from assistant.extensions import db
from assistant.models import AuditEvent, User


def record(user: Optional[User], action: str, target: str, **details: Any) -> AuditEvent:
    """Add an event to the session (committed with the change it describes)."""
    event = AuditEvent(user_id=user.id if user else None, action=action, target=target[:200],
                       details=details)
    db.session.add(event)
    return event


def recent(limit: int = 200) -> list[AuditEvent]:
    """The newest events first."""
    return list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())
                                   .limit(limit)))
