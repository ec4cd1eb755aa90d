"""Times for a visit to the center: the ones offered as buttons, and the ones users type.

A visit lasts ``VISIT_MINUTES`` (60) and must lie inside the center's office hours
(``OFFICE_HOURS``, Thai public holidays, ``EXTRA_CLOSED_DAYS``: the same settings as the web
service), from tomorrow up to ``MAX_DAYS_AHEAD`` days ahead. Users write times in many ways;
these are understood, in English and Thai, with Arabic or Thai digits and A.D. or B.E. years:
``2026-12-07 10:00`` (the buttons), ``7/12/2026 10:00``, ``7/12 14.30``, ``7 Dec 2pm``,
``December 7, 10am``, ``7 ธ.ค. 2569 10:00``, ``7 ธันวาคม 14.00 น.``, ``tomorrow 10:00``,
``พรุ่งนี้ 10 โมง``, ``Monday 14:00``, ``วันจันทร์ บ่ายสอง``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from enum import Enum
from typing import List, Optional, Tuple

from common.office_hours import DEFAULT_HOURS, OfficeHours
from common.thai_calendar import (
    BANGKOK,
    ENGLISH_MONTHS,
    FIRST_BE_YEAR,
    THAI_MONTHS,
    THAI_MONTHS_SHORT,
    in_bangkok,
    to_ad,
)

MAX_DAYS_AHEAD = 60
PREFERRED_HOURS = (10, 14)  # the times offered each working day, when they fit
THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
WEEKDAYS_EN = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAYS_TH = ("จันทร์", "อังคาร", "พุธ", "พฤหัส", "ศุกร์", "เสาร์", "อาทิตย์")
SHORT_WEEKDAYS = {"en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
                  "th": ("จ.", "อ.", "พ.", "พฤ.", "ศ.", "ส.", "อา.")}
ENGLISH_MONTH = "|".join(m[:3].lower() for m in ENGLISH_MONTHS)
THAI_MONTH = "|".join(re.escape(m) for m in sorted(THAI_MONTHS + THAI_MONTHS_SHORT, key=len,
                                                     reverse=True))
ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
SLASHED = re.compile(r"\b(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?\b")
DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s*(?:of\s+)?({ENGLISH_MONTH})[a-z]*\.?"
                       rf"(?:,?\s+(\d{{4}}))?", re.IGNORECASE)
MONTH_DAY = re.compile(rf"\b({ENGLISH_MONTH})[a-z]*\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b"
                       rf"(?:,?\s+(\d{{4}}))?", re.IGNORECASE)
THAI_DAY_MONTH = re.compile(rf"(\d{{1,2}})\s*({THAI_MONTH})\s*(?:(\d{{4}}))?")
CLOCK = re.compile(r"(?<![\d/.:-])(\d{1,2})[:.](\d{2})(?![\d/])\s*(am|pm|a\.m\.|p\.m\.)?",
                   re.IGNORECASE)
HOUR_MERIDIEM = re.compile(r"(?<![\d/.:-])(\d{1,2})\s*(am|pm|a\.m\.|p\.m\.)", re.IGNORECASE)
THAI_HOUR = re.compile(r"(?<![\d/.:-])(\d{1,2})\s*(?:โมง|นาฬิกา|น\.)")
THAI_AFTERNOON = re.compile(r"บ่าย\s*(โมง|สอง|สาม|สี่|\d)")
THAI_AFTERNOON_HOURS = {"โมง": 1, "สอง": 2, "สาม": 3, "สี่": 4}


class Problem(str, Enum):
    """Why a typed time cannot be a visit."""

    NOT_UNDERSTOOD = "not_understood"
    TOO_SOON = "too_soon"
    TOO_FAR = "too_far"
    CLOSED = "closed"


def office_hours() -> OfficeHours:
    """The center's hours from the same settings the web service reads."""
    return OfficeHours.parse(os.environ.get("OFFICE_HOURS") or DEFAULT_HOURS,
                             os.environ.get("EXTRA_CLOSED_DAYS", ""))


def visit_minutes() -> int:
    """How long a visit is planned for (``VISIT_MINUTES``, 60 by default)."""
    return int(os.environ.get("VISIT_MINUTES") or 60)


def offered_times(now: dt.datetime, count: int = 6) -> List[dt.datetime]:
    """The next ``count`` visit times from tomorrow on: 10:00 and 14:00 of each working day."""
    hours, minutes, found = office_hours(), visit_minutes(), []
    day = in_bangkok(now).date()
    for _ in range(MAX_DAYS_AHEAD):
        day += dt.timedelta(days=1)
        for hour in PREFERRED_HOURS:
            start = dt.datetime.combine(day, dt.time(hour), tzinfo=BANGKOK)
            if hours.fits(start, minutes):
                found.append(start)
                if len(found) == count:
                    return found
    return found


def check(start: dt.datetime, now: dt.datetime) -> Optional[Problem]:
    """None if ``start`` can be a visit, else why not."""
    today = in_bangkok(now).date()
    if start.date() <= today:
        return Problem.TOO_SOON
    if start.date() > today + dt.timedelta(days=MAX_DAYS_AHEAD):
        return Problem.TOO_FAR
    return None if office_hours().fits(start, visit_minutes()) else Problem.CLOSED


def parse(text: str, now: dt.datetime) -> Optional[dt.datetime]:
    """The Bangkok time a user wrote (a day and a time of day), or None."""
    clean = text.translate(THAI_DIGITS).strip()
    today = in_bangkok(now).date()
    day, rest = _day(clean, today)
    clock = _clock(rest) if day is not None else None
    if day is None or clock is None:
        return None
    return dt.datetime.combine(day, clock, tzinfo=BANGKOK)


def short_label(start: dt.datetime, language: str) -> str:
    """A button title: ``Mon 7 Dec, 10:00`` or ``จ. 7 ธ.ค. 10:00 น.``."""
    local = in_bangkok(start)
    weekday = SHORT_WEEKDAYS[language][local.weekday()]
    if language == "th":
        return f"{weekday} {local.day} {THAI_MONTHS_SHORT[local.month - 1]} {local:%H:%M} น."
    return f"{weekday} {local.day} {ENGLISH_MONTHS[local.month - 1][:3]}, {local:%H:%M}"


def machine_text(start: dt.datetime) -> str:
    """The form a button sends and the slot keeps: ``2026-12-07 10:00``."""
    return f"{in_bangkok(start):%Y-%m-%d %H:%M}"


def _day(text: str, today: dt.date) -> Tuple[Optional[dt.date], str]:
    """The day written in ``text`` and the text without it."""
    for pattern, build in ((ISO, _iso), (SLASHED, _slashed), (DAY_MONTH, _day_month),
                           (MONTH_DAY, _month_day), (THAI_DAY_MONTH, _thai_day_month)):
        match = pattern.search(text)
        if match:
            try:
                day = build(match, today)
            except ValueError:
                return None, text
            return day, text[:match.start()] + " " + text[match.end():]
    return _relative_day(text, today), text


def _year(written: Optional[str], month: int, day: int, today: dt.date) -> int:
    """A written year (A.D., B.E. or two digits), or the next time that day comes."""
    if written:
        year = int(written)
        if year < 100:  # "3/1/70" in Thailand is B.E. 2570; "3/1/27" is A.D. 2027
            year += 2500 if year >= 50 else 2000
        return to_ad(year) if year >= FIRST_BE_YEAR else year
    return today.year + (1 if (month, day) < (today.month, today.day) else 0)


def _iso(match: re.Match[str], today: dt.date) -> dt.date:
    return dt.date(int(match[1]), int(match[2]), int(match[3]))


def _slashed(match: re.Match[str], today: dt.date) -> dt.date:
    day, month = int(match[1]), int(match[2])
    return dt.date(_year(match[3], month, day, today), month, day)


def _day_month(match: re.Match[str], today: dt.date) -> dt.date:
    day, month = int(match[1]), _english_month(match[2])
    return dt.date(_year(match[3], month, day, today), month, day)


def _month_day(match: re.Match[str], today: dt.date) -> dt.date:
    day, month = int(match[2]), _english_month(match[1])
    return dt.date(_year(match[3], month, day, today), month, day)


def _thai_day_month(match: re.Match[str], today: dt.date) -> dt.date:
    name = match[2]
    month = (THAI_MONTHS.index(name) if name in THAI_MONTHS else THAI_MONTHS_SHORT.index(name)) + 1
    day = int(match[1])
    return dt.date(_year(match[3], month, day, today), month, day)


def _english_month(name: str) -> int:
    return [m[:3].lower() for m in ENGLISH_MONTHS].index(name[:3].lower()) + 1


def _relative_day(text: str, today: dt.date) -> Optional[dt.date]:
    """``tomorrow`` / ``พรุ่งนี้``, ``the day after tomorrow`` / ``มะรืน``, or a weekday name."""
    lowered = text.lower()
    if "day after tomorrow" in lowered or "มะรืน" in text:
        return today + dt.timedelta(days=2)
    if "tomorrow" in lowered or "พรุ่งนี้" in text:
        return today + dt.timedelta(days=1)
    for index, (english, thai) in enumerate(zip(WEEKDAYS_EN, WEEKDAYS_TH, strict=True)):
        if re.search(rf"\b{english}", lowered) or thai in text:
            ahead = (index - today.weekday()) % 7 or 7  # the next one, never today
            return today + dt.timedelta(days=ahead)
    return None


def _clock(text: str) -> Optional[dt.time]:
    """The time of day written in ``text``: ``10:00``, ``2pm``, ``14.30 น.``, ``บ่ายสอง``."""
    match = CLOCK.search(text)
    if match:
        return _time(int(match[1]), int(match[2]), match[3])
    match = HOUR_MERIDIEM.search(text)
    if match:
        return _time(int(match[1]), 0, match[2])
    match = THAI_AFTERNOON.search(text)
    if match:
        word = match[1]
        return _time(12 + (int(word) if word.isdigit() else THAI_AFTERNOON_HOURS[word]), 0, None)
    match = THAI_HOUR.search(text)
    if match:
        return _time(int(match[1]), 0, None)
    return None


def _time(hour: int, minute: int, meridiem: Optional[str]) -> Optional[dt.time]:
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem.lower().startswith("p") else 0)
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)
