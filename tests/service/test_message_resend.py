"""A message sent again with the same ``client_id`` (its first request failed on the way
back, e.g. a host cut off behind the load balancer) is stored once and answered once."""

import uuid

import pytest
from sqlalchemy import func, select

from assistant.extensions import db
from assistant.models import Message, Sender
from tests.service.conftest import DATABASE_KINDS, empty_database, make_app
from tests.support.fake_rasa import ANSWER, FakeRasa, rasa_at

NOWHERE = "http://127.0.0.1:9"


@pytest.fixture(scope="module", params=DATABASE_KINDS)
def resend_app(request, tmp_path_factory):
    with empty_database(request.param, tmp_path_factory) as url:
        yield make_app(url, NOWHERE, NOWHERE, offline_handoff=False)


@pytest.fixture
def fake_rasa(resend_app):
    fake = FakeRasa()
    fake.release.set()
    with rasa_at(resend_app, fake.url):
        yield fake
    fake.close()


def user_messages(app, conversation):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Message).where(
            Message.conversation_id == conversation, Message.sender == Sender.USER))


def post(client, conversation, **body):
    return client.post(f"/api/conversations/{conversation}/messages", json=body)


def test_a_message_sent_again_is_stored_once_and_gets_the_first_answer(resend_app, fake_rasa):
    client = resend_app.test_client()
    conversation = client.post("/api/conversations").get_json()["id"]
    key = str(uuid.uuid4())
    first = post(client, conversation, text="How do I extend my visa?", client_id=key)
    again = post(client, conversation, text="How do I extend my visa?", client_id=key)
    assert first.status_code == again.status_code == 200
    assert [r["text"] for r in again.get_json()["replies"]] == [ANSWER]
    assert again.get_json()["replies"][0]["id"] == first.get_json()["replies"][0]["id"]
    assert fake_rasa.calls.count("send") == 1
    assert user_messages(resend_app, conversation) == 1
    post(client, conversation, text="How do I extend my visa?", client_id=str(uuid.uuid4()))
    assert user_messages(resend_app, conversation) == 2  # a new id is a new message


def test_a_stored_message_that_never_got_its_answer_is_answered_when_sent_again(
        resend_app, fake_rasa):
    client = resend_app.test_client()
    conversation = client.post("/api/conversations").get_json()["id"]
    key = str(uuid.uuid4())
    with resend_app.app_context():  # the first host stored it, then was cut off
        db.session.add(Message(conversation_id=conversation, sender=Sender.USER,
                               text="Where is the center?", external_id=f"web:{key}"))
        db.session.commit()
    again = post(client, conversation, text="Where is the center?", client_id=key)
    assert [r["text"] for r in again.get_json()["replies"]] == [ANSWER]
    assert fake_rasa.calls.count("send") == 1
    assert user_messages(resend_app, conversation) == 1


def test_a_client_id_is_a_uuid_of_this_conversation(resend_app, fake_rasa):
    client = resend_app.test_client()
    first, second = (client.post("/api/conversations").get_json()["id"] for _ in range(2))
    key = str(uuid.uuid4())
    post(client, first, text="hello", client_id=key)
    reused = post(client, second, text="hello", client_id=key)
    assert reused.status_code == 409 and reused.get_json()["error"]["code"] == "client_id_used"
    for bad in ("not-a-uuid", 42, ""):
        refused = post(client, second, text="hello", client_id=bad)
        assert refused.status_code == 422
        assert refused.get_json()["error"]["code"] == "invalid_client_id"
    assert user_messages(resend_app, second) == 0
