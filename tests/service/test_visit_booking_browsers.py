"""A visit booked end to end in two browsers: a user books it in the widget (real Rasa form),
a staff member confirms it in the console, the user sees it in the chat and gets the
bilingual e-mail with the calendar invitation (through the SMTP test server)."""

import datetime as dt
import re

import icalendar
import pytest
from playwright.sync_api import expect

from assistant.mail import outbox
from common.office_hours import when
from tests.service.conftest import make_app
from tests.support.browser import chromium, live_server, open_widget, screenshot, sign_in
from tests.support.console_helpers import create_user

TIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d")


@pytest.fixture
def site(tmp_path, servers, knowledge_dir):
    """The service with the real Rasa and action servers, on a new database."""
    app = make_app(f"sqlite:///{tmp_path / 'visits.db'}", servers.rasa.base_url,
                   servers.actions_url, knowledge_dir)
    with live_server(app) as url:
        yield app, url


def say(chat, text, expected):
    """Type ``text`` in the widget and wait until the bot's latest message shows ``expected``."""
    chat.locator("textarea").fill(text)
    chat.locator("textarea").press("Enter")
    expect(chat.locator("li.message.bot").last).to_contain_text(expected, timeout=20000)


def test_a_visit_booked_in_the_widget_is_confirmed_by_staff_and_mailed(site, smtp):
    app, url = site
    staff = create_user(app, "staff", name="Malee")
    with chromium() as browser:
        user_page = browser.new_context().new_page()
        chat = open_widget(user_page, url)
        say(chat, "I'd like to book a visit to the center", "What is your name?")
        say(chat, "Anna Schmidt", "Which e-mail address")
        say(chat, "anna.schmidt@example.com", "What would you like to discuss")
        say(chat, "Opening a branch office of my company", "Which time suits you best?")
        times = chat.locator("li.message.bot").last.locator("button")
        first_title = times.first.inner_text()
        times.first.click()  # the button's time is sent as the user's answer
        expect(chat.locator("li.message.user").last).to_contain_text(first_title)
        expect(chat.locator("li.message.bot").last).to_contain_text("And a second time")
        second = chat.locator("li.message.bot").last.locator("button").first
        second.click()
        done = chat.locator("li.message.bot").last
        expect(done).to_contain_text("Thank you, Anna Schmidt", timeout=20000)
        expect(done).to_contain_text("Reference: V-")
        screenshot(user_page, "visit-booked-in-widget")

        staff_page = browser.new_context().new_page()
        sign_in(staff_page, url, staff)
        staff_page.get_by_role("link", name="Visits").click()
        visit = staff_page.locator("article.visit").first
        expect(visit.get_by_role("heading")).to_contain_text("Anna Schmidt")
        expect(visit).to_contain_text("Opening a branch office of my company")
        confirm = visit.get_by_role("button", name=re.compile(r"^Confirm ")).first
        chosen = confirm.inner_text().removeprefix("Confirm ")
        confirm.click()
        expect(staff_page.locator("#console-status")).to_contain_text(f"confirmed for {chosen}")
        screenshot(staff_page, "visit-confirmed-by-staff")

        # The user's open chat hears of it at once, in English.
        notice = chat.locator("li.message.staff").last
        expect(notice).to_contain_text("is confirmed for", timeout=15000)
        expect(notice).to_contain_text(chosen.split(" ", 1)[1])  # without the weekday
        screenshot(user_page, "visit-confirmation-in-widget")

    with app.app_context():
        app.config["SMTP_URL"] = smtp.url
        outbox.send_queued()
    smtp.wait_for(1)
    [message] = smtp.to("anna.schmidt@example.com")
    text = message.get_body(("plain",)).get_content()
    assert "Dear Anna Schmidt" in text and "เรียน" in text  # English first, then Thai
    assert text.index("Dear Anna Schmidt") < text.index("เรียน")
    [invite] = [part for part in message.iter_attachments()
                if part.get_content_type() == "text/calendar"]
    [event] = icalendar.Calendar.from_ical(invite.get_content()).walk("VEVENT")
    start = event.decoded("dtstart")
    assert when(start, "en") == chosen
    assert event.decoded("dtend") - start == dt.timedelta(minutes=60)
    assert str(start.tzinfo) == "Asia/Bangkok" and start.hour in (10, 14)
