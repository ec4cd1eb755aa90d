"""Facts that hold only until a date, or are only proposed: said so in the answer, in both
languages, and the knowledge gate fails once a fact's date has passed (warning 30 days
before)."""

import datetime as dt
from pathlib import Path

import pytest

from knowledge.articles import ArticleError, parse_article
from knowledge.check import expiry_problems
from knowledge.replies import answer_text

ARTICLE = """---
id: transport-x
topic: transport
reviewed: 2026-11-01
sources:
  - {{title: Operator fares, url: 'https://www.mrta.co.th/'}}
title: {{en: Fares, th: ค่าโดยสาร}}
answer: {{en: Fares depend on distance., th: ค่าโดยสารคิดตามระยะทาง}}
time_bound:
{facts}
---
## English

Details.

## ภาษาไทย

รายละเอียด
"""
DAY_FARE = """  - claim:
      en: a 40-baht day fare on the Purple Line
      th: ค่าโดยสาร 40 บาทตลอดวันสายสีม่วง
    status: in force
    valid_until: 2026-11-30"""
PROPOSAL = """  - claim: {en: tax on all remitted foreign income, th: ภาษีเงินได้จากต่างประเทศทุกกรณี}
    status: proposed"""


def article(facts: str):
    return parse_article(ARTICLE.format(facts=facts), Path("transport-x.md"))


def test_the_answer_says_until_when_and_what_is_only_proposed():
    fares = article(DAY_FARE + "\n" + PROPOSAL)
    english, thai = answer_text(fares, "en"), answer_text(fares, "th")
    assert "Valid until 30 November 2026: a 40-baht day fare on the Purple Line" in english
    assert "Proposed, not yet in force when last reviewed: tax on all remitted foreign income" \
        in english
    assert "มีผลถึง 30 พ.ย. 2569: ค่าโดยสาร 40 บาทตลอดวันสายสีม่วง" in thai
    assert "เป็นข้อเสนอ ยังไม่มีผลบังคับใช้ ณ วันที่ตรวจทานล่าสุด: ภาษีเงินได้จากต่างประเทศทุกกรณี" in thai


@pytest.mark.parametrize(("today", "errors", "warnings"), [
    (dt.date(2026, 10, 1), 0, 0),    # 60 days left: nothing to say
    (dt.date(2026, 11, 10), 0, 1),   # 20 days left: a warning
    (dt.date(2026, 11, 30), 0, 1),   # its last day
    (dt.date(2026, 12, 1), 1, 0),    # passed: the gate fails
])
def test_the_gate_fails_once_a_date_has_passed_and_warns_before(today, errors, warnings):
    found = expiry_problems(article(DAY_FARE + "\n" + PROPOSAL), today)
    assert (len(found[0]), len(found[1])) == (errors, warnings)
    if errors:
        assert "valid until 2026-11-30, which has passed" in found[0][0]


@pytest.mark.parametrize(("facts", "message"), [
    (DAY_FARE.replace("in force", "maybe"), "status is 'in force' or 'proposed'"),
    (DAY_FARE.replace("    valid_until: 2026-11-30", ""), "needs 'valid_until'"),
    (DAY_FARE.replace("2026-11-30", "end of 2026"), "'valid_until' must be a date"),
])
def test_a_time_bound_fact_must_say_its_status_and_date(facts, message):
    with pytest.raises(ArticleError, match=message):
        article(facts)
