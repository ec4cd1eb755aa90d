"""Event streams cost no request thread: hundreds stay open while the chat API, the console
and the API document answer; changes reach them from this process and from others; open
streams are capped per client address and per conversation."""

import json
import time

import pytest
import requests
from playwright.sync_api import expect

from assistant.chat import conversations
from assistant.extensions import db
from assistant.models import Message, Sender
from scripts.servers import gunicorn_service
from tests.service.conftest import NO_RASA, make_app
from tests.support.browser import chat_in_widget, chromium, live_server
from tests.support.event_stream import OpenStream, new_chat
from tests.support.fake_services import fake_rasa_server

OPEN_STREAMS = 200  # 25 times the 8 request threads the service had before


def answers(url):
    try:
        return requests.get(f"{url}/api/openapi.json", timeout=3).ok
    except requests.RequestException:
        return False


def client_address(number):
    """A distinct client address, as the trusted proxy in front would forward it."""
    return {"X-Forwarded-For": f"10.{number // 250}.{number % 250}.1"}


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    """The web service under gunicorn as ``make run`` starts it, behind one trusted proxy."""
    database = f"sqlite:///{tmp_path_factory.mktemp('streams') / 'assistant.db'}"
    with fake_rasa_server() as (_, rasa_url):
        env = {"RASA_URLS": rasa_url, "ACTIONS_PORT": "9", "TRUSTED_PROXIES": "1",
               "RATE_LIMIT_NEW_CONVERSATION": "100000 per minute"}
        with gunicorn_service(database, env, ready=answers) as url:
            yield url, database


def test_hundreds_of_open_streams_leave_the_service_answering(service):
    url, _ = service
    chats = [new_chat(url) for _ in range(OPEN_STREAMS)]
    streams = [OpenStream(url, chat, client_address(n)) for n, chat in enumerate(chats)]
    try:
        assert {stream.response.status_code for stream in streams} == {200}
        reply = requests.post(f"{url}/api/conversations/{chats[0][0]}/messages",
                              json={"text": "How do I extend my visa?"}, timeout=10)
        assert reply.status_code == 200
        assert reply.json()["replies"][0]["text"] == "A slow but sure answer."
        assert requests.get(f"{url}/console/login", timeout=10).status_code == 200
        assert requests.get(f"{url}/api/openapi.json", timeout=10).status_code == 200
        # The bot's reply also reached that chat's open stream, at once.
        assert "A slow but sure answer." in streams[0].next_data("message")
    finally:
        for stream in streams:
            stream.close()


def test_changes_made_by_another_process_reach_the_stream(service):
    url, database = service
    chat = new_chat(url)
    stream = OpenStream(url, chat)
    elsewhere = make_app(database, NO_RASA, NO_RASA)  # as the console of another worker
    try:
        with elsewhere.app_context():
            conversation = conversations.find(chat[0])
            db.session.add(Message(conversation=conversation, sender=Sender.STAFF,
                                   text="A staff member is here."))
            db.session.commit()
        assert "A staff member is here." in stream.next_data("message")
        with elsewhere.app_context():
            conversations.close(conversations.find(chat[0]))
        assert json.loads(stream.next_data("state")) == {"state": "closed", "wait": None}
    finally:
        stream.close()


def test_open_streams_are_capped_per_chat_and_per_client(service):
    url, _ = service
    chats = [new_chat(url) for _ in range(22)]
    same_chat = [OpenStream(url, chats[0], client_address(1000 + n)) for n in range(4)]
    one_client = [OpenStream(url, chat, client_address(2000)) for chat in chats[1:]]
    try:
        statuses = [stream.response.status_code for stream in same_chat]
        assert statuses == [200, 200, 200, 429]  # 3 per chat (STREAM_MAX_PER_CONVERSATION)
        refused = same_chat[-1].response
        assert refused.headers["Retry-After"].isdigit()
        statuses = [stream.response.status_code for stream in one_client]
        assert statuses == [200] * 20 + [429]  # 20 per address (STREAM_MAX_PER_CLIENT)
        assert OpenStream(url, chats[21], client_address(2001)).response.status_code == 200
        # A stream whose client left gives its place back once the service notices (at the
        # next heartbeat it cannot write).
        same_chat[0].close()
        retried = None
        for _ in range(45):
            retried = OpenStream(url, chats[0], client_address(1100))
            if retried.response.status_code == 200:
                break
            time.sleep(1)
        assert retried is not None and retried.response.status_code == 200
    finally:
        for stream in same_chat + one_client:
            stream.close()


def test_the_widget_streams_only_while_open_on_a_visible_page(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'widget.db'}", NO_RASA, NO_RASA)
    with live_server(app) as site, chromium() as browser:
        page = browser.new_page()
        streams = {"opened": 0, "ended": 0}
        page.on("request", lambda r: "/events" in r.url and streams.update(
            opened=streams["opened"] + 1))
        page.on("requestfailed", lambda r: "/events" in r.url and streams.update(
            ended=streams["ended"] + 1))
        chat = chat_in_widget(page, site)  # Rasa is away: the apology, and a chat id
        wait_until(page, lambda: streams == {"opened": 1, "ended": 0})

        staff_says(app, page, "Staff here while you watch.")
        expect(chat.get_by_text("Staff here while you watch.")).to_be_visible()

        chat.get_by_role("button", name="Minimise").click()
        wait_until(page, lambda: streams["ended"] == 1)  # closed with the panel
        staff_says(app, page, "Staff wrote while it was closed.")
        page.wait_for_timeout(3000)
        assert streams["opened"] == 1  # nothing reopened it meanwhile
        chat.get_by_role("button", name="Chat with us").click()
        expect(chat.get_by_text("Staff wrote while it was closed.")).to_be_visible()
        assert streams["opened"] == 2

        page.evaluate("""() => {
            Object.defineProperty(document, "hidden", {value: true, configurable: true});
            document.dispatchEvent(new Event("visibilitychange"));
        }""")
        wait_until(page, lambda: streams["ended"] == 2)  # a hidden tab holds no stream


def staff_says(app, page, text):
    """A staff reply stored in the chat the widget has open."""
    chat_id = page.evaluate("() => JSON.parse(localStorage.getItem('bkk-expat-chat')).conversation")
    with app.app_context():
        db.session.add(Message(conversation=conversations.find(chat_id), sender=Sender.STAFF,
                               text=text))
        db.session.commit()


def wait_until(page, condition, seconds=10.0):
    """Let the page run (its events reach the test meanwhile) until ``condition()``."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        page.wait_for_timeout(100)
