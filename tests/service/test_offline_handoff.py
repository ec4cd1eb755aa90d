"""Offline handoff: no staff online -> a question with an e-mail address, mail both ways."""

import datetime as dt
import re

import pytest
from sqlalchemy import select

from assistant.chat import presence
from assistant.extensions import db
from assistant.models import Conversation, Handoff, OutboundEmail, Ticket, User
from common.thai_calendar import BANGKOK
from scripts.servers import free_port
from tests.service.conftest import make_app
from tests.support.console_helpers import create_user, csrf_token, login

CENTER = "invest@bangkok.go.th"
NOBODY_ONLINE = {"offline_handoff": True, "presence_seconds": 0.001}
REFERENCE = re.compile(r"BKK-\d{6}")


@pytest.fixture(scope="module")
def offline_app(database_url, servers, knowledge_dir, smtp):
    return make_app(database_url, servers.rasa.base_url, servers.actions_url, knowledge_dir,
                    smtp_url=smtp.url, public_url="https://assistant.example",
                    **NOBODY_ONLINE)


def chat(client):
    conversation = client.post("/api/conversations").get_json()["id"]
    url = f"/api/conversations/{conversation}"

    def say(text):
        response = client.post(f"{url}/messages", json={"text": text})
        assert response.status_code == 200
        return response.get_json()
    return conversation, say


def staff_answers(app, conversation, text):
    """Take the chat over in the console and reply; returns the conversation page's HTML."""
    staff = app.test_client()
    login(staff, create_user(app, "staff", name="Malee"))
    page = f"/console/conversations/{conversation}"
    assert conversation in staff.get("/console/").get_data(True)  # in the queue
    staff.post(f"{page}/take", data={"csrf_token": csrf_token(staff, page)})
    staff.post(f"{page}/reply", data={"csrf_token": csrf_token(staff, page), "text": text})
    return staff.get(page).get_data(as_text=True)


def mailer_sends(app, smtp, count):
    """Run the mailer's round (``flask mail send``); the messages once ``count`` arrived."""
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    return smtp.wait_for(count)


def rate_by_link(client, body, level, shown):
    """Open the rating link of an answer e-mail and press one of the five buttons."""
    link = re.search(r"https://assistant\.example(/rate/\S+)", body)
    assert link, body
    page = client.get(link.group(1)).get_data(as_text=True)
    assert shown in page and page.count('name="level"') == 5
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token, page
    rated = client.post(link.group(1), data={"csrf_token": token.group(1), "level": level})
    assert rated.status_code == 200
    return rated.get_data(as_text=True)


def test_offline_question_mails_the_center_and_the_staff_answer_mails_the_user(
        offline_app, smtp):
    client = offline_app.test_client()
    conversation, say = chat(client)
    offer = say("I want to talk to a human")
    assert offer["state"] == "waiting_for_staff"
    assert "No staff member of the center is online" in offer["replies"][-1]["text"]
    assert "e-mail address" in offer["replies"][-1]["text"]
    assert offer["wait"]["kind"] == "email" and offer["wait"]["status"] == "awaiting_email"

    # The assistant keeps answering while the address is awaited.
    answered = say("My landlord kept my deposit of 20,000 baht. What can I do?")
    assert answered["replies"][0]["topic"] == "housing", answered
    assert answered["state"] == "waiting_for_staff" and answered["wait"]["kind"] == "email"
    before = len(smtp.messages)
    registered = say("You can write to anna.muller@example.com")["replies"][0]["text"]
    found = REFERENCE.search(registered)
    assert found, registered
    reference = found.group(0)
    assert "anna.muller@example.com" in registered

    assert len(smtp.messages) == before  # the request only stores it in the outbox
    notice = mailer_sends(offline_app, smtp, before + 1)[before]
    assert (notice["To"], notice["Reply-To"]) == (CENTER, "anna.muller@example.com")
    assert reference in notice["Subject"]
    body = notice.get_content()
    assert "My landlord kept my deposit of 20,000 baht" in body
    with offline_app.app_context():
        chat_reference = db.session.get_one(Conversation, conversation).reference
    assert f"https://assistant.example/console/ref/{chat_reference}" in body
    assert conversation not in body and conversation not in notice["Subject"]

    later = say("How do I open a bank account?")
    assert later["replies"][0]["topic"] == "banking"  # the assistant still answers
    assert (later["wait"]["reference"], later["wait"]["email"]) == (
        reference, "anna.muller@example.com")
    again = say("I want to talk to a human")["replies"][-1]["text"]
    assert reference in again and "already registered" in again
    assert len(smtp.messages) == before + 1  # later messages are in the chat, not mailed
    refused = client.post(f"/api/conversations/{conversation}/back-to-assistant")
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "question_registered"

    page = staff_answers(offline_app, conversation,
                         "Hello Anna, the landlord must return the deposit within 7 days.")
    assert f"Offline question {reference}" in page and "anna.muller@example.com" in page
    answer = mailer_sends(offline_app, smtp, before + 2)[before + 1]
    assert answer["To"] == "anna.muller@example.com" and reference in answer["Subject"]
    assert (answer["From"], answer["Reply-To"]) == (CENTER, CENTER)
    assert "the landlord must return the deposit within 7 days" in answer.get_content()
    assert "Malee" in answer.get_content()
    in_chat = client.get(f"/api/conversations/{conversation}/messages").get_json()
    assert in_chat["replies"][-1]["text"].startswith("Hello Anna")  # and in the open chat
    rate_by_link(client, answer.get_content(), 4, "How satisfied are you")
    with offline_app.app_context():
        ticket = db.session.scalars(select(Ticket).where(
            Ticket.conversation_id == conversation)).one()
        # a reply may be a holding one: only staff marking it makes the question answered
        assert (ticket.status.value, ticket.reference) == ("replied", reference)
        assert ticket.replied_at is not None and ticket.answered_at is None
        assert {e.status for e in ticket.emails} == {"sent"}
        rating = ticket.conversation.rating
        assert rating and (rating.level, rating.handled_by) == (4, "staff")
    assert "replied to, not yet marked answered" in page


def test_thai_offline_question_and_thai_answer(offline_app, smtp):
    client = offline_app.test_client()
    conversation, say = chat(client)
    offer = say("ขอคุยกับเจ้าหน้าที่ค่ะ")["replies"][-1]["text"]
    assert "ไม่มีเจ้าหน้าที่ของศูนย์ออนไลน์" in offer and "เวลาทำการ" in offer
    registered = say("อยากทราบเรื่องต่อวีซ่าค่ะ อีเมล somsri@example.co.th")["replies"][0]["text"]
    assert "หมายเลข BKK-" in registered
    before = len(smtp.messages)
    staff_answers(offline_app, conversation, "สวัสดีค่ะ ยื่นต่อวีซ่าได้ที่สำนักงานตรวจคนเข้าเมืองค่ะ")
    answer = mailer_sends(offline_app, smtp, before + 1)[-1]
    assert answer["To"] == "somsri@example.co.th"
    assert answer["Subject"].startswith("คำตอบจากศูนย์บริการข้อมูลสำหรับชาวต่างชาติ")
    assert "ยื่นต่อวีซ่าได้ที่สำนักงานตรวจคนเข้าเมืองค่ะ" in answer.get_content()
    page = rate_by_link(client, answer.get_content(), 5, "พึงพอใจมาก")
    assert "ขอบคุณสำหรับความคิดเห็น" in page
    assert client.get("/rate/forged-token").status_code == 404


def test_mail_waits_in_the_outbox_while_smtp_is_down(database_url, servers, knowledge_dir,
                                                    smtp):
    down = make_app(database_url, servers.rasa.base_url, servers.actions_url, knowledge_dir,
                    smtp_url=f"smtp://127.0.0.1:{free_port()}", **NOBODY_ONLINE)
    _, say = chat(down.test_client())
    say("Can I speak to a person?")
    registered = say("bob@example.org")["replies"][0]["text"]
    assert REFERENCE.search(registered)  # the user is served although mail is down
    assert down.test_cli_runner().invoke(args=["mail", "send"]).exit_code == 0
    with down.app_context():
        queued = db.session.scalars(select(OutboundEmail).where(
            OutboundEmail.to_address == CENTER, OutboundEmail.status == "queued")).all()
        assert queued and all(e.last_error for e in queued)

    back_up = make_app(database_url, servers.rasa.base_url, servers.actions_url, knowledge_dir,
                       smtp_url=smtp.url)
    before = len(smtp.messages)
    result = back_up.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0
    sent = re.search(r"sent (\d+) e-mail", result.output)
    assert sent and int(sent.group(1)) >= 1
    assert any("bob@example.org" == m["Reply-To"] for m in smtp.wait_for(before + 1)[before:])


def test_with_staff_online_in_office_hours_the_chat_waits_for_them(
        database_url, servers, knowledge_dir, smtp):
    app = make_app(database_url, servers.rasa.base_url, servers.actions_url, knowledge_dir,
                   offline_handoff=True, office_hours="always", presence_seconds=60,
                   smtp_url=smtp.url)
    email = create_user(app, "staff")
    with app.app_context():
        presence.touch(db.session.scalars(select(User).where(User.email == email)).one())
    client = app.test_client()
    conversation, say = chat(client)
    asked = say("I want to talk to a human")
    assert "I've asked a staff member" in asked["replies"][-1]["text"]
    assert asked["wait"]["kind"] == "staff" and asked["wait"]["position"] >= 1
    with app.app_context():
        assert db.session.scalar(select(Ticket).where(
            Ticket.conversation_id == conversation)) is None
    assert say("Are you there?")["replies"] == []  # for the staff member who joins

    back = client.post(f"/api/conversations/{conversation}/back-to-assistant").get_json()
    assert (back["state"], back["wait"]) == ("bot", None)
    assert "back with the assistant" in back["replies"][0]["text"]
    assert say("How do I open a bank account?")["replies"][0]["topic"] == "banking"
    with app.app_context():
        handoff = db.session.scalars(select(Handoff).where(
            Handoff.conversation_id == conversation)).one()
        assert handoff.taken_at is None and handoff.expired_at is not None  # ended by the user
    again = client.post(f"/api/conversations/{conversation}/back-to-assistant")
    assert (again.status_code, again.get_json()["error"]["code"]) == (409, "not_waiting")


def test_outside_office_hours_even_online_staff_leave_it_to_e_mail(
        database_url, servers, knowledge_dir, smtp):
    today = dt.datetime.now(BANGKOK).date()
    closed = ",".join(str(today + dt.timedelta(days=d)) for d in (-1, 0, 1))
    app = make_app(database_url, servers.rasa.base_url, servers.actions_url, knowledge_dir,
                   offline_handoff=True, office_hours="mon-sun 00:00-23:59",
                   extra_closed_days=closed, presence_seconds=60, smtp_url=smtp.url)
    email = create_user(app, "staff")
    with app.app_context():
        presence.touch(db.session.scalars(select(User).where(User.email == email)).one())
    client = app.test_client()
    conversation, say = chat(client)
    offer = say("I want to talk to a human")
    assert "No staff member" in offer["replies"][-1]["text"]
    staff_from = dt.datetime.fromisoformat(offer["wait"]["staff_from"]).astimezone(BANGKOK)
    assert staff_from.date() == today + dt.timedelta(days=2)  # the next working day
    back = client.post(f"/api/conversations/{conversation}/back-to-assistant").get_json()
    assert back["state"] == "bot"
    with app.app_context():  # no address was given: no question is left
        assert db.session.scalar(select(Ticket).where(
            Ticket.conversation_id == conversation)) is None


def test_assistant_down_and_nobody_online_offers_the_e_mail_route(database_url,
                                                                  knowledge_dir):
    dead = f"http://127.0.0.1:{free_port()}"
    app = make_app(database_url, dead, dead, knowledge_dir, **NOBODY_ONLINE)
    _, say = chat(app.test_client())
    body = say("Where do I pay my condo tax?")
    assert body["state"] == "waiting_for_staff"
    assert "No staff member of the center is online" in body["replies"][0]["text"]
