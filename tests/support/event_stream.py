"""Chats started through the API and their event streams, read as the widget reads them."""

import queue
import threading

import requests


def new_chat(url, session=requests):
    """A chat started through the API: (its id, its access token)."""
    started = session.post(f"{url}/api/conversations", timeout=10).json()
    return started["id"], started["access_token"]


class OpenStream:
    """The event stream of ``chat`` (its id and access token) at the service ``url``.

    ``session`` sends the request (default: a new connection, as ``requests.get``)."""

    def __init__(self, url, chat, headers=None, session=requests):
        conversation, token = chat
        self.lines: queue.Queue[str] = queue.Queue()
        self.response = session.get(f"{url}/api/conversations/{conversation}/events",
                                    params={"access_token": token}, headers=headers,
                                    stream=True, timeout=60)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        try:
            for line in self.response.iter_lines(decode_unicode=True):
                self.lines.put(line)
        except requests.RequestException:
            pass

    def next_data(self, event, timeout=10.0):
        """The data line of the next ``event:`` of this kind."""
        wanted = False
        while True:
            line = self.lines.get(timeout=timeout)
            if line == f"event: {event}":
                wanted = True
            elif wanted and line.startswith("data: "):
                return line[len("data: "):]

    def close(self):
        self.response.close()
