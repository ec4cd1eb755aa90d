"""Talk to a Rasa server over its HTTP API (REST channel, parse, status, tracker).

Pure ``requests`` so that both the Rasa environment (tests, evaluation, benchmark) and the
web service can use it. Bot messages arrive from Rasa's REST channel as a list in which a
reply's ``custom`` payload (our reply metadata) follows the text it belongs to;
``collect_replies`` puts them back together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

import requests

METADATA_KIND = "reply_metadata"
# Seconds to open a connection: on a private network it takes milliseconds, so a server
# that has not accepted by then is unreachable (a host cut off drops packets silently).
CONNECT_SECONDS = 3.0


@dataclass
class Reply:
    """One bot reply: text, quick-reply buttons and the metadata the action attached."""

    text: str = ""
    buttons: List[Dict[str, str]] = field(default_factory=list)
    metadata: Dict[str, Any] = field(default_factory=dict)


def collect_replies(messages: List[Dict[str, Any]]) -> List[Reply]:
    """Merge REST channel messages into replies (metadata joins the text before it)."""
    replies: List[Reply] = []
    for message in messages:
        custom = message.get("custom")
        if isinstance(custom, dict) and custom.get("kind") == METADATA_KIND:
            if not replies:
                replies.append(Reply())
            replies[-1].metadata = custom
            continue
        replies.append(Reply(message.get("text") or "", list(message.get("buttons") or [])))
    return replies


class RasaClient:
    """A Rasa server at ``base_url`` (for example http://127.0.0.1:5005)."""

    def __init__(self, base_url: str, timeout: float = 30.0, auth_token: str = "") -> None:
        """Remember where the server is, how long to wait for it and its API token.

        ``auth_token`` is the server's ``--auth-token`` (``RASA_AUTH_TOKEN``): sent with
        every call of Rasa's HTTP API; the REST channel's webhook needs none.
        """
        self.base_url = base_url.rstrip("/")
        self.timeout = (min(CONNECT_SECONDS, timeout), timeout)  # (connect, read)
        self.auth_token = auth_token
        self._session = requests.Session()

    def _api(self) -> Dict[str, str]:
        """Query parameters that authenticate a call of Rasa's HTTP API."""
        return {"token": self.auth_token} if self.auth_token else {}

    def send(self, sender: str, text: str) -> List[Reply]:
        """Send a user message (text or ``/intent{...}`` payload); return the replies."""
        response = self._session.post(
            f"{self.base_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text},
            timeout=self.timeout,
        )
        response.raise_for_status()
        return collect_replies(response.json())

    def parse(self, text: str) -> Dict[str, Any]:
        """NLU only: intent, ranking and entities for ``text``."""
        response = self._session.post(
            f"{self.base_url}/model/parse", json={"text": text}, params=self._api(),
            timeout=self.timeout,
        )
        response.raise_for_status()
        result: Dict[str, Any] = response.json()
        return result

    def tracker(self, sender: str, include_events: str = "ALL") -> Dict[str, Any]:
        """The conversation's tracker: slots, latest message and (``ALL``, ``NONE``) events."""
        response = self._session.get(
            f"{self.base_url}/conversations/{sender}/tracker",
            params={"include_events": include_events, **self._api()},
            timeout=self.timeout,
        )
        response.raise_for_status()
        result: Dict[str, Any] = response.json()
        return result

    def model_loaded(self) -> Optional[str]:
        """The loaded model's file name, or None if the server is down or has no model."""
        try:
            response = self._session.get(f"{self.base_url}/status", params=self._api(),
                                         timeout=5)
            response.raise_for_status()
        except requests.RequestException:
            return None
        model_file = response.json().get("model_file")
        return str(model_file) if model_file else None

    def load_model(self, model_file: str, timeout: float = 300.0) -> None:
        """Make the running server serve ``model_file`` (``PUT /model``; no restart)."""
        response = self._session.put(f"{self.base_url}/model", json={"model_file": model_file},
                                     params=self._api(), timeout=timeout)
        response.raise_for_status()

    def replace_events(self, sender: str, events: List[Dict[str, Any]]) -> None:
        """Replace a conversation's tracker events (``[]`` erases what Rasa keeps of it)."""
        response = self._session.put(f"{self.base_url}/conversations/{sender}/tracker/events",
                                     json=events, params=self._api(), timeout=self.timeout)
        response.raise_for_status()
