"""The KR score in plain words, English and Thai: how each part and the total were computed.

"Availability 99.50 % ≥ 99 % → 40 of 40", "KPI 72.00 % < 80 % → 60 × 72 / 80 = 54.00".
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from assistant.reports.kr_score import KrScore, Part

WORDS = {
    "en": {
        "part_1": "KR part 1: service online (availability), weight {weight}",
        "part_2": "KR part 2: users' satisfaction (KPI), weight {weight}",
        "total": "KR score",
        "method": "How the KR score is computed",
        "availability": "Availability", "kpi": "KPI",
        "full": "{name} {measured} % ≥ {target} % → {weight} of {weight}",
        "scaled": "{name} {measured} % < {target} % → {weight} × {plain} / {target} = {score}",
        "no_availability": "Availability not measured (no probe data in this period) → not scored",
        "no_kpi": "KPI not measured (no responses in this period) → not scored",
        "sum": "{first} + {second} = {total} of {maximum}",
        "missing": "Not computed: {parts} not measured",
        "and": " and ",
        "rule": "Part 1 scores {w1} when availability (probe looks that found the service "
                "working ÷ all looks × 100) is at least {t1} %, else {w1} × availability / {t1}; "
                "part 2 scores {w2} when the KPI (respondents Satisfied or Very Satisfied ÷ all "
                "respondents × 100) is at least {t2} %, else {w2} × KPI / {t2}; scores rounded "
                "half up to two decimals, the total is their sum (out of {maximum}).",
    },
    "th": {
        "part_1": "ผลสัมฤทธิ์ส่วนที่ 1: ระบบให้บริการออนไลน์ (ความพร้อมใช้งาน) น้ำหนัก {weight}",
        "part_2": "ผลสัมฤทธิ์ส่วนที่ 2: ความพึงพอใจของผู้รับบริการ น้ำหนัก {weight}",
        "total": "คะแนนผลสัมฤทธิ์ (KR)",
        "method": "วิธีคิดคะแนนผลสัมฤทธิ์",
        "availability": "ความพร้อมใช้งาน", "kpi": "ความพึงพอใจ",
        "full": "{name} (ร้อยละ) {measured} ≥ {target} → {weight} จาก {weight} คะแนน",
        "scaled": "{name} (ร้อยละ) {measured} < {target} → {weight} × {plain} / {target} "
                  "= {score} คะแนน",
        "no_availability": "ไม่ได้วัดความพร้อมใช้งาน (ไม่มีข้อมูลการตรวจสอบระบบในช่วงเวลานี้) "
                           "→ ยังไม่คิดคะแนน",
        "no_kpi": "ไม่ได้วัดความพึงพอใจ (ไม่มีผู้ตอบแบบประเมินในช่วงเวลานี้) → ยังไม่คิดคะแนน",
        "sum": "{first} + {second} = {total} จาก {maximum} คะแนน",
        "missing": "ยังคำนวณไม่ได้: ไม่ได้วัด{parts}",
        "and": "และ",
        "rule": "ส่วนที่ 1 ได้ {w1} คะแนนเมื่อความพร้อมใช้งาน (จำนวนครั้งที่ตรวจแล้วระบบทำงานปกติ ÷ "
                "จำนวนครั้งที่ตรวจทั้งหมด × 100) ไม่น้อยกว่าร้อยละ {t1} มิฉะนั้น {w1} × ความพร้อมใช้งาน / "
                "{t1}; ส่วนที่ 2 ได้ {w2} คะแนนเมื่อร้อยละความพึงพอใจ (ผู้ตอบ \"พึงพอใจ\" และ "
                "\"พึงพอใจมาก\" ÷ ผู้ตอบทั้งหมด × 100) ไม่น้อยกว่าร้อยละ {t2} มิฉะนั้น {w2} × "
                "ร้อยละความพึงพอใจ / {t2}; ปัดเศษทศนิยมสองตำแหน่งแบบปัดครึ่งขึ้น "
                "คะแนนรวมคือผลบวกของทั้งสองส่วน (เต็ม {maximum})",
    },
}


def plain(number: Decimal) -> str:
    """A number without trailing zeros: 72.00 → "72", 97.02 → "97.02", 40 → "40"."""
    return f"{number.normalize():f}"


def part_text(part: Part, name: str, language: str) -> str:
    """How one part's score was computed; ``name`` is ``availability`` or ``kpi``."""
    said = WORDS[language]
    if part.measured is None:
        return said[f"no_{name}"]
    return said["full" if part.met else "scaled"].format(
        name=said[name], measured=f"{part.measured:.2f}", plain=plain(part.measured),
        target=plain(part.target), weight=plain(part.weight), score=part.score)


def total_text(kr: KrScore, language: str) -> str:
    """The total as a sum, or which parts were not measured."""
    said = WORDS[language]
    if kr.total is None:
        missing = [said[name] for name, part in (("availability", kr.availability),
                                                 ("kpi", kr.satisfaction))
                   if part.measured is None]
        return said["missing"].format(parts=said["and"].join(missing))
    return said["sum"].format(first=kr.availability.score, second=kr.satisfaction.score,
                              total=kr.total, maximum=plain(kr.maximum))


def rule_text(kr: KrScore, language: str) -> str:
    """The rule in words, with the configured weights and targets."""
    return WORDS[language]["rule"].format(
        w1=plain(kr.availability.weight), t1=plain(kr.availability.target),
        w2=plain(kr.satisfaction.weight), t2=plain(kr.satisfaction.target),
        maximum=plain(kr.maximum))


@dataclass(frozen=True)
class Explained:
    """The KR score's figures in words, in one language."""

    availability: str
    satisfaction: str
    total: str
    rule: str


def explained(kr: KrScore, language: str) -> Explained:
    """Both parts, the total and the rule in words, in ``language``."""
    return Explained(part_text(kr.availability, "availability", language),
                     part_text(kr.satisfaction, "kpi", language),
                     total_text(kr, language), rule_text(kr, language))


def lines(kr: KrScore, language: str) -> list[tuple[str, str]]:
    """``(label, text)``: part 1, part 2, the total and the rule, in ``language``."""
    said, words = WORDS[language], explained(kr, language)
    return [(said["part_1"].format(weight=plain(kr.availability.weight)), words.availability),
            (said["part_2"].format(weight=plain(kr.satisfaction.weight)), words.satisfaction),
            (said["total"], words.total), (said["method"], words.rule)]
