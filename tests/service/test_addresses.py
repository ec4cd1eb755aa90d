"""Every address is a setting: the service's Rasa servers, the Procfiles' bind addresses,
the scale-out endpoints file (read by Rasa's own loader). Defaults stay on loopback."""

import json
import os
import subprocess

import pytest

from assistant.settings import Settings, server_urls
from scripts.servers import ROOT, SERVICE_BIN
from scripts.supervise import read_procfile

RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"
HOSTS = {"WEB_HOST": "10.0.0.2", "RASA_HOST": "10.0.0.3", "ACTIONS_HOST": "10.0.0.4",
         "ACTIONS_URL": "http://10.0.0.4:5055", "MODEL_SERVER_URL": "http://10.0.0.9/api/model"}
PORTS = {"PORT": "8000", "RASA_PORT": "5005", "RASA_PORT_2": "5006", "ACTIONS_PORT": "5055",
         "WEB_WORKERS": "2"}
# Stands in for gunicorn, rasa and flask: prints what it was started with.
STUB = ('#!/bin/sh\necho "ACTIONS_URL=$ACTIONS_URL MODEL_SERVER_URL=$MODEL_SERVER_URL '
        'SANIC_HOST=$SANIC_HOST $*"\n')


@pytest.fixture
def environment(monkeypatch, tmp_path):
    """A clean environment for ``Settings.from_env`` (no address settings set)."""
    for name in ("RASA_URLS", "RASA_PORT", "ACTIONS_URL", "ACTIONS_PORT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'settings.db'}")
    monkeypatch.setenv("SECRET_KEY", "test")
    return monkeypatch


def test_the_rasa_servers_are_a_list(environment):
    environment.setenv("RASA_URLS", " http://10.0.0.2:5005/, https://rasa-b.internal:5005 ")
    assert Settings.from_env().rasa_urls == ("http://10.0.0.2:5005",
                                             "https://rasa-b.internal:5005")


def test_by_default_one_rasa_server_on_loopback_at_rasa_port(environment):
    assert Settings.from_env().rasa_urls == ("http://127.0.0.1:5005",)
    environment.setenv("RASA_PORT", "5999")
    assert Settings.from_env().rasa_urls == ("http://127.0.0.1:5999",)


def test_the_action_server_address(environment):
    assert Settings.from_env().actions_url == "http://127.0.0.1:5055"
    environment.setenv("ACTIONS_PORT", "5066")
    assert Settings.from_env().actions_url == "http://127.0.0.1:5066"
    environment.setenv("ACTIONS_URL", "http://10.0.0.4:5055")
    assert Settings.from_env().actions_url == "http://10.0.0.4:5055"


@pytest.mark.parametrize("raw", ["10.0.0.2:5005", "http://10.0.0.2:50x5", "ftp://10.0.0.2",
                                 "http://", "http://10.0.0.2:5005,localhost:5006", " , ",
                                 "http://10.0.0.2:5005?x=1"])
def test_a_malformed_rasa_address_is_refused_naming_the_setting(environment, raw):
    environment.setenv("RASA_URLS", raw)
    with pytest.raises(ValueError, match="RASA_URLS"):
        Settings.from_env()


def test_a_malformed_address_stops_the_service_at_start(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SECRET_KEY": "test",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'start.db'}",
           "RASA_URLS": "http://10.0.0.2:5005,10.0.0.3:5005"}
    started = subprocess.run([str(SERVICE_BIN / "flask"), "--app", "assistant.app", "mail",
                              "send"], cwd=ROOT, env=env, capture_output=True, text=True,
                             timeout=120)
    assert started.returncode != 0
    assert "RASA_URLS: '10.0.0.3:5005' is not a server address" in started.stderr


def test_server_urls_names_the_setting():
    with pytest.raises(ValueError, match="ACTIONS_URL is empty"):
        server_urls("ACTIONS_URL", "")


def rendered(procfile, tmp_path, env):
    """Each process of ``procfile`` as bash starts it with ``env``: its name -> what the
    program was started with (a stub prints its arguments and address variables)."""
    for program in (".venv/bin/gunicorn", ".venv/bin/flask", ".venv-rasa/bin/rasa"):
        stub = tmp_path / program
        stub.parent.mkdir(parents=True, exist_ok=True)
        stub.write_text(STUB)
        stub.chmod(0o755)
    return {program.name: subprocess.run(["bash", "-c", program.command], cwd=tmp_path,
                                         env={"PATH": os.environ["PATH"], **env},
                                         capture_output=True, text=True, check=True).stdout
            for program in read_procfile(ROOT / procfile)}


@pytest.mark.parametrize("procfile", ["Procfile", "Procfile.scale"])
def test_the_procfiles_bind_where_the_settings_say(procfile, tmp_path):
    started = rendered(procfile, tmp_path, {**PORTS, **HOSTS})
    assert "--bind 10.0.0.2:8000" in started["web"]
    rasa = [line for name, line in started.items() if name.startswith("rasa")]
    assert rasa and all("-i 10.0.0.3 " in line for line in rasa)
    assert "SANIC_HOST=10.0.0.4" in started["actions"]
    if procfile == "Procfile.scale":  # Rasa reaches the action server at ACTIONS_URL
        assert all("ACTIONS_URL=http://10.0.0.4:5055 " in line for line in rasa)
        assert all("MODEL_SERVER_URL=http://10.0.0.9/api/model " in line for line in rasa)


@pytest.mark.parametrize("procfile", ["Procfile", "Procfile.scale"])
def test_the_procfiles_default_to_loopback(procfile, tmp_path):
    started = rendered(procfile, tmp_path, PORTS)
    assert "--bind 127.0.0.1:8000" in started["web"]
    rasa = [line for name, line in started.items() if name.startswith("rasa")]
    assert all("-i 127.0.0.1 " in line for line in rasa)
    assert "SANIC_HOST=127.0.0.1" in started["actions"]
    if procfile == "Procfile.scale":
        assert all("ACTIONS_URL=http://127.0.0.1:5055 " in line for line in rasa)
        assert all("MODEL_SERVER_URL=http://127.0.0.1:8000/api/model " in line for line in rasa)


READ_ENDPOINTS = """
import json
from rasa.core.utils import AvailableEndpoints
found = AvailableEndpoints.read_endpoints("endpoints.scale.yml")
print(json.dumps({"action": found.action.url,
                  "tracker": [found.tracker_store.url, found.tracker_store.kwargs],
                  "lock": [found.lock_store.url, found.lock_store.kwargs],
                  "model": [found.model.url, found.model.headers, found.model.kwargs]}))
"""


def test_rasa_reads_every_address_of_the_scale_endpoints_from_the_environment():
    env = {**os.environ, "ACTIONS_URL": "http://10.0.0.4:5055", "RASA_DB_HOST": "10.0.0.5",
           "RASA_DB_PORT": "5433", "RASA_DB_NAME": "rasa", "RASA_DB_USER": "rasa",
           "RASA_DB_PASSWORD": "secret", "REDIS_HOST": "10.0.0.6", "REDIS_PORT": "6380",
           "REDIS_LOCK_DB": "1", "MODEL_SERVER_URL": "http://10.0.0.2:8000/api/model",
           "MODEL_SERVER_TOKEN": "key", "RASA_TELEMETRY_ENABLED": "false"}
    output = subprocess.run([str(RASA_PYTHON), "-c", READ_ENDPOINTS], cwd=ROOT, env=env,
                            capture_output=True, text=True, check=True, timeout=120).stdout
    endpoints = json.loads(output.strip().splitlines()[-1])
    assert endpoints["action"] == "http://10.0.0.4:5055/webhook"
    assert endpoints["tracker"] == ["10.0.0.5", {"dialect": "postgresql", "port": "5433",
                                                 "db": "rasa", "username": "rasa",
                                                 "password": "secret"}]
    assert endpoints["lock"] == ["10.0.0.6", {"port": "6380", "db": "1"}]
    assert endpoints["model"] == ["http://10.0.0.2:8000/api/model",
                                  {"Authorization": "Bearer key"},
                                  {"wait_time_between_pulls": 30}]
