"""How sure the KPI is: the 95 % Wilson interval and the response rate, hand-computed, on the
page and in ``flask report --json`` (SQLite and PostgreSQL), with the page's warnings.

Hand computation for 10 satisfied of 12 (z = 1.96): p = 0.8333, z²/n = 0.3201,
centre = (p + z²/2n) / (1 + z²/n) = 0.9934 / 1.3201 = 0.7525,
half = z·√(p(1−p)/n + z²/4n²) / (1 + z²/n) = 1.96 · 0.13507 / 1.3201 = 0.2005
→ 55.20 % to 95.30 %.
"""

from decimal import Decimal

import pytest

from assistant.reports.confidence import confidence, wilson_interval
from tests.support.report_data import add_chat, bangkok, cli_json

FY_2555 = ["--fiscal-year", "2555"]  # 1 Oct 2011 – 30 Sep 2012: no other test's chats


@pytest.mark.parametrize(("satisfied", "total", "expected"), [
    (10, 12, ("55.20", "95.30")),
    (12, 12, ("75.75", "100.00")),  # all satisfied: still not sure of 100 %
    (80, 100, ("71.12", "86.66")),
    (0, 5, ("0.00", "43.45")),
])
def test_the_wilson_interval_matches_hand_computed_figures(satisfied, total, expected):
    assert wilson_interval(satisfied, total) == tuple(Decimal(bound) for bound in expected)


def test_no_answers_no_interval_and_warnings_for_few_answers_or_a_low_response_rate():
    assert wilson_interval(0, 0) is None
    assert confidence(0, 0, None).warnings == []
    assert confidence(40, 50, Decimal("35")).warnings == []  # enough answers, enough rated
    few, low = confidence(10, 12, Decimal("19.99")).warnings
    assert "Only 12 answers" in few and "55.2" in few
    assert "Only 19.99 % of closed chats were rated" in low


def test_interval_and_response_rate_in_the_report_and_on_the_page(module_app, manager):
    levels = [5] * 6 + [4] * 4 + [3, 2]  # 10 of 12 satisfied or better
    for index, level in enumerate(levels):
        add_chat(module_app, bangkok(2012, 1, 2 + index, 10), level)
    for index in range(48):  # closed without an answer to the question
        add_chat(module_app, bangkok(2012, 2, 1 + index % 28, 11))
    figures = cli_json(module_app, *FY_2555)
    assert (figures["responses"], figures["rate_percent"]) == (12, 83.33)
    assert figures["response_rate_percent"] == 20.0  # 12 of 60 closed chats
    assert figures["interval_95"] == [55.2, 95.3]

    page = manager.get("/console/reports/?kind=fiscal_year&fiscal_year=2555").get_data(True)
    assert "95 % interval (Wilson): 55.20 – 95.30 %" in page
    assert "Only 12 answers: the true rate may be anywhere from 55.20 % to 95.30 %" in page
    assert "of closed chats were rated" not in page  # 20 % is not below 20 %
