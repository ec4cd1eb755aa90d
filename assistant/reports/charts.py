"""Charts drawn on the server as inline SVG: no script, no CDN, printable.

Each chart is an ``<svg role="img">`` with a ``<title>`` naming it and a ``<title>`` on every
bar, so screen readers and hovering show the exact figures; the page also prints the
figures as tables.
"""

from __future__ import annotations

import datetime as dt
from typing import Sequence

from markupsafe import Markup, escape

from assistant.reports.wording import words
from common.thai_calendar import ENGLISH_MONTHS, THAI_MONTHS_SHORT, spelled_date, to_be

BAR_HEIGHT = 22
LABEL_WIDTH = 190
PLOT_WIDTH = 420
COLOUR = "#0b6e4f"
MUTED = "#5a6470"
EDGE = 60  # a time-axis label this close to an end of the chart aligns with that end
ENGLISH_MONTHS_SHORT = tuple(name[:3] for name in ENGLISH_MONTHS)


def _number(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def bar_chart(title: str, items: Sequence[tuple[str, float]], unit: str = "") -> Markup:
    """Horizontal bars, one per ``(label, value)``, longest = the largest value."""
    largest = max((value for _, value in items), default=0) or 1
    height = BAR_HEIGHT * max(len(items), 1) + 8
    width = LABEL_WIDTH + PLOT_WIDTH + 70
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(title)}</title>"]
    if not items:
        parts.append(f'<text x="0" y="16" fill="{MUTED}">No data</text>')
    for row, (label, value) in enumerate(items):
        y = row * BAR_HEIGHT + 4
        length = PLOT_WIDTH * value / largest
        shown = f"{_number(value)}{unit}"
        parts.append(
            f'<g><title>{escape(label)}: {escape(shown)}</title>'
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 15}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y + 2}" width="{length:.1f}" '
            f'height="{BAR_HEIGHT - 6}" rx="3" fill="{COLOUR}"/>'
            f'<text x="{LABEL_WIDTH + length + 6:.1f}" y="{y + 15}">{escape(shown)}</text></g>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _tick(day: dt.date, language: str, with_day: bool, with_year: bool) -> str:
    """``6 Oct``, ``Oct 2026`` / ``6 ต.ค.``, ``ต.ค. 2569`` (B.E.): the parts asked for."""
    names = THAI_MONTHS_SHORT if language == "th" else ENGLISH_MONTHS_SHORT
    parts = [str(day.day)] if with_day else []
    parts.append(names[day.month - 1])
    if with_year:
        parts.append(str(to_be(day.year) if language == "th" else day.year))
    return " ".join(parts)


def axis_ticks(days: Sequence[dt.date], language: str) -> list[tuple[int, str]]:
    """``(position, label)`` of each tick of the time axis under ``days``.

    Every day of a fortnight, Mondays up to a quarter, else the first of each month; the
    year on the first tick and where it changes.
    """
    if len(days) <= 14:
        positions = list(range(len(days)))
    elif len(days) <= 92:
        positions = [n for n, day in enumerate(days) if day.weekday() == 0]
    else:
        positions = [n for n, day in enumerate(days) if day.day == 1 or n == 0]
    ticks, year = [], None
    for n in positions:
        ticks.append((n, _tick(days[n], language, len(days) <= 92, days[n].year != year)))
        year = days[n].year
    return ticks


def column_chart(title: str, days: Sequence[tuple[dt.date, int]], language: str = "en") -> Markup:
    """One column per day (chats started) over a time axis in ``language`` (Thai: B.E.).

    Every other tick label is ``alt``: narrow screens hide those (reports.css).
    """
    width, height, top, bottom = 700, 200, 28, 30
    most = max((count for _, count in days), default=0)
    largest = most or 1
    step = width / max(len(days), 1)
    base = height - bottom
    parts = [f'<svg class="chart timeline" role="img" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(title)}</title>"]
    for index, (day, count) in enumerate(days):
        bar = (base - top) * count / largest
        parts.append(
            f'<rect x="{index * step:.2f}" y="{base - bar:.1f}" '
            f'width="{max(step - 1, 0.5):.2f}" height="{bar:.1f}" fill="{COLOUR}" '
            f'data-day="{day.isoformat()}"><title>{escape(spelled_date(day, language))}: '
            f"{count}</title></rect>")
    parts.append(f'<g class="axis" fill="{MUTED}"><line x1="0" x2="{width}" y1="{base}" '
                 f'y2="{base}" stroke="{MUTED}"/>')
    ticks = axis_ticks([day for day, _ in days], language)
    for number, (index, label) in enumerate(ticks):
        x = index * step
        # Labels centre on their tick; near either end they align with the chart's edge.
        text_x, anchor = ((0, "start") if x < EDGE else (width, "end") if x > width - EDGE
                          else (x, "middle"))
        parts.append(f'<g class="tick{" alt" if number % 2 else ""}"><line x1="{x:.2f}" '
                     f'x2="{x:.2f}" y1="{base}" y2="{base + 5}" stroke="{MUTED}"/>'
                     f'<text x="{text_x:.2f}" y="{height - 8}" text-anchor="{anchor}">'
                     f"{escape(label)}</text></g>")
    parts.append(f'</g><text x="0" y="20" fill="{MUTED}">{words(language)["max"]} {most}'
                 "</text></svg>")
    return Markup("".join(parts))
