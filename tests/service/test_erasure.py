"""Erasure is final: Rasa's copy is erased too (or retried until it is), and nothing is
written to an erased chat afterwards, not even a reply Rasa was still preparing.

The scale-out profile (Rasa's SQL tracker store) is tested in test_scale_profile.py.
"""

import threading
from typing import Any

import pytest
from sqlalchemy import func, select

from assistant.chat import messages
from assistant.chat.errors import ConversationError
from assistant.chat.staff import staff_reply
from assistant.extensions import db
from assistant.models import Conversation, Label, Message, Note, Sender, State, User, utcnow
from assistant.records import privacy
from assistant.settings import rasa_tracker_db_url
from common.rasa_client import Reply
from scripts.servers import free_port
from tests.service.conftest import DATABASE_KINDS, empty_database, make_app
from tests.support.console_helpers import create_user, csrf_token, login
from tests.support.fake_rasa import ANSWER, FakeRasa, rasa_at

NOWHERE = "http://127.0.0.1:9"  # nothing listens: Rasa "down"


@pytest.fixture(scope="module", params=DATABASE_KINDS)
def erasure_app(request, tmp_path_factory):
    with empty_database(request.param, tmp_path_factory) as url:
        yield make_app(url, NOWHERE, NOWHERE)


def count(app, model, **where):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).filter_by(**where))


def chat_of(app, conversation):
    with app.app_context():
        chat = db.session.get_one(Conversation, conversation)
        db.session.expunge(chat)
        return chat


@pytest.mark.parametrize("rasa_fails", [False, True], ids=["reply", "rasa-error"])
def test_a_reply_coming_back_after_the_erasure_is_not_stored(erasure_app, rasa_fails):
    """Erased while Rasa was answering: the reply (or the apology) is dropped, the user's
    request gets 410, and Rasa's copy, which Rasa wrote again at the end of its turn, is
    erased again (right away once Rasa answered; by the retention round when it failed,
    since it may still be saving)."""
    app, fake = erasure_app, FakeRasa(fail=rasa_fails)
    client = app.test_client()
    try:
        with rasa_at(app, fake.url):
            conversation = client.post("/api/conversations").get_json()["id"]
            answered: dict[str, Any] = {}
            waiting = threading.Thread(target=lambda: answered.setdefault(
                "response", app.test_client().post(
                    f"/api/conversations/{conversation}/messages",
                    json={"text": "How do I extend my visa? My passport is AB1234567"})))
            waiting.start()
            assert fake.asked.wait(10), "the message never reached Rasa"
            erased = client.delete(f"/api/conversations/{conversation}").get_json()
            assert erased["messages_deleted"] == 1 and erased["rasa_tracker"] == "erased"
            fake.release.set()
            waiting.join(30)
            response = answered["response"]
            assert response.status_code == 410, response.get_json()
            assert response.get_json()["error"]["code"] == "conversation_erased"
            assert count(app, Message, conversation_id=conversation) == 0
            chat = chat_of(app, conversation)
            assert chat.erased_at is not None and chat.state == State.CLOSED
            assert chat.waiting_since is None  # the apology did not queue it for staff
            if not rasa_fails:  # erased again after Rasa's turn ended
                assert fake.calls == ["send", "erase", "answered", "tracker", "erase"]
                assert chat.rasa_erased_at is not None
                return
            assert fake.calls == ["send", "erase", "answered"]
            assert chat.rasa_erased_at is None  # pending: Rasa may still be saving the turn
            purged = app.test_cli_runner().invoke(args=["privacy", "purge", "--days", "365"])
            assert "erased 1 chat(s) in Rasa, 0 still pending there" in purged.output
            assert fake.calls[-1] == "erase" and chat_of(app, conversation).rasa_erased_at
    finally:
        fake.close()


@pytest.fixture
def staff_chat(erasure_app):
    """A chat with staff (asked the satisfaction question), its staff member signed in on
    the console: (conversation id, staff user id, console client, CSRF token)."""
    app = erasure_app
    email = create_user(app, "staff", "Malee Srisuk")
    with app.app_context():
        staff = db.session.scalars(select(User).where(User.email == email)).one()
        chat = Conversation(state=State.WITH_STAFF, assigned_to_id=staff.id,
                            staff_involved=True, satisfaction_asked_at=utcnow())
        db.session.add(chat)
        db.session.flush()
        db.session.add(Message(conversation_id=chat.id, sender=Sender.USER,
                               text="my passport AB1234567 was stolen"))
        db.session.commit()
        conversation, staff_id = chat.id, staff.id
    console = app.test_client()
    login(console, email)
    token = csrf_token(console, f"/console/conversations/{conversation}")
    return conversation, staff_id, console, token


def erase(app, conversation):
    """Erase as the API does (Rasa is down here: its copy stays pending)."""
    with app.app_context():
        privacy.erase(db.session.get_one(Conversation, conversation), app.extensions["rasa"])


def test_writers_that_read_the_chat_before_its_erasure_store_nothing(erasure_app, staff_chat):
    """A staff reply and Rasa's reply, written with the chat as read before the erasure."""
    app, (conversation, staff_id, _, _) = erasure_app, staff_chat
    with app.app_context():
        stale = db.session.get_one(Conversation, conversation)
        staff = db.session.get_one(User, staff_id)
        assert stale.state == State.WITH_STAFF
        erase(app, conversation)  # meanwhile, in another request (its own session)
        with pytest.raises(ConversationError) as refused:
            staff_reply(stale, staff, "We found your passport", 2000)
        assert refused.value.status == 410
        with pytest.raises(ConversationError) as refused:  # Rasa's reply, stored late
            messages.store_bot_replies(stale, [Reply(text=ANSWER)], {})
        assert refused.value.status == 410
    assert count(app, Message, conversation_id=conversation) == 0


def test_the_chat_api_refuses_writes_to_an_erased_chat(erasure_app, staff_chat):
    app, conversation = erasure_app, staff_chat[0]
    erase(app, conversation)
    api = app.test_client()
    for path, body in [("satisfaction", {"level": 5}),
                       ("messages", {"payload": '/rate_satisfaction{"satisfaction_level": 5}'}),
                       ("close", {}), ("messages", {"text": "hello again"})]:
        response = api.post(f"/api/conversations/{conversation}/{path}", json=body)
        assert response.status_code == 410, (path, response.get_json())
        assert response.get_json()["error"]["code"] == "conversation_erased"
    assert count(app, Message, conversation_id=conversation) == 0


def test_the_console_refuses_notes_labels_and_replies_on_an_erased_chat(erasure_app,
                                                                        staff_chat):
    app, (conversation, _, console, token) = erasure_app, staff_chat
    erase(app, conversation)
    page = f"/console/conversations/{conversation}"
    note = console.post(f"{page}/notes", data={"text": "@Malee passport AB1234567",
                                               "csrf_token": token}, follow_redirects=True)
    assert "no note can be added" in note.get_data(as_text=True)
    label = console.post(f"{page}/labels", data={"name": "lost-passport", "csrf_token": token},
                         follow_redirects=True)
    assert "its labels cannot change" in label.get_data(as_text=True)
    for action in ("take", "close"):
        console.post(f"{page}/{action}", data={"csrf_token": token})
    console.post(f"{page}/reply", data={"text": "We found it", "csrf_token": token})
    assert count(app, Message, conversation_id=conversation) == 0
    assert count(app, Note, conversation_id=conversation) == 0
    assert count(app, Label) == 0
    shown = console.get(page).get_data(as_text=True)
    assert "Erased here; pending in Rasa" in shown  # Rasa was down: honest about it
    assert 'id="note-text"' not in shown
    transcript = console.get(f"/console/history/{conversation}").get_data(as_text=True)
    assert "Erased here; pending in Rasa" in transcript


def test_erasure_while_rasa_is_down_is_finished_by_the_retention_round(servers,
                                                                      knowledge_dir,
                                                                      tmp_path):
    """Default profile (Rasa's in-memory tracker store, erased by replacing its events):
    with Rasa down the chat is erased here at once and marked pending in Rasa; the
    retention process erases Rasa's copy on its next round, when Rasa is back."""
    app = make_app(f"sqlite:///{tmp_path / 'erasure.db'}", servers.rasa.base_url,
                   servers.actions_url, knowledge_dir)
    client = app.test_client()
    conversation = client.post("/api/conversations").get_json()["id"]
    text = "my passport AB1234567 expires, how do I renew my visa"
    assert client.post(f"/api/conversations/{conversation}/messages",
                       json={"text": text}).get_json()["replies"]

    def user_texts():
        events = servers.rasa.tracker(conversation)["events"]
        return [event.get("text") for event in events if event.get("event") == "user"]

    assert user_texts() == [text]
    with rasa_at(app, f"http://127.0.0.1:{free_port()}"):  # Rasa down
        erased = client.delete(f"/api/conversations/{conversation}").get_json()
        assert erased["rasa_tracker"] == "pending" and erased["rasa_erased_at"] is None
        exported = client.get(f"/api/conversations/{conversation}/export").get_json()
        assert exported["messages"] == [] and exported["conversation"]["erased_at"]
        assert exported["conversation"]["rasa_erased_at"] is None
        assert client.post(f"/api/conversations/{conversation}/messages",
                           json={"text": "hi"}).status_code == 410
        still_down = app.test_cli_runner().invoke(args=["privacy", "purge", "--days", "365"])
        assert "erased 0 chat(s) in Rasa, 1 still pending there" in still_down.output
    assert user_texts() == [text]  # Rasa kept it meanwhile

    back = app.test_cli_runner().invoke(args=["privacy", "purge", "--days", "365"])
    assert "erased 1 chat(s) in Rasa, 0 still pending there" in back.output
    assert user_texts() == []
    assert chat_of(app, conversation).rasa_erased_at is not None


def test_the_service_finds_rasas_tracker_database_as_rasa_does():
    assert rasa_tracker_db_url({}) == ""  # the default profile: Rasa's in-memory store
    scale = {"RASA_DB_HOST": "127.0.0.1", "RASA_DB_PORT": "5432", "RASA_DB_NAME": "rasa",
             "RASA_DB_USER": "postgres", "RASA_DB_PASSWORD": ""}
    assert rasa_tracker_db_url(scale) == "postgresql+psycopg://postgres@127.0.0.1:5432/rasa"
    assert rasa_tracker_db_url({**scale, "RASA_DB_PASSWORD": "p@ss:w/rd"}) == (
        "postgresql+psycopg://postgres:p%40ss%3Aw%2Frd@127.0.0.1:5432/rasa")
    assert rasa_tracker_db_url({**scale, "RASA_TRACKER_DB_URL": "postgresql://db/rasa"}) == (
        "postgresql+psycopg://db/rasa")
    assert rasa_tracker_db_url({"RASA_DB_HOST": "postgres://db:6543/trackers"}) == (
        "postgresql+psycopg://db:6543/trackers")
