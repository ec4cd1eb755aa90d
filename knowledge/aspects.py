"""Aspects: the kind of fact a question asks for, and how a passage that states it looks.

The NLU finds the aspect of a question (entity ``aspect``, from the lookup table in
``nlu_data/lookups/aspects.yml``, mapped to one of the names below by synonyms). Here each
aspect has the pattern of its evidence in English and Thai text: an amount of baht for
``cost``, a number of days for ``duration``, a phone number for ``contact`` ...
"""

from __future__ import annotations

import re
from typing import Sequence

_NUMBER = (r"(?:\d[\d,.]*|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve|"
           r"fifteen|thirty|sixty|ninety)\b|หนึ่ง|สอง|สาม|สี่|ห้า|หก|เจ็ด|แปด|เก้า|สิบ)")
# "free" as a price, not "free to marry" or "free of storage" ("free of charge" is a price).
_MONEY = (rf"{_NUMBER}\s*(?:baht|บาท|thb|million|ล้าน)|฿\s*\d"
          r"|\bfree\b(?!\s+(?:to|from|of(?!\s+charge))\b)|ไม่มีค่า|ไม่เสียค่า|ฟรี")
_PERIOD = (rf"{_NUMBER}\s*(?:-\s*{_NUMBER}\s*)?(?:working\s+)?"
           r"(?:days?|weeks?|months?|years?|hours?|วัน|สัปดาห์|เดือน|ปี|ชั่วโมง)")
# A month and year, or a day and month: "August 2025", "13 ตุลาคม 2568", "1 Jan".
_ENGLISH_MONTH = (r"\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|"
                  r"aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?")
_THAI_MONTH = (r"มกราคม|กุมภาพันธ์|มีนาคม|เมษายน|พฤษภาคม|มิถุนายน|กรกฎาคม|สิงหาคม|กันยายน|"
               r"ตุลาคม|พฤศจิกายน|ธันวาคม|(?:ม\.ค|ก\.พ|มี\.ค|เม\.ย|พ\.ค|มิ\.ย|ก\.ค|ส\.ค|ก\.ย|ต\.ค|"
               r"พ\.ย|ธ\.ค)\.")
_DATE = (rf"(?:{_ENGLISH_MONTH}|{_THAI_MONTH})\s*\d{{4}}|"
         rf"\d{{1,2}}\s*(?:{_ENGLISH_MONTH}|{_THAI_MONTH})")
EVIDENCE = {
    "cost": re.compile(_MONEY, re.IGNORECASE),
    "penalty": re.compile(r"\bfines?\b|penalt|imprison|jail|ค่าปรับ|ปรับ|โทษ|จำคุก",
                          re.IGNORECASE),
    "duration": re.compile(_PERIOD, re.IGNORECASE),
    "deadline": re.compile(_PERIOD + r"|\bwithin\b|\bbefore\b|\bby the\b|ภายใน|ก่อน|" + _DATE,
                           re.IGNORECASE),
    "contact": re.compile(r"(?<!\d)1\d{3}(?!\d)|\+66|(?<!\d)0\d[\d -]{7,}\d|hotline|\bcall\b"
                          r"|e-?mail|@|สายด่วน|โทร|อีเมล", re.IGNORECASE),
    "where": re.compile(r"\boffices?\b|building|floor|\broad\b|centre|center|district|"
                        r"อาคาร|ชั้น|ถนน|สำนักงาน|ศูนย์|เขต|ที่ทำการ", re.IGNORECASE),
    "online": re.compile(r"online|website|\bapp\b|e-service|https?://|\bline\b|ออนไลน์|"
                         r"เว็บไซต์|แอป|ระบบ", re.IGNORECASE),
    "documents": re.compile(r"document|passport|cop(?:y|ies)|certificate|photo|\bform\b|"
                            r"เอกสาร|สำเนา|หนังสือเดินทาง|รูปถ่าย|หนังสือรับรอง|แบบ",
                            re.IGNORECASE),
    "eligibility": re.compile(r"\bmust\b|at least|minimum|maximum|\baged?\b|income|salary|"
                              r"eligible|ต้อง|อย่างน้อย|ขั้นต่ำ|อายุ|รายได้|เงินเดือน|มีสิทธิ",
                              re.IGNORECASE),
    "hours": re.compile(r"\d{1,2}[.:]\d{2}|\b[ap]\.?m\b|opening|hours|น\.|เปิด|เวลาทำการ",
                        re.IGNORECASE),
    "form": re.compile(r"\btm\.?\s?\d+|\bform\b|แบบ|ภ\.ง\.ด|ตม\.\s?\d+", re.IGNORECASE),
    "amount": re.compile(_MONEY + r"|deposit|balance|savings|เงินฝาก|ยอดเงิน", re.IGNORECASE),
    "quantity": re.compile(r"\d"),
    "limit": re.compile(rf"(?:maximum|minimum|up to|at least|at most|no more than|limit|"
                        rf"ไม่เกิน|ขั้นต่ำ|สูงสุด|อย่างน้อย|ไม่น้อยกว่า)[^.]*?{_NUMBER}",
                        re.IGNORECASE),
    "percentage": re.compile(r"\d[\d.,]*\s*(?:%|percent|per cent|เปอร์เซ็นต์)|ร้อยละ\s*\d",
                             re.IGNORECASE),
    "name": re.compile(r"\([^)]{2,40}\)|\bcalled\b|known as|เรียกว่า|ชื่อ", re.IGNORECASE),
}
ASPECTS = tuple(EVIDENCE)


def evidence_share(text: str, aspects: Sequence[str]) -> float:
    """The share (0-1) of the asked-for ``aspects`` that ``text`` shows evidence of."""
    asked = set(aspects) & set(EVIDENCE)
    if not asked:
        return 0.0
    return sum(1 for aspect in asked if EVIDENCE[aspect].search(text)) / len(asked)
