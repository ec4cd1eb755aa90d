"""The service on four hosts (network namespaces), started from the deployment files, used
through the load balancer's address only: a host cut off for 30 s loses no message, staff on
one host answer a chat started on the other, jobs act once with both hosts running them, an
accepted model reaches both Rasa servers within a minute, and the widget works in Chromium.

Run with ``make test-hosts`` (root is needed for the namespaces; the test is skipped, saying
why, where they cannot be made).
"""

import datetime as dt
import re
import threading
import time

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from assistant.extensions import db
from assistant.models import (
    Conversation,
    EmailStatus,
    Message,
    OutboundEmail,
    Sender,
    State,
    TrainingRun,
    TrainingStatus,
    utcnow,
)
from scripts.console_client import ConsoleClient
from tests.hosts.cluster import APP_HOSTS
from tests.hosts.users import ChatUser, ReconnectingStream, Turn
from tests.service.conftest import NO_RASA, make_app
from tests.support.browser import chromium, open_widget
from tests.support.console_helpers import PASSWORD, create_user

USERS = 20
CUT_AFTER_SECONDS = 6
CUT_SECONDS = 30
STAFF_REPLY = "Staff here: your visa question is with me now."
MODEL_SWITCH_SECONDS = 60


@pytest.fixture(scope="module")
def records(cluster):
    """The service's database (on the data host), read by the test as an observer."""
    return make_app(cluster.database_url, NO_RASA, NO_RASA)


@pytest.fixture(scope="module")
def staff_email(records):
    return create_user(records, "admin", "Supervisor Malee")


def chat_started_through(cluster, host):
    """A user whose chat the balancer gave to ``host``."""
    for _ in range(10):
        user = ChatUser(cluster.url, "en")
        user.start()
        if user.served_by == host:
            return user
    pytest.fail(f"the balancer never sent a new chat to {host}")


def stream_through(cluster, user, host):
    """The user's event stream, opened until the balancer gave it to ``host``."""
    for _ in range(10):
        stream = ReconnectingStream(cluster.url, user)
        wait_until(lambda s=stream: s.connections, 10, "the event stream to open")
        if stream.connections[0] == host:
            return stream
        stream.close()
    pytest.fail(f"the balancer never sent the event stream to {host}")


def wait_until(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out: {what}")
        time.sleep(0.5)


def user_messages(records, conversation):
    with records.app_context():
        return list(db.session.scalars(select(Message).where(
            Message.conversation_id == conversation, Message.sender == Sender.USER)))


def test_a_host_cut_off_for_30_s_loses_no_message_and_staff_on_the_other_answer(
        cluster, records, staff_email):
    watched = chat_started_through(cluster, "app2")
    stream = stream_through(cluster, watched, "app2")
    users = [ChatUser(cluster.url, "en" if number % 2 else "th") for number in range(USERS)]
    for user in users:
        user.start()
    threads = [threading.Thread(target=user.chat, args=(4,)) for user in users]
    for thread in threads:
        thread.start()
    time.sleep(CUT_AFTER_SECONDS)
    cluster.network.cut("app2")
    try:
        time.sleep(3)  # the balancer's health checks take app2 out within 2 s
        staff = ConsoleClient(cluster.url, staff_email, PASSWORD)
        assert staff.served_by == "app1"
        staff.take_over(watched.conversation)
        staff.reply(watched.conversation, STAFF_REPLY)
        wait_until(lambda: STAFF_REPLY in stream.texts(), CUT_SECONDS - 5,
                   "the staff reply on the user's reconnected stream")
        time.sleep(max(0.0, CUT_SECONDS - 3 - 5))
    finally:
        cluster.network.restore("app2")
    for thread in threads:
        thread.join(300)
    stream.close()

    assert watched.served_by == "app2"
    assert "app1" in stream.connections[1:], stream.connections  # reconnected elsewhere
    served = {user.served_by for user in users}
    assert served == {"app1", "app2"}, served
    for user in users:
        assert [turn.status for turn in user.turns] == [200] * 4, (user.turns, user.errors)
        stored = user_messages(records, user.conversation)
        assert sorted(m.text for m in stored) == sorted(turn.text for turn in user.turns)
        assert sorted(m.external_id for m in stored) == sorted(
            f"web:{turn.client_id}" for turn in user.turns)  # each one stored once
        last = user.turns[-1]
        assert last.replies or last.state == "waiting_for_staff", (user.language, last)
    resent = sum(turn.attempts > 1 for user in users for turn in user.turns)
    print(f"messages sent again after a lost answer: {resent}")


def test_jobs_on_both_hosts_close_mail_and_purge_each_item_once(cluster, records, mailbox):
    with records.app_context():
        old = []
        for _ in range(8):
            chat = Conversation(state=State.CLOSED, closed_at=utcnow() - dt.timedelta(days=400))
            db.session.add(chat)
            db.session.flush()
            db.session.add(Message(conversation_id=chat.id, sender=Sender.USER, text="hello"))
            old.append(chat.id)
        for number in range(12):
            db.session.add(OutboundEmail(kind="transcript", to_address=f"u{number}@example.com",
                                         subject=f"Transcript {number}", body="..."))
        idle = Conversation()
        db.session.add(idle)
        db.session.flush()
        db.session.add(Message(conversation_id=idle.id, sender=Sender.USER, text="hi",
                               created_at=utcnow() - dt.timedelta(minutes=5)))
        db.session.commit()
        idle_id = idle.id

    def done():
        with records.app_context():
            erased = db.session.scalar(select(func.count()).select_from(Conversation).where(
                Conversation.id.in_(old), Conversation.erased_at.is_not(None)))
            sent = db.session.scalar(select(func.count()).select_from(OutboundEmail).where(
                OutboundEmail.status == EmailStatus.SENT))
            closed = db.session.get_one(Conversation, idle_id).state == State.CLOSED
            return erased == len(old) and sent == 12 and closed
    wait_until(done, 120, "the purge, the e-mails and the closing")
    time.sleep(10)  # a few more rounds on both hosts: nothing is done twice

    assert sorted(m["Subject"] for m in mailbox.messages) == sorted(
        f"Transcript {number}" for number in range(12))
    with records.app_context():
        attempts = db.session.scalars(select(OutboundEmail.attempts)).all()
        assert set(attempts) == {1}
        questions = db.session.scalars(select(Message).where(
            Message.conversation_id == idle_id, Message.sender == Sender.BOT)).all()
        assert [q.details for q in questions] == [{"satisfaction_question": True}]
    erased = [int(n) for host in APP_HOSTS for n in re.findall(
        r"erased (\d+) transcript", cluster.logs(host, "jobs"))]
    assert sum(erased) == len(old), erased
    assert all(cluster.logs(host, "jobs") for host in APP_HOSTS)  # both hosts ran jobs


def test_an_accepted_model_reaches_both_rasa_servers_within_a_minute(cluster, records):
    before = {host: cluster.model_of(host) for host in APP_HOSTS}
    trainer = create_user(records, "trainer", "Trainer Niran")
    failures: list[Turn] = []
    answered: list[Turn] = []
    stop = threading.Event()

    def chat_meanwhile():
        user = ChatUser(cluster.url, "en")
        user.start()
        while not stop.is_set():
            turn = user.say("How do I extend my tourist visa?")
            (answered if turn.status == 200 and turn.attempts == 1 else failures).append(turn)
            time.sleep(1)
    loop = threading.Thread(target=chat_meanwhile)
    loop.start()
    try:
        run_id = ConsoleClient(cluster.url, trainer, PASSWORD,
                               home="/console/training/runs").start_training()

        def finished():
            with records.app_context():
                return db.session.get_one(TrainingRun, run_id).status not in (
                    TrainingStatus.QUEUED, TrainingStatus.RUNNING)
        wait_until(finished, 1500, "the training run")
        accepted_at = time.monotonic()
        with records.app_context():
            run = db.session.get_one(TrainingRun, run_id)
            assert run.status == TrainingStatus.ACTIVATED, (run.step, run.log[-3000:])
            candidate = (run.candidate or "").rsplit("/", 1)[-1]
        switched: dict[str, float] = {}
        while len(switched) < len(APP_HOSTS) and time.monotonic() - accepted_at < 90:
            for host in APP_HOSTS:
                if host not in switched and cluster.model_of(host) == candidate:
                    switched[host] = time.monotonic() - accepted_at
            time.sleep(0.5)
        time.sleep(5)  # chats go on after the switch too
    finally:
        stop.set()
        loop.join(120)
    print(f"model {candidate} served after (s): {switched}; before: {before}")
    assert set(switched) == set(APP_HOSTS), switched
    assert max(switched.values()) <= MODEL_SWITCH_SECONDS, switched
    assert answered and not failures, [(t.status, t.attempts) for t in failures]


def test_the_widget_answers_through_the_balancer_in_chromium(cluster):
    with chromium() as browser:
        page = browser.new_page()
        chat = open_widget(page, cluster.url)
        chat.locator("textarea").fill("How do I extend my tourist visa?")
        chat.locator("textarea").press("Enter")
        expect(chat.locator("li.message.bot")).to_have_count(2, timeout=30000)
        reply = chat.locator("li.message.bot").nth(1).inner_text()
        assert "visa" in reply.lower(), reply
