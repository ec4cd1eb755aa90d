"""Deadlines counted in office time: "one working day" after a moment.

One working day is as much office time as the first working day that still has office time
left after the moment (mon-fri 08:30-16:30: 8 hours), counted only while the office is open
(``OfficeHours``: weekly hours, Thai public holidays, ``EXTRA_CLOSED_DAYS``). Opened Monday
10:00, it ends Tuesday 10:00; opened Friday 20:00, it ends Monday 16:30 (the next working day
if Monday is a holiday). A desk open "always" gives 24 hours.
"""

from __future__ import annotations

import datetime as dt

from common.office_hours import LOOKAHEAD_DAYS, OfficeHours
from common.thai_calendar import BANGKOK, in_bangkok

Span = tuple[dt.datetime, dt.datetime]


def office_spans(hours: OfficeHours, day: dt.date) -> list[Span]:
    """The office's opening spans on ``day`` (Bangkok time), none on a holiday."""
    if hours.holiday(day):
        return []
    return sorted((dt.datetime.combine(day, opening.opens, tzinfo=BANGKOK),
                   dt.datetime.combine(day, opening.closes, tzinfo=BANGKOK))
                  for opening in hours.openings if day.weekday() in opening.weekdays)


def one_working_day_after(hours: OfficeHours, moment: dt.datetime) -> dt.datetime:
    """The moment one working day of office time after ``moment`` has passed (Bangkok time)."""
    if hours.always:
        return in_bangkok(moment) + dt.timedelta(days=1)
    start = in_bangkok(moment)
    remaining = None
    for offset in range(2 * LOOKAHEAD_DAYS):
        spans = office_spans(hours, start.date() + dt.timedelta(days=offset))
        left = [(max(opens, start), closes) for opens, closes in spans if closes > start]
        if not left:
            continue
        if remaining is None:  # the first working day sets the length of "one working day"
            remaining = sum((closes - opens for opens, closes in spans), dt.timedelta())
        for opens, closes in left:
            if opens + remaining <= closes:
                return opens + remaining
            remaining -= closes - opens
    return start + dt.timedelta(days=1)  # no office hours for weeks: a calendar day
