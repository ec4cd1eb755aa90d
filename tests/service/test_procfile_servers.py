"""Rasa and the action server as `make run` starts them (the Procfile, under supervisord): the
action server listens on loopback only, and Rasa's HTTP API wants RASA_AUTH_TOKEN, which the
web service sends."""

import os
import re
import socket
import subprocess
import uuid
from pathlib import Path

import pytest
import requests

from common.rasa_client import RasaClient
from scripts.servers import ROOT, SERVICE_BIN, _wait, free_port
from tests.service.conftest import make_app

TOKEN = uuid.uuid4().hex


def outside_address():
    """An IPv4 address of this machine other than loopback, or None."""
    found = subprocess.run(["hostname", "-I"], capture_output=True, text=True).stdout.split()
    return next((a for a in found if re.fullmatch(r"[\d.]+", a) and not a.startswith("127.")),
                None)


def answers(host, port, path):
    try:
        return requests.get(f"http://{host}:{port}{path}", timeout=3).status_code
    except requests.ConnectionError:
        return None


@pytest.fixture(scope="module")
def procfile(tmp_path_factory):
    """`python -m scripts.supervise Procfile rasa actions`, with an API token; yields the ports."""
    if not list(Path(ROOT, "models").glob("*.tar.gz")):
        pytest.fail("no trained model in models/: run `make train` (make test does it)")
    ports = {"RASA_PORT": free_port(), "ACTIONS_PORT": free_port()}
    env = {**os.environ, **{name: str(port) for name, port in ports.items()},
           "RASA_AUTH_TOKEN": TOKEN, "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false"}
    env.pop("ACTIONS_HOST", None)  # the default
    run_dir = tmp_path_factory.mktemp("supervisor")
    log = open(run_dir / "supervisord.log", "w")
    supervisord = subprocess.Popen(
        [str(SERVICE_BIN / "python"), "-m", "scripts.supervise", "Procfile", "rasa", "actions",
         "--run-dir", str(run_dir), "--log-dir", str(run_dir / "log")],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait(lambda: answers("127.0.0.1", ports["ACTIONS_PORT"], "/health") == 200,
              "action server", [supervisord])
        rasa = RasaClient(f"http://127.0.0.1:{ports['RASA_PORT']}", auth_token=TOKEN)
        _wait(lambda: rasa.model_loaded() is not None, "Rasa server", [supervisord])
        yield ports
    finally:
        supervisord.terminate()  # supervisord stops its processes, then itself
        try:
            supervisord.wait(timeout=60)
        except subprocess.TimeoutExpired:
            supervisord.kill()
        log.close()


def test_action_server_listens_on_loopback_only(procfile):
    outside = outside_address()
    if outside is None:
        pytest.skip("this machine has no IPv4 address besides loopback")
    port = procfile["ACTIONS_PORT"]
    assert answers("127.0.0.1", port, "/health") == 200
    with pytest.raises(OSError):
        socket.create_connection((outside, port), timeout=3).close()


def test_rasa_api_refuses_requests_without_the_token(procfile):
    base = f"http://127.0.0.1:{procfile['RASA_PORT']}"
    assert requests.get(f"{base}/status", timeout=10).status_code == 401
    assert requests.get(f"{base}/status", params={"token": "wrong"}, timeout=10).status_code == 401
    assert requests.post(f"{base}/model/parse", json={"text": "hello"},
                         timeout=10).status_code == 401
    assert requests.get(f"{base}/status", params={"token": TOKEN}, timeout=10).status_code == 200
    # The REST channel (the service's chats) needs no token.
    assert RasaClient(base).send(f"t-{uuid.uuid4().hex}", "hello")


def test_service_sends_the_token(procfile, tmp_path):
    rasa_url = f"http://127.0.0.1:{procfile['RASA_PORT']}"
    actions_url = f"http://127.0.0.1:{procfile['ACTIONS_PORT']}"
    with_token = make_app(f"sqlite:///{tmp_path / 'token.db'}", rasa_url, actions_url,
                          rasa_auth_token=TOKEN).test_client()
    health = with_token.get("/api/health")
    assert health.status_code == 200, health.get_json()
    conversation = with_token.post("/api/conversations").get_json()["id"]
    sent = with_token.post(f"/api/conversations/{conversation}/messages", json={"text": "hi"})
    assert sent.status_code == 200
    erased = with_token.delete(f"/api/conversations/{conversation}").get_json()
    assert erased["rasa_tracker"] == "erased"  # PUT .../tracker/events with the token

    without = make_app(f"sqlite:///{tmp_path / 'none.db'}", rasa_url, actions_url).test_client()
    assert without.get("/api/health").get_json()["failing"] == ["rasa"]


def test_every_procfile_starts_servers_the_same_way():
    lines = {name: (ROOT / name).read_text("utf-8").splitlines()
             for name in ("Procfile", "Procfile.scale")}
    actions = {name: [line for line in found if line.startswith("actions:")]
               for name, found in lines.items()}
    assert actions["Procfile"] == actions["Procfile.scale"]
    rasa = [line for found in lines.values() for line in found if line.startswith("rasa")]
    assert len(rasa) == 3
    assert all('${RASA_AUTH_TOKEN:+--auth-token "$RASA_AUTH_TOKEN"}' in line for line in rasa)
