"""Locust users: mixed English and Thai chats through the public API (loopback only).

Each user starts a conversation, asks a few questions (each carries a unique reference so
the run can check afterwards that every message was stored), sometimes reads the messages
back, then ends the chat, rates it and starts again. Every text the service acknowledged (2xx) is
appended to the file named by ``LOAD_SENT_FILE``; requests still in flight when locust stops
the run are not counted.
"""

import os
import random
import uuid

from locust import HttpUser, between, task

from scripts.load.questions import QUESTIONS

SENT_FILE = os.environ.get("LOAD_SENT_FILE", "var/load-sent.txt")


class ChatUser(HttpUser):
    """One person chatting on the widget."""

    wait_time = between(1, 3)

    def on_start(self) -> None:
        """Open a conversation."""
        self.start_conversation()

    def start_conversation(self) -> None:
        """A new conversation and a new number of questions to ask in it."""
        response = self.client.post("/api/conversations", name="/api/conversations")
        started = response.json() if response.ok else {}
        self.conversation, self.token = started.get("id"), started.get("access_token")
        self.questions_left = random.randint(3, 6)

    @task(6)
    def ask(self) -> None:
        """Ask one question; close and rate after the last one."""
        if not self.conversation:
            self.start_conversation()
            return
        text = f"{random.choice(QUESTIONS)} ref-{uuid.uuid4().hex[:10]}"
        response = self.client.post(f"/api/conversations/{self.conversation}/messages",
                                    json={"text": text}, name="/api/conversations/[id]/messages")
        if response.ok:  # acknowledged: the service promised to have stored it
            with open(SENT_FILE, "a", encoding="utf-8") as sent:
                sent.write(f"{self.conversation}\t{text}\n")
        self.questions_left -= 1
        if self.questions_left <= 0:
            base = f"/api/conversations/{self.conversation}"
            self.client.post(f"{base}/close", name="/api/conversations/[id]/close")
            self.client.post(f"{base}/satisfaction", json={"level": random.choice([5, 5, 4, 4, 3])},
                             name="/api/conversations/[id]/satisfaction")
            self.start_conversation()

    @task(1)
    def read_back(self) -> None:
        """Poll the messages, as a widget without event streams does."""
        if self.conversation:
            self.client.get(f"/api/conversations/{self.conversation}/messages?after=0",
                            headers={"Authorization": f"Bearer {self.token}"},
                            name="/api/conversations/[id]/messages (GET)")
