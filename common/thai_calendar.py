"""Bangkok time, the Thai fiscal year, Buddhist Era dates, Thai month names and Thai digits.

The Thai government's fiscal year runs from 1 October to 30 September and is named by the
Buddhist Era year in which it ends: fiscal year B.E. 2568 = 1 Oct 2024 - 30 Sep 2025
(B.E. = A.D. + 543). Times are stored as aware UTC; SQLite gives them back without their
offset, which ``as_utc`` restores.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

BANGKOK = ZoneInfo("Asia/Bangkok")
BE_OFFSET = 543
THAI_MONTHS = ("มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม",
               "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม")
THAI_MONTHS_SHORT = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
                     "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")
ENGLISH_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
                  "September", "October", "November", "December")
_THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
_ISO_DATE = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})$")
_SLASHED_DATE = re.compile(r"^(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4})$")
# A year from here on is a Buddhist Era year (A.D. 2400 is far beyond any report).
FIRST_BE_YEAR = 2400


def utcnow() -> dt.datetime:
    """Now, timezone-aware UTC (stored as such)."""
    return dt.datetime.now(dt.timezone.utc)


def as_utc(moment: dt.datetime) -> dt.datetime:
    """A stored time as aware UTC (SQLite gives it back without its offset)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def in_bangkok(moment: dt.datetime) -> dt.datetime:
    """An aware (or naive UTC, as SQLite returns them) datetime in Bangkok time."""
    return as_utc(moment).astimezone(BANGKOK)


def bangkok_today() -> dt.date:
    """Today's date in Bangkok."""
    return in_bangkok(utcnow()).date()


def bangkok_day(moment: dt.datetime) -> dt.date:
    """The Bangkok calendar day of an aware (or naive UTC) datetime."""
    return in_bangkok(moment).date()


def bangkok_midnight(day: dt.date) -> dt.datetime:
    """The start of ``day`` in Bangkok, as an aware datetime."""
    return dt.datetime.combine(day, dt.time(), tzinfo=BANGKOK)


def to_be(year_ad: int) -> int:
    """Buddhist Era year of an A.D. year."""
    return year_ad + BE_OFFSET


def to_ad(year_be: int) -> int:
    """A.D. year of a Buddhist Era year."""
    return year_be - BE_OFFSET


def fiscal_year_of(day: dt.date) -> int:
    """The B.E. fiscal year ``day`` falls in."""
    return to_be(day.year + 1 if day.month >= 10 else day.year)


def thai_digits(text: str) -> str:
    """``text`` with Arabic digits written as Thai digits (๐-๙)."""
    return text.translate(_THAI_DIGITS)


def thai_date(day: dt.date, digits: bool = False) -> str:
    """``1 ตุลาคม 2567``: day, Thai month name, B.E. year (Thai digits on request)."""
    text = f"{day.day} {THAI_MONTHS[day.month - 1]} {to_be(day.year)}"
    return thai_digits(text) if digits else text


def thai_short_date(day: dt.date) -> str:
    """``25 พ.ย. 2569``: day, abbreviated Thai month name, B.E. year."""
    return f"{day.day} {THAI_MONTHS_SHORT[day.month - 1]} {to_be(day.year)}"


def english_date(day: dt.date) -> str:
    """``1 October 2024``."""
    return f"{day.day} {ENGLISH_MONTHS[day.month - 1]} {day.year}"


def spelled_date(day: dt.date, language: str) -> str:
    """``day`` as a reader of ``language`` writes it: ``thai_date`` (B.E.) or ``english_date``."""
    return thai_date(day) if language == "th" else english_date(day)


def spelled_moment(moment: dt.datetime, language: str) -> str:
    """A stored time in Bangkok as a reader of ``language`` writes it (B.E. in Thai).

    ``3 December 2026, 14:05 (Bangkok time)``, ``3 ธันวาคม 2569 14:05 น.``
    """
    local = in_bangkok(moment)
    if language == "th":
        return f"{thai_date(local.date())} {local:%H:%M} น."
    return f"{english_date(local.date())}, {local:%H:%M} (Bangkok time)"


def thai_numeric_date(day: dt.date) -> str:
    """``1/10/2569``: day/month/B.E. year, as Thai forms write dates."""
    return f"{day.day}/{day.month}/{to_be(day.year)}"


def parse_day(text: str) -> dt.date:
    """A day written ``YYYY-MM-DD`` or ``D/M/YYYY``, the year A.D. or B.E. (2400 and later).

    Raises ``ValueError`` for anything else.
    """
    match = _ISO_DATE.match(text.strip()) or _SLASHED_DATE.match(text.strip())
    if match is None:
        raise ValueError(f"not a date: {text!r}")
    year = int(match["year"])
    return dt.date(to_ad(year) if year >= FIRST_BE_YEAR else year, int(match["month"]),
                   int(match["day"]))
