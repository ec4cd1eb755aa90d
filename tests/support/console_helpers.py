"""Helpers for console tests: accounts and logged-in test clients."""

import re
import uuid

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
PASSWORD = "correct horse battery"


def create_user(app, role="staff", name="Somchai"):
    """A new account made through the real CLI command; returns its e-mail."""
    email = f"{role}-{uuid.uuid4().hex[:8]}@bangkok.go.th"
    result = app.test_cli_runner().invoke(
        args=["users", "create", "--email", email, "--name", name, "--role", role],
        input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    return email


def csrf_token(client, path):
    """The CSRF token of the form on ``path``."""
    html = client.get(path).get_data(as_text=True)
    match = CSRF.search(html)
    assert match, f"no csrf token on {path}"
    return match.group(1) or match.group(2)


def login(client, email, password=PASSWORD):
    token = csrf_token(client, "/console/login")
    return client.post("/console/login", data={"email": email, "password": password,
                                               "csrf_token": token})


def signed_in_client(app, role="staff", name="Somchai"):
    """A test client signed in as a new user with ``role`` (a visitor's for None)."""
    client = app.test_client()
    if role:
        assert login(client, create_user(app, role, name=name)).status_code == 302
    return client
