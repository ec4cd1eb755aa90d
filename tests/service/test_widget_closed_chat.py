"""The widget around a chat's messages, in Chromium: a chat that has ended takes no more text
(the box says so and offers a new chat, whether the user ended it or the service closed it
meanwhile); every message shows its Bangkok time, staff replies their author; a reply that
arrives while the chat is minimised shows as a count on the launcher."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from assistant.chat import conversations
from assistant.extensions import db
from assistant.models import Message, Sender, User, as_utc
from common.thai_calendar import in_bangkok
from tests.service.conftest import sqlite_app
from tests.support.browser import (
    VIEWPORTS,
    chat_in_widget,
    chromium,
    live_server,
    screenshot,
    widget_chat,
)
from tests.support.console_helpers import create_user


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    app = sqlite_app(tmp_path_factory, "closed")
    with live_server(app) as url:
        yield app, url


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_an_ended_chat_disables_the_text_box_and_offers_a_new_chat(site, viewport):
    app, url = site
    with chromium() as browser:
        page = browser.new_page(viewport=VIEWPORTS[viewport])
        chat = chat_in_widget(page, url)  # Rasa is away here: the apology; the chat exists
        box = chat.locator("textarea")

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


def test_messages_show_bangkok_time_staff_names_and_an_unread_count(site):
    app, url = site
    with chromium() as browser:
        page = browser.new_page(viewport=VIEWPORTS["desktop"], timezone_id="Europe/Berlin")
        page.clock.install()
        chat = chat_in_widget(page, url)
        chat_id, _ = widget_chat(page)

        chat.get_by_role("button", name="Minimise chat").click()
        with app.app_context():
            staff = db.session.scalars(select(User).where(User.email == create_user(
                app, "staff", name="Kanya Srisuk"))).one()
            db.session.add(Message(conversation_id=chat_id, sender=Sender.STAFF,
                                   text="Hello, I am here.", staff_user=staff))
            db.session.commit()
        page.clock.run_for(31000)  # the minimised widget checks for replies
        launcher = chat.get_by_role("button", name="Chat with us (1 new messages)")
        expect(launcher).to_be_visible()
        screenshot(page, "widget-unread-badge")

        launcher.click()
        staff_reply = chat.locator("li.message.staff")
        expect(staff_reply.locator(".meta")).to_contain_text("Kanya (Staff) · ")
        with app.app_context():
            written = db.session.scalars(select(Message.created_at).where(
                Message.conversation_id == chat_id, Message.sender == Sender.STAFF)).one()
        bangkok = in_bangkok(as_utc(written)).strftime("%H:%M")
        expect(staff_reply.locator(".meta")).to_contain_text(bangkok)  # not Berlin time
        expect(chat.get_by_role("button", name="Chat with us")).to_be_hidden()
        for sender in ("user", "bot"):
            expect(chat.locator(f"li.message.{sender} .meta time").first).to_have_attribute(
                "datetime", re.compile(r"^\d{4}-\d\d-\d\dT"))
