"""A real Rasa server pulls the accepted model from the service (``models:`` endpoint):
an acceptance reaches it within a minute and no chat request fails during the switch."""

import shutil
import threading
import time

import requests

from assistant.training import pipeline
from scripts.model_file_server import newest_model
from scripts.servers import ROOT, assistant_servers
from tests.service.conftest import NO_RASA, make_app
from tests.support.local_server import serving

TOKEN = "pull-key"
# As endpoints.scale.yml, with Rasa's default in-memory tracker store and a short interval.
ENDPOINTS = """action_endpoint:
  url: ${ACTIONS_URL}/webhook
models:
  url: ${MODEL_SERVER_URL}
  headers:
    Authorization: Bearer ${MODEL_SERVER_TOKEN}
  wait_time_between_pulls: 2
"""
SWITCH_SECONDS = 60
RASA_TIMEOUT = 10  # the service's default wait for Rasa (RASA_TIMEOUT_SECONDS)


def another_model(model, target):
    """The same model in a file with other bytes: only the gzip header's time differs."""
    data = bytearray(model.read_bytes())
    data[4:8] = (int.from_bytes(data[4:8], "little") + 1).to_bytes(4, "little")
    target.write_bytes(bytes(data))
    return target


def status(running):
    """Rasa's ``/status``: the served model's file name (the ``filename`` it was pulled as)."""
    return requests.get(f"{running.rasa.base_url}/status", timeout=5).json()


def chat_until(stop, url, outcomes):
    """Ask Rasa's REST channel again and again; record when each answer came, and its
    status or error."""
    turn = 0
    while not stop.is_set():
        turn += 1
        try:
            response = requests.post(f"{url}/webhooks/rest/webhook", timeout=RASA_TIMEOUT,
                                     json={"sender": f"switch-{turn}",
                                           "message": "How do I extend my visa?"})
            outcome: object = response.status_code if response.json() else "no reply"
        except (requests.RequestException, ValueError) as error:
            outcome = repr(error)
        outcomes.append((time.monotonic(), outcome))


def test_an_accepted_model_reaches_a_running_rasa_server_without_a_failed_request(tmp_path):
    (tmp_path / "models").mkdir()
    first = tmp_path / "models" / "accepted-first.tar.gz"
    shutil.copyfile(newest_model(ROOT / "models"), first)
    second = another_model(first, tmp_path / "models" / "accepted-second.tar.gz")
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(ENDPOINTS, encoding="utf-8")
    app = make_app(f"sqlite:///{tmp_path / 'service.db'}", NO_RASA, NO_RASA,
                   training_root=tmp_path, model_server_token=TOKEN)
    with app.app_context():
        pipeline.activate(first, None)
    with serving(app) as service, assistant_servers(
            endpoints=str(endpoints), extra_env={"MODEL_SERVER_URL": f"{service}/api/model",
                                                 "MODEL_SERVER_TOKEN": TOKEN}) as running:
        assert status(running)["model_file"] == first.name  # pulled at start, not read from --model
        stop = threading.Event()
        outcomes: list[tuple[float, object]] = []
        chatting = threading.Thread(target=chat_until,
                                    args=(stop, running.rasa.base_url, outcomes))
        chatting.start()
        try:
            time.sleep(3)
            with app.app_context():
                pipeline.activate(second, None)
            accepted = time.monotonic()
            while time.monotonic() - accepted < SWITCH_SECONDS:
                if status(running)["model_file"] == second.name:
                    break
                time.sleep(1)
            switched = time.monotonic() - accepted
            time.sleep(3)
        finally:
            stop.set()
            chatting.join()
        final = status(running)
    assert final["model_file"] == second.name, f"not switched in {SWITCH_SECONDS} s"
    assert switched < SWITCH_SECONDS
    assert {outcome for _, outcome in outcomes} == {200}, outcomes
    assert any(accepted < when <= accepted + switched for when, _ in outcomes)  # meanwhile
