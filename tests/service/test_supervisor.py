"""The product under supervisord as `make run` starts it (scripts/supervise.py on the
Procfile): a killed Rasa server is restarted alone while the web service keeps answering
(apology, chat queued for staff), later chats get real answers, no message is lost, and
stopping supervisord (Ctrl-C or SIGTERM) leaves no process behind."""

import os
import re
import signal
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import psutil
import pytest
import requests
from sqlalchemy import select

from assistant.extensions import db
from assistant.models import Message
from common.rasa_client import RasaClient
from scripts.servers import MEASUREMENT_RATE_LIMITS, ROOT, SERVICE_BIN, free_port, warm_up
from scripts.supervise import Program, config_text, read_procfile
from tests.service.conftest import make_app

THAI = re.compile(r"[\u0E00-\u0E7F]")
TOKEN = uuid.uuid4().hex


def wait_for(check, what, supervisord, seconds=240.0):
    """Poll ``check`` until true; fail when supervisord exits or after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        assert supervisord.poll() is None, f"{what}: supervisord exited ({supervisord.returncode})"
        time.sleep(0.25)
    pytest.fail(f"{what}: not after {seconds} s")


def supervisorctl(config, *args):
    return subprocess.run([str(SERVICE_BIN / "supervisorctl"), "-c", str(config), *args],
                          capture_output=True, text=True, timeout=30).stdout.strip()


def pid_of(config, name):
    """The pid supervisord reports for program ``name`` (0 while it is not running)."""
    found = supervisorctl(config, "pid", name)
    return int(found) if found.isdigit() else 0


def alive(process):
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def start(procfile, run_dir, env, names=()):
    """`python -m scripts.supervise PROCFILE` (what `make run` runs) -> (process, config)."""
    log = open(run_dir / "supervisord.out", "w")
    process = subprocess.Popen(
        [str(SERVICE_BIN / "python"), "-m", "scripts.supervise", str(procfile), *names,
         "--run-dir", str(run_dir), "--log-dir", str(run_dir / "log")],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    log.close()
    return process, run_dir / f"{Path(procfile).name}.conf"


def stop(supervisord, how):
    """Send ``how`` to supervisord; every process it started must be gone when it exits."""
    children = psutil.Process(supervisord.pid).children(recursive=True)
    assert children
    supervisord.send_signal(how)
    assert supervisord.wait(timeout=90) == 0
    deadline = time.monotonic() + 10
    while any(alive(child) for child in children) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [child.cmdline() for child in children if alive(child)] == []


def kill_leftovers(supervisord):
    """After a failure: stop supervisord and anything it started."""
    if supervisord.poll() is not None:
        return
    children = psutil.Process(supervisord.pid).children(recursive=True)
    supervisord.terminate()
    try:
        supervisord.wait(timeout=60)
    except subprocess.TimeoutExpired:
        supervisord.kill()
    for child in children:
        if alive(child):
            child.kill()


@pytest.fixture
def run_dir():
    """A short directory (Unix socket paths are limited to 107 bytes)."""
    with tempfile.TemporaryDirectory(prefix="supervise-") as name:
        yield Path(name)


def test_the_configuration_keeps_procfile_lines_as_they_are():
    programs = read_procfile(ROOT / "Procfile")
    assert [program.name for program in programs] == [
        "web", "rasa", "actions", "closer", "retention", "mailer", "worker", "probe",
        "reminders"]
    text = config_text(programs, Path("/run"), Path("/log"), "Procfile", "secret")
    assert "${RASA_AUTH_TOKEN:+--auth-token \"$RASA_AUTH_TOKEN\"}" in text
    assert text.count("autorestart=true") == text.count("stopasgroup=true") == 9
    percent = config_text([Program("x", "echo 100%")], Path("/run"), Path("/log"), "P", "s")
    assert "echo 100%%" in percent  # supervisord would read %(...)s as a variable
    with pytest.raises(ValueError):
        config_text([Program("x", "a ;b")], Path("/run"), Path("/log"), "P", "s")


def test_a_killed_process_is_restarted_alone_and_sigterm_stops_every_child(run_dir):
    procfile = run_dir / "Procfile"
    procfile.write_text("plain: sleep 1000 ${NOPE:+--nope \"$NOPE\"}\n"
                        "family: bash -c 'sleep 1001 & sleep 1002 & wait'\n", "utf-8")
    supervisord, config = start(procfile, run_dir, dict(os.environ))
    try:
        wait_for(lambda: pid_of(config, "plain") and pid_of(config, "family"), "programs",
                 supervisord, 30)
        plain, family = pid_of(config, "plain"), pid_of(config, "family")
        assert psutil.Process(plain).cmdline() == ["sleep", "1000"]  # bash exec'd it
        os.kill(plain, signal.SIGKILL)
        wait_for(lambda: pid_of(config, "plain") not in (0, plain), "restart", supervisord, 30)
        assert pid_of(config, "family") == family
        assert len(psutil.Process(family).children()) == 2
        stop(supervisord, signal.SIGTERM)
    finally:
        kill_leftovers(supervisord)


def http_status(url):
    try:
        return requests.get(url, timeout=5).status_code
    except requests.RequestException:
        return None


def test_rasa_killed_under_supervisord(run_dir):
    if not list(Path(ROOT, "models").glob("*.tar.gz")):
        pytest.fail("no trained model in models/: run `make train` (make test does it)")
    ports = {name: free_port() for name in ("PORT", "RASA_PORT", "ACTIONS_PORT")}
    database = run_dir / "assistant.db"
    env = {**os.environ, **{name: str(port) for name, port in ports.items()},
           **MEASUREMENT_RATE_LIMITS, "DATABASE_URL": f"sqlite:///{database}",
           "RASA_AUTH_TOKEN": TOKEN, "SECRET_KEY": "test", "OFFLINE_HANDOFF": "0",
           "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false",
           "TF_CPP_MIN_LOG_LEVEL": "2"}
    for name in ("RASA_URLS", "ACTIONS_HOST", "REDIS_URL", "RATE_LIMIT_STORAGE"):
        env.pop(name, None)
    subprocess.run([str(SERVICE_BIN / "flask"), "--app", "assistant.app", "db", "upgrade"],
                   cwd=ROOT, env=env, check=True, capture_output=True)  # make migrate
    web = f"http://127.0.0.1:{ports['PORT']}"
    rasa = RasaClient(f"http://127.0.0.1:{ports['RASA_PORT']}", auth_token=TOKEN)
    actions = f"http://127.0.0.1:{ports['ACTIONS_PORT']}/health"

    supervisord, config = start("Procfile", run_dir, env)
    try:
        wait_for(lambda: http_status(actions) == 200, "action server", supervisord)
        wait_for(lambda: rasa.model_loaded() is not None, "Rasa server", supervisord)
        warm_up(rasa)
        wait_for(lambda: http_status(f"{web}/api/health") == 200, "web service", supervisord)
        others = {name: pid_of(config, name)
                  for name in ("web", "actions", "closer", "retention", "mailer", "worker",
                              "probe", "reminders")}
        assert all(others.values()), supervisorctl(config, "status")

        def chat(conversation, text):
            return requests.post(f"{web}/api/conversations/{conversation}/messages",
                                 json={"text": text}, timeout=60)

        first = requests.post(f"{web}/api/conversations", timeout=10).json()["id"]
        answered = chat(first, "ต่อวีซ่าได้ที่ไหนคะ")
        assert answered.status_code == 200
        assert answered.json()["replies"][0]["topic"] == "visa"

        killed = pid_of(config, "rasa")
        rasa_process = psutil.Process(killed)
        assert "--enable-api" in rasa_process.cmdline()  # Rasa itself, not a shell
        rasa_process.send_signal(signal.SIGKILL)
        killed_at = time.monotonic()
        wait_for(lambda: not alive(rasa_process), "Rasa gone", supervisord, 10)

        after_kill = chat(first, "แล้วต้องใช้เอกสารอะไรบ้างคะ")
        assert after_kill.status_code == 200
        body = after_kill.json()
        assert body["state"] == "waiting_for_staff"
        assert THAI.search(body["replies"][0]["text"])
        assert requests.get(f"{web}/api/health", timeout=10).json()["failing"] == ["rasa"]

        wait_for(lambda: pid_of(config, "rasa") not in (0, killed)
                 and rasa.model_loaded() is not None, "Rasa restarted", supervisord)
        back_after = time.monotonic() - killed_at
        print(f"Rasa answered again {back_after:.1f} s after SIGKILL")
        warm_up(rasa)
        assert {name: pid_of(config, name) for name in others} == others  # none restarted
        wait_for(lambda: http_status(f"{web}/api/health") == 200, "health", supervisord, 30)

        second = requests.post(f"{web}/api/conversations", timeout=10).json()["id"]
        later = chat(second, "ต่อวีซ่าได้ที่ไหนคะ")
        assert later.status_code == 200
        assert later.json()["replies"][0]["topic"] == "visa"
        assert later.json()["state"] != "waiting_for_staff"

        app = make_app(env["DATABASE_URL"], rasa.base_url, actions)
        with app.app_context():
            stored = db.session.execute(select(Message.conversation_id, Message.text).where(
                Message.sender == "user").order_by(Message.id)).all()
        assert [tuple(row) for row in stored] == [
            (first, "ต่อวีซ่าได้ที่ไหนคะ"), (first, "แล้วต้องใช้เอกสารอะไรบ้างคะ"),
            (second, "ต่อวีซ่าได้ที่ไหนคะ")]

        stop(supervisord, signal.SIGINT)  # Ctrl-C
        assert all(http_status(url) is None for url in (f"{web}/api/health", actions))
    finally:
        kill_leftovers(supervisord)
