"""Several Rasa servers behind one client: per-conversation affinity with failover.

With Rasa's tracker store in PostgreSQL and its lock store in Redis (the scale-out profile,
``endpoints.scale.yml``), any server can answer any conversation. Each conversation goes to
"its" server first (a stable hash of its id spreads conversations evenly), and to the next
one when that server does not accept connections: a killed or restarting server loses no
message. A server that refused or did not accept in time is tried last for the next
``DOWN_SECONDS``, so an unreachable host costs one connect timeout, not one per message.
With one URL this is exactly one ``RasaClient``.
"""

from __future__ import annotations

import time
import zlib
from typing import Any, Callable, Dict, List, Optional, Sequence, TypeVar

import requests

from common.rasa_client import RasaClient, Reply

Result = TypeVar("Result")
DOWN_SECONDS = 15.0


class RasaPool:
    """The Rasa servers at ``base_urls``, tried in a per-conversation order."""

    def __init__(self, base_urls: Sequence[str], timeout: float = 30.0,
                 auth_token: str = "") -> None:
        """One client per server (all with the same ``--auth-token``; "" for none)."""
        if not base_urls:
            raise ValueError("at least one Rasa server URL is needed")
        self.clients = [RasaClient(url, timeout, auth_token) for url in base_urls]
        self._down_until: Dict[str, float] = {}

    @property
    def base_url(self) -> str:
        """The first server's URL (for messages and tests)."""
        return self.clients[0].base_url

    def _order(self, sender: str) -> List[RasaClient]:
        start = zlib.crc32(sender.encode("utf-8")) % len(self.clients)
        order = self.clients[start:] + self.clients[:start]
        now = time.monotonic()
        return sorted(order, key=lambda c: self._down_until.get(c.base_url, 0.0) > now)

    def _first_answer(self, clients: List[RasaClient],
                      call: Callable[[RasaClient], Result]) -> Result:
        error: Optional[requests.ConnectionError] = None
        for client in clients:
            try:
                return call(client)
            except requests.ConnectionError as refused:  # down: the next one answers
                error = refused
                self._down_until[client.base_url] = time.monotonic() + DOWN_SECONDS
        assert error is not None
        raise error

    def send(self, sender: str, text: str) -> List[Reply]:
        """Send a user message to the conversation's server (the next one if it is down)."""
        return self._first_answer(self._order(sender), lambda c: c.send(sender, text))

    def tracker(self, sender: str, include_events: str = "ALL") -> Dict[str, Any]:
        """The conversation's tracker (shared by all servers)."""
        return self._first_answer(self._order(sender),
                                  lambda c: c.tracker(sender, include_events))

    def replace_events(self, sender: str, events: List[Dict[str, Any]]) -> None:
        """Replace the conversation's tracker events (``[]`` erases them)."""
        self._first_answer(self._order(sender), lambda c: c.replace_events(sender, events))

    def model_loaded(self) -> Optional[str]:
        """The model of the first server that answers, or None if none does."""
        for client in self.clients:
            loaded = client.model_loaded()
            if loaded:
                return loaded
        return None

    def load_model(self, model_file: str) -> None:
        """Load ``model_file`` into every server that answers (at least one must)."""
        loaded = 0
        for client in self.clients:
            try:
                client.load_model(model_file)
                loaded += 1
            except requests.ConnectionError:
                continue
        if not loaded:
            raise requests.ConnectionError("no Rasa server answered")
