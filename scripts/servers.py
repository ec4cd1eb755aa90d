"""Start Rasa and the action server as child processes, for tests, evaluation and benchmarks."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, List, Optional

import requests

from assistant.rasa_client import RasaClient

ROOT = Path(__file__).resolve().parent.parent
RASA = str(ROOT / ".venv-rasa" / "bin" / "rasa")
SERVICE_BIN = ROOT / ".venv" / "bin"
STARTUP_SECONDS = 240


@dataclass(frozen=True)
class RunningAssistant:
    """Clients for a started Rasa server and the URL of its action server."""

    rasa: RasaClient
    actions_url: str
    rasa_process: subprocess.Popen[bytes]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(check: Callable[[], bool], what: str, processes: List[subprocess.Popen]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if check():
            return
        for process in processes:
            if process.poll() is not None:
                raise RuntimeError(f"{what}: a server exited with code {process.returncode}")
        time.sleep(0.5)
    raise TimeoutError(f"{what} not ready after {STARTUP_SECONDS} s")


def _actions_healthy(port: int) -> bool:
    try:
        return requests.get(f"http://127.0.0.1:{port}/health", timeout=2).ok
    except requests.RequestException:
        return False


@contextmanager
def assistant_servers(
    model: str = "models", log_dir: Path = ROOT / "var" / "log",
    knowledge_dir: Optional[Path] = None,
) -> Iterator[RunningAssistant]:
    """Rasa (with the latest model in ``model``) and the action server on free ports.

    The action server reads its articles from ``knowledge_dir`` when given.
    """
    rasa_port, actions_port = free_port(), free_port()
    env = {**os.environ, "ACTIONS_PORT": str(actions_port), "PYTHONPATH": str(ROOT)}
    if knowledge_dir is not None:
        env["KNOWLEDGE_DIR"] = str(knowledge_dir)
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    log_dir.mkdir(parents=True, exist_ok=True)
    commands = {
        "actions": [RASA, "run", "actions", "--port", str(actions_port), "--actions", "actions"],
        "rasa": [
            RASA, "run", "--enable-api", "-i", "127.0.0.1", "--port", str(rasa_port),
            "--model", model, "--endpoints", "endpoints.yml", "--credentials", "credentials.yml",
        ],
    }
    processes = []
    try:
        for name, command in commands.items():
            log = open(log_dir / f"{name}-{rasa_port}.log", "w")
            processes.append(
                subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
            )
        client = RasaClient(f"http://127.0.0.1:{rasa_port}")
        _wait(lambda: _actions_healthy(actions_port), "action server", processes)
        _wait(lambda: client.model_loaded() is not None, "Rasa server", processes)
        yield RunningAssistant(client, f"http://127.0.0.1:{actions_port}", processes[1])
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def _service_healthy(url: str) -> bool:
    try:
        return requests.get(f"{url}/api/health", timeout=3).ok
    except requests.RequestException:
        return False


@contextmanager
def web_service(running: RunningAssistant, database_url: str,
                log_dir: Path = ROOT / "var" / "log") -> Iterator[str]:
    """The web service (gunicorn, as in ``make run``) on a free port; yields its base URL."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": database_url,
           "RASA_PORT": running.rasa.base_url.rsplit(":", 1)[1],
           "ACTIONS_PORT": running.actions_url.rsplit(":", 1)[1]}
    subprocess.run([str(SERVICE_BIN / "flask"), "--app", "assistant.app", "db", "upgrade"],
                   cwd=ROOT, env=env, check=True, capture_output=True)
    log_dir.mkdir(parents=True, exist_ok=True)
    with open(log_dir / f"web-{port}.log", "w") as log:
        process = subprocess.Popen(
            [str(SERVICE_BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--worker-class",
             "gthread", "--threads", "8", "assistant.app:create_app()"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(lambda: _service_healthy(url), "web service", [process])
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
