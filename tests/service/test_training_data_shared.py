"""Issue 21, item 4: the trainers' edits are stored in the database, so every host has them.

Two app instances stand for two web hosts: each has its own workspace (``TRAINING_ROOT``, a
copy of the project's training data) and both share one database. What one host's console
saves is on the other's pages and disk, edits from both hosts at once all land, a training
run on either host reads them, a failed edit stores nothing, and a release folds the stored
files into its checkout (``flask training files export / list / clear``).
"""

import json
import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import psycopg
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from assistant import job_lock
from assistant.extensions import db
from assistant.models import AuditEvent, TrainingFile, TrainingStatus
from assistant.training import pipeline, shared_files
from assistant.training.evaluation import EvaluationError
from assistant.training.nlu_files import add_example, add_intent, editing
from assistant.training.workspace import Workspace
from scripts.servers import ROOT
from tests.service.conftest import DATABASE_KINDS, NO_RASA, empty_database, make_app
from tests.service.test_training_files import PETS_EN, PETS_TH, annotate, chat, intent_file
from tests.support.console_helpers import signed_in_client

# The file new English examples of ask_housing go to.
HOUSING = intent_file(ROOT, "ask_housing").relative_to(ROOT).as_posix()
PETS = "nlu_data/nlu/en/from_conversations.yml"
RULES = "nlu_data/rules/from_conversations.yml"


def workspace_copy(root):
    """The training data of the project, as a release's checkout has it."""
    shutil.copytree(ROOT / "nlu_data", root / "nlu_data")
    shutil.copy(ROOT / "domain.yml", root / "domain.yml")
    shutil.copytree(ROOT / "tests" / "stories", root / "tests" / "stories")
    return root


class Host:
    """One web host: its app, its own workspace, a trainer signed in to its console."""

    def __init__(self, database, root):
        self.root = workspace_copy(root)
        self.app = make_app(database, NO_RASA, NO_RASA, training_root=self.root)
        self.trainer = signed_in_client(self.app, "trainer")

    def text(self, path):
        return (self.root / path).read_text("utf-8")

    def add(self, text):
        """An example of ask_housing added as the console adds it (in the app)."""
        with self.app.app_context():
            add_example(self.root / "nlu_data", "en", "ask_housing", text)


@pytest.fixture(params=DATABASE_KINDS)
def database(request, tmp_path_factory):
    with empty_database(request.param, tmp_path_factory) as url:
        yield url


@pytest.fixture
def postgresql(tmp_path_factory):
    with empty_database("postgresql", tmp_path_factory) as url:
        yield url


@pytest.fixture
def hosts(database, tmp_path):
    return Host(database, tmp_path / "host-a"), Host(database, tmp_path / "host-b")


def stored(app):
    with app.app_context():
        return {row.path: (row.text, row.revision) for row in db.session.scalars(
            select(TrainingFile))}


def test_an_annotation_saved_on_one_host_is_on_the_other_hosts_pages_and_disk(hosts):
    a, b = hosts
    new_intent, _ = chat(a.app, "can I keep a hamster in my condo")
    saved = annotate(a.trainer, new_intent, intent="", new_intent="ask_pets",
                     answer_en=PETS_EN, answer_th=PETS_TH)
    assert saved.status_code == 302, saved.get_data(as_text=True)
    assert "- ask_pets" not in b.text("domain.yml")  # B's disk has not seen it yet

    other, _ = chat(a.app, "may I bring my dog to the office")
    page = b.trainer.get(f"/console/training/messages/{other}")
    assert page.status_code == 200
    assert 'value="ask_pets"' in page.get_data(as_text=True)  # B's intents include A's
    for path in ("domain.yml", RULES, PETS):
        assert b.text(path) == a.text(path), path
    assert "- can I keep a hamster in my condo\n" in b.text(PETS)

    files = stored(a.app)
    assert sorted(files) == ["domain.yml", PETS, RULES]
    assert all(revision == 1 for _, revision in files.values())


def test_edits_from_both_hosts_one_after_the_other_all_land(hosts):
    a, b = hosts
    texts = [f"is there a flat with a balcony near soi {number}" for number in range(6)]
    for number, text in enumerate(texts):
        (a if number % 2 == 0 else b).add(text)
    for host in hosts:
        with host.app.app_context():
            shared_files.pull(Workspace(host.root))
        assert all(f"    - {text}\n" in host.text(HOUSING) for text in texts)
    assert stored(a.app)[HOUSING] == (a.text(HOUSING), len(texts))


def test_edits_from_both_hosts_at_once_all_land(postgresql, tmp_path):
    a, b = Host(postgresql, tmp_path / "host-a"), Host(postgresql, tmp_path / "host-b")
    work = [(host, f"any flat near {name} station number {number}")
            for number in range(12) for host, name in ((a, "Ari"), (b, "Ekkamai"))]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda item: item[0].add(item[1]), work))
    text, revision = stored(a.app)[HOUSING]
    assert revision == len(work)
    assert all(f"    - {example}\n" in text for _, example in work)  # none lost


def test_a_training_run_on_another_host_trains_on_the_edit(hosts, monkeypatch):
    a, b = hosts
    message, _ = chat(a.app, "which condo near Lumpini park allows cats")
    assert annotate(a.trainer, message).status_code == 302
    seen = []

    def rasa_command(arguments, cwd, log):  # what `rasa data validate` would read
        seen.append((arguments[:2], (cwd / HOUSING).read_text("utf-8")))
        raise EvaluationError("stopped by the test after validation")

    monkeypatch.setattr(pipeline, "rasa_command", rasa_command)
    with b.app.app_context():
        run = pipeline.start(None, background=False)
        assert run.status == TrainingStatus.FAILED
        assert f"updated {HOUSING}" in run.log
    assert seen == [(["data", "validate"], a.text(HOUSING))]
    assert "- which condo near Lumpini park allows cats\n" in seen[0][1]


def test_a_refused_annotation_stores_nothing(hosts):
    a, _ = hosts
    message, _ = chat(a.app, "call me on 081-234-5678 about my cat")
    before = a.text("domain.yml"), a.text(HOUSING)
    refused = annotate(a.trainer, message, intent="", new_intent="ask_pets",
                       answer_en=PETS_EN, answer_th=PETS_TH,
                       spans=json.dumps([{"start": 0, "end": 4, "entity": "district"}]))
    assert refused.status_code == 400
    assert stored(a.app) == {}
    assert (a.text("domain.yml"), a.text(HOUSING)) == before


def test_an_edit_the_database_refuses_is_not_written_to_disk(hosts):
    a, _ = hosts
    before = a.text(HOUSING)
    nobody = SimpleNamespace(id=10**6)  # no such user: the row's reference fails at commit
    with a.app.app_context():
        with pytest.raises(IntegrityError):
            with editing(a.root, nobody):  # type: ignore[arg-type]
                add_example(a.root / "nlu_data", "en", "ask_housing", "a flat near Ari")
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(TrainingFile)) == 0
    assert a.text(HOUSING) == before
    assert not [path for path in (a.root / "nlu_data").rglob("*.tmp")]


def test_an_edit_that_fails_in_its_block_stores_nothing_nor_its_audit_event(hosts):
    a, _ = hosts
    before = a.text(HOUSING)
    with a.app.app_context():
        with pytest.raises(RuntimeError):
            with editing(a.root):
                add_example(a.root / "nlu_data", "en", "ask_housing", "a flat near Ari")
                db.session.add(AuditEvent(action="example added", target=HOUSING))
                raise RuntimeError("a later step failed")
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0
    assert stored(a.app) == {}
    assert a.text(HOUSING) == before


def test_a_release_exports_the_stored_files_and_clears_them_once_deployed(hosts, tmp_path):
    a, b = hosts
    a.add("a quiet flat near Chong Nonsi")
    checkout = workspace_copy(tmp_path / "release")
    runner = a.app.test_cli_runner()

    listed = runner.invoke(args=["training", "files", "list"])
    assert listed.exit_code == 0 and f"{HOUSING}  r1" in listed.output
    assert "not in a release yet" in listed.output
    exported = runner.invoke(args=["training", "files", "export", "--to", str(checkout)])
    assert exported.exit_code == 0, exported.output
    assert f"written    {HOUSING}" in exported.output
    assert (checkout / HOUSING).read_text("utf-8") == a.text(HOUSING)
    assert "in a release" in runner.invoke(args=["training", "files", "list"]).output

    b.add("a flat with a pool near Thong Lo")  # after the export: stored again
    with b.app.app_context():  # trainers change the domain, and so does the release
        add_intent(b.root / "domain.yml", b.root / "nlu_data/rules", "ask_pets",
                   {"en": PETS_EN, "th": PETS_TH})
    domain = checkout / "domain.yml"
    domain.write_text(domain.read_text("utf-8") + "# by the release\n", "utf-8")
    again = runner.invoke(args=["training", "files", "export", "--to", str(checkout)])
    assert again.exit_code == 1
    assert "CONFLICT   domain.yml" in again.output and f"written    {HOUSING}" in again.output
    assert domain.read_text("utf-8").endswith("# by the release\n")  # left for a merge
    assert "- a flat with a pool near Thong Lo\n" in (checkout / HOUSING).read_text("utf-8")
    assert (checkout / RULES).read_text("utf-8") == b.text(RULES)  # new: nothing to merge

    cleared = runner.invoke(args=["training", "files", "clear"])
    assert cleared.exit_code == 0
    assert f"cleared  {HOUSING}" in cleared.output and f"cleared  {RULES}" in cleared.output
    assert sorted(stored(a.app)) == ["domain.yml"]  # the conflict stays stored


def test_an_edit_waits_for_another_hosts_edit_and_gives_up_after_the_timeout(postgresql):
    app = make_app(postgresql, NO_RASA, NO_RASA)
    key = job_lock.lock_key(shared_files.EDIT_LOCK)
    other = psycopg.connect(postgresql.replace("postgresql+psycopg", "postgresql"),
                            autocommit=True)
    other.execute("SELECT pg_advisory_lock(%s)", (key,))
    released = threading.Timer(1.0, lambda: other.execute("SELECT pg_advisory_unlock(%s)",
                                                          (key,)))
    try:
        with app.app_context():
            started = time.monotonic()
            with pytest.raises(job_lock.LockTimeout):
                with job_lock.waited(shared_files.EDIT_LOCK, 0.3):
                    pass
            assert 0.25 < time.monotonic() - started < 3
            released.start()
            started = time.monotonic()
            with job_lock.waited(shared_files.EDIT_LOCK, 10):
                assert time.monotonic() - started > 0.5  # waited for the other host
    finally:
        released.join()
        other.close()
