"""Rate limits (Flask-Limiter) and security headers for every response.

Limits: per client address on the public API and on the conversations it starts, per
conversation on its messages, per client address on event streams and on requests for staff
(``handoff_allowed``, counted when a reply of the bot would start a new wait), and on console
sign-in attempts per address and per account (login throttling). They are settings
(``RATE_LIMIT_*``); counters live in memory, or in Redis with
``RATE_LIMIT_STORAGE=redis://...`` when several workers serve. Behind reverse proxies,
``TRUSTED_PROXIES`` (how many) makes the client address the one in their
``X-Forwarded-For`` (Werkzeug's ProxyFix, in the app factory). The availability probe's
requests (``X-Probe-Key``, see ``assistant.chat.probe``) have none of these limits.

Headers: a strict Content-Security-Policy (only this origin's scripts, styles and forms; no
inline code; no framing), no MIME sniffing, no referrer leaks; with ``HSTS=1`` (on in
production) Strict-Transport-Security.
"""

from __future__ import annotations

import hmac

from flask import Flask, current_app, request
from flask import Response as FlaskResponse
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse

from assistant.chat.probe import HEADER, probe_key
from assistant.extensions import redis_pool

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

HSTS = "max-age=31536000; includeSubDomains"  # one year, as browsers' preload lists expect

limiter = Limiter(key_func=get_remote_address)


def client_limit() -> str:
    """Requests per client address to the chat API."""
    return str(current_app.config["RATE_LIMIT_CLIENT"])


def new_conversation_limit() -> str:
    """New conversations per client address (each could carry a rating)."""
    return str(current_app.config["RATE_LIMIT_NEW_CONVERSATION"])


def conversation_limit() -> str:
    """Messages per conversation."""
    return str(current_app.config["RATE_LIMIT_CONVERSATION"])


def login_limit() -> str:
    """Sign-in attempts per client address, and per account."""
    return str(current_app.config["RATE_LIMIT_LOGIN"])


def stream_limit() -> str:
    """Event streams per client address (each one holds a worker thread while it lasts)."""
    return str(current_app.config["RATE_LIMIT_STREAM"])


def handoff_limit() -> str:
    """Requests for staff (new waits) per client address."""
    return str(current_app.config["RATE_LIMIT_HANDOFF"])


def handoff_allowed() -> bool:
    """Count a new wait for staff of the request's client address; False once over the limit.

    The chat API hands it to the chat core, which asks only when a wait would start. The
    availability probe's chat never waits for staff (nobody should be called to it).
    """
    if from_probe():
        return False
    return limiter.limiter.hit(parse(handoff_limit()), "handoff", get_remote_address())


@limiter.request_filter
def from_probe() -> bool:
    """The request comes from the service's own availability probe: no rate limit for it."""
    sent = request.headers.get(HEADER)
    return sent is not None and hmac.compare_digest(
        sent, probe_key(str(current_app.config["SECRET_KEY"])))


def login_account_key() -> str:
    """The account a sign-in attempt is for, whichever address it comes from."""
    return "account:" + str(request.form.get("email", "")).strip().lower()


def conversation_key() -> str:
    """The conversation of the request, for the per-conversation limit."""
    return str((request.view_args or {}).get("conversation_id", ""))


def security_headers(response: FlaskResponse) -> FlaskResponse:
    """Add the headers to every response."""
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if current_app.config.get("HSTS"):
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app: Flask, storage_uri: str) -> None:
    """Bind the limiter (counters in ``storage_uri``) and the headers to ``app``."""
    app.config["RATELIMIT_STORAGE_URI"] = storage_uri
    if storage_uri.startswith(("redis://", "rediss://")):
        app.config["RATELIMIT_STORAGE_OPTIONS"] = {"connection_pool": redis_pool(storage_uri)}
    # Counters move to memory while their store is unreachable, instead of failing requests.
    app.config["RATELIMIT_IN_MEMORY_FALLBACK_ENABLED"] = True
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter.init_app(app)
    app.after_request(security_headers)
