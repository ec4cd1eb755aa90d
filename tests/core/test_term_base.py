"""The term base: one form for each official name and for addressing the reader in Thai;
the knowledge gate refuses the others in article text (not in keywords)."""

from pathlib import Path

import pytest

from knowledge.articles import parse_article
from knowledge.terms import term_base, term_problems

ARTICLE = """---
id: visa-x
topic: visa
reviewed: 2026-11-01
sources:
  - {{title: Immigration Bureau, url: 'https://www.immigration.go.th/'}}
keywords: {{en: [immigration], th: [ตม., กองตรวจคนเข้าเมือง 1]}}
title: {{en: Extending a stay, th: การขยายเวลาพำนัก}}
answer: {{en: Apply at Immigration Division 1., th: '{answer}'}}
---
## English

Details.

## ภาษาไทย

{details}
"""
GOOD_ANSWER = "ยื่นที่กองบังคับการตรวจคนเข้าเมือง 1 (บก.ตม.1) ด้วยแบบ ตม.7"


def problems(answer: str = GOOD_ANSWER, details: str = "ท่านต้องเตรียมคุณสมบัติให้ครบ"):
    text = ARTICLE.format(answer=answer, details=details)
    return term_problems(parse_article(text, Path("visa-x.md")))


def test_official_forms_pass_and_keywords_are_not_checked():
    assert problems() == []  # บก.ตม.1 and ตม.7 are official; "คุณสมบัติ" is not "คุณ"


@pytest.mark.parametrize(("answer", "details", "expected"), [
    ("ยื่นที่กองตรวจคนเข้าเมือง 1", "รายละเอียด", "กองบังคับการตรวจคนเข้าเมือง 1 (บก.ตม.1)"),
    ("ยื่นที่ตรวจคนเข้าเมือง 1 แจ้งวัฒนะ", "รายละเอียด", "Immigration Division 1"),
    ("สอบถาม ตม. ก่อน", "รายละเอียด", "สำนักงานตรวจคนเข้าเมือง"),
    (GOOD_ANSWER, "นำเอกสารไปเซ็นสำเนา", "ลงนามรับรองสำเนา"),
    (GOOD_ANSWER, "คุณต้องยื่นด้วยตนเอง", "write 'ท่าน'"),
])
def test_other_forms_are_refused_with_the_preferred_one(answer, details, expected):
    found = problems(answer, details)
    assert len(found) == 1 and expected in found[0], found


def test_the_term_base_file_reads():
    base = term_base()
    assert base.address == "ท่าน" and base.avoided_address == "คุณ"
    assert all(term.preferred for term in base.terms)
