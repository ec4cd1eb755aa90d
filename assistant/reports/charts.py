"""Charts drawn on the server as inline SVG: no script, no CDN, printable.

Each chart is an ``<svg role="img">`` with a ``<title>`` naming it and a ``<title>`` on every
bar, so screen readers and hovering show the exact figures; the page also prints the
figures as tables.
"""

from __future__ import annotations

import datetime as dt
from typing import Sequence

from markupsafe import Markup, escape

BAR_HEIGHT = 22
LABEL_WIDTH = 190
PLOT_WIDTH = 420
COLOUR = "#0b6e4f"
MUTED = "#5a6470"


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


def column_chart(title: str, days: Sequence[tuple[dt.date, int]]) -> Markup:
    """One column per day (chats started), with the first and last day and the maximum."""
    width, height, bottom = 700, 180, 24
    largest = max((count for _, count in days), default=0) or 1
    step = width / max(len(days), 1)
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(title)}</title>"]
    plot = height - bottom - 14
    for index, (day, count) in enumerate(days):
        bar = plot * count / largest
        parts.append(
            f'<rect x="{index * step:.2f}" y="{14 + plot - bar:.1f}" '
            f'width="{max(step - 1, 0.5):.2f}" height="{bar:.1f}" fill="{COLOUR}">'
            f"<title>{day.isoformat()}: {count}</title></rect>")
    if days:
        parts.append(f'<text x="0" y="{height - 6}" fill="{MUTED}">{days[0][0].isoformat()}'
                     f'</text><text x="{width}" y="{height - 6}" text-anchor="end" '
                     f'fill="{MUTED}">{days[-1][0].isoformat()}</text>')
    parts.append(f'<text x="0" y="11" fill="{MUTED}">max {largest}</text></svg>')
    return Markup("".join(parts))
