"""The scale-out profile: 2 gunicorn workers, 2 Rasa servers sharing trackers in PostgreSQL
with a Redis lock store, 1 action server, push between workers through Redis; erasure deletes
a chat's rows from Rasa's tracker database (retried when that database is away).

Needs PostgreSQL and Redis on 127.0.0.1 (``make test`` starts PostgreSQL; Redis is skipped
when absent).
"""

import json
import uuid
import zlib

import psycopg
import pytest
import redis
import requests

from assistant.extensions import db
from assistant.models import Conversation
from assistant.settings import rasa_tracker_db_url
from scripts.chat_api import ChatApi
from scripts.console_client import ConsoleClient, create_account
from scripts.servers import assistant_servers, free_port, scale_profile_env, web_service
from tests.service.conftest import POSTGRES_ADMIN, make_app

REDIS = "redis://127.0.0.1:6379"


@pytest.fixture(scope="module")
def databases():
    try:
        admin = psycopg.connect(POSTGRES_ADMIN, autocommit=True)
        redis.Redis.from_url(REDIS).ping()
    except (psycopg.OperationalError, redis.RedisError):
        pytest.skip("the scale-out profile needs PostgreSQL and Redis on 127.0.0.1")
    names = {kind: f"{kind}_scale_{uuid.uuid4().hex[:10]}" for kind in ("service", "rasa")}
    for name in names.values():
        admin.execute(f'CREATE DATABASE "{name}"')
    yield names
    for name in names.values():
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    admin.close()


@pytest.fixture(scope="module")
def scaled(databases, knowledge_dir):
    rasa_env, service_env = scale_profile_env(databases["rasa"])
    database = f"postgresql://postgres@127.0.0.1:5432/{databases['service']}"
    with assistant_servers(knowledge_dir=knowledge_dir, rasa_servers=2,
                           endpoints="endpoints.scale.yml", extra_env=rasa_env) as running, \
            web_service(running, database, workers=2, extra_env=service_env) as url:
        yield running, url, database


def first_server(conversation, count=2):
    """The server a conversation goes to first (as ``assistant.rasa.pool`` orders them)."""
    return zlib.crc32(conversation.encode("utf-8")) % count


def test_a_conversation_survives_the_death_of_its_rasa_server(scaled):
    running, url, _ = scaled
    api = ChatApi(url)
    conversation = api.start()
    first = api.send(conversation, "ต่อวีซ่าท่องเที่ยวที่ไหนคะ")
    assert first["language"] == "th" and first["replies"]
    index = first_server(conversation)
    running.rasa_processes[index].kill()
    running.rasa_processes[index].wait()
    second = api.send(conversation, "ต้องใช้เอกสารอะไรบ้างคะ")
    assert second["replies"] and second["language"] == "th"
    survivor = running.rasa_clients[1 - index]
    events = survivor.tracker(conversation)["events"]
    texts = [event.get("text") for event in events if event.get("event") == "user"]
    assert texts[:2] == ["ต่อวีซ่าท่องเที่ยวที่ไหนคะ", "ต้องใช้เอกสารอะไรบ้างคะ"]  # shared tracker
    running.restart(index)
    assert running.rasa_clients[index].tracker(conversation)["events"]


def test_staff_reply_reaches_the_widget_through_redis_across_workers(scaled):
    running, url, database = scaled
    create_account(database, "scale-staff@bangkok.go.th", "correct horse battery")
    staff = ConsoleClient(url, "scale-staff@bangkok.go.th", "correct horse battery")
    api = ChatApi(url)
    conversation = api.start()
    api.send(conversation, "I need to talk to a person")
    subscriber = redis.Redis.from_url(f"{REDIS}/0").pubsub(ignore_subscribe_messages=True)
    subscriber.subscribe(f"bkk-expat:conversation:{conversation}")
    subscriber.get_message(timeout=1)
    staff.take_over(conversation)
    notified = subscriber.get_message(timeout=5)
    assert notified and notified["data"] == b"changed"
    with requests.get(f"{url}/api/conversations/{conversation}/events",
                      params={"after": api.last_message_id(conversation)}, stream=True,
                      headers=api.authorization(conversation), timeout=30) as stream:
        lines = stream.iter_lines()
        next(lines)  # the stream is open
        staff.reply(conversation, "Hello from the center, how can I help?")
        for line in lines:
            if line.startswith(b"data:") and "Hello from the center" in json.loads(
                    line[5:]).get("text", ""):
                break
        else:
            pytest.fail("the staff reply never reached the event stream")


def tracker_rows(rasa_database, conversation):
    """Rows of ``conversation`` in Rasa's SQL tracker store (table ``events``)."""
    with psycopg.connect(f"host=127.0.0.1 port=5432 user=postgres dbname={rasa_database}",
                         autocommit=True) as connection:
        return connection.execute("SELECT type_name, data FROM events WHERE sender_id = %s",
                                  (conversation,)).fetchall()


def user_texts(running, conversation):
    """What each Rasa server's tracker of ``conversation`` holds of the user's text."""
    return [[event.get("text") for event in client.tracker(conversation)["events"]
             if event.get("event") == "user"] for client in running.rasa_clients]


def test_erasure_deletes_the_chat_from_rasas_tracker_database(scaled, databases):
    """Rasa's SQL store only appends (``PUT …/tracker/events []`` deleted nothing): the
    service deletes the chat's rows itself, with the RASA_DB_* settings Rasa uses."""
    running, url, _ = scaled
    api = ChatApi(url)
    conversation = api.start()
    text = "my passport AB1234567 expires next month, how do I extend my visa"
    assert api.send(conversation, text)["replies"]
    assert any(text in data for _, data in tracker_rows(databases["rasa"], conversation))
    erased = requests.delete(f"{url}/api/conversations/{conversation}",
                             headers=api.authorization(conversation), timeout=30).json()
    assert tracker_rows(databases["rasa"], conversation) == []  # nothing left in Rasa's table
    assert user_texts(running, conversation) == [[], []]  # neither server has any of it
    assert erased["erased"] is True and erased["rasa_tracker"] == "erased"
    assert erased["rasa_erased_at"]
    refused = requests.post(f"{url}/api/conversations/{conversation}/messages",
                            json={"text": "one more thing"}, timeout=30)
    assert refused.status_code == 410
    assert not any("one more thing" in data
                   for _, data in tracker_rows(databases["rasa"], conversation))


def test_erasure_with_rasas_tracker_database_away_is_finished_by_the_retention_round(
        scaled, databases, knowledge_dir):
    """Rasa's tracker database unreachable (a closed port): the chat is erased here and
    marked pending in Rasa; the retention round with the database back deletes the rows."""
    running, _, database = scaled
    closed = f"postgresql://postgres@127.0.0.1:{free_port()}/{databases['rasa']}"
    app = make_app(database, running.rasa_urls, running.actions_url, knowledge_dir,
                   rasa_auth_token=running.rasa.auth_token, rasa_tracker_db_url=closed)
    client = app.test_client()
    conversation = client.post("/api/conversations").get_json()["id"]
    text = "I lost my passport AB1234567, what should I do"
    assert client.post(f"/api/conversations/{conversation}/messages",
                       json={"text": text}).get_json()["replies"]
    erased = client.delete(f"/api/conversations/{conversation}").get_json()
    assert erased["rasa_tracker"] == "pending" and erased["rasa_erased_at"] is None
    with app.app_context():
        chat = db.session.get_one(Conversation, conversation)
        assert chat.erased_at is not None and chat.rasa_erased_at is None
    assert any(text in data for _, data in tracker_rows(databases["rasa"], conversation))
    cli = app.test_cli_runner()
    assert "still pending there" in cli.invoke(args=["privacy", "purge"]).output

    app.config["RASA_TRACKER_DB_URL"] = scale_profile_tracker_db(databases["rasa"])
    back = cli.invoke(args=["privacy", "purge"])
    assert back.exit_code == 0 and "0 still pending there" in back.output
    assert tracker_rows(databases["rasa"], conversation) == []
    assert user_texts(running, conversation) == [[], []]
    with app.app_context():
        assert db.session.get_one(Conversation, conversation).rasa_erased_at is not None


def scale_profile_tracker_db(rasa_database):
    """The service's RASA_TRACKER_DB_URL, derived from the profile's RASA_DB_* settings."""
    return rasa_tracker_db_url(scale_profile_env(rasa_database)[1])
