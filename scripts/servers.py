"""Start Rasa and the action server as child processes, for tests, evaluation and benchmarks."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional

import requests

from common.rasa_client import RasaClient
from scripts.model_file_server import model_file_server, newest_model

ROOT = Path(__file__).resolve().parent.parent
RASA = str(ROOT / ".venv-rasa" / "bin" / "rasa")
SERVICE_BIN = ROOT / ".venv" / "bin"
STARTUP_SECONDS = 240


@dataclass
class RunningAssistant:
    """Clients for the started Rasa servers (the first is ``rasa``) and the action server."""

    rasa: RasaClient
    actions_url: str
    rasa_process: subprocess.Popen[bytes]
    rasa_clients: List[RasaClient] = field(default_factory=list)
    rasa_processes: List[subprocess.Popen[bytes]] = field(default_factory=list)
    restart: Optional[Callable[[int], subprocess.Popen[bytes]]] = None

    @property
    def rasa_urls(self) -> str:
        """All Rasa servers, comma-separated (``RASA_URLS``)."""
        return ",".join(client.base_url for client in self.rasa_clients or [self.rasa])


# Ports of ``SERVER_PORTS`` already handed out by ``free_port`` in this process.
_GIVEN: set[int] = set()


def _bind(port: int) -> Optional[int]:
    """``port`` (0: any) if nobody listens on it right now, else None."""
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return None
        return int(sock.getsockname()[1])


def free_port() -> int:
    """A TCP port nobody listens on right now.

    Any free port, or with ``SERVER_PORTS=FIRST-LAST`` in the environment the first free one
    of that range not handed out before (for machines where only some ports may be used).
    """
    span = os.environ.get("SERVER_PORTS")
    if not span:
        port = _bind(0)
        assert port is not None  # the system picks one
        return port
    first, last = (int(end) for end in span.split("-"))
    port = next((port for port in range(first, last + 1)
                 if port not in _GIVEN and _bind(port)), None)
    if port is None:
        raise RuntimeError(f"no free port left in SERVER_PORTS={span}")
    _GIVEN.add(port)
    return port


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


# A fresh Rasa server's first turn builds its models' graphs and the action server's first
# answer loads the knowledge base: on a busy 2-core machine that can take longer than the
# service's Rasa timeout (10 s). Callers that time or judge real answers warm them first.
WARM_UP_SECONDS = 120


def warm_up(client: RasaClient) -> None:
    """One full turn (NLU, policies, an answer from the action server) as a throwaway user."""
    response = requests.post(f"{client.base_url}/webhooks/rest/webhook", timeout=WARM_UP_SECONDS,
                             json={"sender": "warm-up", "message": "How do I extend my visa?"})
    response.raise_for_status()


def _actions_healthy(port: int) -> bool:
    try:
        return requests.get(f"http://127.0.0.1:{port}/health", timeout=2).ok
    except requests.RequestException:
        return False


@contextmanager
def assistant_servers(
    model: str = "models", log_dir: Path = ROOT / "var" / "log",
    knowledge_dir: Optional[Path] = None, rasa_servers: int = 1,
    endpoints: str = "endpoints.yml", extra_env: Optional[Dict[str, str]] = None,
) -> Iterator[RunningAssistant]:
    """Rasa servers (with the latest model in ``model``) and the action server on free ports.

    The action server reads its articles from ``knowledge_dir`` when given. Several Rasa
    servers need an ``endpoints`` file with a shared tracker store and lock store
    (``endpoints.scale.yml``); ``extra_env`` fills its variables. As in the Procfile, the
    action server listens on ``ACTIONS_HOST`` (default 127.0.0.1) and Rasa's HTTP API
    needs ``RASA_AUTH_TOKEN`` when that is set (in the environment or ``extra_env``). An
    ``endpoints`` file whose Rasa pulls its model (``endpoints.scale.yml``) pulls it from
    ``MODEL_SERVER_URL``, or else from a stand-in serving the latest model in ``model``.
    """
    rasa_ports, actions_port = [free_port() for _ in range(rasa_servers)], free_port()
    env = {**os.environ, "ACTIONS_PORT": str(actions_port), "PYTHONPATH": str(ROOT),
           "ACTIONS_URL": f"http://127.0.0.1:{actions_port}", **(extra_env or {})}
    if knowledge_dir is not None:
        env["KNOWLEDGE_DIR"] = str(knowledge_dir)
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env["SANIC_HOST"] = env.get("ACTIONS_HOST") or "127.0.0.1"  # rasa-sdk's bind address
    auth_token = env.get("RASA_AUTH_TOKEN", "")
    log_dir.mkdir(parents=True, exist_ok=True)

    def start(name: str, command: List[str]) -> subprocess.Popen[bytes]:
        log = open(log_dir / f"{name}.log", "a")
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log,
                                stderr=subprocess.STDOUT)

    def rasa_command(port: int) -> List[str]:
        token = ["--auth-token", auth_token] if auth_token else []
        return [RASA, "run", "--enable-api", "-i", "127.0.0.1", "--port", str(port), *token,
                "--model", model, "--endpoints", endpoints, "--credentials", "credentials.yml"]

    stand_in = ExitStack()
    if "MODEL_SERVER_URL" not in env and _pulls_model(endpoints):
        served = ROOT / model
        env["MODEL_SERVER_URL"] = stand_in.enter_context(model_file_server(
            served if served.is_file() else newest_model(served), free_port()))
        env.setdefault("MODEL_SERVER_TOKEN", "")
    processes = [start(f"actions-{actions_port}", [
        RASA, "run", "actions", "--port", str(actions_port), "--actions", "actions"])]
    running: Optional[RunningAssistant] = None
    try:
        rasa_processes = [start(f"rasa-{port}", rasa_command(port)) for port in rasa_ports]
        processes += rasa_processes
        clients = [RasaClient(f"http://127.0.0.1:{port}", auth_token=auth_token)
                   for port in rasa_ports]
        _wait(lambda: _actions_healthy(actions_port), "action server", processes)
        _wait(lambda: all(client.model_loaded() is not None for client in clients),
              "Rasa servers", processes)
        for client in clients:
            warm_up(client)

        def restart(index: int) -> subprocess.Popen[bytes]:
            """Start Rasa server ``index`` again (after it was killed); wait until ready."""
            process = start(f"rasa-{rasa_ports[index]}", rasa_command(rasa_ports[index]))
            running.rasa_processes[index] = process  # type: ignore[union-attr]
            processes.append(process)
            _wait(lambda: clients[index].model_loaded() is not None, "Rasa server", [process])
            warm_up(clients[index])
            return process

        running = RunningAssistant(clients[0], f"http://127.0.0.1:{actions_port}",
                                   rasa_processes[0], clients, rasa_processes, restart)
        yield running
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        stand_in.close()


def _pulls_model(endpoints: str) -> bool:
    """The endpoints file has Rasa pull its model from ``MODEL_SERVER_URL``."""
    return "${MODEL_SERVER_URL}" in (ROOT / endpoints).read_text(encoding="utf-8")


def scale_profile_env(rasa_database: str) -> tuple[Dict[str, str], Dict[str, str]]:
    """Environments of the Rasa servers and the web service in the scale-out profile.

    As ``make run-scale`` sets them: trackers in PostgreSQL ``rasa_database``, Redis for the
    lock store, the push channel and the rate-limit counters. The service gets the same
    ``RASA_DB_*`` (its erasure deletes a chat's rows from Rasa's tracker database).
    """
    tracker_db = {"RASA_DB_HOST": "127.0.0.1", "RASA_DB_PORT": "5432",
                  "RASA_DB_NAME": rasa_database, "RASA_DB_USER": "postgres",
                  "RASA_DB_PASSWORD": ""}
    rasa = {**tracker_db, "REDIS_HOST": "127.0.0.1", "REDIS_PORT": "6379",
            "REDIS_LOCK_DB": "1"}
    service = {**tracker_db, "REDIS_URL": "redis://127.0.0.1:6379/0",
               "RATE_LIMIT_STORAGE": "redis://127.0.0.1:6379/2"}
    return rasa, service


def service_healthy(url: str) -> bool:
    """Whether the web service at ``url`` answers its health check with 200."""
    try:
        return requests.get(f"{url}/api/health", timeout=3).ok
    except requests.RequestException:
        return False


# Measurements send more requests from one address, and into one conversation, than the
# service's rate limits allow a user: they run the service with these limits instead.
MEASUREMENT_RATE_LIMITS = {"RATE_LIMIT_CLIENT": "1000000 per minute",
                           "RATE_LIMIT_CONVERSATION": "1000000 per minute",
                           "RATE_LIMIT_NEW_CONVERSATION": "1000000 per minute",
                           "RATE_LIMIT_STREAM": "1000000 per minute",
                           "RATE_LIMIT_HANDOFF": "1000000 per minute"}


@contextmanager
def web_service(running: RunningAssistant, database_url: str,
                log_dir: Path = ROOT / "var" / "log", workers: int = 1,
                extra_env: Optional[Dict[str, str]] = None) -> Iterator[str]:
    """The web service (gunicorn, as in ``make run``) on a free port; yields its base URL."""
    env = {"RASA_URLS": running.rasa_urls, "RASA_AUTH_TOKEN": running.rasa.auth_token,
           "ACTIONS_URL": running.actions_url, **(extra_env or {})}
    with gunicorn_service(database_url, env, log_dir, workers) as url:
        yield url


@contextmanager
def gunicorn_service(database_url: str, extra_env: Dict[str, str],
                     log_dir: Path = ROOT / "var" / "log", workers: int = 1,
                     ready: Callable[[str], bool] = service_healthy,
                     port: Optional[int] = None) -> Iterator[str]:
    """The web service under gunicorn with its production settings, on a migrated database.

    ``ready(url)`` says when it serves (default: ``/api/health`` answers 200). It listens on
    ``port`` (default: a free one); the same port again starts it where it was.
    """
    port = port or free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": database_url, **extra_env}
    subprocess.run([str(SERVICE_BIN / "flask"), "--app", "assistant.app", "db", "upgrade"],
                   cwd=ROOT, env=env, check=True, capture_output=True)
    log_dir.mkdir(parents=True, exist_ok=True)
    with open(log_dir / f"web-{port}.log", "w") as log:
        process = subprocess.Popen(
            [str(SERVICE_BIN / "gunicorn"), "--config", "python:assistant.gunicorn_config",
             "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
             "assistant.app:create_app()"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(lambda: ready(url), "web service", [process])
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
