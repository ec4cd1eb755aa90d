"""The reports page in its reader's language: which language, and the words that follow it.

The period form, its dates, the chats-per-day chart and the trends follow the page language
(English, or Thai with Buddhist Era dates); it is the ``lang`` parameter, else the browser's
preferred language. The figures keep their English names, as in the exports.
"""

from __future__ import annotations

from werkzeug.datastructures import LanguageAccept

LANGUAGES = {"en": "English", "th": "ไทย"}

WORDS = {
    "en": {
        "kind": "Period", "fiscal_year": "Fiscal year (B.E.)", "quarter": "Quarter",
        "month": "Month", "first": "From", "last": "To",
        "thai_digits": "Thai digits in the Thai summary", "show": "Show",
        "kind_fiscal_year": "Fiscal year", "kind_quarter": "Quarter of the fiscal year",
        "kind_month": "Month", "kind_range": "Custom range",
        "quarter_1": "Q1 (Oct–Dec)", "quarter_2": "Q2 (Jan–Mar)",
        "quarter_3": "Q3 (Apr–Jun)", "quarter_4": "Q4 (Jul–Sep)",
        "fiscal_year_hint": "The current one is {year}: {range}",
        "day_hint": "YYYY-MM-DD, e.g. {example}",
        "per_day": "Chats started per day", "max": "max", "until_today": "Until today, {day}",
        "not_started": "This period has not started yet.",
        "compared": "Compared with the {days} days before: {range}",
        "vs_previous": "vs previous period", "points": "points", "no_change": "no change",
        "none_before": "none before",
        "started": "Chats started", "responses": "Respondents",
        "kpi": "Satisfaction rate", "response_rate": "Response rate",
        "trends": "Trend against the previous period", "figure": "Figure",
        "this_period": "This period", "previous_period": "Previous period", "change": "Change",
        "sites": "Partner sites", "site": "Site", "chats": "Chats",
        "sites_kpi": "Satisfied or better", "top_topics": "Top topics",
        "sites_note": "Web chats by the site whose page embeds the chat (setting "
                      "PARTNER_SITES); other channels are not counted here.",
    },
    "th": {
        "kind": "ช่วงเวลา", "fiscal_year": "ปีงบประมาณ (พ.ศ.)", "quarter": "ไตรมาส",
        "month": "เดือน", "first": "ตั้งแต่วันที่", "last": "ถึงวันที่",
        "thai_digits": "ใช้เลขไทยในสรุปภาษาไทย", "show": "แสดง",
        "kind_fiscal_year": "ปีงบประมาณ", "kind_quarter": "ไตรมาสของปีงบประมาณ",
        "kind_month": "เดือน", "kind_range": "กำหนดช่วงวันที่เอง",
        "quarter_1": "ไตรมาส 1 (ต.ค.–ธ.ค.)", "quarter_2": "ไตรมาส 2 (ม.ค.–มี.ค.)",
        "quarter_3": "ไตรมาส 3 (เม.ย.–มิ.ย.)", "quarter_4": "ไตรมาส 4 (ก.ค.–ก.ย.)",
        "fiscal_year_hint": "ปีงบประมาณปัจจุบันคือ {year}: {range}",
        "day_hint": "วัน/เดือน/ปี พ.ศ. เช่น {example}",
        "per_day": "จำนวนแชตที่เริ่มต่อวัน", "max": "สูงสุด", "until_today": "ถึงวันนี้ {day}",
        "not_started": "ช่วงเวลานี้ยังไม่เริ่ม",
        "compared": "เทียบกับ {days} วันก่อนหน้า: {range}",
        "vs_previous": "เทียบกับช่วงก่อนหน้า", "points": "จุด", "no_change": "ไม่เปลี่ยนแปลง",
        "none_before": "ช่วงก่อนหน้าไม่มีข้อมูล",
        "started": "แชตที่เริ่ม", "responses": "ผู้ตอบแบบสอบถาม",
        "kpi": "ร้อยละความพึงพอใจ", "response_rate": "อัตราการตอบแบบสอบถาม",
        "trends": "แนวโน้มเทียบกับช่วงก่อนหน้า", "figure": "ตัวชี้วัด",
        "this_period": "ช่วงนี้", "previous_period": "ช่วงก่อนหน้า", "change": "การเปลี่ยนแปลง",
        "sites": "เว็บไซต์พันธมิตร", "site": "เว็บไซต์", "chats": "แชต",
        "sites_kpi": "ร้อยละความพึงพอใจ", "top_topics": "หัวข้อที่ถามมากที่สุด",
        "sites_note": "แชตผ่านเว็บไซต์ แยกตามเว็บไซต์ที่ติดตั้งหน้าต่างแชต (ค่าตั้ง "
                      "PARTNER_SITES) ไม่นับช่องทางอื่น",
    },
}


def page_language(requested: str | None, accepted: LanguageAccept) -> str:
    """``requested`` when it is a page language, else the browser's preference, else English."""
    if requested in LANGUAGES:
        return str(requested)
    return accepted.best_match(list(LANGUAGES)) or "en"


def words(language: str) -> dict[str, str]:
    """The page's words in ``language``."""
    return WORDS[language]
