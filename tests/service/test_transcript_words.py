"""Issue 17, staff item 3: the console's live transcript shows each message's time in Bangkok,
buttons pressed as the words the user saw (not ``/ask_human``), and the chat's state in words,
English and Thai (not ``waiting_for_staff``)."""

import datetime as dt

import pytest
from playwright.sync_api import expect
from sqlalchemy import select, update

from assistant.extensions import db
from assistant.models import Message, Sender
from tests.service.conftest import NO_RASA, make_app
from tests.support.browser import VIEWPORTS, chromium, live_server, screenshot, sign_in
from tests.support.chat_builder import waiting_chat
from tests.support.console_helpers import create_user, login

SENT_AT = dt.datetime(2026, 3, 12, 7, 5, tzinfo=dt.timezone.utc)  # 14:05 in Bangkok


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return make_app(f"sqlite:///{tmp_path_factory.mktemp('db') / 'words.db'}", NO_RASA, NO_RASA)


def thai_chat(app):
    chat = waiting_chat(app, "ขอคุยกับเจ้าหน้าที่ค่ะ", "th")
    with app.app_context():
        db.session.execute(update(Message).where(Message.conversation_id == chat)
                           .values(created_at=SENT_AT))
        db.session.commit()
    return chat


def test_messages_json_renders_time_in_bangkok_and_the_button_in_words(app):
    chat = thai_chat(app)
    staff = app.test_client()
    login(staff, create_user(app, "staff"))
    data = staff.get(f"/console/conversations/{chat}/messages.json").get_json()
    pressed = next(m for m in data["messages"] if m["text"] == "/ask_human")
    assert "คุยกับเจ้าหน้าที่" in pressed["html"] and "/ask_human" not in pressed["html"]
    assert all('datetime="2026-03-12T07:05:00' in m["html"] and "2026-03-12 14:05" in m["html"]
               for m in data["messages"])
    assert data["state"] == "waiting_for_staff"
    assert data["state_words"] == {"en": "Waiting for staff", "th": "รอเจ้าหน้าที่"}


@pytest.mark.parametrize("screen", sorted(VIEWPORTS))
def test_the_live_transcript_in_the_browser_has_times_words_and_no_raw_values(app, screen):
    chat = thai_chat(app)
    with live_server(app) as url, chromium() as browser:
        page = browser.new_page(viewport=VIEWPORTS[screen])
        sign_in(page, url, create_user(app, "staff"))
        page.goto(f"{url}/console/conversations/{chat}")
        transcript = page.locator("#transcript")
        pressed = transcript.locator(".pressed")
        expect(pressed).to_have_text("Pressed the button คุยกับเจ้าหน้าที่")
        expect(pressed.locator("q")).to_have_attribute("lang", "th")
        expect(page.locator("#state")).to_have_text("Waiting for staff (รอเจ้าหน้าที่)")
        with app.app_context():  # the user writes while the page is open
            db.session.add(Message(conversation_id=chat, sender=Sender.USER, language="th",
                                   text="ยังรออยู่นะคะ", created_at=SENT_AT))
            db.session.commit()
        latest = transcript.locator("li.user", has_text="ยังรออยู่นะคะ")
        expect(latest).to_have_count(1)  # appended live
        expect(latest.locator("time")).to_have_text("2026-03-12 14:05")
        shown = page.locator("main").inner_text()
        assert "/ask_human" not in shown and "waiting_for_staff" not in shown
        screenshot(page, f"console-transcript-words-{screen}")
    with app.app_context():
        assert db.session.scalar(select(Message.payload).where(
            Message.conversation_id == chat, Message.payload.is_not(None))) == "/ask_human"
