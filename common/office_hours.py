"""When the center's staff work: weekly hours in Bangkok time, minus Thai public holidays.

Public holidays (with their substitution days) come from the ``holidays`` package, category
public plus government (e.g. the Royal Ploughing Ceremony). Special days off the cabinet
announces at short notice go in ``EXTRA_CLOSED_DAYS``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

import holidays

from common.thai_calendar import BANGKOK, english_date, in_bangkok, thai_date

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DAY_NAMES = {
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    "th": ["วันจันทร์", "วันอังคาร", "วันพุธ", "วันพฤหัสบดี", "วันศุกร์", "วันเสาร์", "วันอาทิตย์"],
}
RULE = re.compile(r"^(?P<first>[a-z]{3})(?:-(?P<last>[a-z]{3}))?\s+"
                  r"(?P<opens>\d{2}:\d{2})-(?P<closes>\d{2}:\d{2})$")
LOOKAHEAD_DAYS = 30
DEFAULT_HOURS = "mon-fri 08:30-16:30"  # OFFICE_HOURS when not set (web service and actions)


@dataclass(frozen=True)
class Opening:
    """One weekly rule: these weekdays (0 = Monday), from ``opens`` until ``closes``."""

    weekdays: tuple[int, ...]
    opens: dt.time
    closes: dt.time


@dataclass(frozen=True)
class OfficeHours:
    """Weekly openings ("always": a desk that never closes) and extra closed days."""

    openings: tuple[Opening, ...]
    always: bool = False
    extra_closed: frozenset[dt.date] = frozenset()

    @classmethod
    def parse(cls, spec: str, extra_closed: str = "") -> OfficeHours:
        """``"mon-fri 08:30-16:30; sat 09:00-12:00"`` or ``"always"``; ValueError if malformed."""
        closed = frozenset(dt.date.fromisoformat(day.strip())
                           for day in extra_closed.split(",") if day.strip())
        if spec.strip().lower() == "always":
            return cls((), always=True, extra_closed=closed)
        return cls(tuple(_opening(rule.strip().lower()) for rule in spec.split(";")
                         if rule.strip()), extra_closed=closed)

    def holiday(self, day: dt.date) -> Optional[str]:
        """The name of the public holiday or extra closure on ``day`` (English), or None."""
        if day in self.extra_closed:
            return "Special holiday"
        name = _thai_holidays(day.year).get(day)
        return str(name) if name else None

    def is_open(self, moment: dt.datetime) -> bool:
        """True if staff are at work at ``moment`` (aware, any zone)."""
        if self.always:
            return True
        local = in_bangkok(moment)
        return self.holiday(local.date()) is None and any(
            local.weekday() in opening.weekdays and opening.opens <= local.time() < opening.closes
            for opening in self.openings)

    def fits(self, start: dt.datetime, minutes: int) -> bool:
        """True if ``minutes`` from ``start`` lie inside one opening of a working day."""
        if self.always:
            return True
        local = in_bangkok(start)
        end = local + dt.timedelta(minutes=minutes)
        if self.holiday(local.date()) is not None or end.date() != local.date():
            return False
        return any(
            local.weekday() in opening.weekdays and opening.opens <= local.time()
            and end.time() <= opening.closes for opening in self.openings)

    def next_opening(self, moment: dt.datetime) -> Optional[dt.datetime]:
        """When staff are next at work after ``moment`` (Bangkok time), or None if not soon."""
        if self.always or self.is_open(moment):
            return in_bangkok(moment)
        local = in_bangkok(moment)
        for offset in range(LOOKAHEAD_DAYS):
            day = local.date() + dt.timedelta(days=offset)
            if self.holiday(day):
                continue
            starts = sorted(dt.datetime.combine(day, opening.opens, tzinfo=BANGKOK)
                            for opening in self.openings if day.weekday() in opening.weekdays)
            later = [start for start in starts if start > local]
            if later:
                return later[0]
        return None

    def describe(self, language: str) -> str:
        """The hours in words, e.g. "Monday to Friday 08:30–16:30 Bangkok time, except ..."."""
        if self.always:
            return "every day, 24 hours" if language == "en" else "ทุกวัน ตลอด 24 ชั่วโมง"
        joiner = " to " if language == "en" else "–"
        parts = []
        for opening in self.openings:
            names = DAY_NAMES[language]
            days = names[opening.weekdays[0]]
            if len(opening.weekdays) > 1:
                days += joiner + names[opening.weekdays[-1]]
            hours = f"{opening.opens:%H:%M}–{opening.closes:%H:%M}"
            parts.append(f"{days} {hours}" + ("" if language == "en" else " น."))
        if language == "en":
            return ", ".join(parts) + " Bangkok time, except public holidays"
        return ", ".join(parts) + " ยกเว้นวันหยุดราชการ"


def when(moment: dt.datetime, language: str) -> str:
    """``Monday 30 November 2026, 08:30`` or ``วันจันทร์ที่ 30 พฤศจิกายน 2569 เวลา 08:30 น.``."""
    local = in_bangkok(moment)
    day = DAY_NAMES[language][local.weekday()]
    if language == "en":
        return f"{day} {english_date(local.date())}, {local:%H:%M}"
    return f"{day}ที่ {thai_date(local.date())} เวลา {local:%H:%M} น."


def _opening(rule: str) -> Opening:
    match = RULE.match(rule)
    if not match or match["first"] not in DAYS or (match["last"] or "mon") not in DAYS:
        raise ValueError(f'Office hours rule "{rule}": write it like "mon-fri 08:30-16:30".')
    first = DAYS.index(match["first"])
    last = DAYS.index(match["last"] or match["first"])
    opens, closes = (dt.time.fromisoformat(match[key]) for key in ("opens", "closes"))
    if last < first or closes <= opens:
        raise ValueError(f'Office hours rule "{rule}": days or hours run backwards.')
    return Opening(tuple(range(first, last + 1)), opens, closes)


@lru_cache(maxsize=8)
def _thai_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("TH", years=year, categories=("public", "government"))
