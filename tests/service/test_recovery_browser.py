"""The Follow-ups page in Chromium: a staff member finds the unhappy user's task (from a
rating of 1), writes to them (by e-mail, with the rating link) and records the outcome."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from assistant.chat import conversations
from assistant.extensions import db
from assistant.models import FollowUpTask, OutboundEmail
from tests.service.conftest import NO_RASA, make_app
from tests.support.browser import chromium, live_server, screenshot, sign_in
from tests.support.chat_builder import waiting_chat
from tests.support.console_helpers import create_user


@pytest.fixture
def site(tmp_path):
    """The service (no bot needed) on a new database, served on a local port."""
    app = make_app(f"sqlite:///{tmp_path / 'recovery.db'}", NO_RASA, NO_RASA)
    with live_server(app) as url:
        yield app, url


def test_staff_contact_an_unhappy_user_and_record_the_outcome(site):
    app, url = site
    chat_id = waiting_chat(app, "My visa question was not answered",
                           ticket_email="unhappy@example.com")
    with app.app_context():
        chat = conversations.find(chat_id)
        conversations.close(chat)
        conversations.rate(chat, 1)
        reference = chat.reference
    staff = create_user(app, "staff", name="Malee")
    with chromium() as browser:
        page = browser.new_page()
        sign_in(page, url, staff)
        page.get_by_role("link", name="Follow-ups").click()
        task = page.locator("article.followup")
        expect(task).to_have_count(1)
        expect(task.get_by_role("heading")).to_contain_text(f"{reference} · rated 1 of 5")
        expect(task.locator(".last-messages")).to_contain_text("My visa question")
        screenshot(page, "follow-ups")
        task.get_by_label("Message to the user").fill("Sorry: the visa desk is on floor 2.")
        task.get_by_role("button", name="Send").click()
        expect(page.locator(".flash")).to_contain_text("Message sent (web+email)")
        task = page.locator("article.followup")
        expect(task).to_contain_text("contacted")
        task.get_by_label("Outcome").select_option(label="Contacted, resolved")
        task.get_by_role("button", name="Record outcome").click()
        expect(page.locator(".flash")).to_contain_text(
            f"Follow-up of {reference} done: Contacted, resolved.")
        expect(page.locator("article.followup")).to_have_count(0)
    with app.app_context():
        done = db.session.scalars(select(FollowUpTask)).one()
        assert done.outcome is not None and done.outcome.value == "contacted_resolved"
        assert done.assigned_to is not None and done.assigned_to.name == "Malee"
        mail = db.session.scalars(select(OutboundEmail).where(
            OutboundEmail.kind == "staff_reply")).one()
        assert "floor 2" in mail.body and "/rate/" in mail.body
