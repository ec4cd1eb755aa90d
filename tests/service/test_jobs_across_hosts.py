"""Background jobs on several hosts at once (PostgreSQL): each item is done once.

Two processes of the same job are started while the test holds the table they read, so
both are under way before either can work; the job's advisory lock lets one of them work
and the other skip the round. A runner that dies releases its lock with its connection.
"""

import datetime as dt
import email.policy
import os
import re
import signal
import subprocess
import sys
import threading
import time

import psycopg
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from assistant import job_lock
from assistant import jobs as queue
from assistant.cli.loops import ran_recently
from assistant.extensions import db
from assistant.models import (
    Conversation,
    EmailStatus,
    Job,
    Message,
    OutboundEmail,
    Sender,
    State,
    utcnow,
)
from scripts.servers import ROOT, SERVICE_BIN
from tests.service.conftest import NO_RASA, empty_database, make_app

SMTP_PORT = 8461  # this module's SMTP test server
SKIPPED = "another runner is at work; nothing done here"


class SlowMailbox:
    """An aiosmtpd handler that takes its time per e-mail (a round lasts a while)."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        time.sleep(0.05)
        self.messages.append(email.message_from_bytes(envelope.content,
                                                      policy=email.policy.default))
        return "250 Message accepted"


@pytest.fixture(scope="module")
def mailbox():
    handler = SlowMailbox()
    controller = Controller(handler, hostname="127.0.0.1", port=SMTP_PORT)
    controller.start()
    yield handler
    controller.stop()


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    with empty_database("postgresql", tmp_path_factory) as url:
        yield url


@pytest.fixture(scope="module")
def app(database):
    return make_app(database, NO_RASA, NO_RASA, smtp_url=f"smtp://127.0.0.1:{SMTP_PORT}")


def conninfo(url):
    return url.replace("postgresql+psycopg://", "postgresql://")


def flask_env(url):
    return {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT), "SECRET_KEY": "test",
            "SMTP_URL": f"smtp://127.0.0.1:{SMTP_PORT}", "RASA_URLS": NO_RASA}


def two_runners_at_once(url, table, *command):
    """The outputs of two ``flask`` processes of ``command`` started while ``table`` is
    locked: released once both are under way (one waiting for the table, the other waiting
    too or done)."""
    blocker = psycopg.connect(conninfo(url))
    watcher = psycopg.connect(conninfo(url), autocommit=True)
    blocker.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
    processes = [subprocess.Popen([str(SERVICE_BIN / "flask"), "--app", "assistant.app",
                                   *command], cwd=ROOT, env=flask_env(url), text=True,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
                 for _ in range(2)]
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            (waiting,) = watcher.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock'").fetchall()[0]
            done = sum(process.poll() is not None for process in processes)
            if waiting >= 1 and waiting + done >= 2:
                break
            time.sleep(0.2)
        else:
            pytest.fail("the two runners never got under way")
    finally:
        blocker.rollback()
        blocker.close()
        watcher.close()
    return [process.communicate(timeout=120)[0] for process in processes]


def counted(pattern, outputs):
    """The sum of the numbers ``pattern`` (one group) finds in the outputs."""
    return sum(int(found) for output in outputs for found in re.findall(pattern, output))


def idle_chats(app, count, closed_days_ago=None):
    """``count`` chats whose last user message is two hours old (closed long ago if asked)."""
    with app.app_context():
        ids = []
        for _ in range(count):
            chat = Conversation()
            if closed_days_ago:
                chat.state = State.CLOSED
                chat.closed_at = utcnow() - dt.timedelta(days=closed_days_ago)
            db.session.add(chat)
            db.session.flush()
            db.session.add(Message(conversation_id=chat.id, sender=Sender.USER, text="hi",
                                   created_at=utcnow() - dt.timedelta(hours=2)))
            ids.append(chat.id)
        db.session.commit()
        return ids


def test_two_closers_close_each_chat_once(app, database):
    ids = idle_chats(app, 20)
    outputs = two_runners_at_once(database, "conversations",
                                  "conversations", "close-inactive", "--minutes", "30")
    assert sum(SKIPPED in output for output in outputs) == 1, outputs
    assert counted(r"closed (\d+) inactive", outputs) == 20, outputs
    with app.app_context():
        for chat_id in ids:
            questions = db.session.scalars(select(Message).where(
                Message.conversation_id == chat_id, Message.sender == Sender.BOT)).all()
            assert len(questions) == 1
            assert questions[0].details == {"satisfaction_question": True}


def test_two_mailers_send_each_email_once(app, database, mailbox):
    with app.app_context():
        for number in range(30):
            db.session.add(OutboundEmail(kind="transcript", to_address=f"u{number}@example.com",
                                         subject=f"Mail {number}", body="..."))
        db.session.commit()
    outputs = two_runners_at_once(database, "outbound_emails", "mail", "send")
    assert sum(SKIPPED in output for output in outputs) == 1, outputs
    assert counted(r"sent (\d+) e-mail", outputs) == 30, outputs
    assert sorted(m["Subject"] for m in mailbox.messages) == sorted(
        f"Mail {number}" for number in range(30))
    with app.app_context():
        emails = db.session.scalars(select(OutboundEmail)).all()
        assert {(e.status, e.attempts) for e in emails} == {(EmailStatus.SENT, 1)}


def test_two_purges_erase_each_chat_once(app, database):
    ids = idle_chats(app, 10, closed_days_ago=400)
    outputs = two_runners_at_once(database, "conversations", "privacy", "purge", "--days", "365")
    assert sum(SKIPPED in output for output in outputs) == 1, outputs
    assert counted(r"erased (\d+) transcript", outputs) == 10, outputs
    with app.app_context():
        erased = db.session.scalars(select(Conversation).where(Conversation.id.in_(ids))).all()
        assert all(chat.erased_at is not None for chat in erased)
        assert db.session.scalar(select(func.count()).select_from(Message)
                                 .where(Message.conversation_id.in_(ids))) == 0


HOLDER = """
import sys, time
from assistant.app import create_app
from assistant import job_lock
with create_app().app_context(), job_lock.held(sys.argv[1]) as got:
    print(got, flush=True)
    time.sleep(600)
"""


def test_a_dead_runners_lock_is_released(app, database):
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, "mail-send"], cwd=ROOT,
                              env=flask_env(database), stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "True"
        with app.app_context(), job_lock.held("mail-send") as got:
            assert not got
        with app.app_context(), job_lock.held("conversations-close-inactive") as got:
            assert got  # other jobs' locks are free
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    deadline = time.monotonic() + 10
    while True:
        with app.app_context(), job_lock.held("mail-send") as got:
            if got:
                break
        assert time.monotonic() < deadline, "the dead runner's lock was never released"
        time.sleep(0.2)


def test_the_lock_is_released_at_the_end_of_a_round_even_a_failed_one(app):
    with app.app_context():
        with pytest.raises(RuntimeError), job_lock.held("probe") as got:
            assert got
            raise RuntimeError("the round failed")
        with job_lock.held("probe") as again:
            assert again


def test_two_workers_run_each_job_once(app):
    ran, lock = [], threading.Lock()

    def handler(job):
        time.sleep(0.02)
        with lock:
            ran.append(job.id)

    with app.app_context():
        jobs = [queue.enqueue("count", {"n": number}) for number in range(40)]
        ids = [job.id for job in jobs if job is not None]
    start = threading.Barrier(2)

    def worker(name):
        with app.app_context():
            start.wait()
            queue.work({"count": handler}, name)

    threads = [threading.Thread(target=worker, args=(f"host{n}:1",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(ran) == sorted(ids)
    with app.app_context():
        workers = set(db.session.scalars(select(Job.locked_by).where(Job.id.in_(ids))))
        assert workers == {None}  # all finished


def test_lock_keys_are_stable_and_sqlite_needs_none(tmp_path):
    assert job_lock.lock_key("mail-send") == job_lock.lock_key("mail-send")
    assert job_lock.lock_key("mail-send") != job_lock.lock_key("privacy-purge")
    assert job_lock.lock_key("mail-send") == 2957604508097362787  # the same on every host
    sqlite = make_app(f"sqlite:///{tmp_path / 'one.db'}", NO_RASA, NO_RASA)
    with sqlite.app_context(), job_lock.held("mail-send") as first, \
            job_lock.held("mail-send") as second:
        assert first and second


def test_a_look_by_another_host_makes_the_next_round_early():
    now = utcnow()
    assert ran_recently(now - dt.timedelta(seconds=10), 60)
    assert not ran_recently(now - dt.timedelta(seconds=55), 60)
    assert not ran_recently(now - dt.timedelta(seconds=10), 0)  # run by hand: always
    assert not ran_recently(None, 60)
    assert ran_recently((now - dt.timedelta(seconds=10)).replace(tzinfo=None), 60)
