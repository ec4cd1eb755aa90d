"""Office hours: weekly openings in Bangkok time, Thai public holidays, extra closures."""

import datetime as dt

import pytest

from common.office_hours import OfficeHours, when
from common.thai_calendar import BANGKOK

HOURS = OfficeHours.parse("mon-fri 08:30-16:30")


def bangkok(year, month, day, hour, minute):
    return dt.datetime(year, month, day, hour, minute, tzinfo=BANGKOK)


@pytest.mark.parametrize("moment, is_open", [
    (bangkok(2026, 11, 27, 8, 29), False),   # Friday, a minute before opening
    (bangkok(2026, 11, 27, 8, 30), True),
    (bangkok(2026, 11, 27, 16, 29), True),
    (bangkok(2026, 11, 27, 16, 30), False),  # closing time is not open
    (bangkok(2026, 11, 28, 10, 0), False),   # Saturday
    (bangkok(2026, 12, 7, 10, 0), False),    # Monday in lieu of Father's Day (Sat 5 Dec)
    (bangkok(2026, 12, 10, 10, 0), False),   # Constitution Day
    (bangkok(2026, 12, 11, 10, 0), True),
    (bangkok(2027, 4, 14, 10, 0), False),    # Songkran
])
def test_open_only_on_working_hours_of_working_days(moment, is_open):
    assert HOURS.is_open(moment) is is_open


def test_a_utc_moment_is_judged_in_bangkok_time():
    # 02:00 UTC on Friday 27 Nov 2026 is 09:00 in Bangkok.
    assert HOURS.is_open(dt.datetime(2026, 11, 27, 2, 0, tzinfo=dt.timezone.utc))
    assert not HOURS.is_open(dt.datetime(2026, 11, 27, 10, 0, tzinfo=dt.timezone.utc))


def test_next_opening_skips_the_weekend_and_public_holidays():
    friday_evening = bangkok(2026, 12, 4, 17, 0)  # then Sat 5, Sun 6, Mon 7 (in lieu)
    assert HOURS.next_opening(friday_evening) == bangkok(2026, 12, 8, 8, 30)
    assert HOURS.next_opening(bangkok(2026, 12, 8, 7, 0)) == bangkok(2026, 12, 8, 8, 30)
    assert when(bangkok(2026, 12, 8, 8, 30), "en") == "Tuesday 8 December 2026, 08:30"
    assert when(bangkok(2026, 12, 8, 8, 30), "th") == "วันอังคารที่ 8 ธันวาคม 2569 เวลา 08:30 น."


def test_extra_closed_days_and_several_rules():
    hours = OfficeHours.parse("mon-fri 08:30-16:30; sat 09:00-12:00", "2026-12-11")
    assert not hours.is_open(bangkok(2026, 12, 11, 10, 0))
    assert hours.holiday(dt.date(2026, 12, 11)) == "Special holiday"
    assert hours.is_open(bangkok(2026, 12, 12, 11, 0))  # Saturday morning
    assert not hours.is_open(bangkok(2026, 12, 12, 12, 0))
    assert hours.describe("en") == ("Monday to Friday 08:30–16:30, Saturday 09:00–12:00 "
                                    "Bangkok time, except public holidays")
    assert hours.describe("th") == ("วันจันทร์–วันศุกร์ 08:30–16:30 น., วันเสาร์ 09:00–12:00 น. "
                                    "ยกเว้นวันหยุดราชการ")


def test_always_open_desk():
    hours = OfficeHours.parse("always")
    assert hours.is_open(bangkok(2027, 4, 14, 3, 0))
    assert hours.describe("en") == "every day, 24 hours"


@pytest.mark.parametrize("spec", ["weekdays 9-5", "fri-mon 08:30-16:30",
                                  "mon-fri 16:30-08:30", "mon-fry 08:30-16:30"])
def test_malformed_hours_are_refused_with_a_clear_message(spec):
    with pytest.raises(ValueError, match="Office hours rule"):
        OfficeHours.parse(spec)
