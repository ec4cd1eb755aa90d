"""What every model shares: the declarative base, times, the status enums and stored languages.

Statuses are enums whose values are the strings stored (the columns stay strings of the same
length: ``status_column`` maps them, so the database does not change).
"""

from __future__ import annotations

import enum
from typing import Any, Optional

from sqlalchemy import Enum
from sqlalchemy.orm import MappedColumn, mapped_column

from assistant.extensions import Base as Base
from common.thai_calendar import as_utc as as_utc
from common.thai_calendar import utcnow as utcnow


class StrEnum(str, enum.Enum):
    """An enum of stored strings that compares, hashes and prints as its value."""

    def __str__(self) -> str:
        """The stored value (``bot``), not ``State.BOT``."""
        return str(self.value)


def _values(enum_class: type[enum.Enum]) -> list[str]:
    return [str(member.value) for member in enum_class]


def status_column(enum_class: type[StrEnum], length: int, **options: Any) -> MappedColumn[Any]:
    """A string column of ``length`` holding ``enum_class``'s values, read back as members."""
    return mapped_column(Enum(enum_class, native_enum=False, length=length,
                              values_callable=_values), **options)


class State(StrEnum):
    """Who is answering: the bot, nobody yet (waiting), a staff member, or nobody (closed)."""

    BOT = "bot"
    WAITING_FOR_STAFF = "waiting_for_staff"
    WITH_STAFF = "with_staff"
    CLOSED = "closed"


class Role(StrEnum):
    """What a console user may do.

    Staff answer chats, trainers improve the assistant, admins manage users and content.
    """

    STAFF = "staff"
    TRAINER = "trainer"
    ADMIN = "admin"


CHAT_ROLES = (Role.STAFF, Role.ADMIN)  # who answers chats


class Sender(StrEnum):
    """Who wrote a message."""

    USER = "user"
    BOT = "bot"
    STAFF = "staff"


class TicketStatus(StrEnum):
    """An offline question: waiting for the user's e-mail address, sent to the center, replied
    to by staff, answered (staff marked it so: a holding reply is not an answer)."""

    AWAITING_EMAIL = "awaiting_email"
    OPEN = "open"
    REPLIED = "replied"
    ANSWERED = "answered"


class EmailStatus(StrEnum):
    """An e-mail in the outbox: waiting to be sent, sent, or given up (refused or too many tries)."""

    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"


class TrainingStatus(StrEnum):
    """A training run: queued -> running -> activated | refused | failed."""

    QUEUED = "queued"
    RUNNING = "running"
    ACTIVATED = "activated"
    REFUSED = "refused"
    FAILED = "failed"


class ReviewOutcome(StrEnum):
    """What a trainer did with a message of the review inbox."""

    ANNOTATED = "annotated"
    DISMISSED = "dismissed"


LANGUAGES = ("en", "th")  # the only languages ever stored
CHANNEL_NAMES = {"web": "Web chat", "line": "LINE"}  # Conversation.channel -> display name
MAX_MESSAGE_ID = 2**31 - 1  # the largest id every database's INTEGER holds (PostgreSQL's)


def known_language(value: object, fallback: str = "en") -> str:
    """``value`` if it is a language the service speaks (en, th), else ``fallback``."""
    return value if isinstance(value, str) and value in LANGUAGES else fallback


def checked_language(model: str, value: Optional[str], optional: bool = False) -> Optional[str]:
    """Refuse to store a language other than en or th (a bug upstream, never user data)."""
    if value in LANGUAGES or (optional and value is None):
        return value
    raise ValueError(f"{model}.language must be one of {LANGUAGES}, not {value!r}")


def parse_id(raw: str) -> Optional[int]:
    """A row id written in ASCII digits that a database integer column holds, else None."""
    if raw.isascii() and raw.isdigit() and int(raw) <= MAX_MESSAGE_ID:
        return int(raw)
    return None
