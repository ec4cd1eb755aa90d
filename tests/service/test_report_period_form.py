"""The period form of the reports page (issue 17, manager item 3): only the fields the chosen
period needs (also without script), the current fiscal year as default and in the hint, and
dates the reader's way (Thai B.E. on the Thai page).
"""

import datetime as dt

import pytest
from playwright.sync_api import expect

from assistant.reports.periods import fiscal_year
from common.thai_calendar import bangkok_today, fiscal_year_of, parse_day
from tests.support.browser import VIEWPORTS, chromium, live_server, screenshot, sign_in
from tests.support.console_helpers import create_user, login

CURRENT = fiscal_year_of(bangkok_today())  # 2570 from 1 October 2026
QUARTER = "Quarter of the fiscal year"
FIELDS = ("fiscal_year", "quarter", "month", "first", "last")


def test_days_are_read_in_iso_or_day_month_year_ad_or_be():
    assert parse_day("1/10/2569") == dt.date(2026, 10, 1)
    assert parse_day("01/10/2026") == dt.date(2026, 10, 1)
    assert parse_day("2026-10-01") == dt.date(2026, 10, 1)
    for wrong in ("10/2026", "2026-13-01", "32/1/2569", "yesterday"):
        with pytest.raises(ValueError):
            parse_day(wrong)


def test_a_thai_range_is_read_and_a_wrong_day_refused(app_without_rasa):
    client = app_without_rasa.test_client()
    login(client, create_user(app_without_rasa, "staff"))
    page = client.get("/console/reports/?kind=range&first=1/10/2569&last=3/12/2569&lang=th")
    assert "1 ตุลาคม 2569 – 3 ธันวาคม 2569" in page.get_data(as_text=True)
    assert client.get("/console/reports/?kind=range&first=32/1/2569&last=3/12/2569"
                      ).status_code == 400


def shown_fields(page):
    return {name for name in FIELDS if page.locator(f"#{name}").is_visible()}


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_fields_follow_the_period_and_the_current_year_is_the_default(app_without_rasa,
                                                                      viewport):
    email = create_user(app_without_rasa, "staff", name="Manee")
    with live_server(app_without_rasa) as url, chromium() as browser:
        page = browser.new_page(viewport=VIEWPORTS[viewport], locale="en-US")
        sign_in(page, url, email)
        page.goto(url + "/console/reports/")
        expect(page.get_by_label("Fiscal year (B.E.)")).to_have_value(str(CURRENT))
        expect(page.locator("#fiscal_year-hint")).to_contain_text(f"The current one is {CURRENT}")
        assert shown_fields(page) == {"fiscal_year"}
        page.get_by_role("combobox", name="Period").select_option(label="Month")
        assert shown_fields(page) == {"month"}
        page.get_by_role("combobox", name="Period").select_option(label="Custom range")
        assert shown_fields(page) == {"first", "last"}
        first = fiscal_year(CURRENT).first.isoformat()
        expect(page.get_by_label("From")).to_have_value(first)  # text, not mm/dd/yyyy
        expect(page.locator("#first-hint")).to_contain_text("YYYY-MM-DD")
        screenshot(page, f"reports-period-form-range-{viewport}")
        page.get_by_role("combobox", name="Period").select_option(label=QUARTER)
        assert shown_fields(page) == {"fiscal_year", "quarter"}


def test_without_script_the_form_still_shows_only_what_the_period_needs(app_without_rasa):
    email = create_user(app_without_rasa, "staff", name="Manee")
    with live_server(app_without_rasa) as url, chromium() as browser:
        page = browser.new_page(java_script_enabled=False, locale="en-US")
        sign_in(page, url, email)
        page.goto(url + "/console/reports/")
        page.get_by_role("combobox", name="Period").select_option(label=QUARTER)
        assert shown_fields(page) == {"fiscal_year", "quarter"}
        page.get_by_role("button", name="Show").click()
        expect(page.locator(".period-name")).to_contain_text(f"of fiscal year {CURRENT} (B.E.)")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_thai_page_takes_and_shows_buddhist_era_dates(app_without_rasa, viewport):
    email = create_user(app_without_rasa, "staff", name="Manee")
    with live_server(app_without_rasa) as url, chromium() as browser:
        page = browser.new_page(viewport=VIEWPORTS[viewport], locale="th-TH")
        sign_in(page, url, email)
        page.goto(url + "/console/reports/")
        expect(page.locator("#fiscal_year-hint")).to_contain_text(
            f"ปีงบประมาณปัจจุบันคือ {CURRENT}")
        assert page.locator("#month option").first.inner_text().endswith(
            str(bangkok_today().year + 543))
        page.get_by_role("combobox", name="ช่วงเวลา").select_option(label="กำหนดช่วงวันที่เอง")
        expect(page.get_by_label("ตั้งแต่วันที่")).to_have_value(f"1/10/{CURRENT - 1}")
        page.get_by_label("ตั้งแต่วันที่").fill("1/11/2569")
        page.get_by_label("ถึงวันที่").fill("30/11/2569")
        page.get_by_role("button", name="แสดง").click()
        expect(page.locator(".period-name")).to_contain_text("1 พฤศจิกายน 2569 – 30 พฤศจิกายน 2569")
        expect(page.get_by_label("ตั้งแต่วันที่")).to_have_value("1/11/2569")
        expect(page.locator("#last-hint .in-words")).to_have_text("30 พฤศจิกายน 2569")
        screenshot(page, f"reports-period-form-thai-{viewport}")
