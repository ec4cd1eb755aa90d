"""What a user waiting for staff is shown: with whom, how long, and the question's reference.

A live wait gives the chat's place among live waits and the usual time to be taken (the
median of the last waits that were taken); an offline question gives its state, reference,
address and when staff are next at work.
"""

from __future__ import annotations

import datetime as dt
import statistics
from typing import Any, Dict, Optional

from flask import current_app
from sqlalchemy import func, or_, select

from assistant.chat import offline
from assistant.extensions import db
from assistant.models import Conversation, Handoff, State, Ticket, TicketStatus, as_utc, utcnow

RECENT_TAKES = 50  # the waits the usual time is the median of
RECENT_DAYS = 30


def wait_json(conversation: Conversation) -> Optional[Dict[str, Any]]:
    """The chat's wait as the API shows it; None when it waits for nobody."""
    if conversation.state != State.WAITING_FOR_STAFF:
        return None
    ticket = conversation.ticket
    if offline.request_pending(conversation) and ticket is not None:
        hours, now = current_app.config["OFFICE_HOURS"], utcnow()
        opening = None if hours.is_open(now) else hours.next_opening(now)
        registered = ticket.status == TicketStatus.OPEN
        return {"kind": "email", "status": ticket.status.value,
                "reference": ticket.reference if registered else None,
                "email": ticket.email if registered else None,
                "staff_from": as_utc(opening).isoformat() if opening else None}
    return {"kind": "staff", "position": _position(conversation),
            "usual_minutes": usual_minutes()}


def _position(conversation: Conversation) -> int:
    """1 for the longest live wait, 2 for the next... (offline questions do not count)."""
    since = conversation.waiting_since or utcnow()
    ahead = db.session.scalar(
        select(func.count(Conversation.id))
        .outerjoin(Ticket, Ticket.conversation_id == Conversation.id)
        .where(Conversation.state == State.WAITING_FOR_STAFF,
               Conversation.waiting_since < since, Conversation.id != conversation.id,
               or_(Ticket.id.is_(None), Ticket.status.not_in(offline.PENDING))))
    return int(ahead or 0) + 1


def usual_minutes() -> Optional[int]:
    """Median minutes to a take over the last waits taken (None: none recently)."""
    rows = db.session.execute(
        select(Handoff.requested_at, Handoff.taken_at)
        .where(Handoff.taken_at.is_not(None),
               Handoff.requested_at > utcnow() - dt.timedelta(days=RECENT_DAYS))
        .order_by(Handoff.requested_at.desc()).limit(RECENT_TAKES)).all()
    minutes = [(as_utc(taken) - as_utc(asked)).total_seconds() / 60
               for asked, taken in rows if taken is not None]
    return max(1, round(statistics.median(minutes))) if minutes else None
