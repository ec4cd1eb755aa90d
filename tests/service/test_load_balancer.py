"""The load balancer as deployed (``deploy/haproxy.cfg``) in front of two web services under
gunicorn on one PostgreSQL database: requests go to both, a stopped backend costs no
request and no message is sent twice, event streams pass unbuffered, and the service counts
each client by its own address, not the balancer's.

Needs HAProxy (``make haproxy``, part of ``make test``) and PostgreSQL. Rasa and the action
server are stand-ins that answer at once: the health check needs them, the balancer does not
care what the bot says. Each test's client connects from an address of its own on the
loopback network (127.0.0.x), as different users would.
"""

import re
import shutil
import subprocess
import threading
import time
from contextlib import ExitStack, contextmanager

import pytest
import requests
from flask import Flask

from scripts.servers import ROOT, free_port, gunicorn_service, service_healthy
from tests.service.conftest import empty_database
from tests.support.event_stream import OpenStream, new_chat
from tests.support.fake_services import fake_rasa_server
from tests.support.local_server import serving

HAPROXY = shutil.which("haproxy") or ""
pytestmark = pytest.mark.skipif(not HAPROXY,
                                reason="HAProxy is not installed (make haproxy installs it)")
BACKENDS = ("app1", "app2")
# Per client address and web process: low enough for the address test to reach it.
NEW_CHATS_PER_PROCESS = 2
STREAM_SECONDS = 6


class SourceAddress(requests.adapters.HTTPAdapter):
    """Connections from one local address (a client of its own for the balancer)."""

    def __init__(self, address):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, source_address=(self.address, 0), **kwargs)


def client_at(address):
    """A session whose requests come from ``address`` (127.0.0.x)."""
    session = requests.Session()
    session.mount("http://", SourceAddress(address))
    return session


def fake_action_server():
    """The action server's health check, answered."""
    app = Flask("fake_actions")
    app.add_url_rule("/health", view_func=lambda: {"status": "ok"})
    return serving(app)


class Balanced:
    """Two web services behind HAProxy; either can be stopped and started again."""

    def __init__(self, database, env, log):
        self.database, self.env, self.log = database, env, log
        self.ports = {name: free_port() for name in BACKENDS}
        self.running = {name: ExitStack() for name in BACKENDS}
        self.url = ""

    def start(self, name):
        self.running[name].enter_context(gunicorn_service(
            self.database, self.env, port=self.ports[name]))

    def stop(self, name):
        self.running[name].close()

    def served_by(self, address):
        """The backends that served requests from ``address``, by HAProxy's log."""
        lines = self.log.read_text(errors="replace").splitlines()
        return {match[1] for line in lines
                if (match := re.match(rf"{re.escape(address)}:\d+ .* web/(app\d) ", line))}

    def wait_for_log(self, text, seconds):
        """Wait until HAProxy logged ``text``; fail after ``seconds``."""
        deadline = time.monotonic() + seconds
        while text not in self.log.read_text(errors="replace"):
            assert time.monotonic() < deadline, f"HAProxy did not log {text!r} in {seconds} s"
            time.sleep(0.1)


@contextmanager
def haproxy(ports, log):
    """HAProxy with the deployed configuration in front of ``ports``; yields its URL."""
    bind = f"127.0.0.1:{free_port()}"
    env = {"LB_BIND": bind, **{f"WEB_{n}": f"127.0.0.1:{ports[name]}"
                               for n, name in enumerate(BACKENDS, start=1)}}
    with open(log, "w") as output:
        process = subprocess.Popen([HAPROXY, "-f", str(ROOT / "deploy" / "haproxy.cfg"), "-db"],
                                   env=env, stdout=output, stderr=subprocess.STDOUT)
    url = f"http://{bind}"
    try:
        deadline = time.monotonic() + 30
        while not service_healthy(url):
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "HAProxy did not answer within 30 s"
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def balanced(tmp_path_factory):
    with empty_database("postgresql", tmp_path_factory) as database, \
            fake_rasa_server() as (rasa, rasa_url), fake_action_server() as actions_url:
        rasa.loaded.append("fake.tar.gz")  # a model is loaded: Rasa is healthy
        # No Redis: each web process polls the database for changes made by the other one.
        # Streams last STREAM_SECONDS: closing one, or stopping its process, waits that long.
        env = {"RASA_URLS": rasa_url, "ACTIONS_URL": actions_url, "TRUSTED_PROXIES": "1",
               "SECRET_KEY": "load-balancer-test", "STREAM_POLL_SECONDS": "0.5",
               "STREAM_SECONDS": str(STREAM_SECONDS),
               "RATE_LIMIT_NEW_CONVERSATION": f"{NEW_CHATS_PER_PROCESS} per minute",
               "RATE_LIMIT_CLIENT": "100000 per minute",
               "RATE_LIMIT_CONVERSATION": "100000 per minute"}
        cluster = Balanced(database, env, tmp_path_factory.mktemp("haproxy") / "haproxy.log")
        for name in BACKENDS:
            cluster.start(name)
        try:
            with haproxy(cluster.ports, cluster.log) as url:
                cluster.url = url
                yield cluster, rasa
        finally:
            for name in BACKENDS:
                cluster.stop(name)


def test_requests_go_to_both_backends(balanced):
    cluster, _ = balanced
    client = client_at("127.0.0.11")
    conversation, token = new_chat(cluster.url, client)
    for _ in range(3):
        response = client.get(f"{cluster.url}/api/conversations/{conversation}/messages",
                              headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert response.status_code == 200
    time.sleep(0.5)  # the log line follows the response
    assert cluster.served_by("127.0.0.11") == set(BACKENDS)


def test_a_stopped_backend_costs_no_request_and_sends_no_message_twice(balanced):
    cluster, rasa = balanced
    client = client_at("127.0.0.12")
    conversation, token = new_chat(cluster.url, client)
    messages = f"{cluster.url}/api/conversations/{conversation}/messages"
    auth = {"Authorization": f"Bearer {token}"}
    statuses: list[int] = []
    sent: list[str] = []
    done = threading.Event()

    def chat():
        while not done.is_set():
            text = f"message {len(sent)}"
            statuses.append(client.post(messages, json={"text": text}, timeout=30).status_code)
            sent.append(text)
            statuses.append(client.get(messages, headers=auth, timeout=30).status_code)
            time.sleep(0.02)

    chatting = threading.Thread(target=chat)
    stopping = threading.Thread(target=cluster.stop, args=("app2",))  # gunicorn's SIGTERM
    chatting.start()
    try:
        time.sleep(1)
        stopping.start()
        cluster.wait_for_log("Server web/app2 is DOWN", seconds=5)
        down = len(statuses)
        time.sleep(2)  # app1 alone
    finally:
        done.set()
        chatting.join(timeout=60)
        stopping.join(timeout=60)
    assert down > 10 and len(statuses) > down + 10
    assert set(statuses) == {200}
    asked = [message["message"] for message in rasa.messages
             if message["sender"] == conversation]
    assert asked == sent  # each message reached Rasa once, in order
    cluster.start("app2")
    cluster.wait_for_log("Server web/app2 is UP", seconds=10)


def test_event_streams_pass_unbuffered(balanced):
    cluster, _ = balanced
    client = client_at("127.0.0.13")
    chat = new_chat(cluster.url, client)
    opened = time.monotonic()
    stream = OpenStream(cluster.url, chat, session=client)
    try:
        assert stream.response.status_code == 200
        assert '"state": "bot"' in stream.next_data("state", timeout=2)
        assert time.monotonic() - opened < 2  # not held back until the stream ends
        client.post(f"{cluster.url}/api/conversations/{chat[0]}/messages",
                    json={"text": "How do I extend my visa?"}, timeout=10)
        answered = time.monotonic()
        assert "A slow but sure answer." in stream.next_data("message", timeout=2)
        assert time.monotonic() - answered < 2
    finally:
        stream.close()


def test_the_service_counts_each_client_by_its_own_address(balanced):
    """New chats are limited per client address and web process: through the balancer
    (round robin over 2 processes) a client gets 2 × 2, another client has its own budget,
    and a made-up X-Forwarded-For does not buy a new one."""
    cluster, _ = balanced
    first, second = client_at("127.0.0.21"), client_at("127.0.0.22")
    start = f"{cluster.url}/api/conversations"
    statuses = [first.post(start, timeout=10).status_code for _ in range(6)]
    allowed = NEW_CHATS_PER_PROCESS * len(BACKENDS)
    assert statuses == [201] * allowed + [429] * (6 - allowed)
    assert second.post(start, timeout=10).status_code == 201
    faked = {"X-Forwarded-For": "203.0.113.7"}
    assert [first.post(start, headers=faked, timeout=10).status_code
            for _ in BACKENDS] == [429, 429]


def test_the_balancer_says_which_scheme_the_client_used(balanced):
    """X-Forwarded-Proto comes from the balancer, whatever the client sent: a client of the
    plain-http balancer claiming https is not on the service's own site."""
    cluster, _ = balanced
    site = f"{cluster.url}/api/site"
    assert requests.get(site, headers={"Origin": cluster.url}, timeout=10).json()["site"] is None
    https = cluster.url.replace("http://", "https://")
    claimed = {"Origin": https, "X-Forwarded-Proto": "https"}
    assert requests.get(site, headers=claimed, timeout=10).json()["site"] == https
