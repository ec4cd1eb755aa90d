"""Four test hosts running the deployment files (``deploy/``): ``lb`` (HAProxy), ``app1`` and
``app2`` (the web, rasa, actions and jobs roles, each under its own supervisord started by
``scripts/supervise.py`` with ``deploy/roles/site.env`` and the role's env file) and ``data``
(PostgreSQL and Redis). The test reaches the hosts from the bridge's address; users go
through the balancer only."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Optional

import requests

from scripts.servers import ROOT, SERVICE_BIN
from scripts.supervise import settings_from
from tests.hosts.data_host import start_data_host, wait_for
from tests.hosts.network import BRIDGE_ADDRESS, SUBNET, Network
from tests.support.training_workspace import small_workspace

HOSTS = {"lb": f"{SUBNET}.2", "app1": f"{SUBNET}.11", "app2": f"{SUBNET}.12",
         "data": f"{SUBNET}.20"}
APP_HOSTS = ("app1", "app2")
ROLES = ("web", "actions", "rasa", "jobs")
LB_PORT = 8080
SMTP_PORT = 2525
RASA_PORT = 5005
ROLE_FILES = ROOT / "deploy" / "roles"
# The test's own settings on top of the deployment's defaults: short rounds so that the
# jobs act within the test, and every user of the test comes from the one address of the
# test's machine, so the per-client limits are raised (the balancer's own behaviour with
# limits is tested in tests/service/test_load_balancer.py).
TEST_SETTINGS = {
    "CLOSER_EVERY": "5", "MAILER_EVERY": "3", "RETENTION_EVERY": "5", "WORKER_EVERY": "1",
    "INACTIVITY_MINUTES": "1", "RETENTION_DAYS": "30",
    "RATE_LIMIT_CLIENT": "100000 per minute", "RATE_LIMIT_CONVERSATION": "100000 per minute",
    "RATE_LIMIT_NEW_CONVERSATION": "100000 per minute", "RATE_LIMIT_STREAM": "100000 per minute",
    "RATE_LIMIT_HANDOFF": "100000 per minute", "RATE_LIMIT_LOGIN": "100000 per minute",
    "STREAM_MAX_PER_CLIENT": "1000", "OFFLINE_HANDOFF": "0",
    # The gate compares the candidate with the accepted model; what is tested here is that
    # an accepted model reaches every host, so any candidate of the small workspace passes.
    "TRAINING_MARGIN": "100",
}


def train_small_model(workspace: Path) -> Path:
    """A model of the small workspace (tests/support/training_workspace.py) in its models/."""
    done = subprocess.run(
        [str(ROOT / ".venv-rasa" / "bin" / "rasa"), "train", "--data", "nlu_data", "--domain",
         "domain.yml", "--config", "config.yml", "--out", "models", "--fixed-model-name",
         "accepted-0"], cwd=workspace, capture_output=True, text=True, timeout=1200,
        env={**os.environ, "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false"},
        check=False)
    if done.returncode != 0:
        raise RuntimeError(f"rasa train failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return workspace / "models" / "accepted-0.tar.gz"


class Cluster:
    """The hosts, their processes and what the test needs to reach them."""

    def __init__(self) -> None:
        self.network = Network(HOSTS)
        self.folder = Path(tempfile.mkdtemp(prefix="bea-hosts-"))
        os.chmod(self.folder, 0o755)  # the data host's PostgreSQL runs as postgres
        self.processes: dict[tuple[str, str], subprocess.Popen] = {}
        self.url = f"http://{HOSTS['lb']}:{LB_PORT}"
        self.database_url = f"postgresql+psycopg://postgres@{HOSTS['data']}:5432/assistant"
        self.smtp_url = f"smtp://{BRIDGE_ADDRESS}:{SMTP_PORT}"

    def workspace(self, host: str) -> Path:
        return self.folder / host / "workspace"

    def settings(self, host: str) -> dict[str, str]:
        """A host's environment: the site values, then the deployment's site.env."""
        site = {
            "PATH": os.environ["PATH"], "HOME": str(self.folder), "LANG": "C.UTF-8",
            "THIS_HOST": HOSTS[host], "DATA_HOST": HOSTS["data"],
            "RASA_URLS": ",".join(f"http://{HOSTS[h]}:{RASA_PORT}" for h in APP_HOSTS),
            "PUBLIC_URL": self.url, "SECRET_KEY": "multi-host-test-secret",
            "MODEL_SERVER_TOKEN": "multi-host-test-model-key", "SMTP_URL": self.smtp_url,
            "TRAINING_ROOT": str(self.workspace(host)), **TEST_SETTINGS,
        }
        return settings_from([ROLE_FILES / "site.env"], base=site)

    def start(self) -> None:
        """The network, the data host, the web role and the balancer, the accepted model,
        then the other roles; returns when every Rasa server has the model."""
        self.network.create()
        for process in start_data_host(self.network, HOSTS["data"], self.folder / "data",
                                       ("assistant", "rasa")):
            self.processes[("data", str(process.pid))] = process
        model = self._prepare_workspaces()
        self.flask("app1", "db", "upgrade")
        self.flask("app1", "canned", "seed", "--once")
        for host in APP_HOSTS:
            self.start_role(host, "web")
        self._start_balancer()
        wait_for(lambda: requests.get(f"{self.url}/api/health?scope=web",
                                      timeout=5).raise_for_status(), "the web role", 120)
        self.flask("app1", "training", "publish", "--once")
        for host in APP_HOSTS:
            for role in ("actions", "rasa", "jobs"):
                self.start_role(host, role)
        for host in APP_HOSTS:
            wait_for(lambda h=host: self._require_model(h, model.name), f"Rasa on {host}", 300)
        wait_for(lambda: requests.get(f"{self.url}/api/health", timeout=10).raise_for_status(),
                 "every part behind the balancer", 180)

    def _prepare_workspaces(self) -> Path:
        """Each app host's own copy of the small workspace; the first model on app1 only."""
        for host in APP_HOSTS:
            self.workspace(host).mkdir(parents=True)
            small_workspace(self.workspace(host))
        model = train_small_model(self.workspace("app1"))
        (self.workspace("app2") / "models").mkdir()
        return model

    def _require_model(self, host: str, name: Optional[str] = None) -> str:
        """The model file name host's Rasa serves (``name`` or any); raises until then."""
        status = requests.get(f"http://{HOSTS[host]}:{RASA_PORT}/status", timeout=5).json()
        loaded = Path(status.get("model_file") or "").name
        if not loaded or (name and loaded != name):
            raise RuntimeError(f"{host} serves {loaded or 'no model'}")
        return loaded

    def model_of(self, host: str) -> Optional[str]:
        """The model file name that host's Rasa serves, or None if it does not answer."""
        try:
            return self._require_model(host)
        except (requests.RequestException, RuntimeError, ValueError):
            return None

    def flask(self, host: str, *args: str) -> str:
        """A ``flask`` command of the service, run on ``host`` with its settings."""
        return self.network.run(host, [str(SERVICE_BIN / "flask"), "--app", "assistant.app",
                                       *args], self.settings(host), cwd=str(ROOT))

    def start_role(self, host: str, role: str) -> None:
        """One role of a host: its supervisord with the deployment's files."""
        base = self.folder / host / role
        base.mkdir(parents=True, exist_ok=True)
        argv = [str(SERVICE_BIN / "python"), "-m", "scripts.supervise",
                str(ROLE_FILES / f"{role}.Procfile"), "--env-file", str(ROLE_FILES / "site.env"),
                "--env-file", str(ROLE_FILES / f"{role}.env"), "--run-dir", str(base / "run"),
                "--log-dir", str(base / "log")]
        self.processes[(host, role)] = self.network.start(
            host, argv, self.settings(host), str(base / "supervise.log"), cwd=str(ROOT))

    def _start_balancer(self) -> None:
        env = {"PATH": os.environ["PATH"], "LB_BIND": f"{HOSTS['lb']}:{LB_PORT}",
               "WEB_1": f"{HOSTS['app1']}:8000", "WEB_2": f"{HOSTS['app2']}:8000"}
        self.processes[("lb", "haproxy")] = self.network.start(
            "lb", [shutil.which("haproxy") or "haproxy", "-db", "-f",
                   str(ROOT / "deploy" / "haproxy.cfg")], env,
            str(self.folder / "haproxy.log"))

    def logs(self, host: str, role: str) -> str:
        """Everything the role's processes wrote."""
        return "".join(path.read_text("utf-8", "replace")
                       for path in sorted((self.folder / host / role / "log").glob("*.log")))

    def stop(self) -> None:
        """Every process (supervisord stops its programs on SIGTERM), then the network."""
        for process in reversed(list(self.processes.values())):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 40
        for process in self.processes.values():
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        self.network.remove()
        if not os.environ.get("KEEP_TEST_HOSTS"):
            shutil.rmtree(self.folder, ignore_errors=True)
