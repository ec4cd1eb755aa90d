"""Rate limits (Flask-Limiter) and security headers for every response.

Limits: per client address on the public API, per conversation on its messages, and on
console sign-in attempts (login throttling). They are settings (``RATE_LIMIT_*``); counters
live in memory, or in Redis with ``RATE_LIMIT_STORAGE=redis://...`` when several workers
serve. Behind a reverse proxy, configure it to pass the client address (ProxyFix).

Headers: a strict Content-Security-Policy (only this origin's scripts, styles and forms; no
inline code; no framing), no MIME sniffing, no referrer leaks.
"""

from __future__ import annotations

from flask import Flask, current_app, request
from flask import Response as FlaskResponse
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

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

limiter = Limiter(key_func=get_remote_address)


def client_limit() -> str:
    """Requests per client address to the chat API."""
    return str(current_app.config["RATE_LIMIT_CLIENT"])


def conversation_limit() -> str:
    """Messages per conversation."""
    return str(current_app.config["RATE_LIMIT_CONVERSATION"])


def login_limit() -> str:
    """Sign-in attempts per client address."""
    return str(current_app.config["RATE_LIMIT_LOGIN"])


def conversation_key() -> str:
    """The conversation of the request, for the per-conversation limit."""
    return str((request.view_args or {}).get("conversation_id", ""))


def security_headers(response: FlaskResponse) -> FlaskResponse:
    """Add the headers to every response."""
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def init_app(app: Flask, storage_uri: str) -> None:
    """Bind the limiter (counters in ``storage_uri``) and the headers to ``app``."""
    app.config["RATELIMIT_STORAGE_URI"] = storage_uri
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter.init_app(app)
    app.after_request(security_headers)
