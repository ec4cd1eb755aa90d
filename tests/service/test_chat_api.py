"""Public chat API against the real Rasa and action servers, on SQLite and PostgreSQL."""

import datetime as dt
import re

import pytest
from sqlalchemy import select

from assistant.models import Conversation, Message, Rating

THAI = re.compile(r"[\u0E00-\u0E7F]")


def send(client, conversation, **body):
    return client.post(f"/api/conversations/{conversation}/messages", json=body)


def messages_of(stored, conversation):
    return stored(lambda s: [(m.sender.value, m.text, m.intent, m.topic, m.article_ids)
                             for m in s.scalars(select(Message).where(
                                 Message.conversation_id == conversation).order_by(Message.id))])


def test_new_conversation_is_with_the_bot(client):
    response = client.post("/api/conversations")
    assert response.status_code == 201
    body = response.get_json()
    assert body["state"] == "bot" and len(body["id"]) == 32


def test_topic_question_is_answered_and_stored_with_metadata(client, conversation, stored):
    response = send(client, conversation, text="How can I extend my tourist visa?")
    assert response.status_code == 200
    body = response.get_json()
    reply = body["replies"][0]
    assert (reply["sender"], reply["intent"], reply["topic"]) == ("bot", "ask_visa", "visa")
    assert reply["sources"][0]["url"].startswith("https://")
    assert 2 <= len(reply["buttons"]) <= 3 and body["language"] == "en"
    rows = messages_of(stored, conversation)
    assert rows[0] == ("user", "How can I extend my tourist visa?", None, None, [])
    assert rows[1][0] == "bot" and rows[1][2:4] == ("ask_visa", "visa") and rows[1][4]


def test_thai_message_gets_thai_reply_and_language(client, conversation):
    body = send(client, conversation, text="เปิดบัญชีธนาคารต้องใช้อะไรบ้างคะ").get_json()
    assert body["language"] == "th" and body["replies"][0]["topic"] == "banking"
    assert THAI.search(body["replies"][0]["text"])


def test_static_reply_carries_the_nlu_intent(client, conversation):
    reply = send(client, conversation, text="hello").get_json()["replies"][0]
    assert (reply["intent"], reply["topic"]) == ("greet", None)


def test_button_payload_is_forwarded(client, conversation):
    first = send(client, conversation, text="how do I rent an apartment").get_json()
    button = first["replies"][0]["buttons"][0]
    second = send(client, conversation, payload=button["payload"]).get_json()
    assert second["replies"][0]["text"].startswith(button["title"])


def test_asking_for_a_person_waits_for_staff_and_keeps_messages(client, conversation, stored):
    body = send(client, conversation, text="I want to talk to a real person").get_json()
    assert body["state"] == "waiting_for_staff"
    assert body["replies"][0]["intent"] == "ask_human"
    later = send(client, conversation, text="It is about my work permit").get_json()
    assert later["replies"] == [] and later["state"] == "waiting_for_staff"
    assert messages_of(stored, conversation)[-1][:2] == ("user", "It is about my work permit")


def test_goodbye_closes_with_the_question_and_a_button_rates(client, conversation, stored):
    body = send(client, conversation, text="ไปก่อนนะคะ บาย").get_json()
    assert body["state"] == "closed"
    question = body["replies"][-1]
    assert [b["title"] for b in question["buttons"]][0] == "พึงพอใจมาก"
    rated = send(client, conversation, payload=question["buttons"][1]["payload"]).get_json()
    assert THAI.search(rated["replies"][0]["text"])
    rating = stored(lambda s: s.scalars(select(Rating).where(
        Rating.conversation_id == conversation)).one())
    assert (rating.level, rating.language, rating.handled_by) == (4, "th", "bot")


def test_close_asks_once_and_rerating_replaces(client, conversation, stored):
    send(client, conversation, text="hello")
    first = client.post(f"/api/conversations/{conversation}/close").get_json()
    assert first["state"] == "closed"
    assert [b["title"] for b in first["replies"][0]["buttons"]] == [
        "Very Satisfied", "Satisfied", "Neutral", "Dissatisfied", "Very Dissatisfied"]
    assert client.post(f"/api/conversations/{conversation}/close").get_json()["replies"] == []
    for level in (2, 5):
        response = client.post(f"/api/conversations/{conversation}/satisfaction",
                               json={"level": level})
        assert response.status_code == 200
    ratings = stored(lambda s: s.scalars(select(Rating.level).where(
        Rating.conversation_id == conversation)).all())
    assert ratings == [5]


def test_messages_after_returns_only_later_bot_and_staff_messages(client, conversation):
    first = send(client, conversation, text="hello").get_json()["replies"][0]["id"]
    send(client, conversation, text="thanks")
    later = client.get(f"/api/conversations/{conversation}/messages?after={first}").get_json()
    assert [r["intent"] for r in later["replies"]] == ["thank"]
    assert all(r["id"] > first for r in later["replies"])


@pytest.mark.parametrize(
    "body, status, code",
    [
        ({"text": ""}, 400, "empty_text"),
        ({"text": "   "}, 400, "empty_text"),
        ({"text": "x" * 2001}, 413, "text_too_long"),
        ({}, 400, "text_or_payload"),
        ({"text": "hi", "payload": "/greet"}, 400, "text_or_payload"),
        ({"payload": "greet"}, 422, "invalid_payload"),
        ({"payload": "/order_pizza"}, 422, "unknown_intent"),
        ({"payload": '/greet{"a": }'}, 422, "invalid_payload"),
        ({"text": 42}, 400, "empty_text"),
    ],
)
def test_bad_messages_get_clear_errors_and_store_nothing(client, conversation, stored,
                                                         body, status, code):
    response = send(client, conversation, **body)
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code
    assert messages_of(stored, conversation) == []


def test_invalid_json_unknown_and_closed_conversations(client, conversation):
    raw = client.post(f"/api/conversations/{conversation}/messages", data="{not json",
                      content_type="application/json")
    assert raw.status_code == 400 and raw.get_json()["error"]["code"] == "invalid_json"
    unknown = send(client, "0" * 32, text="hello")
    assert unknown.status_code == 404
    client.post(f"/api/conversations/{conversation}/close")
    closed = send(client, conversation, text="one more question")
    assert closed.status_code == 409 and closed.get_json()["error"]["code"] == "conversation_closed"


@pytest.mark.parametrize("level", [0, 6, "5", True, None, 4.5])
def test_invalid_rating_levels(client, conversation, level):
    response = client.post(f"/api/conversations/{conversation}/satisfaction",
                           json={"level": level})
    assert response.status_code == 422


def test_health_reports_every_part(client):
    response = client.get("/api/health")
    assert response.status_code == 200 and response.get_json() == {"status": "ok", "failing": []}


def test_openapi_document_lists_the_api(client):
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert {"/api/conversations", "/api/conversations/{id}/messages",
            "/api/conversations/{id}/close", "/api/conversations/{id}/satisfaction",
            "/api/health"} <= set(spec["paths"])


def test_conversation_row_records_state_and_language(client, conversation, stored):
    send(client, conversation, text="สวัสดีครับ")
    row = stored(lambda s: s.get(Conversation, conversation))
    assert (row.state.value, row.language) == ("bot", "th")


def test_inactive_chats_are_closed_once_with_the_question(app, client, stored):
    from assistant.models import utcnow

    idle = client.post("/api/conversations").get_json()["id"]
    send(client, idle, text="สวัสดีค่ะ")
    waiting = client.post("/api/conversations").get_json()["id"]
    send(client, waiting, text="I want to talk to a real person")
    fresh = client.post("/api/conversations").get_json()["id"]
    send(client, fresh, text="hello")

    def age_messages(session):
        for message in session.scalars(select(Message).where(
                Message.conversation_id.in_([idle, waiting]))):
            message.created_at = utcnow() - dt.timedelta(minutes=45)
        session.commit()
    stored(age_messages)

    runner = app.test_cli_runner()
    first = runner.invoke(args=["conversations", "close-inactive", "--minutes", "30"])
    assert first.exit_code == 0
    states = stored(lambda s: {c.id: c.state.value for c in s.scalars(select(Conversation))})
    assert (states[idle], states[waiting], states[fresh]) == ("closed", "waiting_for_staff", "bot")
    asked = client.get(f"/api/conversations/{idle}/messages").get_json()["replies"][-1]
    assert asked["buttons"][0]["title"] == "พึงพอใจมาก"
    runner.invoke(args=["conversations", "close-inactive", "--minutes", "30"])
    questions = [r for r in client.get(f"/api/conversations/{idle}/messages").get_json()["replies"]
                 if len(r["buttons"]) == 5]
    assert len(questions) == 1


def test_explicit_language_choice_is_kept_by_the_service(client, conversation):
    send(client, conversation, text="English please")
    body = send(client, conversation, text="ต่อวีซ่าได้ที่ไหนคะ").get_json()
    assert body["language"] == "en" and not THAI.search(body["replies"][0]["text"])
    closed = client.post(f"/api/conversations/{conversation}/close").get_json()
    assert closed["replies"][0]["buttons"][0]["title"] == "Very Satisfied"


@pytest.mark.parametrize("path", ["messages?after=abc", "events?after=-1",
                                  "messages?after=9223372038814040064"])
def test_invalid_after_is_a_clear_error(client, conversation, path):
    response = client.get(f"/api/conversations/{conversation}/{path}")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_after"
