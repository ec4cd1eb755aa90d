"""A chat that has ended takes no more text in the widget: the box says so and offers a new
chat, whether the user ended it or the service closed it meanwhile (Chromium, desktop and
mobile)."""

import pytest
from playwright.sync_api import expect

from assistant.chat import conversations
from tests.service.conftest import NO_RASA, make_app
from tests.support.browser import chromium, live_server, screenshot, widget_chat

VIEWPORTS = {"desktop": {"width": 1366, "height": 768}, "mobile": {"width": 390, "height": 844}}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    app = make_app(f"sqlite:///{tmp_path_factory.mktemp('closed') / 'widget.db'}", NO_RASA,
                   NO_RASA)
    with live_server(app) as url:
        yield app, url


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_an_ended_chat_disables_the_text_box_and_offers_a_new_chat(site, viewport):
    app, url = site
    with chromium() as browser:
        page = browser.new_page(viewport=VIEWPORTS[viewport])
        page.goto(url + "/")
        chat = page.locator("#bkk-expat-chat")
        chat.get_by_role("button", name="Chat with us").click()
        box = chat.locator("textarea")
        box.fill("Hello")
        box.press("Enter")  # Rasa is away here: the apology; the chat exists
        expect(chat.locator("li.message.bot")).to_have_count(2)

        chat.get_by_role("button", name="End chat").click()
        chat.get_by_role("button", name="Very Satisfied", exact=True).wait_for()
        expect(box).to_be_disabled()
        expect(box).to_have_attribute("placeholder", "This chat has ended — start a new one")
        expect(chat.get_by_role("button", name="Start a new chat")).to_be_visible()
        chat.get_by_role("button", name="Very Satisfied", exact=True).click()  # still rates
        expect(chat.get_by_text("Thank you", exact=False).last).to_be_visible()
        screenshot(page, f"widget-ended-{viewport}")

        # Closed by the service (idle) while the page is open: the event stream says so.
        start_chat(chat, box)
        close_on_the_service(app, page)
        expect(box).to_be_disabled()

        # The same without an event stream (a proxy that drops it): the refused message does.
        page.route("**/events*", lambda route: route.abort())
        start_chat(chat, box)
        close_on_the_service(app, page)
        box.fill("One more question")
        box.press("Enter")
        expect(box).to_be_disabled()
        expect(chat.get_by_text("Sorry, your message could not be sent")).to_have_count(0)


def start_chat(chat, box):
    chat.get_by_role("button", name="Start a new chat").click()
    expect(box).to_be_enabled()
    box.fill("Hello again")
    box.press("Enter")
    expect(chat.locator("li.message.bot")).to_have_count(2)


def close_on_the_service(app, page):
    chat_id, _ = widget_chat(page)
    with app.app_context():
        conversations.close(conversations.find(chat_id))
