"""Migrations on databases that hold data: each revision applied to rows written at every
earlier one, up to head and back down to base, on SQLite and PostgreSQL."""

import datetime as dt
import re
from pathlib import Path

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import MetaData, func, select, text

from assistant.app import MIGRATIONS, create_app
from assistant.extensions import db
from assistant.settings import Settings
from tests.service.conftest import DATABASE_KINDS, NO_RASA, empty_database

REVISIONS = sorted(path.name.split("_")[0]
                   for path in (Path(MIGRATIONS) / "versions").glob("0*.py"))
NOW = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.timezone.utc)
REFERENCE = re.compile(r"C-[0-9A-HJKMNP-TV-Z]{8}")


def rows(n):
    """One row per table (the columns of head; a revision keeps those it has), numbered n."""
    chat = f"chat{n:028d}"
    return {
        "users": {"id": n, "email": f"u{n}@bangkok.go.th", "name": "Malee",
                  "password_hash": "scrypt:not-a-hash", "role": "staff", "active": True,
                  "created_at": NOW, "last_seen_at": NOW, "away": False},
        "conversations": {"id": chat, "state": "waiting_for_staff",
                          "language": "zz" if n == 9 else "th", "channel": "web",
                          "staff_involved": True, "created_at": NOW, "updated_at": NOW,
                          "closed_at": NOW, "satisfaction_asked_at": NOW, "assigned_to_id": n,
                          "waiting_since": NOW, "demo": False, "main_topic": "visa",
                          "external_user_id": f"U{n}", "contact_name": "Malee",
                          "reference": f"C-{n:08d}", "access_token_hash": f"{n:064x}",
                          "urgent": n % 2 == 0, "site": "https://www.boi.go.th"},
        "messages": {"id": n, "conversation_id": chat, "sender": "user", "text": "ต่อวีซ่า",
                     "buttons": [], "article_ids": ["visa-extension-of-stay"], "sources": [],
                     "details": {}, "language": "th", "created_at": NOW, "staff_user_id": n,
                     "external_id": f"event-{n}"},
        "ratings": {"conversation_id": chat, "level": 4, "language": "th", "handled_by": "bot",
                    "created_at": NOW, "updated_at": NOW},
        "article_revisions": {"article_id": "visa-overstay", "user_id": n, "created_at": NOW,
                              "before": "a", "after": "b"},
        "handoffs": {"conversation_id": chat, "requested_at": NOW, "taken_at": NOW,
                     "staff_user_id": n, "expired_at": None},
        "audit_events": {"user_id": n, "created_at": NOW, "action": "model activated",
                         "target": "m", "details": {}},
        "message_reviews": {"message_id": n, "user_id": n, "outcome": "dismissed",
                            "created_at": NOW},
        "training_runs": {"user_id": n, "status": "refused", "step": "refused", "log": "",
                          "evaluation": {}, "created_at": NOW},
        "tickets": {"id": n, "conversation_id": chat, "status": "open",
                    "email": "user@example.com", "created_at": NOW, "replied_at": None},
        "outbound_emails": {"ticket_id": n, "conversation_id": chat, "kind": "staff_reply",
                            "to_address": "user@example.com", "subject": "s", "body": "b",
                            "status": "sent", "attempts": 1, "created_at": NOW,
                            "attachment_name": "invitation.ics",
                            "attachment_type": "text/calendar; method=PUBLISH",
                            "attachment": "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"},
        "labels": {"id": n, "name": f"label-{n}", "created_at": NOW},
        "conversation_labels": {"conversation_id": chat, "label_id": n},
        "notes": {"id": n, "conversation_id": chat, "author_id": n, "text": "@Malee",
                  "created_at": NOW},
        "note_mentions": {"note_id": n, "user_id": n},
        "canned_answers": {"code": f"code{n}", "title": "t", "text_en": "e", "text_th": "ท",
                           "usage_count": 0, "created_by_id": n, "created_at": NOW,
                           "updated_at": NOW},
        "answer_feedback": {"message_id": n, "conversation_id": chat, "helpful": True,
                            "created_at": NOW, "updated_at": NOW},
        "jobs": {"id": n, "kind": "train", "key": f"job-{n}", "lane": None,
                 "payload": {"run_id": n}, "state": "done", "attempts": 1, "run_after": NOW,
                 "created_at": NOW, "finished_at": NOW},
        "rating_links": {"conversation_id": chat, "token_hash": f"{n:064x}", "created_at": NOW},
        "article_reviews": {"article_id": "visa-overstay", "user_id": n, "reviewed_at": NOW,
                            "note": "checked"},
        "source_checks": {"url": f"https://www.immigration.go.th/{n}", "etag": '"e"',
                          "last_modified": None, "fingerprint": f"{n:064x}", "checked_at": NOW,
                          "changed_at": None, "error": None},
        "follow_up_tasks": {"conversation_id": chat, "reason": "low_rating", "rating_level": 2,
                            "message_id": n, "opened_at": NOW, "due_at": NOW,
                            "assigned_to_id": n, "contacted_at": NOW, "channel": "web",
                            "done_at": NOW, "outcome": "contacted_resolved",
                            "outcome_note": "called back", "rating_after": 4,
                            "rerated_at": NOW},
        "visit_requests": {"id": n, "conversation_id": chat, "name": "Malee",
                           "email": "user@example.com", "purpose": "work permit",
                           "language": "th", "first_slot": NOW, "second_slot": NOW,
                           "status": "confirmed", "start_at": NOW, "decided_by_id": n,
                           "decided_at": NOW, "accept_token_hash": f"{n:064x}",
                           "reminder_sent_at": NOW, "created_at": NOW},
        "probe_results": {"checked_at": NOW, "ok": n % 2 == 0, "failed_part": "rasa",
                          "latency_ms": 120, "detail": None},
        "published_models": {"id": n, "name": f"model-{n}.tar.gz", "sha256": f"{n:064x}",
                             "data": b"\x1f\x8b model", "published_at": NOW},
        "training_files": {"path": f"nlu_data/nlu/th/file-{n}.yml",
                           "text": "version: '3.1'\nnlu: []\n", "sha256": f"{n:064x}",
                           "base_sha256": None, "revision": n, "updated_at": NOW,
                           "updated_by_id": n},
    }


def fill(n):
    """Write row set ``n`` into every table the database has now; {table: rows written}."""
    tables = MetaData()
    tables.reflect(bind=db.engine)
    values = rows(n)
    with db.engine.begin() as connection:
        for table in tables.sorted_tables:
            if table.name == "alembic_version":
                continue
            row = values[table.name]  # a KeyError: a new table needs its row here
            connection.execute(table.insert().values(
                {column: value for column, value in row.items() if column in table.c}))
    return {table.name for table in tables.sorted_tables} - {"alembic_version"}


@pytest.fixture(params=DATABASE_KINDS)
def empty_app(request, tmp_path_factory):
    with empty_database(request.param, tmp_path_factory) as url:
        app = create_app(Settings(database_url=url, rasa_url=NO_RASA, actions_url=NO_RASA,
                                  secret_key="test"))
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()


def count(table):
    return db.session.scalar(select(func.count()).select_from(text(table)))


def test_every_revision_migrates_a_filled_database_up_and_down(empty_app):
    written: dict[str, int] = {}
    for n, revision in enumerate(REVISIONS, start=1):
        upgrade(revision=revision)
        for table in fill(n):
            written[table] = written.get(table, 0) + 1
    assert REVISIONS[-1] == db.session.scalar(text("SELECT version_num FROM alembic_version"))
    written["handoffs"] += 2  # 0004 opened one for each chat waiting then (sets 2 and 3)
    assert {table: count(table) for table in written} == written
    assert written["message_reviews"] >= 2 and written["conversations"] == len(REVISIONS)
    languages = db.session.scalars(text("SELECT DISTINCT language FROM conversations")).all()
    assert sorted(languages) == ["en", "th"]  # 0010 repaired the stored "zz"
    references = db.session.scalars(text("SELECT reference FROM conversations")).all()
    assert len(set(references)) == len(REVISIONS)  # 0014 made one for every earlier chat
    assert all(REFERENCE.fullmatch(reference) for reference in references), references
    if db.engine.dialect.name == "sqlite":
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1  # on again
        assert db.session.execute(text("PRAGMA foreign_key_check")).all() == []
    db.session.remove()

    downgrade(revision="base")
    left = MetaData()
    left.reflect(bind=db.engine)
    assert set(left.tables) == {"alembic_version"}
    assert count("alembic_version") == 0
    upgrade()  # and up again from nothing
    assert count("conversations") == 0


def test_a_migration_leaving_a_broken_reference_fails_loudly(tmp_path, capfd):
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'broken.db'}",
                              rasa_url=NO_RASA, actions_url=NO_RASA,
                              secret_key="test"))
    with app.app_context():
        upgrade(revision=REVISIONS[-2])
        fill(1)
        with db.engine.connect() as connection:  # a row pointing at no message
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.exec_driver_sql("UPDATE message_reviews SET message_id = 999")
            connection.commit()
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        with pytest.raises(SystemExit):  # flask db upgrade exits 1
            upgrade()
        assert "message_reviews row 1 -> messages" in capfd.readouterr().err
        version = db.session.scalar(text("SELECT version_num FROM alembic_version"))
        assert version == REVISIONS[-2]  # the migration was rolled back
        db.engine.dispose()
