"""The queue's order and views: urgent chats first, then the longest wait; a page at a time.

A chat is urgent when the assistant saw a sign of danger in it (``Conversation.urgent``).
The quick views (all, mine, unassigned, urgent) are filter values of ``filters.FilterForm``,
so they combine with the other filters and stay in the URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select

from assistant.console import filters
from assistant.extensions import db
from assistant.models import Conversation, State, User

WAITING = Conversation.state == State.WAITING_FOR_STAFF
PAGE_SIZE = 25  # waiting chats per page of the queue (``?page=``)
# How much of the status the console's poller gets: the first waits, each with a preview.
STATUS_CHATS = 50
PRIORITY: tuple[Any, ...] = (Conversation.urgent.desc(), Conversation.waiting_since,
                             Conversation.id)


@dataclass(frozen=True)
class QuickView:
    """One of the links above the queue: its name, filter values and waiting chats."""

    name: str
    values: dict[str, str]
    count: int


QUICK_VIEWS: tuple[tuple[str, dict[str, str]], ...] = (("All", {}), ("Mine", {"assigned": "me"}),
               ("Unassigned", {"assigned": "unassigned"}),
               ("Urgent", {"priority": filters.URGENT}))


def quick_views(user: User) -> list[QuickView]:
    """The quick views with how many chats wait in each."""
    return [QuickView(name, values, count_waiting(
        filters.apply(select(Conversation).where(WAITING), values, user)))
        for name, values in QUICK_VIEWS]


def count_waiting(query: Select[Conversation]) -> int:
    """How many conversations ``query`` finds."""
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def first_waits() -> Select[Conversation]:
    """The chats the queue lists first (``STATUS_CHATS`` of them), unfiltered."""
    return select(Conversation).where(WAITING).order_by(*PRIORITY).limit(STATUS_CHATS)
