"""The user's readable transcript: ``GET /api/conversations/<id>/transcript`` in English and
Thai, in Bangkok time, only with the chat's access token; and in the widget, "Download my
chat" saves it as a text file (Chromium)."""

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from assistant.extensions import db
from assistant.models import Conversation, Message, Sender, State, User
from common.thai_calendar import bangkok_today
from tests.service.conftest import sqlite_app
from tests.support.access import bearer, grant
from tests.support.browser import VIEWPORTS, chat_in_widget, chromium, live_server, screenshot
from tests.support.console_helpers import create_user

UTC = dt.timezone.utc
SOURCE = {"title": "Immigration Bureau", "url": "https://www.immigration.go.th/"}
FEES = '/ask_visa{"topic": "visa"}'
RATE_4 = '/rate_satisfaction{"satisfaction_level": 4}'


def at(hour, minute, day=3):
    """A UTC time on ``day`` December 2026 (Bangkok is 7 hours ahead)."""
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=UTC)


def store_chat(app):
    """A closed, rated chat over two Bangkok days; its id and access token."""
    staff = create_user(app, "staff", name="Malee Srisuk")
    with app.app_context():
        malee = db.session.scalars(select(User).where(User.email == staff)).one()
        chat = Conversation(language="en", state=State.CLOSED, created_at=at(7, 4),
                            closed_at=at(17, 31))
        said: list[tuple[Sender, str, dict[str, Any], dt.datetime]] = [
            (Sender.USER, "How do I extend my visa?", {}, at(7, 5)),
            (Sender.BOT, "Extend your stay at the immigration office.\nBring your passport.",
             {"sources": [SOURCE], "intent": "ask_visa", "confidence": 0.97,
              "buttons": [{"title": "Visa fees", "payload": FEES}]}, at(7, 5)),
            (Sender.USER, FEES, {"payload": FEES}, at(7, 6)),
            (Sender.BOT, "The fee is 1,900 baht.", {}, at(7, 6)),
            (Sender.USER, "/ask_human", {"payload": "/ask_human"}, at(7, 7)),
            (Sender.STAFF, "I can help with that.", {"staff_user": malee}, at(17, 30)),
            (Sender.BOT, "How satisfied are you with the service today?",
             {"buttons": [{"title": "Satisfied", "payload": RATE_4}]}, at(17, 31)),
            (Sender.USER, RATE_4, {"payload": RATE_4}, at(17, 32)),
            (Sender.BOT, "Thank you for your feedback!", {"details": {"satisfaction_level": 4}},
             at(17, 32)),
        ]
        for sender, text, fields, moment in said:
            chat.messages.append(Message(sender=sender, text=text, created_at=moment, **fields))
        db.session.add(chat)
        db.session.commit()
        chat_id, reference = chat.id, chat.reference
    return chat_id, reference, grant(app, chat_id)


@pytest.fixture(scope="module")
def stored_chat(app_without_rasa):
    return store_chat(app_without_rasa)


def download(app, chat, token, query=""):
    return app.test_client().get(f"/api/conversations/{chat}/transcript{query}",
                                 headers=bearer(token) if token else {})


def test_english_transcript_in_bangkok_time(app_without_rasa, stored_chat):
    chat, reference, token = stored_chat
    response = download(app_without_rasa, chat, token)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.headers["Content-Disposition"] == \
        f'attachment; filename="chat-{bangkok_today().isoformat()}.txt"'
    text = response.get_data(as_text=True)
    heading, body = text.split("\n\n", 1)
    assert heading.splitlines()[:3] == [
        "Your chat with the Bangkok information service center for foreigners",
        f"Reference: {reference}", "Started: 3 December 2026, 14:04 (Bangkok time)"]
    assert heading.splitlines()[3].startswith("Downloaded: ")
    assert body == """\
— 3 December 2026 —
[14:05] You: How do I extend my visa?
[14:05] Assistant: Extend your stay at the immigration office.
    Bring your passport.
    Source: Immigration Bureau – https://www.immigration.go.th/
[14:06] You: Visa fees
[14:06] Assistant: The fee is 1,900 baht.
[14:07] (You asked to talk to a staff member.)

— 4 December 2026 —
[00:30] Malee Srisuk (staff): I can help with that.
[00:31] (The chat was closed.)
[00:31] Assistant: How satisfied are you with the service today?
[00:32] (You rated the chat: Satisfied.)
[00:32] Assistant: Thank you for your feedback!
"""
    for internal in ("ask_visa", "0.97", "/ask_human", "rate_satisfaction", "+00:00"):
        assert internal not in text


def test_thai_transcript_with_buddhist_era_dates(app_without_rasa, stored_chat):
    chat, reference, token = stored_chat
    text = download(app_without_rasa, chat, token, "?lang=th").get_data(as_text=True)
    for line in ("บทสนทนาของคุณกับศูนย์บริการข้อมูลสำหรับชาวต่างชาติ กรุงเทพมหานคร",
                 f"เลขอ้างอิง: {reference}", "เริ่มเมื่อ: 3 ธันวาคม 2569 14:04 น.",
                 "— 3 ธันวาคม 2569 —", "[14:05] คุณ: How do I extend my visa?",
                 "    แหล่งข้อมูล: Immigration Bureau – https://www.immigration.go.th/",
                 "[14:07] (คุณขอคุยกับเจ้าหน้าที่)", "— 4 ธันวาคม 2569 —",
                 "[00:30] Malee Srisuk (เจ้าหน้าที่): I can help with that.",
                 "[00:31] (การสนทนาสิ้นสุดแล้ว)", "[00:32] (คุณประเมินความพึงพอใจ: พึงพอใจ)",
                 "[00:32] ผู้ช่วยอัตโนมัติ: Thank you for your feedback!"):
        assert line in text.splitlines(), line
    assert "2026" not in text


@pytest.mark.parametrize("query, token, status, code", [
    ("", None, 401, "access_token_required"),
    ("", "not-the-token", 401, "invalid_access_token"),
    ("?lang=fr", "real", 422, "invalid_language"),
])
def test_transcript_needs_the_chat_token_and_a_known_language(app_without_rasa, stored_chat,
                                                              query, token, status, code):
    chat, _, real = stored_chat
    response = download(app_without_rasa, chat, real if token == "real" else token, query)
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    app = sqlite_app(tmp_path_factory, "download")
    with live_server(app) as url:
        yield url


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_download_my_chat_in_the_widget_saves_the_readable_transcript(site, viewport):
    with chromium() as browser:
        page = browser.new_page(viewport=VIEWPORTS[viewport], accept_downloads=True)
        chat = chat_in_widget(page, site, "How do I extend my visa?")
        chat.get_by_role("button", name="ภาษาไทย").click()  # the interface language: Thai
        with page.expect_download() as download_info:
            chat.get_by_role("button", name="ดาวน์โหลดบทสนทนา").click()
        saved = download_info.value
        assert saved.suggested_filename == f"chat-{bangkok_today().isoformat()}.txt"
        text = open(saved.path(), encoding="utf-8").read()
        assert "บทสนทนาของคุณกับศูนย์บริการข้อมูลสำหรับชาวต่างชาติ" in text
        assert "คุณ: How do I extend my visa?" in text
        assert "น." in text and "ผู้ช่วยอัตโนมัติ: " in text  # Bangkok time, the apology
        expect(chat.get_by_role("button", name="ดาวน์โหลดบทสนทนา")).to_be_visible()
        screenshot(page, f"widget-download-{viewport}")
