"""The availability probe's look at the service, from outside, as a user would see it.

One look: ``GET /api/health``, then one real question through the chat API (start a chat,
ask, expect a knowledge answer with article ids). The result is one ``ProbeResult`` row.
The probe's own chat is deleted right after the look (here and in Rasa), so it never counts
in the reports; its requests carry ``X-Probe-Key`` (from ``SECRET_KEY``), which lifts the
per-address rate limits that a look every minute would otherwise exhaust.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Any, Optional

import requests
from flask import current_app
from sqlalchemy import delete

from assistant.extensions import db
from assistant.models import Conversation, Handoff, ProbeResult, conversation_labels
from assistant.rasa import current_rasa
from assistant.records import privacy

QUESTION = "How do I extend my visa?"
HEADER = "X-Probe-Key"
TIMEOUT = 30  # seconds per request; a slower answer counts as none


class Failed(Exception):
    """The look found ``part`` not working (``detail`` says how)."""

    def __init__(self, part: str, detail: str) -> None:
        super().__init__(detail)
        self.part, self.detail = part, detail


def probe_key(secret: str) -> str:
    """The value of ``X-Probe-Key`` that the service accepts from its own probe."""
    return hmac.new(secret.encode(), b"availability-probe", hashlib.sha256).hexdigest()


def look(base_url: str) -> ProbeResult:
    """Look at the service at ``base_url`` once and store the result."""
    session = requests.Session()
    session.headers[HEADER] = probe_key(str(current_app.config["SECRET_KEY"]))
    base = base_url.rstrip("/")
    latency_ms: Optional[int] = None
    failed: Optional[Failed] = None
    failing: list[str] = []
    try:
        failing = _health(session, base)
        latency_ms = _ask(session, base)
    except Failed as found:
        failed = found
    if failing:  # the part the health check names explains a failed answer best
        detail = f"/api/health: failing {', '.join(failing)}"
        failed = Failed(failing[0], f"{detail}; {failed.detail}" if failed else detail)
    result = ProbeResult(ok=failed is None, failed_part=failed.part if failed else None,
                         latency_ms=latency_ms, detail=failed.detail[:300] if failed else None)
    db.session.add(result)
    db.session.commit()
    return result


def _health(session: requests.Session, base: str) -> list[str]:
    """The parts ``/api/health`` names as failing (``web`` when it does not answer)."""
    try:
        response = session.get(f"{base}/api/health", timeout=TIMEOUT)
        return [str(part) for part in response.json()["failing"]]
    except (requests.RequestException, ValueError, KeyError, TypeError) as error:
        raise Failed("web", f"/api/health: {error}") from error


def _ask(session: requests.Session, base: str) -> int:
    """Ask ``QUESTION`` in a new chat; the answer's latency in ms (the chat is deleted)."""
    started = _call(session, "post", f"{base}/api/conversations")
    conversation_id = str(started["id"])
    try:
        began = time.monotonic()
        body = _call(session, "post", f"{base}/api/conversations/{conversation_id}/messages",
                     json={"text": QUESTION})
        latency_ms = round((time.monotonic() - began) * 1000)
    finally:
        forget(conversation_id)
    replies = body.get("replies") or []
    if not any(reply.get("article_ids") for reply in replies):
        said = replies[0].get("text", "") if replies else "no reply"
        raise Failed("answer", f"no knowledge answer ({body.get('state')}): {said}")
    return latency_ms


def _call(session: requests.Session, method: str, url: str, **kwargs: Any) -> dict[str, Any]:
    """One chat API request's JSON body (``web`` failed when there is none)."""
    try:
        response = session.request(method, url, timeout=TIMEOUT, **kwargs)
        response.raise_for_status()
        body = response.json()
    except (requests.RequestException, ValueError) as error:
        raise Failed("web", f"{method.upper()} {url}: {error}") from error
    if not isinstance(body, dict):
        raise Failed("web", f"{method.upper()} {url}: not a JSON object")
    return body


def forget(conversation_id: str) -> None:
    """Delete the probe's chat everywhere: transcript here and in Rasa, then its rows."""
    db.session.rollback()  # start from what the service committed
    conversation = db.session.get(Conversation, conversation_id)
    if conversation is None:
        return
    privacy.erase(conversation, current_rasa())
    db.session.execute(delete(Handoff).where(Handoff.conversation_id == conversation_id))
    db.session.execute(delete(conversation_labels)
                       .where(conversation_labels.c.conversation_id == conversation_id))
    db.session.execute(delete(Conversation).where(Conversation.id == conversation_id))
    db.session.commit()
