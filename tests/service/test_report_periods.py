"""Thai fiscal years, quarters, months and ranges in Bangkok time; B.E. and Thai digits."""

import datetime as dt

import pytest

from assistant.reports.periods import (
    PeriodError,
    choose,
    fiscal_quarter,
    fiscal_year,
    month,
)
from common.thai_calendar import BANGKOK, fiscal_year_of, thai_date, thai_digits, to_ad, to_be


def test_fiscal_year_2568_is_october_2024_to_september_2025_in_bangkok():
    period = fiscal_year(2568)
    assert (period.first, period.last) == (dt.date(2024, 10, 1), dt.date(2025, 9, 30))
    assert period.start == dt.datetime(2024, 10, 1, tzinfo=BANGKOK)
    assert period.end == dt.datetime(2025, 10, 1, tzinfo=BANGKOK)
    assert period.start.astimezone(dt.timezone.utc) == dt.datetime(
        2024, 9, 30, 17, 0, tzinfo=dt.timezone.utc)
    assert period.name_th == "ปีงบประมาณ พ.ศ. 2568"
    assert len(period.days()) == 365


def test_buddhist_era_conversion_and_the_fiscal_year_of_a_day():
    assert to_be(2025) == 2568 and to_ad(2568) == 2025
    assert fiscal_year_of(dt.date(2025, 9, 30)) == 2568
    assert fiscal_year_of(dt.date(2025, 10, 1)) == 2569
    assert fiscal_year_of(dt.date(2025, 1, 15)) == 2568


@pytest.mark.parametrize("quarter, first, last", [
    (1, dt.date(2024, 10, 1), dt.date(2024, 12, 31)),
    (2, dt.date(2025, 1, 1), dt.date(2025, 3, 31)),
    (3, dt.date(2025, 4, 1), dt.date(2025, 6, 30)),
    (4, dt.date(2025, 7, 1), dt.date(2025, 9, 30)),
])
def test_quarters_start_in_october(quarter, first, last):
    period = fiscal_quarter(2568, quarter)
    assert (period.first, period.last) == (first, last)


def test_months_know_their_length_and_leap_years():
    assert month(2024, 2).last == dt.date(2024, 2, 29)
    assert month(2025, 2).last == dt.date(2025, 2, 28)
    assert month(2024, 12).last == dt.date(2024, 12, 31)
    assert month(2024, 12).name_th == "เดือนธันวาคม 2567"


def test_thai_dates_and_digits():
    assert thai_date(dt.date(2024, 10, 1)) == "1 ตุลาคม 2567"
    assert thai_date(dt.date(2025, 9, 30), digits=True) == "๓๐ กันยายน ๒๕๖๘"
    assert thai_digits("ร้อยละ 85.21") == "ร้อยละ ๘๕.๒๑"
    assert fiscal_year(2568).range_th(digits=True) == "๑ ตุลาคม ๒๕๖๗ – ๓๐ กันยายน ๒๕๖๘"


@pytest.mark.parametrize("kind, arguments, message", [
    ("quarter", {"year_be": 2568, "quarter": 5}, "quarter"),
    ("month", {"month_text": "2025-13"}, "YYYY-MM"),
    ("month", {"month_text": "last month"}, "YYYY-MM"),
    ("range", {"first": dt.date(2025, 2, 1)}, "first and a last"),
    ("range", {"first": dt.date(2025, 2, 1), "last": dt.date(2025, 1, 1)}, "ends before"),
    ("fiscal_year", {"year_be": 2025}, "Buddhist Era"),
    ("week", {}, "unknown"),
])
def test_impossible_periods_are_refused(kind, arguments, message):
    with pytest.raises(PeriodError, match=message):
        choose(kind, **arguments)
