"""The repeating background processes of `make run` (closer, retention, mailer) outlive
database errors: a failed round is logged and rolled back, the next one does its work."""

import datetime as dt
import os
import sqlite3
import subprocess
import time

from assistant.extensions import db
from assistant.models import Conversation, Message, OutboundEmail, Sender, utcnow
from scripts.servers import ROOT, SERVICE_BIN
from tests.service.conftest import NO_RASA, make_app

# Each process as in the Procfile, but every second; what it prints after a round that worked.
LOOPS = {
    "closer": (["conversations", "close-inactive", "--minutes", "1"],
               "closed 1 inactive conversation(s)"),
    "retention": (["privacy", "purge", "--days", "1"], "erased 0 transcript(s)"),
    "mailer": (["mail", "send"], "sent 0 e-mail(s), 1 still queued"),
}
FAILED_ROUND = "this round failed"
TABLES = ("conversations", "outbound_emails")  # what the three loops read


def rename_tables(path, old_suffix, new_suffix):
    with sqlite3.connect(path) as connection:
        for table in TABLES:
            connection.execute(f"ALTER TABLE {table}{old_suffix} RENAME TO {table}{new_suffix}")


def wait_for(check, seconds, processes):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        assert all(p.poll() is None for p in processes.values()), {
            name: p.returncode for name, p in processes.items()}
        time.sleep(0.25)
    return False


def test_loops_survive_database_errors(tmp_path):
    path = tmp_path / "loops.db"
    app = make_app(f"sqlite:///{path}", NO_RASA, NO_RASA)
    with app.app_context():  # an idle chat for the closer, a queued e-mail for the mailer
        chat = Conversation()
        db.session.add(chat)
        db.session.flush()
        db.session.add(Message(conversation_id=chat.id, sender=Sender.USER, text="hi",
                               created_at=utcnow() - dt.timedelta(hours=2)))
        db.session.add(OutboundEmail(kind="transcript", to_address="user@example.com",
                                     subject="Your chat", body="..."))
        db.session.commit()
        chat_id = chat.id

    rename_tables(path, "", "_away")  # every round of the loops fails: "no such table"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}", "PYTHONPATH": str(ROOT),
           "SECRET_KEY": "test", "SMTP_URL": "", "RASA_URLS": NO_RASA}
    logs, processes = {}, {}
    for name, (command, _) in LOOPS.items():
        logs[name] = tmp_path / f"{name}.log"
        with open(logs[name], "w") as log:
            processes[name] = subprocess.Popen(
                [str(SERVICE_BIN / "flask"), "--app", "assistant.app", *command, "--every", "1"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        def said(name, text):
            return text in logs[name].read_text("utf-8", errors="replace")

        assert wait_for(lambda: all(said(name, FAILED_ROUND) for name in LOOPS), 90, processes)
        rename_tables(path, "_away", "")
        assert wait_for(lambda: all(said(name, done) for name, (_, done) in LOOPS.items()),
                        60, processes), {name: logs[name].read_text() for name in LOOPS}
        assert all(said(name, "no such table") for name in LOOPS)
        assert all(process.poll() is None for process in processes.values())
        with app.app_context():
            closed = db.session.get(Conversation, chat_id)
            assert closed is not None and closed.state.value == "closed"
    finally:
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            process.wait(timeout=20)
