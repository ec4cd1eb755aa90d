"""Issue 17, staff item 5: a staff reply to an offline question does not make it "answered"
(it may only say "we are on it"); staff mark it answered explicitly, audit-logged, and the
console shows its state in words."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from assistant.extensions import db
from assistant.models import AuditEvent, Ticket, TicketStatus
from tests.service.conftest import NO_RASA, make_app
from tests.support.access import rating_path
from tests.support.browser import VIEWPORTS, chromium, live_server, screenshot, sign_in
from tests.support.chat_builder import waiting_chat
from tests.support.console_helpers import create_user, csrf_token, login


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return make_app(f"sqlite:///{tmp_path_factory.mktemp('db') / 'tickets.db'}",
                    NO_RASA, NO_RASA)


def ticket_of(app, chat):
    with app.app_context():
        ticket = db.session.scalars(select(Ticket).where(Ticket.conversation_id == chat)).one()
        db.session.expunge(ticket)
        return ticket


def post(client, chat, action, **data):
    page = f"/console/conversations/{chat}"
    return client.post(f"{page}/{action}", data={"csrf_token": csrf_token(client, page), **data},
                       follow_redirects=True).get_data(as_text=True)


def test_a_holding_reply_is_not_an_answer_until_staff_mark_it(app):
    chat = waiting_chat(app, ticket_email="anna@example.com")
    staff = app.test_client()
    login(staff, create_user(app, "staff"))
    assert "not answered yet" in staff.get(f"/console/conversations/{chat}").get_data(True)
    post(staff, chat, "take")
    page = post(staff, chat, "reply", text="Thank you, we are checking and will answer soon.")
    ticket = ticket_of(app, chat)
    assert ticket.status == TicketStatus.REPLIED
    assert ticket.replied_at is not None and ticket.answered_at is None
    assert "replied to, not yet marked answered" in page and "ตอบกลับแล้ว" in page

    page = post(staff, chat, "question-answered")
    assert "Question marked answered." in page and "ได้รับคำตอบแล้ว" in page
    ticket = ticket_of(app, chat)
    assert ticket.status == TicketStatus.ANSWERED and ticket.answered_at is not None
    with app.app_context():
        assert db.session.scalars(select(AuditEvent.action).where(
            AuditEvent.target == f"conversation {chat}")).all() == ["question marked answered"]
    post(staff, chat, "reply", text="One more detail: bring two photos.")
    assert ticket_of(app, chat).status == TicketStatus.ANSWERED  # stays answered
    assert "can be marked answered" in post(staff, chat, "question-answered")  # not twice


def test_the_user_confirms_the_answer_on_the_rating_page_of_the_e_mail(app):
    chat = waiting_chat(app, ticket_email="somchai@example.com")
    staff = app.test_client()
    login(staff, create_user(app, "staff"))
    post(staff, chat, "take")
    post(staff, chat, "reply", text="The office is open on Saturday mornings.")
    user = app.test_client()
    link = rating_path(app, chat)
    page = user.get(link).get_data(as_text=True)
    assert "Is your question fully answered?" in page
    assert ticket_of(app, chat).status == TicketStatus.REPLIED  # opening changes nothing

    token = csrf_token(user, link)
    page = user.post(link, data={"csrf_token": token, "answered": "yes"}).get_data(as_text=True)
    assert "your question is marked as answered" in page
    assert "Is your question fully answered?" not in page
    ticket = ticket_of(app, chat)
    assert ticket.status == TicketStatus.ANSWERED and ticket.answered_at is not None
    again = user.post(link, data={"csrf_token": token, "answered": "yes"})
    assert again.status_code == 400  # once is enough


def test_a_chat_without_an_offline_question_cannot_be_marked_answered(app):
    chat = waiting_chat(app)
    staff = app.test_client()
    login(staff, create_user(app, "staff"))
    page = post(staff, chat, "question-answered")
    assert "Only an offline question with an e-mail address can be marked answered." in page
    assert 'id="mark-answered"' not in page


@pytest.mark.parametrize("screen", sorted(VIEWPORTS))
def test_staff_mark_the_question_answered_in_the_browser(app, screen):
    chat = waiting_chat(app, "ขอคุยกับเจ้าหน้าที่ค่ะ", "th", ticket_email="somsri@example.co.th")
    with live_server(app) as url, chromium() as browser:
        page = browser.new_page(viewport=VIEWPORTS[screen])
        sign_in(page, url, create_user(app, "staff"))
        page.goto(f"{url}/console/conversations/{chat}")
        state = page.locator("#ticket-state")
        expect(state).to_have_text("not answered yet (ยังไม่ได้ตอบ)")
        page.get_by_role("button", name="Take over").click()
        page.get_by_role("combobox", name="Reply to the user").fill("กำลังตรวจสอบให้นะคะ")
        page.get_by_role("button", name="Send reply").click()
        expect(page.locator("#console-status")).to_contain_text("Reply sent.")
        expect(state).to_have_attribute("data-state", "replied")
        page.get_by_role("button", name="Mark the question answered").click()
        expect(state).to_have_attribute("data-state", "answered")
        expect(state).to_contain_text("answered (ได้รับคำตอบแล้ว)")
        expect(page.locator("#console-status")).to_contain_text("Question marked answered.")
        expect(page.get_by_role("button", name="Mark the question answered")).to_have_count(0)
        screenshot(page, f"console-offline-answered-{screen}")
    assert ticket_of(app, chat).status == TicketStatus.ANSWERED
