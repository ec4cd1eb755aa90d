"""State races: what happens to a chat while Rasa is answering one of its messages.

A staff member who takes the chat over during the Rasa call keeps it (the bot's late reply
is dropped), and two messages at once open one hand-off, not two.
"""

import threading
import time

import pytest
from sqlalchemy import func, select

from assistant.chat.staff import take_over
from assistant.extensions import db
from assistant.models import Conversation, Handoff, Message, Sender, State, User
from tests.service.conftest import DATABASE_KINDS, empty_database, make_app
from tests.support.console_helpers import create_user
from tests.support.fake_rasa import ANSWER, FakeRasa, rasa_at

NOWHERE = "http://127.0.0.1:9"
HANDOFF_REPLY = [{"text": "A staff member will join you shortly."},
                 {"custom": {"kind": "reply_metadata", "handoff": True,
                             "intent": "ask_human"}}]


@pytest.fixture(scope="module", params=DATABASE_KINDS)
def race_app(request, tmp_path_factory):
    with empty_database(request.param, tmp_path_factory) as url:
        yield make_app(url, NOWHERE, NOWHERE, offline_handoff=False)


def post_in_background(app, conversation, text, responses):
    """POST a user message from another thread (its own request and session)."""
    def post():
        responses.append(app.test_client().post(
            f"/api/conversations/{conversation}/messages", json={"text": text}))
    thread = threading.Thread(target=post)
    thread.start()
    return thread


def wait_until(condition, seconds=10):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_take_over_during_the_rasa_call_is_not_undone_by_the_bots_reply(race_app):
    app, fake = race_app, FakeRasa(replies=HANDOFF_REPLY)
    email = create_user(app, "staff", "Somchai Jaidee")
    try:
        with rasa_at(app, fake.url):
            conversation = app.test_client().post("/api/conversations").get_json()["id"]
            responses: list = []
            thread = post_in_background(app, conversation, "my visa expires tomorrow", responses)
            assert fake.asked.wait(10), "the message never reached Rasa"
            with app.app_context():  # the console, meanwhile
                staff = db.session.scalars(select(User).where(User.email == email)).one()
                take_over(db.session.get_one(Conversation, conversation), staff)
            fake.release.set()
            thread.join(30)
        assert responses[0].status_code == 200
        assert responses[0].get_json()["replies"] == []
        with app.app_context():
            chat = db.session.get_one(Conversation, conversation)
            assert chat.state == State.WITH_STAFF and chat.waiting_since is None
            texts = db.session.scalars(select(Message.text).where(
                Message.conversation_id == conversation, Message.sender == Sender.BOT)).all()
            assert "A staff member will join you shortly." not in texts
            assert db.session.scalar(select(func.count()).select_from(Handoff).where(
                Handoff.conversation_id == conversation)) == 0
    finally:
        fake.close()


def test_two_messages_at_once_open_one_hand_off(race_app):
    app, fake = race_app, FakeRasa(replies=HANDOFF_REPLY)
    try:
        with rasa_at(app, fake.url):
            conversation = app.test_client().post("/api/conversations").get_json()["id"]
            responses: list = []
            threads = [post_in_background(app, conversation, text, responses)
                       for text in ("I want to talk to a person", "please, a human")]
            wait_until(lambda: fake.calls.count("send") == 2)
            fake.release.set()
            for thread in threads:
                thread.join(30)
        assert sorted(r.status_code for r in responses) == [200, 200]
        with app.app_context():
            chat = db.session.get_one(Conversation, conversation)
            assert chat.state == State.WAITING_FOR_STAFF
            assert db.session.scalar(select(func.count()).select_from(Handoff).where(
                Handoff.conversation_id == conversation)) == 1
            assert db.session.scalar(select(func.count()).select_from(Message).where(
                Message.conversation_id == conversation, Message.sender == Sender.USER)) == 2
    finally:
        fake.close()


def test_a_reply_in_a_chat_that_stayed_with_the_bot_is_stored(race_app):
    app, fake = race_app, FakeRasa()
    fake.release.set()
    try:
        with rasa_at(app, fake.url):
            client = app.test_client()
            conversation = client.post("/api/conversations").get_json()["id"]
            response = client.post(f"/api/conversations/{conversation}/messages",
                                   json={"text": "how do I extend my visa"})
        assert [r["text"] for r in response.get_json()["replies"]] == [ANSWER]
    finally:
        fake.close()
