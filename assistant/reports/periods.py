"""Reporting periods in Bangkok time: Thai fiscal years, their quarters, months and ranges.

A period is a half-open interval [start, end) of aware datetimes at Bangkok midnight; the
calendar itself (B.E. years, the fiscal year a day falls in, Thai dates) is
``common.thai_calendar``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from common.thai_calendar import (
    ENGLISH_MONTHS,
    THAI_MONTHS,
    bangkok_midnight,
    bangkok_today,
    english_date,
    fiscal_year_of,
    thai_date,
    to_ad,
    to_be,
)


class PeriodError(ValueError):
    """A period that does not exist (bad year, quarter, month or an empty range)."""


@dataclass(frozen=True)
class Period:
    """Bangkok days ``first`` to ``last`` (both included), named in English and Thai."""

    first: dt.date
    last: dt.date
    name_en: str
    name_th: str

    def __post_init__(self) -> None:
        """Refuse an empty range."""
        if self.last < self.first:
            raise PeriodError("the period ends before it starts")

    @property
    def start(self) -> dt.datetime:
        """First instant of the period (Bangkok midnight)."""
        return bangkok_midnight(self.first)

    @property
    def end(self) -> dt.datetime:
        """First instant after the period."""
        return bangkok_midnight(self.last + dt.timedelta(days=1))

    def days(self) -> list[dt.date]:
        """Every Bangkok day of the period."""
        return [self.first + dt.timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    def up_to(self, today: dt.date) -> Period | None:
        """The part of the period until ``today`` (None when it starts later)."""
        if today < self.first:
            return None
        return self if self.last <= today else date_range(self.first, today)

    def months(self) -> list[Period]:
        """The calendar months the period touches, each cut to the period's days."""
        parts, first = [], self.first
        while first <= self.last:
            following = _months_later(first.replace(day=1), 1)
            parts.append(date_range(first, min(self.last, following - dt.timedelta(days=1))))
            first = following
        return parts

    def before(self) -> Period:
        """The period of the same number of days that ends the day before this one."""
        length = self.last - self.first
        last = self.first - dt.timedelta(days=1)
        return date_range(last - length, last)

    def range_en(self) -> str:
        """``1 October 2024 - 30 September 2025``."""
        return f"{english_date(self.first)} – {english_date(self.last)}"

    def range_th(self, digits: bool = False) -> str:
        """``1 ตุลาคม 2567 – 30 กันยายน 2568``."""
        return f"{thai_date(self.first, digits)} – {thai_date(self.last, digits)}"

    def range_in(self, language: str) -> str:
        """``range_th`` in Thai, else ``range_en``."""
        return self.range_th() if language == "th" else self.range_en()


def _months_later(first: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` after ``first``'s month."""
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _check_fiscal_year(year_be: int) -> None:
    if not 2500 <= year_be <= 2700:
        raise PeriodError(f"a fiscal year is a Buddhist Era year such as "
                          f"{current_fiscal_year()}")


def fiscal_year(year_be: int) -> Period:
    """Fiscal year B.E. ``year_be``: 1 October of the year before to 30 September."""
    _check_fiscal_year(year_be)
    year = to_ad(year_be)
    return Period(dt.date(year - 1, 10, 1), dt.date(year, 9, 30),
                  f"Fiscal year {year_be} (B.E.)", f"ปีงบประมาณ พ.ศ. {year_be}")


def fiscal_quarter(year_be: int, quarter: int) -> Period:
    """Quarter 1-4 of fiscal year B.E. ``year_be`` (quarter 1 = October-December)."""
    _check_fiscal_year(year_be)
    if quarter not in (1, 2, 3, 4):
        raise PeriodError("a quarter is 1, 2, 3 or 4")
    first = _months_later(fiscal_year(year_be).first, 3 * (quarter - 1))
    last = _months_later(first, 3) - dt.timedelta(days=1)
    return Period(first, last, f"Q{quarter} of fiscal year {year_be} (B.E.)",
                  f"ไตรมาสที่ {quarter} ปีงบประมาณ พ.ศ. {year_be}")


def month(year_ad: int, number: int) -> Period:
    """One calendar month."""
    if not 1 <= number <= 12 or not 1957 <= year_ad <= 2157:
        raise PeriodError("a month is YYYY-MM")
    first = dt.date(year_ad, number, 1)
    last = _months_later(first, 1) - dt.timedelta(days=1)
    return Period(first, last, f"{ENGLISH_MONTHS[number - 1]} {year_ad}",
                  f"เดือน{THAI_MONTHS[number - 1]} {to_be(year_ad)}")


def date_range(first: dt.date, last: dt.date) -> Period:
    """Any range of Bangkok days, both ends included."""
    return Period(first, last, f"{english_date(first)} – {english_date(last)}",
                  f"{thai_date(first)} – {thai_date(last)}")


def current_fiscal_year(today: dt.date | None = None) -> int:
    """The B.E. fiscal year of today in Bangkok."""
    return fiscal_year_of(today or bangkok_today())


def fiscal_quarter_number(day: dt.date) -> int:
    """The quarter (1-4) of its fiscal year that ``day`` falls in (1 = October-December)."""
    return (day.month - 10) % 12 // 3 + 1


def choose(kind: str, year_be: int | None = None, quarter: int | None = None,
           month_text: str | None = None, first: dt.date | None = None,
           last: dt.date | None = None) -> Period:
    """The period a form or command asks for.

    ``kind`` is ``fiscal_year`` (``year_be``, default: the current one), ``quarter``
    (``year_be`` and ``quarter``), ``month`` (``month_text`` as YYYY-MM) or ``range``
    (``first`` and ``last`` Bangkok days).
    """
    year_be = year_be or current_fiscal_year()
    if kind == "fiscal_year":
        return fiscal_year(year_be)
    if kind == "quarter":
        return fiscal_quarter(year_be, quarter or 1)
    if kind == "month":
        try:
            year_text, number_text = (month_text or "").split("-")
            return month(int(year_text), int(number_text))
        except ValueError as error:
            raise PeriodError("a month is YYYY-MM") from error
    if kind == "range":
        if first is None or last is None:
            raise PeriodError("a range needs a first and a last day")
        return date_range(first, last)
    raise PeriodError(f"unknown kind of period {kind!r}")
