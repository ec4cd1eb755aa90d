"""Smaller hardening: SMTP TLS verification and masked passwords, one generated secret key
for all workers, production defaults, sign-in timing, the console's ``after`` and a time
limit on training commands."""

import ssl
import statistics
import subprocess
import time
from pathlib import Path

import pytest

from assistant.app import create_app
from assistant.chat import conversations
from assistant.extensions import db
from assistant.mail import outbox as mail
from assistant.models import OutboundEmail
from assistant.settings import Settings, local_secret_key
from assistant.training import evaluation
from tests.service.conftest import NO_RASA, make_app
from tests.support.console_helpers import create_user, csrf_token, login
from tests.support.mail_capture import smtp_capture


def app_with(tmp_path, **settings):
    return make_app(f"sqlite:///{tmp_path / 'hardening.db'}", NO_RASA, NO_RASA, **settings)


def queue_one(app):
    with app.app_context():
        chat = conversations.start()
        queued = mail.queue("transcript", "user@example.com", "Your chat", "Hello", chat)
        db.session.commit()
        return queued.id


def outbox(app, email_id):
    with app.app_context():
        return db.session.get(OutboundEmail, email_id)


def self_signed_certificate(folder):
    """A certificate for 127.0.0.1 (and its key) that no system trusts, made by openssl."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


def test_smtp_starttls_verifies_the_server_certificate(tmp_path, monkeypatch):
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    cert, key = self_signed_certificate(tmp_path)
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    with smtp_capture(tls_context=server_tls) as captured:
        app = app_with(tmp_path, smtp_url=f"{captured.url}?starttls=1")
        email_id = queue_one(app)
        with app.app_context():
            assert mail.send_queued() == (0, 1)  # an untrusted certificate: nothing sent
        assert "CERTIFICATE_VERIFY_FAILED" in outbox(app, email_id).last_error
        assert captured.messages == []

        monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # now the certificate is trusted
        with app.app_context():
            assert mail.send_queued() == (1, 0)
        assert captured.wait_for(1)[0]["Subject"] == "Your chat"


def test_the_smtp_password_never_reaches_the_log_or_the_outbox(tmp_path, caplog, capfd):
    app = app_with(tmp_path, smtp_url="smtp://mailer:s3cret-Pa55@")  # no host: refused
    email_id = queue_one(app)
    with app.app_context():
        assert mail.send_queued() == (0, 1)
    logged = caplog.text + "".join(capfd.readouterr())
    stored = outbox(app, email_id).last_error
    assert "mailer:***@" in stored and "mailer:***@" in logged
    assert "s3cret" not in stored and "s3cret" not in logged


def test_workers_starting_together_share_one_generated_secret_key(tmp_path, monkeypatch):
    path = tmp_path / "var" / "secret_key"
    monkeypatch.setattr(Path, "exists", lambda self: False)  # every worker saw no key yet
    keys = {local_secret_key(path) for _ in range(4)}
    assert len(keys) == 1 and len(keys.pop()) == 64
    assert path.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["secret_key"]  # no temporary left


def test_production_requires_a_secret_key_and_secures_cookies_and_hsts(tmp_path, monkeypatch):
    for name in ("SECRET_KEY", "SECURE_COOKIES", "HSTS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'production.db'}")
    monkeypatch.setenv("PRODUCTION", "1")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        Settings.from_env()
    monkeypatch.setenv("SECRET_KEY", "k" * 64)
    settings = Settings.from_env()
    assert settings.secure_cookies and settings.hsts
    response = create_app(settings).test_client().get("/console/login")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Secure" in response.headers["Set-Cookie"]

    monkeypatch.setenv("HSTS", "0")  # explicitly off wins (e.g. HTTPS not ready yet)
    assert not Settings.from_env().hsts
    monkeypatch.delenv("PRODUCTION")  # a local install: plain http works
    local = Settings.from_env()
    assert not local.secure_cookies and not local.hsts
    response = create_app(local).test_client().get("/console/login")
    assert "Strict-Transport-Security" not in response.headers


def test_sign_in_takes_as_long_for_an_unknown_email(tmp_path):
    app = app_with(tmp_path)
    known = create_user(app, "staff")
    client = app.test_client()

    def attempt(email):
        token = csrf_token(client, "/console/login")
        started = time.perf_counter()
        response = client.post("/console/login", data={
            "email": email, "password": "not the password", "csrf_token": token})
        elapsed = time.perf_counter() - started
        assert response.status_code == 200 and "Wrong e-mail or password" in response.text
        return elapsed

    attempt("nobody@bangkok.go.th")  # the first one also makes the stand-in hash
    unknown = statistics.median(attempt("nobody@bangkok.go.th") for _ in range(5))
    existing = statistics.median(attempt(known) for _ in range(5))
    assert unknown > existing / 2, (unknown, existing)


@pytest.mark.parametrize("after", ["²", "abc", "-1", "99999999999999999999"])
def test_console_transcript_after_must_be_a_message_id(tmp_path, after):
    app = app_with(tmp_path)
    staff = app.test_client()
    assert login(staff, create_user(app, "staff")).status_code == 302
    chat = app.test_client().post("/api/conversations").get_json()["id"]
    response = staff.get(f"/console/conversations/{chat}/messages.json?after={after}")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_after"
    assert staff.get(f"/console/conversations/{chat}/messages.json?after=0").status_code == 200


def test_a_training_command_past_its_time_limit_is_killed(tmp_path):
    fake = tmp_path / "rasa"  # hangs, with a child process holding its output open
    fake.write_text(f"#!/bin/sh\necho training\nsleep 30 &\necho $! > {tmp_path}/child\nwait\n")
    fake.chmod(0o755)
    app = app_with(tmp_path, training_timeout_seconds=1.0, training_rasa=str(fake))
    log: list[str] = []
    started = time.monotonic()
    with app.app_context(), pytest.raises(evaluation.EvaluationError, match="timed out after 1 s"):
        evaluation.rasa_command(["train", "--data", "nlu_data"], tmp_path, log.append)
    assert time.monotonic() - started < 10
    assert "training" in log[0]
    child = Path(f"/proc/{(tmp_path / 'child').read_text().strip()}/stat")
    deadline = time.monotonic() + 5
    while child.exists() and child.read_text().split()[2] not in "ZX" \
            and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not child.exists() or child.read_text().split()[2] in "ZX"  # killed too
