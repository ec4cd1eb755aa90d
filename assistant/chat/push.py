"""Wake open event streams as soon as a conversation changes, across workers (Redis pub/sub).

Every commit that adds or changes a message or a conversation publishes the conversation's
id on a Redis channel; an event stream (``/api/conversations/{id}/events``) waits on that
channel instead of sleeping between its database reads, so a staff reply written by one
gunicorn worker (or machine) reaches a widget served by another at once. The database stays
the source of truth: without ``REDIS_URL`` streams simply read it every half second.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Any, Callable, Iterator, Optional

import redis
from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from assistant.models import Conversation, Message

Wait = Callable[[float], None]


def _channel(conversation_id: str) -> str:
    return f"bkk-expat:conversation:{conversation_id}"


class Push:
    """Publishes changes and lets streams wait for them (a no-op without Redis)."""

    def __init__(self, redis_url: str) -> None:
        """Connect lazily to ``redis_url`` ("" for none)."""
        self.redis: Optional[redis.Redis] = redis.Redis.from_url(redis_url) if redis_url else None

    def publish(self, conversation_ids: set[str]) -> None:
        """Tell the streams of these conversations to read again."""
        if self.redis is None:
            return
        try:
            for conversation_id in conversation_ids:
                self.redis.publish(_channel(conversation_id), "changed")
        except redis.RedisError:
            current_app.logger.warning("push: Redis unavailable; streams fall back to polling")

    @contextmanager
    def waiter(self, conversation_id: str) -> Iterator[Wait]:
        """A ``wait(seconds)`` that returns early when the conversation changes."""
        if self.redis is None:
            yield time.sleep
            return
        subscription = self.redis.pubsub(ignore_subscribe_messages=True)
        try:
            subscription.subscribe(_channel(conversation_id))
        except redis.RedisError:
            yield time.sleep
            return
        try:
            yield lambda seconds: subscription.get_message(timeout=seconds) and None
        finally:
            subscription.close()


def push() -> Push:
    """The app's push channel."""
    channel: Push = current_app.extensions["push"]
    return channel


def _collect(session: Session, flush_context: Any, instances: Any) -> None:
    changed = session.info.setdefault("changed_conversations", set())
    for item in list(session.new) + list(session.dirty):
        if isinstance(item, Message):
            changed.add(item.conversation_id or getattr(item.conversation, "id", None))
        elif isinstance(item, Conversation):
            changed.add(item.id)


def _publish(session: Session) -> None:
    changed = session.info.pop("changed_conversations", set())
    if changed and has_app_context() and "push" in current_app.extensions:
        push().publish({c for c in changed if c})


def init_app(app: Flask, redis_url: str) -> None:
    """Give ``app`` its push channel; publish after every commit."""
    app.extensions["push"] = Push(redis_url)
    if not event.contains(Session, "before_flush", _collect):
        event.listen(Session, "before_flush", _collect)
        event.listen(Session, "after_commit", _publish)
