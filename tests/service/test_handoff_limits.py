"""Hand-off floods: a per-client limit on waits, stale waits expire, a paged queue, and
mail leaves only through the mailer process (issue 16, item 9)."""

import datetime as dt
import re

from sqlalchemy import select, update

from assistant.extensions import db
from assistant.models import (
    Conversation,
    EmailStatus,
    Handoff,
    Message,
    OutboundEmail,
    Sender,
    State,
    Ticket,
    utcnow,
)
from tests.service.conftest import make_app
from tests.support.console_helpers import create_user, login

NOBODY_ONLINE = {"offline_handoff": True, "presence_seconds": 0.001}


def chat(client):
    conversation = client.post("/api/conversations").get_json()["id"]

    def say(text):
        response = client.post(f"/api/conversations/{conversation}/messages",
                               json={"text": text})
        assert response.status_code == 200
        return response.get_json()
    return conversation, say


def test_staff_requests_are_limited_per_client_address(database_url, servers, knowledge_dir):
    app = make_app(database_url, servers.rasa.base_url, servers.actions_url, knowledge_dir,
                   rate_limit_handoff="2 per hour")
    client = app.test_client()
    for _ in range(2):
        assert chat(client)[1]("I want to talk to a human")["state"] == "waiting_for_staff"

    conversation, say = chat(client)
    refused = say("I want to talk to a human")
    assert refused["state"] == "bot"
    assert "cannot be requested again" in refused["replies"][-1]["text"]
    thai = chat(client)[1]("ขอคุยกับเจ้าหน้าที่ค่ะ")
    assert thai["state"] == "bot"
    assert "ไม่สามารถขอคุยกับเจ้าหน้าที่ได้อีก" in thai["replies"][-1]["text"]
    with app.app_context():
        assert db.session.scalars(select(Handoff).where(
            Handoff.conversation_id == conversation)).all() == []

    other = app.test_client()  # another address has its own count
    other.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    assert chat(other)[1]("I want to talk to a human")["state"] == "waiting_for_staff"


def waiting_chat(language="en", minutes=0, email=None):
    """A chat waiting for staff since ``minutes`` ago, with its hand-off row (in a context)."""
    since = utcnow() - dt.timedelta(minutes=minutes)
    conversation = Conversation(state=State.WAITING_FOR_STAFF, language=language,
                                waiting_since=since)
    db.session.add(conversation)
    db.session.flush()
    db.session.add_all([Message(conversation_id=conversation.id, sender=Sender.USER,
                                text="Is anybody there?", created_at=since),
                        Handoff(conversation_id=conversation.id, requested_at=since)])
    if email:
        db.session.add(Ticket(conversation_id=conversation.id, email=email))
    db.session.commit()
    return conversation.id


def test_stale_waits_go_back_to_the_bot_with_a_note(app_without_rasa):
    app = app_without_rasa
    with app.app_context():
        stale = waiting_chat("th", minutes=180)
        fresh = waiting_chat(minutes=30)
        by_email = waiting_chat(minutes=600, email="anna@example.com")  # answered by e-mail
    result = app.test_cli_runner().invoke(args=["conversations", "close-inactive"])
    assert result.exit_code == 0, result.output
    assert re.search(r"expired [1-9]\d* wait", result.output)
    with app.app_context():
        expired = db.session.get(Conversation, stale)
        assert expired and (expired.state, expired.waiting_since) == (State.BOT, None)
        [handoff] = expired.handoffs
        assert handoff.expired_at is not None and handoff.taken_at is None
        note = expired.messages[-1]
        assert note.sender == Sender.BOT and note.details == {"handoff_expired": True}
        assert "ไม่มีเจ้าหน้าที่เข้าร่วม" in note.text and "อีเมล" in note.text
        for kept in (fresh, by_email):
            still = db.session.get(Conversation, kept)
            assert still and still.state == State.WAITING_FOR_STAFF
            assert [h.expired_at for h in still.handoffs] == [None]


def test_the_queue_shows_twenty_five_waits_a_page_oldest_first(app_without_rasa):
    app = app_without_rasa
    with app.app_context():
        db.session.execute(update(Conversation).where(
            Conversation.state == State.WAITING_FOR_STAFF).values(state=State.CLOSED))
        db.session.commit()
        ids = [waiting_chat(minutes=100 - i) for i in range(30)]  # oldest first
    staff = app.test_client()
    login(staff, create_user(app, "staff"))

    def listed(html):
        return [i for i in re.findall(r'data-chat-id="([^"]+)"', html) if i in ids]

    first = staff.get("/console/").get_data(as_text=True)
    assert listed(first) == ids[:25]
    assert re.search(r'id="waiting-count">30<', first)
    assert 'rel="next" href="/console/?page=2"' in first and 'rel="prev"' not in first
    second = staff.get("/console/?page=2").get_data(as_text=True)
    assert listed(second) == ids[25:]
    assert 'rel="prev" href="/console/?page=1"' in second and 'rel="next"' not in second
    assert listed(staff.get("/console/?page=99").get_data(as_text=True)) == ids[25:]
    assert listed(staff.get("/console/?page=x").get_data(as_text=True)) == ids[:25]


def test_web_requests_only_store_mail_the_mailer_sends_it(database_url, servers,
                                                          knowledge_dir, smtp):
    app = make_app(database_url, servers.rasa.base_url, servers.actions_url, knowledge_dir,
                   smtp_url=smtp.url, **NOBODY_ONLINE)
    conversation, say = chat(app.test_client())
    before = len(smtp.messages)
    assert "No staff member" in say("I want to talk to a human")["replies"][-1]["text"]
    assert "BKK-" in say("Please answer me at lena@example.com")["replies"][0]["text"]
    assert len(smtp.messages) == before  # no SMTP connection from the request
    with app.app_context():
        [queued] = db.session.scalars(select(OutboundEmail).where(
            OutboundEmail.conversation_id == conversation)).all()
        assert (queued.status, queued.attempts) == (EmailStatus.QUEUED, 0)

    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    arrived = smtp.wait_for(before + 1)[before:]
    assert [m["To"] for m in arrived if m["Reply-To"] == "lena@example.com"] == [
        "invest@bangkok.go.th"]
