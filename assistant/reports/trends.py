"""Trends: a period's figures against those of as many days just before it.

Counts change in percent ("+12 % vs previous period"), rates in percentage points. A period
that reaches into the future is compared by its days until today (``Period.up_to``), so
64 days of a fiscal year are weighed against the 64 days before them, not a whole year.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Optional

from assistant.reports.figures import Figures
from assistant.reports.periods import Period
from assistant.reports.wording import words

MINUS = "\N{MINUS SIGN}"


@dataclass(frozen=True)
class Trend:
    """One figure now and before, and how it changed, in words of the page language."""

    key: str
    name: str
    now: str
    before: str
    change: str


@dataclass(frozen=True)
class Comparison:
    """The previous period and the trends against it."""

    previous: Period
    heading: str
    trends: list[Trend]


def _signed(value: Decimal, unit: str) -> str:
    sign = "+" if value > 0 else MINUS if value < 0 else ""
    return f"{sign}{abs(value)}{unit}"


def _count_change(now: int, before: int, said: dict[str, str]) -> str:
    if now == before:
        return said["no_change"]
    if before == 0:
        return said["none_before"]
    change = (Decimal(now - before) * 100 / before).quantize(Decimal(1), ROUND_HALF_UP)
    return f"{_signed(change, ' %')} {said['vs_previous']}"


def _rate_change(now: Optional[Decimal], before: Optional[Decimal], said: dict[str, str]) -> str:
    if now is None or before is None:
        return "—" if now is None else said["none_before"]
    if now == before:
        return said["no_change"]
    return f"{_signed(now - before, ' ' + said['points'])} {said['vs_previous']}"


def _rate(value: Optional[Decimal]) -> str:
    return "—" if value is None else f"{value:.2f} %"


def compare(current: Figures, previous: Figures, language: str) -> Comparison:
    """``current`` against ``previous`` (the figures of the days just before)."""
    said, period = words(language), previous.period
    days = (period.last - period.first).days + 1
    heading = said["compared"].format(days=days, range=period.range_in(language))
    counts = {"started": (current.started, previous.started),
              "responses": (current.kpi.responses, previous.kpi.responses)}
    rates = {"kpi": (current.kpi.rate_percent, previous.kpi.rate_percent),
             "response_rate": (current.response_rate, previous.response_rate)}
    trends = [Trend(key, said[key], str(now), str(before), _count_change(now, before, said))
              for key, (now, before) in counts.items()]
    trends += [Trend(key, said[key], _rate(now), _rate(before), _rate_change(now, before, said))
               for key, (now, before) in rates.items()]
    return Comparison(period, heading, trends)
