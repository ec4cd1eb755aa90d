"""Executive summary in the shape of the key-result report, in English and in Thai.

Target, result, pass/fail, number of respondents and period, then the KR score (both
weighted parts, the total and how they were computed); the Thai text uses Buddhist
Era dates and, on request, Thai digits, as official Thai documents often do.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Optional

from assistant.reports import kr_explanation
from assistant.reports.figures import Figures
from common.thai_calendar import thai_digits

INDICATOR = {
    "en": "Satisfaction of users of the Information Service Center for Foreigners",
    "th": "ร้อยละความพึงพอใจของผู้รับบริการศูนย์บริการข้อมูลสำหรับชาวต่างชาติ",
}


@dataclass(frozen=True)
class Line:
    """One labelled line of the summary."""

    label: str
    value: str


def _rate(rate: Optional[Decimal]) -> str:
    return "—" if rate is None else f"{rate:.2f}"


def _kr_lines(figures: Figures, language: str) -> list[Line]:
    """Both parts of the key result, the total and how they were computed."""
    return [Line(label, text) for label, text in kr_explanation.lines(figures.kr, language)]


def english(figures: Figures) -> list[Line]:
    """The summary in English."""
    kpi, period = figures.kpi, figures.period
    if kpi.rate_percent is None:
        result, status = "No responses in this period", "Not assessed (no responses)"
    else:
        result = (f"{_rate(kpi.rate_percent)} % ({kpi.satisfied_or_better} of "
                  f"{kpi.responses} respondents answered Satisfied or Very Satisfied)")
        status = "Target met" if kpi.met else "Target not met"
    return [
        Line("Key result", INDICATOR["en"]),
        Line("Target", f"at least {kpi.target_percent} %"),
        Line("Result", result),
        Line("Status", status),
        Line("Respondents", str(kpi.responses)),
        Line("Period", f"{period.name_en}: {period.range_en()}"),
        Line("Formula", "respondents answering Satisfied or Very Satisfied ÷ all respondents "
                        "× 100, rounded half up to two decimals"),
        *_kr_lines(figures, "en"),
    ]


def thai(figures: Figures, digits: bool = False) -> list[Line]:
    """The summary in Thai (B.E. dates; Thai digits when ``digits``)."""
    kpi, period = figures.kpi, figures.period
    if kpi.rate_percent is None:
        result, status = "ไม่มีผู้ตอบแบบประเมินในช่วงเวลานี้", "ไม่สามารถประเมินได้ (ไม่มีผู้ตอบ)"
    else:
        result = (f"ร้อยละ {_rate(kpi.rate_percent)} (ผู้ตอบแบบประเมิน {kpi.responses} คน "
                  f"พึงพอใจขึ้นไป {kpi.satisfied_or_better} คน)")
        status = "บรรลุเป้าหมาย" if kpi.met else "ไม่บรรลุเป้าหมาย"
    lines = [
        Line("ตัวชี้วัด", INDICATOR["th"]),
        Line("ค่าเป้าหมาย", f"ไม่น้อยกว่าร้อยละ {kpi.target_percent}"),
        Line("ผลการดำเนินงาน", result),
        Line("สถานะ", status),
        Line("จำนวนผู้ตอบแบบประเมิน", f"{kpi.responses} คน"),
        Line("ช่วงเวลา", f"{period.name_th} ({period.range_th()})"),
        Line("วิธีคำนวณ", "จำนวนผู้ตอบ \"พึงพอใจ\" และ \"พึงพอใจมาก\" ÷ จำนวนผู้ตอบทั้งหมด × 100 "
                         "(ปัดเศษทศนิยมสองตำแหน่งแบบปัดครึ่งขึ้น)"),
        *_kr_lines(figures, "th"),
    ]
    if digits:
        lines = [Line(line.label, thai_digits(line.value)) for line in lines]
    return lines
