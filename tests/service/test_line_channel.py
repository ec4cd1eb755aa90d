"""LINE channel: signed webhook fixtures drive whole conversations on the real assistant."""

import csv
import io
import uuid

import pytest
from sqlalchemy import select

from assistant.chat.satisfaction import RATING_PAYLOAD
from assistant.models import AnswerFeedback, Conversation, Job, JobState, Message, Rating
from tests.service.conftest import make_app
from tests.support.console_helpers import create_user, csrf_token, login
from tests.support.fake_line import SECRET, TOKEN, fake_line_server, fixture, sign

WEBHOOK = "/channels/line/webhook"


@pytest.fixture(scope="module")
def line(database_url, servers, knowledge_dir):
    """(fake LINE API, app whose LINE channel talks to it)."""
    with fake_line_server() as (fake, base_url):
        app = make_app(database_url, servers.rasa.base_url, servers.actions_url, knowledge_dir,
                       line_channel_secret=SECRET, line_channel_access_token=TOKEN,
                       line_api_url=base_url)
        yield fake, app


@pytest.fixture
def fake(line):
    fake, _ = line
    fake.calls.clear()
    fake.expired.clear()
    fake.push_down = False
    return fake


@pytest.fixture
def webhook(line):
    """Post a fixture, correctly signed, to the webhook, then run the worker; the response.

    The request only queues the event: nothing reaches LINE before the worker runs it.
    """
    fake, app = line
    client = app.test_client()

    def post(name, signature=None, **values):
        values.setdefault("event_id", new_id())
        values.setdefault("reply_token", new_id())
        values.setdefault("message_id", str(uuid.uuid4().int)[:18])
        body = fixture(name, **values)
        calls = len(fake.calls)
        response = client.post(WEBHOOK, data=body, content_type="application/json",
                               headers={"X-Line-Signature": signature or sign(body)})
        assert len(fake.calls) == calls  # answered before any LINE call
        worker = app.test_cli_runner().invoke(args=["jobs", "work"])
        assert worker.exit_code == 0, worker.output
        assert stored(line, lambda s: s.scalars(select(Job.error).where(
            Job.state == JobState.FAILED)).all()) == []
        return response
    return post


@pytest.fixture
def line_user():
    return "U" + uuid.uuid4().hex


def new_id():
    return uuid.uuid4().hex


def stored(line, function):
    _, app = line
    with app.app_context():
        from assistant.extensions import db
        return function(db.session)


def conversations_of(line, user_id):
    return stored(line, lambda s: [
        (c.id, c.state.value, c.channel, c.language, c.contact_name)
        for c in s.scalars(select(Conversation).where(Conversation.external_user_id == user_id)
                           .order_by(Conversation.created_at))])


def test_unsigned_or_forged_webhooks_are_refused_and_nothing_is_processed(line, fake,
                                                                          line_user):
    _, app = line
    client = app.test_client()
    event_id = new_id()
    body = fixture("text_message", text="How do I extend my visa?", event_id=event_id,
                   reply_token=new_id(), message_id="1", user_id=line_user)
    unsigned = client.post(WEBHOOK, data=body, content_type="application/json")
    forged = client.post(WEBHOOK, data=body, content_type="application/json",
                         headers={"X-Line-Signature": sign(body, "another secret")})
    tampered = client.post(WEBHOOK, data=body.replace("extend", "cancel"),
                           content_type="application/json",
                           headers={"X-Line-Signature": sign(body)})
    assert [r.status_code for r in (unsigned, forged, tampered)] == [400, 400, 400]
    assert forged.get_json()["error"]["code"] == "invalid_signature"
    assert fake.calls == []
    assert conversations_of(line, line_user) == []
    assert stored(line, lambda s: s.scalar(select(Message).where(
        Message.external_id == event_id))) is None


def test_webhook_is_off_until_a_channel_is_configured(client):
    body = '{"destination": "x", "events": []}'
    assert client.post(WEBHOOK, data=body, headers={"X-Line-Signature": sign(body)}
                       ).status_code == 404


def test_line_verify_request_with_no_events_is_accepted(webhook, line):
    _, app = line
    body = '{"destination": "U0000000000000000000000000000000f", "events": []}'
    response = app.test_client().post(WEBHOOK, data=body, content_type="application/json",
                                      headers={"X-Line-Signature": sign(body)})
    assert response.status_code == 200


def test_full_conversation_with_handoff_and_rating(line, fake, webhook, line_user):
    _, app = line
    assert webhook("follow", user_id=line_user).status_code == 200
    assert "Welcome" in fake.sent("reply")[0]["text"]

    webhook("text_message", text="How do I extend my visa?", user_id=line_user)
    answer = fake.sent("reply")[-1]
    assert "Official source: " in answer["text"] and "https://" in answer["text"]
    [(conversation_id, state, channel, language, name)] = conversations_of(line, line_user)
    assert (state, channel, language, name) == ("bot", "line", "en", "Somchai T.")
    topics = stored(line, lambda s: [m.topic for m in s.scalars(select(Message).where(
        Message.conversation_id == conversation_id, Message.sender == "bot"))])
    assert "visa" in topics

    webhook("text_message", text="I want to talk to a human", user_id=line_user)
    assert "staff member" in fake.sent("reply")[-1]["text"]
    assert conversations_of(line, line_user)[0][1] == "waiting_for_staff"

    staff = app.test_client()
    login(staff, create_user(app, "staff", name="Malee"))
    page = f"/console/conversations/{conversation_id}"
    fake.calls.clear()
    staff.post(f"{page}/take", data={"csrf_token": csrf_token(staff, page)})
    staff.post(f"{page}/reply", data={"csrf_token": csrf_token(staff, page),
                                      "text": "Hello, I can help you with the extension."})
    pushes = [c for c in fake.calls if c["kind"] == "push"]
    assert [p["body"]["to"] for p in pushes] == [line_user, line_user]
    assert "Malee from the center has joined" in pushes[0]["body"]["messages"][0]["text"]
    assert pushes[1]["body"]["messages"][0]["text"] == "Hello, I can help you with the extension."
    assert all(p["authorization"] == f"Bearer {TOKEN}" and p["retry_key"] for p in pushes)

    fake.calls.clear()
    webhook("text_message", text="Thank you, that helps", user_id=line_user)
    assert fake.calls == []  # with staff: the bot stays quiet, staff answer
    transcript = staff.get(f"{page}/messages.json").get_json()
    assert transcript["messages"][-1]["text"] == "Thank you, that helps"

    staff.post(f"{page}/close", data={"csrf_token": csrf_token(staff, page)})
    question = fake.sent("push")[-1]
    items = question["quickReply"]["items"]
    assert len(items) == 5 and all(RATING_PAYLOAD.match(i["action"]["data"]) for i in items)
    very_satisfied = items[0]["action"]
    assert very_satisfied["type"] == "postback" and very_satisfied["label"] == "Very Satisfied"

    webhook("postback", data=very_satisfied["data"], user_id=line_user)
    assert "Thank you for your feedback" in fake.sent("reply")[-1]["text"]
    rating = stored(line, lambda s: s.scalars(select(Rating).where(
        Rating.conversation_id == conversation_id)).one())
    assert (rating.level, rating.handled_by, rating.language) == (5, "staff", "en")
    ratings = csv.DictReader(io.StringIO(staff.get(
        "/console/reports/ratings.csv?kind=fiscal_year").get_data(as_text=True)))
    reference = stored(line, lambda s: s.get_one(Conversation, conversation_id).reference)
    assert {row["reference"]: row["channel"] for row in ratings}[reference] == "line"
    page_html = staff.get("/console/reports/?kind=fiscal_year").get_data(as_text=True)
    assert "LINE: " in page_html  # chats started per channel

    webhook("text_message", text="Hello again", user_id=line_user)
    chats = conversations_of(line, line_user)
    assert [c[1] for c in chats] == ["closed", "bot"]  # a new chat after the closed one


def test_thai_user_gets_thai_answers_and_thai_quick_replies(line, fake, webhook, line_user):
    webhook("text_message", text="ต่อวีซ่าท่องเที่ยวได้ที่ไหนคะ", user_id=line_user)
    [(_, _, _, language, _)] = conversations_of(line, line_user)
    assert language == "th"
    assert "แหล่งข้อมูลทางการ" in fake.sent("reply")[-1]["text"]
    webhook("text_message", text="ลาก่อนค่ะ", user_id=line_user)
    labels = [item["action"]["label"] for message in fake.sent("reply")
              for item in (message.get("quickReply") or {}).get("items", [])]
    assert "พึงพอใจมาก" in labels
    assert {"👍 มีประโยชน์", "👎 ไม่มีประโยชน์"} <= set(labels)  # the answer's "Helpful?"
    assert all(len(label) <= 20 for label in labels)  # LINE refuses longer labels


def test_a_redelivered_event_is_stored_and_answered_once(line, fake, webhook, line_user):
    event_id = new_id()
    for _ in range(2):
        assert webhook("text_message", text="Where can I open a bank account?",
                       user_id=line_user, event_id=event_id).status_code == 200
    assert len(fake.sent("reply")) >= 1
    assert len([c for c in fake.calls if c["kind"] == "reply"]) == 1
    assert stored(line, lambda s: len(s.scalars(select(Message).where(
        Message.external_id == event_id)).all())) == 1


def test_expired_reply_token_falls_back_to_push(line, fake, webhook, line_user):
    token = new_id()
    fake.expired.add(token)
    webhook("text_message", text="How do I get a work permit?", user_id=line_user,
            reply_token=token)
    assert [c["kind"] for c in fake.calls if c["kind"] != "profile"] == ["push"]
    assert fake.calls[-1]["body"]["to"] == line_user


def test_stickers_get_a_polite_text_only_answer(line, fake, webhook, line_user):
    webhook("sticker_message", user_id=line_user)
    assert "text messages only" in fake.sent("reply")[0]["text"]
    assert conversations_of(line, line_user) == []


def test_answers_line_could_not_take_are_marked_undelivered(line, fake, webhook, line_user):
    _, app = line
    token = new_id()
    fake.expired.add(token)
    fake.push_down = True  # neither the reply nor the push fallback gets through
    assert webhook("text_message", text="I want to talk to a human", user_id=line_user,
                   reply_token=token).status_code == 200
    [(conversation_id, *_)] = conversations_of(line, line_user)
    errors = stored(line, lambda s: [m.details.get("delivery_error") for m in s.scalars(
        select(Message).where(Message.conversation_id == conversation_id,
                              Message.sender == "bot"))])
    assert errors and all(error and error.startswith("LINE push failed") for error in errors)

    staff = app.test_client()
    login(staff, create_user(app, "staff", name="Malee"))
    page = f"/console/conversations/{conversation_id}"
    staff.post(f"{page}/take", data={"csrf_token": csrf_token(staff, page)})
    html = staff.get(page).get_data(as_text=True)
    assert html.count("Not delivered: LINE push failed") == len(errors) + 1  # + the notice


def test_knowledge_answers_get_helpful_postbacks_and_votes_are_stored(line, fake, webhook,
                                                                      line_user):
    webhook("text_message", text="hello", user_id=line_user)
    assert not [data for _, data in fake.postbacks(fake.sent("reply")[-1])
                if data.startswith("feedback:")]  # a greeting is no knowledge answer
    webhook("text_message", text="How do I do the 90-day report?", user_id=line_user)
    [(conversation_id, *_)] = conversations_of(line, line_user)
    answer_id = stored(line, lambda s: s.scalar(select(Message.id).where(
        Message.conversation_id == conversation_id, Message.sender == "bot",
        Message.topic == "visa")))
    postbacks = fake.postbacks(fake.sent("reply")[-1])
    assert postbacks[-2:] == [("👍 Helpful", f"feedback:{answer_id}:up"),
                              ("👎 Not helpful", f"feedback:{answer_id}:down")]
    assert len(postbacks) <= 13  # LINE's limit of quick replies

    def votes():
        return stored(line, lambda s: [(f.message_id, f.helpful) for f in s.scalars(
            select(AnswerFeedback).where(AnswerFeedback.conversation_id == conversation_id))])

    def user_messages():
        return stored(line, lambda s: len(s.scalars(select(Message.id).where(
            Message.conversation_id == conversation_id, Message.sender == "user")).all()))

    before = user_messages()
    webhook("postback", data=f"feedback:{answer_id}:down", user_id=line_user)
    assert votes() == [(answer_id, False)]
    assert "Thank you for telling us" in fake.sent("reply")[-1]["text"]
    webhook("postback", data=f"feedback:{answer_id}:up", user_id=line_user)
    assert votes() == [(answer_id, True)]  # the second vote replaces the first
    assert "Glad it helped" in fake.sent("reply")[-1]["text"]
    assert user_messages() == before  # a vote is no chat message

    fake.calls.clear()
    stranger = "U" + uuid.uuid4().hex
    webhook("postback", data=f"feedback:{answer_id}:down", user_id=stranger)
    webhook("postback", data="feedback:99999999999:down", user_id=line_user)
    assert votes() == [(answer_id, True)]  # not their answer / no such answer: ignored
    assert fake.sent("reply") == [] and conversations_of(line, stranger) == []
