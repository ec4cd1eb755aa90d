"""The trainers' loop end to end on real Rasa: review inbox -> annotate in the console (a new
intent, Thai included, personal data redacted) -> test story from a chat -> retrain ->
candidate evaluated against the active model -> activated without a restart -> the running
assistant answers the new phrasing; a regressing candidate is refused; rollback.

Runs on a small copy of the Rasa project (``training_workspace``) so that training takes
about half a minute; the gate margin is 10 points because the small held-out languages
(12 code-mixed examples) move by 8 points per example.
"""

import json
import os
import re
import subprocess
import time

import pytest

from scripts.servers import RASA, ROOT, assistant_servers
from tests.service.conftest import make_app
from tests.support.console_helpers import create_user, csrf_token, login
from tests.support.training_workspace import small_workspace

PETS_EN = "Pets in rented rooms depend on the building's rules; ask your landlord first."
PETS_TH = "การเลี้ยงสัตว์ในห้องเช่าขึ้นอยู่กับกฎของอาคาร โปรดสอบถามเจ้าของห้องก่อนนะคะ"
QUESTIONS = [  # (text, training file language)
    ("can I keep a hamster in my condo?", "en"),
    ("เลี้ยงแฮมสเตอร์ในคอนโดได้ไหมคะ", "th"),
    ("are rabbits allowed in apartments here", "en"),
    ("ย้ายไปอยู่เขตบางรักพร้อมแมวได้ไหมคะ", "th"),
    ("my number is 081-234-5678, can my cat live with me in the flat", "en"),
]


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A small Rasa project with a model trained on it."""
    root = small_workspace(tmp_path_factory.mktemp("project"))
    subprocess.run([RASA, "train", "--data", "nlu_data", "--domain", "domain.yml", "--config",
                    "config.yml", "--out", "models"], cwd=root, check=True,
                   capture_output=True, env={**os.environ, "PYTHONPATH": str(ROOT),
                                             "RASA_TELEMETRY_ENABLED": "false"})
    return root


@pytest.fixture(scope="module")
def running(project, knowledge_dir):
    with assistant_servers(model=str(project / "models"), knowledge_dir=knowledge_dir) as servers:
        yield servers


@pytest.fixture(scope="module")
def trainer_app(project, running, knowledge_dir, tmp_path_factory):
    database = tmp_path_factory.mktemp("db") / "training.db"
    return make_app(f"sqlite:///{database}", running.rasa.base_url, running.actions_url,
                    knowledge_dir, training_root=project, training_margin=10.0)


def chat(client, text, rate=None):
    conversation = client.post("/api/conversations").get_json()["id"]
    reply = client.post(f"/api/conversations/{conversation}/messages", json={"text": text})
    assert reply.status_code == 200
    if rate is not None:  # closing asks the question; then the answer counts
        client.post(f"/api/conversations/{conversation}/close")
        assert client.post(f"/api/conversations/{conversation}/satisfaction",
                           json={"level": rate}).status_code == 200
    return conversation, reply.get_json()


def wait_for_run(trainer, run_page, seconds=900):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        page = trainer.get(run_page).get_data(as_text=True)
        found = re.search(r'id="run-status"[^>]*>(\w+)<', page)
        assert found, page
        status = found.group(1)
        if status not in ("queued", "running"):
            return status, page
        time.sleep(3)
    pytest.fail("the training run did not finish")


def annotate(trainer, text, **fields):
    inbox = trainer.get("/console/training/?reason=dissatisfied").get_data(as_text=True)
    found = re.search(r'data-message-id="(\d+)">\s*<td[^>]*>' + re.escape(
        text.replace("'", "&#39;")), inbox)
    assert found, f"{text!r} is not in the review inbox"
    page = f"/console/training/messages/{found.group(1)}"
    data = {"csrf_token": csrf_token(trainer, page), "intent": "ask_pets", "spans": "[]",
            "folder": "en", **fields}
    return trainer.post(page, data=data)


def test_annotate_retrain_gate_activate_refuse_and_roll_back(project, running, trainer_app):
    users = trainer_app.test_client()
    for text, _ in QUESTIONS:
        chat(users, text, rate=1)  # unhappy chats land in the review inbox
    story_chat, _ = chat(users, "good morning")
    trainer = trainer_app.test_client()
    assert login(trainer, create_user(trainer_app, "trainer", name="Kanda")).status_code == 302
    assert trainer.get("/console/training/").status_code == 200

    # Annotate: a new intent with its answers, then more examples, Thai with an entity.
    first = annotate(trainer, QUESTIONS[0][0], intent="", new_intent="ask_pets",
                     answer_en=PETS_EN, answer_th=PETS_TH)
    assert first.status_code == 302, first.get_data(as_text=True)
    thai_text = QUESTIONS[3][0]
    district = thai_text.index("บางรัก")
    spans = json.dumps([{"start": district, "end": district + len("บางรัก"),
                         "entity": "district"}])
    for (text, folder) in QUESTIONS[1:]:
        extra = {"spans": spans} if text == thai_text else {}
        assert annotate(trainer, text, folder=folder, **extra).status_code == 302
    thai_file = (project / "nlu_data/nlu/th/from_conversations.yml").read_text("utf-8")
    assert "- เลี้ยงแฮมสเตอร์ในคอนโดได้ไหมคะ" in thai_file
    assert "- ย้ายไปอยู่เขต[บางรัก](district)พร้อมแมวได้ไหมคะ" in thai_file
    english_file = (project / "nlu_data/nlu/en/from_conversations.yml").read_text("utf-8")
    assert "my number is <PHONE>, can my cat" in english_file and "081" not in english_file
    domain = (project / "domain.yml").read_text("utf-8")
    assert "  - ask_pets\n" in domain and PETS_TH in domain
    assert "- intent: ask_pets" in (project / "nlu_data/rules/from_conversations.yml").read_text(
        "utf-8")
    assert "hamster" not in trainer.get("/console/training/").get_data(as_text=True)  # reviewed

    # A test story from a real chat, as Rasa tracked it.
    page = "/console/training/"
    made = trainer.post(f"/console/training/conversations/{story_chat}/story",
                        data={"csrf_token": csrf_token(trainer, page)})
    assert made.status_code == 302
    stories = (project / "tests/stories/from_conversations.yml").read_text("utf-8")
    assert "good morning" in stories and "action: utter_greet" in stories

    # Retrain from the console: validated, trained, evaluated, activated.
    started = trainer.post("/console/training/runs",
                           data={"csrf_token": csrf_token(trainer, "/console/training/runs")})
    assert started.status_code == 302
    queued = trainer.get(started.headers["Location"]).get_data(as_text=True)
    assert re.search(r'id="run-status"[^>]*>queued<', queued)  # the web process only queues
    worker = trainer_app.test_cli_runner().invoke(args=["jobs", "work"])  # the worker runs it
    assert worker.exit_code == 0 and "ran 1 job(s)" in worker.output, worker.output
    status, run_page = wait_for_run(trainer, started.headers["Location"])
    assert status == "activated", run_page
    assert 'id="comparison"' in run_page and "held_out" in run_page
    active = running.rasa.model_loaded()
    assert active.startswith("candidate-")
    _, english = chat(users, QUESTIONS[0][0])
    assert english["replies"][0]["text"] == PETS_EN
    assert english["replies"][0]["intent"] == "ask_pets"
    _, thai = chat(users, QUESTIONS[1][0])
    assert thai["replies"][0]["text"] == PETS_TH

    # A candidate trained on wrong labels is refused and the active model stays.
    for path in (project / "nlu_data" / "nlu").rglob("*.yml"):
        text = path.read_text("utf-8")
        for a, b in (("ask_visa", "ask_tax"), ("ask_housing", "ask_schools")):
            text = (text.replace(f"- intent: {a}\n", "- intent: SWAP\n")
                    .replace(f"- intent: {b}\n", f"- intent: {a}\n")
                    .replace("- intent: SWAP\n", f"- intent: {b}\n"))
        path.write_text(text, "utf-8")
    refused = trainer_app.test_cli_runner().invoke(args=["training", "run"])
    assert refused.exit_code == 1
    assert "refused" in refused.output and "regression: held_out all" in refused.output
    assert running.rasa.model_loaded() == active

    # Rollback to the first model, without restarting Rasa.
    runs_page = trainer.get("/console/training/runs").get_data(as_text=True)
    original = re.findall(r"(\d{8}-\d{6}-[a-z]+-[a-z]+\.tar\.gz)", runs_page)[0]
    rolled = trainer.post(f"/console/training/models/{original}/activate",
                          data={"csrf_token": csrf_token(trainer, "/console/training/runs")})
    assert rolled.status_code == 302 and running.rasa.model_loaded() == original

    audit = trainer.get("/console/training/audit").get_data(as_text=True)
    for action in ("intent added", "example added", "test story added", "model activated",
                   "training refused"):
        assert action in audit
    assert "Kanda" in audit


def test_console_training_pages_are_for_trainers_and_admins(trainer_app):
    staff = trainer_app.test_client()
    login(staff, create_user(trainer_app, "staff"))
    for path in ("/console/training/", "/console/training/runs", "/console/training/audit"):
        assert staff.get(path).status_code == 403
