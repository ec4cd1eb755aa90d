"""Issue 17, staff item 6: single-key shortcuts can be turned off (WCAG 2.1.4) and stay off in
that browser; a skip link leads to the main content; console pages' headings go h1 -> h2 ->
h3 without a skip."""

import pytest
from playwright.sync_api import expect

from assistant.extensions import db
from assistant.models import Conversation, State
from tests.service.conftest import NO_RASA, make_app
from tests.support.browser import VIEWPORTS, chromium, live_server, screenshot, sign_in
from tests.support.chat_builder import waiting_chat
from tests.support.console_helpers import create_user


def no_skipped_level(levels):
    """Each heading at most one level below the one before it."""
    return all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))


# Levels of the headings a reader meets (hidden ones, e.g. a closed dialog's, left out).
HEADINGS = """() => Array.from(document.querySelectorAll("h1, h2, h3, h4, h5, h6"))
    .filter(h => h.checkVisibility()).map(h => Number(h.tagName[1]))"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    database = tmp_path_factory.mktemp("db") / "keyboard.db"
    app = make_app(f"sqlite:///{database}", NO_RASA, NO_RASA)
    with live_server(app) as url:
        yield app, url


def state_of(app, chat):
    with app.app_context():
        return db.session.get_one(Conversation, chat).state


def test_single_key_shortcuts_can_be_turned_off_and_stay_off(site):
    app, url = site
    chat = waiting_chat(app)
    with chromium() as browser:
        page = browser.new_page(viewport=VIEWPORTS["desktop"])
        sign_in(page, url, create_user(app, "staff", name="Malee"))
        page.goto(f"{url}/console/conversations/{chat}")
        take = page.locator("#take-over")
        expect(take).to_have_attribute("aria-keyshortcuts", "t")
        page.get_by_role("button", name="Shortcuts").click()
        switch = page.get_by_label("Single-key shortcuts")
        expect(switch).to_be_checked()
        switch.uncheck()
        screenshot(page, "console-shortcuts-setting-desktop")
        page.get_by_role("button", name="Close", exact=True).click()

        page.reload()  # remembered by this browser
        page.keyboard.press("t")
        page.keyboard.press("?")
        page.wait_for_timeout(500)
        assert state_of(app, chat) == State.WAITING_FOR_STAFF  # "t" did nothing
        expect(page.locator("#shortcut-help")).to_be_hidden()
        expect(take).not_to_have_attribute("aria-keyshortcuts", "t")
        expect(take.locator("kbd")).to_be_hidden()

        page.get_by_role("button", name="Shortcuts").click()
        expect(switch).not_to_be_checked()
        switch.check()
        page.get_by_role("button", name="Close", exact=True).click()
        expect(take).to_have_attribute("aria-keyshortcuts", "t")
        page.keyboard.press("t")
        expect(page.locator("#state")).to_have_attribute("data-state", "with_staff")
    assert state_of(app, chat) == State.WITH_STAFF


@pytest.mark.parametrize("screen", sorted(VIEWPORTS))
def test_the_skip_link_leads_to_the_main_content(site, screen):
    app, url = site
    with chromium() as browser:
        page = browser.new_page(viewport=VIEWPORTS[screen])
        sign_in(page, url, create_user(app, "staff"))
        page.wait_for_url(f"{url}/console/")
        page.keyboard.press("Tab")
        skip = page.get_by_role("link", name="Skip to main content")
        expect(skip).to_be_focused()
        expect(skip).to_be_in_viewport()
        screenshot(page, f"console-skip-link-{screen}")
        page.keyboard.press("Enter")
        assert page.evaluate("() => document.activeElement.id") == "main"


@pytest.mark.parametrize("screen", sorted(VIEWPORTS))
def test_headings_go_down_one_level_at_a_time_on_console_pages(site, screen):
    app, url = site
    chat = waiting_chat(app, danger=True)
    with chromium() as browser:
        page = browser.new_page(viewport=VIEWPORTS[screen])
        sign_in(page, url, create_user(app, "admin"))
        page.wait_for_url(f"{url}/console/")
        for path in ("/console/", f"/console/conversations/{chat}", "/console/history/",
                     f"/console/history/{chat}", "/console/knowledge/?q=visa",
                     "/console/canned/"):
            page.goto(url + path)
            levels = page.evaluate(HEADINGS)
            assert levels[0] == 1 and levels.count(1) == 1, (path, levels)
            assert no_skipped_level(levels), (path, levels)
        page.goto(f"{url}/console/conversations/{chat}")
        page.get_by_role("button", name="Take over").click()
        page.get_by_label("Search articles").fill("visa")
        page.get_by_label("Search articles").press("Enter")
        expect(page.locator(".kb-card").first).to_be_visible()
        levels = page.evaluate(HEADINGS)
        assert no_skipped_level(levels), levels
        screenshot(page, f"console-headings-conversation-{screen}")
