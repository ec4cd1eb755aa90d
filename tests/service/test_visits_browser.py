"""The Visits page in Chromium: a staff member opens it from the console's menu, confirms
one of the user's preferred times, and the visit's status changes in place (no reload)."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from common.office_hours import when
from tests.service.conftest import NO_RASA, make_app
from tests.support.browser import chromium, live_server, screenshot, sign_in
from tests.support.console_helpers import create_user
from tests.support.visit_builder import office_slots, requested_visit


@pytest.fixture
def site(tmp_path):
    """The service (no bot needed) on a new database, served on a local port."""
    app = make_app(f"sqlite:///{tmp_path / 'visits.db'}", NO_RASA, NO_RASA)
    with live_server(app) as url:
        yield app, url


def test_staff_confirm_a_visit_in_place(site):
    app, url = site
    slots = office_slots(app)
    _, visit_id = requested_visit(app, "th", name="Somsak Jaidee", slots=slots)
    staff = create_user(app, "staff", name="Malee")
    first = when(dt.datetime.fromisoformat(slots[0]), "en")
    with chromium() as browser:
        page = browser.new_page()
        sign_in(page, url, staff)
        page.get_by_role("link", name="Visits").click()
        visit = page.locator(f'article.visit[data-visit-id="{visit_id}"]')
        expect(visit.get_by_role("heading")).to_contain_text("Somsak Jaidee")
        expect(visit.locator(".visit-status")).to_have_text("Requested")
        expect(visit).to_contain_text("ไทย")
        screenshot(page, "visits-requested")
        page.evaluate("window.__notReloaded = true")
        visit.get_by_role("button", name=f"Confirm {first}").click()
        expect(page.locator("#console-status")).to_contain_text(f"confirmed for {first}")
        visit = page.locator(f'article.visit[data-visit-id="{visit_id}"]')
        expect(visit.locator(".visit-status")).to_have_text("Confirmed")
        expect(visit.locator(".visit-start")).to_contain_text(first)
        expect(visit.locator(".visit-start")).to_contain_text("Malee")
        expect(visit.get_by_role("button", name=f"Confirm {first}")).to_have_count(0)
        assert page.evaluate("window.__notReloaded") is True  # htmx swapped the list in place
        screenshot(page, "visits-confirmed")
