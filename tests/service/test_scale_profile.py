"""The scale-out profile: 2 gunicorn workers, 2 Rasa servers sharing trackers in PostgreSQL
with a Redis lock store, 1 action server, push between workers through Redis.

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

from scripts.chat_api import ChatApi
from scripts.console_client import ConsoleClient, create_account
from scripts.servers import assistant_servers, scale_profile_env, web_service
from tests.service.conftest import POSTGRES_ADMIN

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
                      timeout=30) as stream:
        lines = stream.iter_lines()
        next(lines)  # the stream is open
        staff.reply(conversation, "Hello from the center, how can I help?")
        for line in lines:
            if line.startswith(b"data:") and "Hello from the center" in json.loads(
                    line[5:]).get("text", ""):
                break
        else:
            pytest.fail("the staff reply never reached the event stream")
