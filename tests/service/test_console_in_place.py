"""Issue 17, staff item 2: on the conversation page, take over, reply, note and label act in
place (no reload, no jump to the top) and say what happened in the status region; without
JavaScript the same forms still work by reloading the page."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from assistant.extensions import db
from assistant.models import Conversation, Message, Note, Sender, State
from tests.service.conftest import NO_RASA, make_app
from tests.support.browser import VIEWPORTS, chromium, live_server, screenshot, sign_in
from tests.support.chat_builder import waiting_chat
from tests.support.console_helpers import create_user

MARK = "() => window.__samePage === true"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    database = tmp_path_factory.mktemp("db") / "in_place.db"
    app = make_app(f"sqlite:///{database}", NO_RASA, NO_RASA)
    with live_server(app) as url:
        yield app, url


def long_chat(app):
    """A waiting chat with a transcript longer than any screen."""
    chat = waiting_chat(app, "Where do I renew my visa?")
    with app.app_context():
        for i in range(30):
            db.session.add(Message(conversation_id=chat, sender=Sender.USER,
                                   text=f"More details, part {i}", language="en"))
        db.session.commit()
    return chat


def scrolled(page):
    return page.evaluate("() => window.scrollY")


def status(page):
    return page.locator("#console-status")


@pytest.mark.parametrize("screen", sorted(VIEWPORTS))
def test_actions_keep_the_page_and_its_position_and_say_what_happened(site, screen):
    app, url = site
    chat = long_chat(app)
    violations = []
    with chromium() as browser:
        page = browser.new_page(viewport=VIEWPORTS[screen])
        page.on("console", lambda m: violations.append(m.text)
                if "Content Security Policy" in m.text else None)
        sign_in(page, url, create_user(app, "staff", name="Malee"))
        page.goto(f"{url}/console/conversations/{chat}")
        page.evaluate("() => { window.__samePage = true; }")

        take = page.get_by_role("button", name="Take over")
        take.scroll_into_view_if_needed()
        assert scrolled(page) > 300  # far below the top
        take.click()
        expect(page.locator("#state")).to_have_attribute("data-state", "with_staff")
        expect(status(page)).to_contain_text("You took the chat over.")
        expect(page.get_by_role("button", name="Hand back to the bot")).to_be_in_viewport()
        assert page.evaluate(MARK) and scrolled(page) > 300
        # The pressed button is gone: focus goes to the reply box, not to the page body.
        expect(page.get_by_role("combobox", name="Reply to the user")).to_be_focused()

        reply = page.get_by_role("combobox", name="Reply to the user")
        reply.fill("Please bring your passport to the immigration office.")
        page.get_by_role("button", name="Send reply").click()
        sent = page.locator("#transcript li.staff", has_text="bring your passport")
        expect(sent).to_have_count(1)
        expect(status(page)).to_contain_text("Reply sent.")
        expect(reply).to_have_value("")
        assert page.evaluate(MARK) and scrolled(page) > 300

        page.get_by_label("Note for colleagues").fill("Asked about the 90-day report too")
        page.get_by_role("button", name="Add private note").click()
        expect(page.locator("#transcript li.note", has_text="90-day report")).to_have_count(1)
        expect(status(page)).to_contain_text("Private note added.")
        expect(page.get_by_label("Note for colleagues")).to_have_value("")

        page.get_by_label("Add a label").fill("visa-complex")
        page.get_by_role("button", name="Add label").click()
        expect(page.locator("#labels .label-chip", has_text="visa-complex")).to_be_visible()
        expect(status(page)).to_contain_text("Label visa-complex added.")
        assert page.evaluate(MARK) and scrolled(page) > 300
        screenshot(page, f"console-in-place-{screen}")
    assert not violations
    with app.app_context():
        stored = db.session.get_one(Conversation, chat)
        assert stored.state == State.WITH_STAFF
        assert [label.name for label in stored.labels] == ["visa-complex"]
        assert db.session.scalar(select(Note.text).where(Note.conversation_id == chat)) \
            == "Asked about the 90-day report too"
        assert db.session.scalars(select(Message.text).where(
            Message.conversation_id == chat, Message.sender == Sender.STAFF)).all()[-1] \
            .startswith("Please bring your passport")


def test_without_javascript_the_forms_still_work_by_reloading(site):
    app, url = site
    chat = long_chat(app)
    with chromium() as browser:
        page = browser.new_context(java_script_enabled=False,
                                   viewport=VIEWPORTS["desktop"]).new_page()
        sign_in(page, url, create_user(app, "staff", name="Anong"))
        page.goto(f"{url}/console/conversations/{chat}")
        page.get_by_role("button", name="Take over").click()
        expect(status(page)).to_contain_text("You took the chat over.")
        page.get_by_label("Reply to the user").fill("Hello from a page without scripts")
        page.get_by_role("button", name="Send reply").click()
        expect(status(page)).to_contain_text("Reply sent.")
        expect(page.locator("#transcript li.staff", has_text="without scripts")).to_have_count(1)
        screenshot(page, "console-no-javascript-desktop")
