"""Month-by-month progress of the key result, as a policy-tracking officer reports it.

One row per calendar month of the chosen period up to today (the first and last months cut
to the period's days): respondents, satisfied or better, KPI %, availability %, KR score
and notes on what makes a month's figure weak or incomplete.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from assistant.chat.satisfaction import Kpi, kpi
from assistant.reports.availability import availability_percent
from assistant.reports.confidence import FEW_RESPONSES
from assistant.reports.figures import rated_chats
from assistant.reports.kr_score import KrScore, current_rule, kr_score
from assistant.reports.periods import Period
from common.thai_calendar import bangkok_today

NOTES = {
    "en": {"no_answers": "no answers", "few_answers": "few answers ({count} < {few})",
           "no_availability": "availability not measured",
           "part_of_month": "days {first}–{last} only"},
    "th": {"no_answers": "ไม่มีผู้ตอบ", "few_answers": "ผู้ตอบน้อย ({count} < {few} คน)",
           "no_availability": "ไม่ได้วัดความพร้อมใช้งาน",
           "part_of_month": "เฉพาะวันที่ {first}–{last}"},
}


@dataclass(frozen=True)
class MonthProgress:
    """One month's figures (``days``: the month's days inside the chosen period)."""

    days: Period
    kpi: Kpi
    kr: KrScore

    @property
    def whole_month(self) -> bool:
        """Whether the row covers the whole calendar month."""
        return (self.days.first.day == 1
                and (self.days.last + dt.timedelta(days=1)).month != self.days.last.month)

    def notes(self, language: str) -> str:
        """What to know about this month's figures, ``; ``-separated, in ``language``."""
        said, notes = NOTES[language], []
        if not self.kpi.responses:
            notes.append(said["no_answers"])
        elif self.kpi.responses < FEW_RESPONSES:
            notes.append(said["few_answers"].format(count=self.kpi.responses, few=FEW_RESPONSES))
        if self.kr.availability.measured is None:
            notes.append(said["no_availability"])
        if not self.whole_month:
            notes.append(said["part_of_month"].format(first=self.days.first.day,
                                                      last=self.days.last.day))
        return "; ".join(notes)


def monthly(period: Period) -> list[MonthProgress]:
    """The months of ``period`` until today (none when it has not started)."""
    elapsed = period.up_to(bangkok_today())
    rule = current_rule()
    rows = []
    for days in elapsed.months() if elapsed else []:
        satisfaction = kpi(rating.level for rating in rated_chats(days))
        rows.append(MonthProgress(days, satisfaction, kr_score(availability_percent(days),
                                                               satisfaction.rate_percent, rule)))
    return rows
