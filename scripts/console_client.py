"""Minimal client of the staff console over HTTP (login with CSRF, take over, reply)."""

from __future__ import annotations

import os
import re
import subprocess

import requests

from scripts.servers import ROOT, SERVICE_BIN

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def create_account(database_url: str, email: str, password: str, role: str = "staff") -> None:
    """A console account in ``database_url``, made with the real ``flask users create``."""
    subprocess.run(
        [str(SERVICE_BIN / "flask"), "--app", "assistant.app", "users", "create",
         "--email", email, "--name", "Benchmark", "--role", role],
        input=f"{password}\n{password}\n", text=True, cwd=ROOT, check=True,
        capture_output=True, env={**os.environ, "PYTHONPATH": str(ROOT),
                                  "DATABASE_URL": database_url})


class ConsoleClient:
    """A logged-in staff member of a running web service at ``base_url``."""

    def __init__(self, base_url: str, email: str, password: str, timeout: float = 30.0,
                 home: str = "/console/") -> None:
        """Log in through the console's login form; keep the CSRF token of ``home``.

        ``home`` is a console page the account's role may open.
        """
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._session = requests.Session()
        self._token = self._csrf_token("/console/login")
        response = self._post("/console/login", {"email": email, "password": password})
        if response.is_redirect is False or "/login" in response.headers.get("Location", ""):
            raise RuntimeError(f"console login refused for {email}")
        self._token = self._csrf_token(home)
        # Which host signed them in, behind a load balancer that says (X-Served-By).
        self.served_by = response.headers.get("X-Served-By", "")

    def _csrf_token(self, form_page: str) -> str:
        page = self._session.get(self.base_url + form_page, timeout=self.timeout)
        page.raise_for_status()
        match = _CSRF.search(page.text)
        if match is None:
            raise RuntimeError(f"no CSRF token on {form_page}")
        return match.group(1) or match.group(2)

    def _post(self, path: str, data: dict[str, str]) -> requests.Response:
        response = self._session.post(self.base_url + path, timeout=self.timeout,
                                      allow_redirects=False,
                                      data={**data, "csrf_token": self._token})
        response.raise_for_status()
        return response

    def take_over(self, conversation_id: str) -> None:
        """Take the conversation from the queue or the bot."""
        self._post(f"/console/conversations/{conversation_id}/take", {})

    def reply(self, conversation_id: str, text: str) -> None:
        """Send ``text`` to the user (the conversation must be taken over)."""
        self._post(f"/console/conversations/{conversation_id}/reply", {"text": text})

    def start_training(self) -> int:
        """Queue a training run (Console > Training); its id."""
        self._token = self._csrf_token("/console/training/runs")
        location = self._post("/console/training/runs", {}).headers["Location"]
        found = re.search(r"/runs/(\d+)$", location)
        if found is None:
            raise RuntimeError(f"no training run started: redirected to {location}")
        return int(found.group(1))
