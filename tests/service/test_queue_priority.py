"""Issue 17, staff item 1: the queue puts urgent chats (the assistant saw a sign of danger)
first, then the longest wait, 25 a page, with quick views: all, mine, unassigned, urgent."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select, update

from assistant.extensions import db
from assistant.models import Conversation, State, User
from tests.service.conftest import NO_RASA, make_app
from tests.support.browser import VIEWPORTS, chromium, live_server, screenshot, sign_in
from tests.support.chat_builder import waiting_chat
from tests.support.console_helpers import create_user, login

ROW = re.compile(r'<tr data-chat-id="([^"]+)"')


@pytest.fixture
def app(tmp_path):
    return make_app(f"sqlite:///{tmp_path / 'queue.db'}", NO_RASA, NO_RASA)


def listed(client, query=""):
    return ROW.findall(client.get(f"/console/{query}").get_data(as_text=True))


def assign(app, chat_id, email):
    with app.app_context():
        user = db.session.scalars(select(User).where(User.email == email)).one()
        db.session.execute(update(Conversation).where(Conversation.id == chat_id)
                           .values(assigned_to_id=user.id))
        db.session.commit()


def test_the_emergency_help_makes_a_chat_urgent_and_the_queue_lists_it_first(app):
    old = [waiting_chat(app, minutes=60 - i) for i in range(3)]
    unsafe = waiting_chat(app, "I feel unsafe, someone is following me", danger=True)
    with app.app_context():
        assert db.session.get_one(Conversation, unsafe).urgent
        assert not any(db.session.get_one(Conversation, chat).urgent for chat in old)
    staff = app.test_client()
    login(staff, create_user(app, "staff"))
    assert listed(staff)[:4] == [unsafe, *old]  # urgent first although it waited least
    status = staff.get("/console/queue/status.json").get_json()
    assert [(c["id"], c["urgent"]) for c in status["waiting_chats"]][:2] == [
        (unsafe, True), (old[0], False)]
    page = staff.get("/console/").get_data(as_text=True)
    assert 'class="urgent"' in page and "Urgent" in page and "ด่วน" in page


def test_quick_views_mine_unassigned_urgent_and_their_counts(app):
    email = create_user(app, "staff", name="Malee")
    mine = waiting_chat(app, minutes=30)
    assign(app, mine, email)
    nobodys = waiting_chat(app, minutes=20)
    urgent = waiting_chat(app, "there is a fire", danger=True, minutes=10)
    staff = app.test_client()
    login(staff, email)
    assert listed(staff, "?assigned=me") == [mine]
    assert listed(staff, "?assigned=unassigned") == [urgent, nobodys]
    assert listed(staff, "?priority=urgent") == [urgent]
    page = staff.get("/console/?priority=urgent").get_data(as_text=True)
    counts = dict(re.findall(r'data-view="(\w+)">\w+ <span class="count">(\d+)</span>', page))
    assert counts == {"all": "3", "mine": "1", "unassigned": "2", "urgent": "1"}
    assert re.search(r'aria-current="page"\s+data-view="urgent"', page)


@pytest.mark.parametrize("screen", sorted(VIEWPORTS))
def test_an_urgent_chat_is_on_top_of_a_long_queue_in_the_browser(app, screen):
    """30 waits: the newest, urgent one is the first row of page 1 (not the bottom of page 2);
    the Urgent view shows it alone."""
    for i in range(30):
        waiting_chat(app, f"question {i}", minutes=90 - i)
    unsafe = waiting_chat(app, "ฉันรู้สึกไม่ปลอดภัย มีคนตามฉันมา", "th", danger=True)
    with live_server(app) as url, chromium() as browser:
        page = browser.new_page(viewport=VIEWPORTS[screen])
        sign_in(page, url, create_user(app, "staff"))
        page.wait_for_url(f"{url}/console/")
        rows = page.locator("#waiting-chats tr[data-chat-id]")
        expect(rows).to_have_count(25)
        expect(rows.first).to_have_attribute("data-chat-id", unsafe)
        expect(rows.first.locator(".urgent-badge")).to_be_visible()
        assert rows.first.bounding_box()["y"] < 3 * VIEWPORTS[screen]["height"]
        screenshot(page, f"queue-urgent-first-{screen}")
        page.get_by_role("link", name="Urgent").click()
        page.wait_for_url(re.compile(r"priority=urgent"))
        expect(rows).to_have_count(1)
        expect(page.get_by_role("link", name="Urgent")).to_have_attribute("aria-current", "page")
        with app.app_context():
            assert db.session.get_one(Conversation, unsafe).state == State.WAITING_FOR_STAFF
        screenshot(page, f"queue-urgent-view-{screen}")
