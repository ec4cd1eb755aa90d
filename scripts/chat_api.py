"""Minimal client of the service's public chat API (for evaluation and benchmarks)."""

from __future__ import annotations

from typing import Any, Dict

import requests


class ChatApi:
    """The chat API of a running web service at ``base_url``."""

    def __init__(self, base_url: str, timeout: float = 30.0) -> None:
        """Remember where the service is."""
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._session = requests.Session()
        self._tokens: Dict[str, str] = {}

    def start(self) -> str:
        """A new conversation's id (its access token is kept for ``authorization``)."""
        response = self._session.post(f"{self.base_url}/api/conversations", timeout=self.timeout)
        response.raise_for_status()
        started = response.json()
        self._tokens[started["id"]] = started["access_token"]
        return str(started["id"])

    def authorization(self, conversation_id: str) -> Dict[str, str]:
        """The header that reads, exports or erases a conversation this client started."""
        return {"Authorization": f"Bearer {self._tokens[conversation_id]}"}

    def send(self, conversation_id: str, text: str) -> Dict[str, Any]:
        """Send a text message; the API's reply (replies, state, language)."""
        response = self._session.post(
            f"{self.base_url}/api/conversations/{conversation_id}/messages",
            json={"text": text}, timeout=self.timeout)
        response.raise_for_status()
        result: Dict[str, Any] = response.json()
        return result

    def last_message_id(self, conversation_id: str) -> int:
        """Id of the newest bot or staff message (0 when there is none)."""
        response = self._session.get(
            f"{self.base_url}/api/conversations/{conversation_id}/messages",
            params={"after": 0}, headers=self.authorization(conversation_id),
            timeout=self.timeout)
        response.raise_for_status()
        return max((int(reply["id"]) for reply in response.json()["replies"]), default=0)
