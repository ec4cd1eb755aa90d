"""Chats per day on the reports page (issue 17, manager item 2): the days end today, the
time axis is readable (ticks per week or month, B.E. dates on the Thai page), and the
figures are compared with the period of as many days just before.
"""

import datetime as dt

import pytest
from playwright.sync_api import expect

from assistant.extensions import db
from assistant.models import Conversation, Rating, State
from assistant.reports.charts import axis_ticks
from assistant.reports.periods import date_range, fiscal_year
from common.thai_calendar import BANGKOK, bangkok_today, fiscal_year_of
from tests.support.browser import VIEWPORTS, chromium, live_server, screenshot, sign_in
from tests.support.console_helpers import create_user, login

TODAY = bangkok_today()
PERIOD = f"kind=range&first={(TODAY - dt.timedelta(days=9)).isoformat()}&last={TODAY.isoformat()}"


def add_chats(app, day, count, level=None):
    """``count`` chats started (and closed, rated ``level`` when given) at noon on ``day``."""
    noon = dt.datetime.combine(day, dt.time(12), tzinfo=BANGKOK).astimezone(dt.timezone.utc)
    with app.app_context():
        for _ in range(count):
            chat = Conversation(language="en", created_at=noon, closed_at=noon,
                                satisfaction_asked_at=noon, state=State.CLOSED)
            if level is not None:
                chat.rating = Rating(level=level, language="en", handled_by="bot")
            db.session.add(chat)
        db.session.commit()


@pytest.fixture(scope="module")
def report_app(app_without_rasa):
    """This range (the last 10 days): 6 chats, 4 rated Satisfied; the 10 days before it:
    3 chats, 2 rated, one Satisfied."""
    add_chats(app_without_rasa, TODAY, 4, level=4)
    add_chats(app_without_rasa, TODAY - dt.timedelta(days=3), 2)
    add_chats(app_without_rasa, TODAY - dt.timedelta(days=12), 1, level=5)
    add_chats(app_without_rasa, TODAY - dt.timedelta(days=15), 1, level=2)
    add_chats(app_without_rasa, TODAY - dt.timedelta(days=15), 1)
    return app_without_rasa


def test_a_fiscal_year_axis_has_one_tick_per_month_with_the_year_in_be_on_the_thai_page():
    days = fiscal_year(2569).days()
    thai = axis_ticks(days, "th")
    assert [label for _, label in thai][:4] == ["ต.ค. 2568", "พ.ย.", "ธ.ค.", "ม.ค. 2569"]
    assert len(thai) == 12 and thai[3][0] == 92  # 1 January is the 93rd day
    assert [label for _, label in axis_ticks(days, "en")][:4] == ["Oct 2025", "Nov", "Dec",
                                                                   "Jan 2026"]


def test_a_few_weeks_get_a_tick_each_monday_and_a_fortnight_one_per_day():
    weeks = axis_ticks(date_range(dt.date(2026, 10, 1), dt.date(2026, 12, 3)).days(), "th")
    assert weeks[0] == (4, "5 ต.ค. 2569") and weeks[1] == (11, "12 ต.ค.")
    assert len(axis_ticks(date_range(dt.date(2026, 12, 1), dt.date(2026, 12, 14)).days(),
                          "en")) == 14


def test_the_previous_period_has_as_many_days_and_ends_the_day_before():
    elapsed = fiscal_year(2570).up_to(dt.date(2026, 12, 3))
    assert elapsed is not None
    assert (elapsed.first, elapsed.last) == (dt.date(2026, 10, 1), dt.date(2026, 12, 3))
    before = elapsed.before()
    assert (before.first, before.last) == (dt.date(2026, 7, 29), dt.date(2026, 9, 30))
    assert fiscal_year(2571).up_to(dt.date(2026, 12, 3)) is None


def test_trends_are_hand_computed_against_the_days_before(report_app):
    """Chats 6 vs 3: +100 %; respondents 4 vs 2: +100 %; KPI 100 % vs 50 %: +50.00 points."""
    client = report_app.test_client()
    login(client, create_user(report_app, "staff"))
    html = client.get(f"/console/reports/?{PERIOD}").get_data(as_text=True)
    assert "Compared with the 10 days before" in html
    for key, change in [("started", "+100 % vs previous period"),
                        ("responses", "+100 % vs previous period"),
                        ("kpi", "+50.00 points vs previous period")]:
        row = html[html.index(f'data-trend="{key}"'):]
        assert change in row[:row.index("</tr>")], key
    thai = client.get(f"/console/reports/?{PERIOD}&lang=th").get_data(as_text=True)
    assert "+100 % เทียบกับช่วงก่อนหน้า" in thai


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_current_fiscal_year_ends_today_on_a_readable_thai_axis(report_app, viewport):
    email = create_user(report_app, "admin", name="Prapai")
    with live_server(report_app) as url, chromium() as browser:
        page = browser.new_page(viewport=VIEWPORTS[viewport], locale="th-TH")
        sign_in(page, url, email)
        page.goto(url + "/console/reports/")  # no period: the current fiscal year
        chart = page.locator("svg.timeline")
        days = chart.locator("rect").evaluate_all("rects => rects.map(r => r.dataset.day)")
        assert days[-1] == TODAY.isoformat()  # not one day after today
        assert days[0] == fiscal_year(fiscal_year_of(TODAY)).first.isoformat()
        today = chart.locator(f"rect[data-day='{TODAY.isoformat()}']")
        assert today.get_attribute("height") != "0.0"  # today's 4 chats
        labels = [text for text in chart.locator(".tick text").all_text_contents() if text]
        assert labels and len(labels) <= 14  # a tick per week or month, not one per day
        assert str(TODAY.year + 543) in " ".join(labels)  # the Thai page: B.E.
        assert "ถึงวันนี้" in page.locator("#per-day-until").inner_text()
        visible = [tick.is_visible() for tick in chart.locator(".tick text").all()]
        assert all(visible) if viewport == "desktop" else not all(visible)
        expect(page.locator("#trends")).to_be_visible()
        chart.scroll_into_view_if_needed()
        screenshot(page, f"reports-per-day-thai-{viewport}")
