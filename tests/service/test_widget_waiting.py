"""Asking for a person in the widget, in Chromium against real Rasa: with nobody online the
e-mail address is asked for up front and the assistant keeps answering while the question
waits; a live wait shows what to expect and the way back to the assistant."""

import re

import pytest
from playwright.sync_api import Locator, expect

from tests.service.conftest import sqlite_app
from tests.support.browser import (
    VIEWPORTS,
    ask_in_widget,
    chromium,
    live_server,
    open_widget,
    screenshot,
)

NOBODY_ONLINE = {"offline_handoff": True, "presence_seconds": 0.001}


def site_with(tmp_path_factory, servers, knowledge_dir, **settings):
    return live_server(sqlite_app(tmp_path_factory, "waiting", servers.rasa.base_url,
                                  servers.actions_url, knowledge_dir=knowledge_dir, **settings))


@pytest.fixture(scope="module")
def offline_site(tmp_path_factory, servers, knowledge_dir):
    with site_with(tmp_path_factory, servers, knowledge_dir, **NOBODY_ONLINE) as url:
        yield url


@pytest.fixture(scope="module")
def live_site(tmp_path_factory, servers, knowledge_dir):
    with site_with(tmp_path_factory, servers, knowledge_dir) as url:
        yield url


def ask_for_a_person(chat: Locator) -> Locator:
    before = chat.locator("li.message").count()
    chat.get_by_role("button", name="Talk to a person").click()
    chat.locator("li.message").nth(before + 1).wait_for(timeout=20000)
    wait = chat.locator("div.wait")
    expect(wait).to_be_visible()
    return wait


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_nobody_online_asks_the_address_up_front_and_the_assistant_keeps_answering(
        offline_site, viewport):
    with chromium() as browser:
        page = browser.new_page(viewport=VIEWPORTS[viewport])
        chat = open_widget(page, offline_site)
        ask_in_widget(chat, "Hello")
        wait = ask_for_a_person(chat)
        expect(wait).to_contain_text("Leave your e-mail address")
        address = wait.get_by_label("Your e-mail address")
        expect(address).to_be_visible()
        screenshot(page, f"widget-offline-wait-{viewport}")

        answer = ask_in_widget(chat, "How do I open a bank account?")
        expect(answer.locator("article.card")).to_be_visible()  # answered, not filed away
        expect(wait).to_be_visible()  # the question for staff still waits for its address

        address.fill("anna.muller@example.com")
        wait.get_by_role("button", name="Send address").click()
        expect(wait).to_contain_text(re.compile(r"Question BKK-\d{6}: staff will answer at "
                                                r"anna\.muller@example\.com"))
        expect(address).to_be_hidden()
        expect(wait.get_by_role("button", name="Back to the assistant")).to_be_hidden()

        later = ask_in_widget(chat, "Where can I get a driving licence?")
        expect(later.locator("article.card")).to_be_visible()
        screenshot(page, f"widget-offline-registered-{viewport}")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_live_wait_says_what_to_expect_and_leads_back_to_the_assistant(live_site, viewport):
    with chromium() as browser:
        page = browser.new_page(viewport=VIEWPORTS[viewport])
        chat = open_widget(page, live_site)
        ask_in_widget(chat, "Hello")
        wait = ask_for_a_person(chat)
        expect(wait).to_contain_text("Waiting for a staff member.")
        expect(wait).to_contain_text(re.compile(
            r"as soon as possible|usually takes about \d+ min; you are number \d+"))
        expect(chat.get_by_role("button", name="Talk to a person")).to_be_hidden()
        screenshot(page, f"widget-live-wait-{viewport}")

        wait.get_by_role("button", name="Back to the assistant").click()
        expect(chat.locator("li.message.bot").last).to_contain_text("back with the assistant")
        expect(wait).to_be_hidden()
        expect(chat.get_by_role("button", name="Talk to a person")).to_be_visible()
        assert chat.locator("textarea").evaluate("e => e === e.getRootNode().activeElement")
        answer = ask_in_widget(chat, "How do I extend my tourist visa?")
        expect(answer.locator("article.card")).to_be_visible()
