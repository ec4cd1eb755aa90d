"""Scripted chat users behind the balancer: each message has its own ``client_id`` and is sent
again (same id) when no answer came back, as the widget does; and an event stream that
reconnects with ``Last-Event-ID`` when it goes silent, as browsers do."""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Optional

import requests

QUESTIONS = {
    "en": ["How do I extend my tourist visa?", "Where can I open a bank account?",
           "Which hospitals have English-speaking doctors?", "How do I get a work permit?"],
    "th": ["ต่อวีซ่าท่องเที่ยวได้ที่ไหนคะ", "เปิดบัญชีธนาคารต้องใช้เอกสารอะไรบ้าง",
           "โรงพยาบาลไหนมีหมอพูดภาษาอังกฤษ", "ขอใบอนุญาตทำงานยังไงครับ"],
}
ATTEMPTS = 4
RESEND_AFTER_SECONDS = 3
REQUEST_TIMEOUT = 60  # the balancer gives up on a silent host after 30 s


@dataclass
class Turn:
    """One message: its id, what it took, and the answer finally received."""

    client_id: str
    text: str
    attempts: int = 0
    status: Optional[int] = None
    replies: list = field(default_factory=list)
    state: str = ""


@dataclass
class ChatUser:
    """A user with one chat, started and continued through ``url`` (the balancer)."""

    url: str
    language: str
    conversation: str = ""
    token: str = ""
    served_by: str = ""
    turns: list[Turn] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def start(self) -> None:
        for _ in range(ATTEMPTS):
            try:
                response = requests.post(f"{self.url}/api/conversations", timeout=REQUEST_TIMEOUT)
                if response.status_code == 201:
                    body = response.json()
                    self.conversation, self.token = body["id"], body["access_token"]
                    self.served_by = response.headers.get("X-Served-By", "")
                    return
                self.errors.append(f"start: {response.status_code}")
            except requests.RequestException as error:
                self.errors.append(f"start: {error}")
            time.sleep(RESEND_AFTER_SECONDS)
        raise RuntimeError(f"no chat started: {self.errors}")

    def say(self, text: str) -> Turn:
        """Send ``text``; sent again with the same id while no answer comes back."""
        turn = Turn(str(uuid.uuid4()), text)
        self.turns.append(turn)
        while turn.attempts < ATTEMPTS:
            turn.attempts += 1
            try:
                response = requests.post(
                    f"{self.url}/api/conversations/{self.conversation}/messages",
                    json={"text": text, "client_id": turn.client_id}, timeout=REQUEST_TIMEOUT)
                turn.status = response.status_code
                if response.status_code == 200:
                    body = response.json()
                    turn.replies, turn.state = body["replies"], body["state"]
                    return turn
                self.errors.append(f"{text!r}: {response.status_code}")
                if response.status_code < 500:
                    return turn
            except requests.RequestException as error:
                self.errors.append(f"{text!r}: {type(error).__name__}")
            time.sleep(RESEND_AFTER_SECONDS)
        return turn

    def chat(self, pause: float) -> None:
        """Every question of the user's language, ``pause`` seconds apart."""
        for text in QUESTIONS[self.language]:
            self.say(text)
            time.sleep(pause)


class ReconnectingStream:
    """The chat's event stream through the balancer, read in a thread; reconnects (with the
    last event's id) when the connection fails or stays silent past the heartbeat."""

    SILENCE_SECONDS = 20  # the service sends a heartbeat every 15 s

    def __init__(self, url: str, user: ChatUser) -> None:
        self.url, self.user = url, user
        self.events: list[dict] = []
        self.connections: list[str] = []  # X-Served-By of each connection
        self.last_id = ""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            headers = {"Authorization": f"Bearer {self.user.token}"}
            if self.last_id:
                headers["Last-Event-ID"] = self.last_id
            try:
                with requests.get(f"{self.url}/api/conversations/{self.user.conversation}"
                                  "/events", headers=headers, stream=True,
                                  timeout=(5, self.SILENCE_SECONDS)) as response:
                    self.connections.append(response.headers.get("X-Served-By", "?"))
                    self._read(response)
            except requests.RequestException:
                time.sleep(1)

    def _read(self, response: requests.Response) -> None:
        kind, data = "message", ""
        for line in response.iter_lines(decode_unicode=True):
            if self._stop.is_set():
                return
            if line.startswith("id:"):
                self.last_id = line[3:].strip()
            elif line.startswith("event:"):
                kind = line[6:].strip()
            elif line.startswith("data:"):
                data += line[5:].strip()
            elif not line and data:
                self.events.append({"event": kind, "data": json.loads(data)})
                kind, data = "message", ""

    def texts(self) -> list[str]:
        """The texts of the messages the stream delivered."""
        return [event["data"].get("text", "") for event in self.events
                if isinstance(event["data"], dict)]

    def close(self) -> None:
        self._stop.set()
