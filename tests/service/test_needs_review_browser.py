"""Acceptance of issue 18, item 3, in Chromium against real Rasa: a trainer opens "Needs
review", confirms an article, and the chat's answer shows the new reviewed date."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from common.thai_calendar import bangkok_today, english_date
from tests.service.conftest import make_app
from tests.support.browser import (
    VIEWPORTS,
    ask_in_widget,
    chromium,
    live_server,
    open_widget,
    screenshot,
    sign_in,
)
from tests.support.console_helpers import create_user

ARTICLE = "visa-90-day-reporting"
QUESTION = "how do I do the 90 day report online?"


@pytest.fixture
def stale_article(knowledge_dir):
    """The article in the test copy, last reviewed 200 days ago; put back after the test."""
    path = knowledge_dir / "visa" / f"{ARTICLE}.md"
    original = path.read_text("utf-8")
    day = bangkok_today() - dt.timedelta(days=200)
    path.write_text(re.sub(r"^reviewed: .*$", f"reviewed: {day.isoformat()}", original,
                           count=1, flags=re.MULTILINE), "utf-8")
    yield day
    path.write_text(original, "utf-8")


@pytest.fixture
def site(tmp_path, servers, knowledge_dir):
    """The service with real Rasa on the articles the action server reads; a new database
    for each test, so no earlier confirmation counts."""
    app = make_app(f"sqlite:///{tmp_path / 'reviews.db'}", servers.rasa.base_url,
                   servers.actions_url, knowledge_dir)
    with live_server(app) as url:
        yield app, url


def answer_reviewed(app):
    """The "Last reviewed" line of the chat API's answer to the question."""
    client = app.test_client()
    chat = client.post("/api/conversations").get_json()["id"]
    replies = client.post(f"/api/conversations/{chat}/messages",
                          json={"text": QUESTION}).get_json()["replies"]
    found = [line for reply in replies for line in reply["text"].splitlines()
             if line.startswith("Last reviewed: ")]
    assert found, replies
    return found[0]


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_trainer_confirms_an_article_and_the_answer_shows_the_new_date(
        site, stale_article, viewport):
    app, url = site
    assert answer_reviewed(app) == f"Last reviewed: {english_date(stale_article)}"
    trainer = create_user(app, "trainer", name="Kanya")
    with chromium() as browser:
        page = browser.new_page(viewport=VIEWPORTS[viewport])
        sign_in(page, url, trainer)
        page.goto(url + "/console/knowledge/")
        page.get_by_role("link", name=re.compile("Needs review")).click()
        item = page.locator(f'article[data-article-id="{ARTICLE}"]')
        expect(item.locator(".reasons")).to_contain_text("Not reviewed for 6 months")
        expect(item.locator(".reasons")).to_contain_text("ไม่ได้ตรวจทานมา 6 เดือน")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        screenshot(page, f"needs-review-{viewport}")

        item.get_by_label("Note (optional): what you checked").fill(
            "Checked TM.47 steps on the immigration page")
        item.get_by_role("button", name="Confirm reviewed").click()
        today = english_date(bangkok_today())
        expect(page.locator(".flash")).to_contain_text(f"Last reviewed: {today}")
        expect(page.locator(f'article[data-article-id="{ARTICLE}"]')).to_have_count(0)
        screenshot(page, f"needs-review-confirmed-{viewport}")

        page.goto(f"{url}/console/knowledge/{ARTICLE}/history")
        expect(page.locator("li.review")).to_contain_text("Kanya")
        expect(page.locator("li.review")).to_contain_text("Checked TM.47 steps")

        chat = open_widget(page, url)
        answer = ask_in_widget(chat, QUESTION)
        expect(answer.locator(".reviewed")).to_have_text(f"Last reviewed: {today}")
        screenshot(page, f"needs-review-answer-{viewport}")
    assert answer_reviewed(app) == f"Last reviewed: {today}"
