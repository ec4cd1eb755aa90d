"""Issue 16, item 13: what the trainers' loop writes into the Rasa project.

User text becomes plain Rasa training text (no entity markup of its own, one example per
message, checked with Rasa's own reader), every write is locked and atomic, a new intent is
written only with an example that can be written, and trainers open only inbox messages.
The service runs as a Flask test app without Rasa; chats are built in the database.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from ruamel.yaml import YAML
from sqlalchemy import func, select

from assistant.extensions import db
from assistant.models import Conversation, Handoff, Message, MessageReview, Sender
from assistant.training.markup import Span
from assistant.training.nlu_files import add_example
from assistant.training.stories import save_test_story, steps_from_tracker
from assistant.training.workspace import Workspace
from scripts.servers import ROOT
from tests.service.conftest import make_app
from tests.support.console_helpers import create_user, csrf_token, login

NO_RASA = "http://127.0.0.1:9"  # annotation needs no bot
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"
LOCK_FILE = ".training.lock"  # the workspace lock (assistant.training.disk.LOCK_FILE)
PETS_EN = "Ask your landlord first."
PETS_TH = "โปรดสอบถามเจ้าของห้องก่อนนะคะ"
# Rasa's own reader: (text, intent, entities) of every example of each file.
RASA_READ = """
import json, sys
from rasa.shared.nlu.training_data.loading import load_data
keys = ("start", "end", "value", "entity")
print(json.dumps([[[m.get("text"), m.get("intent"),
                    [{k: e.get(k) for k in keys} for e in m.get("entities") or []]]
                   for m in load_data(path).intent_examples] for path in sys.argv[1:]]))
"""

# Rasa's story reader: (text, intent, entities) of each user turn.
RASA_STORY_READ = """
import json, sys
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
steps = YAMLStoryReader(Domain.load(sys.argv[1])).read_from_file(sys.argv[2])
print(json.dumps([[e.text, e.intent_name, e.entities] for step in steps for e in step.events
                  if isinstance(e, UserUttered)]))
"""


@pytest.fixture
def project(tmp_path):
    """The NLU data and domain of the project, in a workspace the test may change."""
    root = tmp_path / "project"
    shutil.copytree(ROOT / "nlu_data", root / "nlu_data")
    shutil.copy(ROOT / "domain.yml", root / "domain.yml")
    return root


@pytest.fixture
def trainer_app(project, tmp_path):
    return make_app(f"sqlite:///{tmp_path / 'training.db'}", NO_RASA, NO_RASA,
                    training_root=project)


@pytest.fixture
def trainer(trainer_app):
    client = trainer_app.test_client()
    assert login(client, create_user(trainer_app, "trainer")).status_code == 302
    return client


def chat(app, text, confidence=0.3, payload=None):
    """A chat in the database: a user message and the bot's answer; returns both ids.

    Below 70 % confidence the user message is in the review inbox (``low_confidence``)."""
    with app.app_context():
        conversation = Conversation(language="en")
        user = Message(conversation=conversation, sender=Sender.USER, text=text,
                       payload=payload, language="en")
        bot = Message(conversation=conversation, sender=Sender.BOT, text="An answer.",
                      intent="ask_housing", confidence=confidence)
        db.session.add_all([conversation, user, bot])
        db.session.commit()
        return user.id, bot.id


def intent_file(project, intent, language="en"):
    return next(path for path in sorted((project / "nlu_data/nlu" / language).glob("*.yml"))
                if f"- intent: {intent}\n" in path.read_text("utf-8"))


def in_rasa(script, *arguments):
    """The JSON that ``script`` prints, run by Rasa 3.6's Python (.venv-rasa)."""
    done = subprocess.run([str(RASA_PYTHON), "-c", script, *map(str, arguments)],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def rasa_examples(*paths):
    """The examples of each file as Rasa reads them (its own loader)."""
    return in_rasa(RASA_READ, *paths)


def annotate(client, message_id, **fields):
    page = f"/console/training/messages/{message_id}"
    data = {"csrf_token": csrf_token(client, "/console/training/"), "intent": "ask_housing",
            "spans": "[]", "folder": "en", **fields}
    return client.post(page, data=data)


# 1. Markup safety -------------------------------------------------------------------------

# Separators are one space; square brackets, which open Rasa's entity markup and have no
# escape in it, are written as fullwidth brackets (punctuation to the tokenizer as well).
@pytest.mark.parametrize("text, intended", [
    ("is [x](district) near [a]{b}? or in Bang Rak please [c][d] [e]",
     "is ［x］(district) near ［a］{b}? or in Bang Rak please ［c］［d］ ［e］"),
    ("  is\x1cit\vsafe\u2028in Bang Rak\x85or\x1d\x1e\f\u2029\tnot\x1b ",
     "is it safe in Bang Rak or not"),
    ("[Thonglor (Soi 55)]\r\n(district) or in Bang Rak\r[x]\n{y}",
     "［Thonglor (Soi 55)］ (district) or in Bang Rak ［x］ {y}"),
])
def test_user_text_reaches_rasa_as_one_plain_example_with_the_marked_entity(
        project, trainer_app, trainer, tmp_path, text, intended):
    district = text.index("Bang Rak")
    message_id, _ = chat(trainer_app, text)
    target = intent_file(project, "ask_housing")
    before = tmp_path / "before.yml"
    shutil.copy(target, before)

    spans = [{"start": district, "end": district + len("Bang Rak"), "entity": "district"}]
    saved = annotate(trainer, message_id, spans=json.dumps(spans))
    assert saved.status_code == 302, saved.get_data(as_text=True)

    old, new = rasa_examples(before, target)
    added = [example for example in new if example not in old]
    where = intended.index("Bang Rak")
    assert added == [[intended, "ask_housing", [
        {"start": where, "end": where + len("Bang Rak"), "value": "Bang Rak",
         "entity": "district"}]]]
    assert len(new) == len(old) + 1  # one example, nothing split off


def test_an_entity_after_leading_breaks_keeps_its_words(project):
    text = "\x1c\r\n  flats in\x1d\x1dBang Rak?"
    start = text.index("Bang Rak")
    _, line = add_example(project / "nlu_data", "en", "ask_housing", text,
                          [Span(start, start + len("Bang Rak"), "district")])
    assert line == "flats in [Bang Rak](district)?"


def test_user_text_in_a_test_story_reaches_rasa_as_plain_text(project):
    shutil.copytree(ROOT / "tests" / "stories", project / "tests" / "stories")
    said = "flat [near](district) [a]{b}\x1cok\r\nthanks"
    events: list[dict[str, Any]] = [
        {"event": "user", "text": said, "parse_data": {"intent": {"name": "ask_housing"}}},
        {"event": "action", "name": "utter_greet"}]
    path = save_test_story(Workspace(project), "brackets", steps_from_tracker(events, {}))
    turns = in_rasa(RASA_STORY_READ, project / "domain.yml", project / path)
    assert ["flat ［near］(district) ［a］{b} ok thanks", "ask_housing", []] in turns


# 2. Locking and atomic writes --------------------------------------------------------------

def test_concurrent_annotations_all_land_and_every_read_sees_a_whole_file(project):
    target = intent_file(project, "ask_housing")
    texts = [f"can I rent a flat near soi {number} with a small garden"
             for number in range(40)]
    stop, seen, broken = threading.Event(), [0], []

    def read_while_written():
        while not stop.is_set():
            try:
                data = YAML(typ="safe").load(target.read_text("utf-8"))
                block = next(b for b in data["nlu"] if b.get("intent") == "ask_housing")
                count = str(block["examples"]).count("\n- ")
            except Exception as error:  # noqa: BLE001 - any failure is a torn read
                broken.append(repr(error))
                continue
            if count < seen[0]:
                broken.append(f"{count} examples after {seen[0]}")
            seen[0] = count

    reader = threading.Thread(target=read_while_written)
    reader.start()
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(lambda text: add_example(project / "nlu_data", "en", "ask_housing",
                                                   text), texts))
    finally:
        stop.set()
        reader.join()
    assert broken == []
    written = target.read_text("utf-8")
    assert all(f"    - {text}\n" in written for text in texts)
    assert sorted(p.name for p in target.parent.iterdir()) == sorted(
        p.name for p in (ROOT / "nlu_data/nlu/en").iterdir())  # no temporary file left


def test_a_write_replaces_the_file_and_keeps_its_mode(project):
    target = intent_file(project, "ask_housing")
    target.chmod(0o640)
    inode = target.stat().st_ino
    add_example(project / "nlu_data", "en", "ask_housing", "is there a flat near the BTS")
    assert target.stat().st_ino != inode  # a new file renamed over the old one
    assert target.stat().st_mode & 0o777 == 0o640


def test_an_annotation_waits_while_another_process_holds_the_workspace_lock(project):
    hold = ("import fcntl, sys, time\n"
            "lock = open(sys.argv[1], 'a')\n"
            "fcntl.flock(lock, fcntl.LOCK_EX)\n"
            "print('locked', flush=True)\n"
            "time.sleep(1.5)\n")
    holder = subprocess.Popen([sys.executable, "-c", hold, str(project / LOCK_FILE)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        add_example(project / "nlu_data", "en", "ask_housing", "any flat near Ari station")
        assert time.monotonic() - started > 1.0
    finally:
        holder.wait(timeout=10)
    assert "- any flat near Ari station\n" in intent_file(project, "ask_housing").read_text(
        "utf-8")


# 3. Validate before writing ----------------------------------------------------------------

@pytest.mark.parametrize("text, spans, error", [
    ("can I keep a hamster in my condo", [{"start": 0, "end": 99, "entity": "district"}],
     "inside the text"),
    ("\x1c\r\n\u2028 \v", [], "one non-empty line"),
    ("call me on 081-234-5678 about my cat", [{"start": 0, "end": 4, "entity": "district"}],
     "personal data"),
])
def test_a_refused_example_leaves_the_domain_and_rules_untouched(
        project, trainer_app, trainer, text, spans, error):
    message_id, _ = chat(trainer_app, text)
    domain = (project / "domain.yml").read_bytes()
    files = {path: path.read_bytes() for path in (project / "nlu_data").rglob("*")
             if path.is_file()}
    refused = annotate(trainer, message_id, intent="", new_intent="ask_pets",
                       answer_en=PETS_EN, answer_th=PETS_TH, spans=json.dumps(spans))
    assert refused.status_code == 400
    assert "Not saved" in refused.get_data(as_text=True)
    assert error in refused.get_data(as_text=True)
    assert (project / "domain.yml").read_bytes() == domain
    assert {path: path.read_bytes() for path in (project / "nlu_data").rglob("*")
            if path.is_file()} == files
    with trainer_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(MessageReview)) == 0


def test_a_new_intent_with_its_example_is_written_together(project, trainer_app, trainer):
    message_id, _ = chat(trainer_app, "can I keep a hamster in my condo")
    saved = annotate(trainer, message_id, intent="", new_intent="ask_pets",
                     answer_en=PETS_EN, answer_th=PETS_TH)
    assert saved.status_code == 302
    assert "  - ask_pets\n" in (project / "domain.yml").read_text("utf-8")
    assert "- intent: ask_pets" in (project / "nlu_data/rules/from_conversations.yml"
                                    ).read_text("utf-8")
    assert "- can I keep a hamster in my condo\n" in (
        project / "nlu_data/nlu/en/from_conversations.yml").read_text("utf-8")


# 4. Inbox-only access ----------------------------------------------------------------------

def test_trainers_open_only_messages_of_the_review_inbox(project, trainer_app, trainer):
    unsure, bot_reply = chat(trainer_app, "which district suits a family", confidence=0.3)
    confident, _ = chat(trainer_app, "hello there", confidence=0.99)
    button, _ = chat(trainer_app, "Visa", confidence=0.3, payload="/ask_visa")
    nlu = {path: path.read_bytes() for path in (project / "nlu_data").rglob("*.yml")}

    assert trainer.get(f"/console/training/messages/{unsure}").status_code == 200
    token = csrf_token(trainer, "/console/training/")
    for other in (confident, button, bot_reply, 10**6):
        page = f"/console/training/messages/{other}"
        assert trainer.get(page).status_code == 404, other
        assert annotate(trainer, other).status_code == 404, other
        assert trainer.post(f"{page}/dismiss", data={"csrf_token": token}).status_code == 404
    assert {path: path.read_bytes() for path in (project / "nlu_data").rglob("*.yml")} == nlu
    with trainer_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(MessageReview)) == 0

    # A reviewed inbox message stays open to trainers ("Include reviewed").
    dismissed = trainer.post(f"/console/training/messages/{unsure}/dismiss",
                             data={"csrf_token": token})
    assert dismissed.status_code == 302
    assert trainer.get(f"/console/training/messages/{unsure}").status_code == 200


def test_the_annotation_page_preselects_the_prediction_and_names_the_reason(
        trainer_app, trainer):
    unsure, _ = chat(trainer_app, "where can I rent a flat near BTS", confidence=0.5)
    page = trainer.get(f"/console/training/messages/{unsure}").get_data(as_text=True)
    selected = re.search(r'<option[^>]*selected[^>]*value="([^"]+)"|'
                         r'<option[^>]*value="([^"]+)"[^>]*selected', page)
    assert selected and "ask_housing" in selected.groups()  # the bot's prediction, not greet

    with trainer_app.app_context():  # a chat that asked for staff, nobody took it over
        message = db.session.get_one(Message, unsure)
        message.conversation.handoffs.append(Handoff())
        db.session.commit()
    inbox = trainer.get("/console/training/").get_data(as_text=True)
    reasons = re.search(r"<td>(confidence below 70%[^<]*)</td>", inbox)
    assert reasons and "chat asked for staff (not taken over)" in reasons[1]
    assert "chat taken over by staff" not in reasons[1]
