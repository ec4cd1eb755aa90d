"""axe-core finds no serious or critical accessibility issue in the widget (launcher; an open
chat with a knowledge answer, its source and quick replies; desktop and mobile) nor in the
main console pages of a signed-in admin (Chromium; axe is loaded into the pages by the test)."""

import pytest
from playwright.sync_api import expect

from assistant.chat import messages
from assistant.extensions import db
from assistant.models import Conversation
from tests.service.conftest import sqlite_app
from tests.support.axe import assert_accessible, blocking_violations, explain
from tests.support.browser import (
    VIEWPORTS,
    chat_in_widget,
    chromium,
    live_server,
    screenshot,
    sign_in,
)
from tests.support.console_helpers import create_user
from tests.support.fake_rasa import FakeRasa

ARTICLE = "visa-90-day-reporting"
ANSWER = [
    {"text": "Report every 90 days at the immigration office, online or by mail.",
     "buttons": [{"title": "Visa fees", "payload": "/ask_visa"},
                 {"title": "Talk to a staff member", "payload": "/ask_human"}]},
    {"custom": {"kind": "reply_metadata", "intent": "ask_visa", "confidence": 0.62,
                "topic": "visa", "article_ids": [ARTICLE], "language": "en",
                "sources": [{"title": "Immigration Bureau",
                             "url": "https://www.immigration.go.th/"}],
                "reviewed": "2026-11-25"}},
]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The service answering with a knowledge answer of a fake Rasa; a chat waits for staff."""
    rasa = FakeRasa(replies=ANSWER)
    rasa.release.set()  # answers at once
    app = sqlite_app(tmp_path_factory, "axe", rasa.url)
    assert app.test_cli_runner().invoke(args=["canned", "seed"]).exit_code == 0
    client = app.test_client()
    for question in ("When is my 90-day report due?", "Where do I report?"):
        chat = client.post("/api/conversations").get_json()["id"]
        client.post(f"/api/conversations/{chat}/messages", json={"text": question})
    with app.app_context():
        messages.wait_for_staff(db.session.get_one(Conversation, chat))
        db.session.commit()
    with live_server(app) as url:
        yield url, chat, create_user(app, "admin", name="Malee Srisuk")
    rasa.close()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_widget_closed_and_open_with_an_answer(site, viewport):
    url, _, _ = site
    with chromium() as browser:
        page = browser.new_page(viewport=VIEWPORTS[viewport], bypass_csp=True)
        page.goto(url + "/")
        widget = page.locator("#bkk-expat-chat")
        expect(widget.get_by_role("button", name="Chat with us")).to_be_visible()
        assert_accessible(page, f"the demo page with the closed widget ({viewport})")
        chat_in_widget(page, url, "When is my 90-day report due?")
        expect(widget.locator(".source a")).to_be_visible()
        expect(widget.get_by_role("button", name="Visa fees")).to_be_visible()
        screenshot(page, f"accessibility-widget-{viewport}")
        assert_accessible(page, f"the widget with an answer ({viewport})")
        widget.get_by_role("button", name="End chat").click()
        widget.get_by_role("button", name="Very Satisfied", exact=True).wait_for()
        widget.get_by_role("button", name="ภาษาไทย").click()
        expect(widget.get_by_role("button", name="เริ่มแชตใหม่")).to_be_visible()
        assert_accessible(page, f"the widget in Thai, asking for a rating ({viewport})")


CONSOLE_PAGES = {
    "queue": "/console/",
    "conversation": "/console/conversations/{chat}",
    "reports": "/console/reports/",
    "training inbox": "/console/training/",
    "knowledge list": "/console/knowledge/",
    "knowledge editor": f"/console/knowledge/{ARTICLE}/edit",
    "needs review": "/console/knowledge/needs-review",
    "canned answers": "/console/canned/",
    "history": "/console/history/",
    "full transcript": "/console/history/{chat}",
}


@pytest.fixture(scope="module")
def admin_page(site):
    """A signed-in admin's page; axe first checks the login page on the way."""
    url, _, admin = site
    with chromium() as browser:
        page = browser.new_page(viewport=VIEWPORTS["desktop"], bypass_csp=True)
        page.goto(url + "/console/login")
        login_violations = blocking_violations(page)
        sign_in(page, url, admin)
        expect(page.get_by_role("link", name="Knowledge base")).to_be_visible()
        yield page, login_violations


def test_console_login_page(admin_page):
    _, login_violations = admin_page
    assert not login_violations, f"axe on the login page:\n{explain(login_violations)}"


def test_console_conversation_taken_over(site, admin_page):
    """The reply box, canned answers and knowledge search of a chat with staff."""
    url, chat, _ = site
    page, _ = admin_page
    page.goto(f"{url}/console/conversations/{chat}")
    page.get_by_role("button", name="Take over").click()
    expect(page.locator("#reply-text")).to_be_visible()
    screenshot(page, "accessibility-console-conversation-with-staff")
    assert_accessible(page, "the console's conversation page, taken over")


@pytest.mark.parametrize("name", CONSOLE_PAGES)
def test_console_page(site, admin_page, name):
    url, chat, _ = site
    page, _ = admin_page
    path = CONSOLE_PAGES[name].format(chat=chat)
    page.goto(url + path)
    screenshot(page, f"accessibility-console-{name.replace(' ', '-')}")
    assert_accessible(page, f"the console's {name} page ({path})")
