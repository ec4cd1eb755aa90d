"""Wake open event streams as soon as a conversation changes, across processes.

Every commit that adds or changes a message or a conversation publishes the conversation's
id: to the streams of this process at once, and on Redis (``REDIS_URL``) to the other web
workers and hosts. Each web process has one ``Watchers`` registry shared by all its streams,
fed by one Redis listener and one database poller (``STREAM_POLL_SECONDS``) that read the
watched conversations for changes made where no push reaches (a process without Redis, a
message lost while Redis restarted). A stream therefore holds no connection of its own while
it waits: no database connection, no Redis subscription, and under the gevent worker no
thread. The database stays the source of truth; a wake-up only says "read again".
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from typing import Any, Callable, Dict, Iterator, Optional, Set, Tuple

import redis
from flask import Flask, current_app, has_app_context
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from assistant.extensions import db, redis_pool
from assistant.models import Conversation, Message, Sender

CHANNEL_PREFIX = "bkk-expat:conversation:"
# Seconds before a Redis listener that lost its connection tries again.
REDIS_RETRY_SECONDS = 2.0
# Conversation ids per poller query (bound parameters stay well under every limit).
POLL_BATCH = 500

Wait = Callable[[float], bool]
Snapshot = Tuple[str, Optional[int]]


class Watchers:
    """Which conversations this process's streams wait on; wakes them on a change."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._events: Dict[str, Set[threading.Event]] = {}

    @contextmanager
    def watch(self, conversation_id: str) -> Iterator[Wait]:
        """A ``wait(seconds)`` that returns True as soon as the conversation changed.

        A change between two waits is not lost: the flag stays set until the next wait.
        """
        flag = threading.Event()
        with self._lock:
            self._events.setdefault(conversation_id, set()).add(flag)

        def wait(seconds: float) -> bool:
            changed = flag.wait(seconds)
            flag.clear()
            return changed

        try:
            yield wait
        finally:
            with self._lock:
                flags = self._events.get(conversation_id, set())
                flags.discard(flag)
                if not flags:
                    self._events.pop(conversation_id, None)

    def notify(self, conversation_ids: Set[str]) -> None:
        """Wake every stream of these conversations."""
        with self._lock:
            flags = [flag for c in conversation_ids for flag in self._events.get(c, ())]
        for flag in flags:
            flag.set()

    def watched(self) -> list[str]:
        """The conversations at least one stream waits on."""
        with self._lock:
            return list(self._events)


class Push:
    """Publishes changes; feeds this process's ``Watchers`` from Redis and the database."""

    def __init__(self, app: Flask, redis_url: str, poll_seconds: float) -> None:
        """Connect lazily to ``redis_url`` ("" for none); poll every ``poll_seconds``."""
        self.app = app
        self.redis: Optional[redis.Redis] = (
            redis.Redis(connection_pool=redis_pool(redis_url)) if redis_url else None)
        self.poll_seconds = poll_seconds
        self.watchers = Watchers()
        self._started = False
        self._start_lock = threading.Lock()

    def publish(self, conversation_ids: Set[str]) -> None:
        """Tell every stream of these conversations, here and elsewhere, to read again."""
        self.watchers.notify(conversation_ids)
        if self.redis is None:
            return
        try:
            for conversation_id in conversation_ids:
                self.redis.publish(CHANNEL_PREFIX + conversation_id, "changed")
        except redis.RedisError:
            current_app.logger.warning("push: Redis unavailable; other workers' streams "
                                       "see this change at their next database poll")

    @contextmanager
    def watch(self, conversation_id: str) -> Iterator[Wait]:
        """``Watchers.watch`` after starting this process's listener and poller once."""
        self._start()
        with self.watchers.watch(conversation_id) as wait:
            yield wait

    def _start(self) -> None:
        with self._start_lock:
            if self._started:
                return
            self._started = True
        threading.Thread(target=self._poll, name="push-poller", daemon=True).start()
        if self.redis is not None:
            threading.Thread(target=self._listen, name="push-listener", daemon=True).start()

    def _listen(self) -> None:
        """Wake streams for every change published on Redis, reconnecting after errors."""
        assert self.redis is not None
        while True:
            subscription = self.redis.pubsub(ignore_subscribe_messages=True)
            try:
                subscription.psubscribe(CHANNEL_PREFIX + "*")
                for message in subscription.listen():
                    channel = message["channel"].decode("utf-8", "replace")
                    self.watchers.notify({channel.removeprefix(CHANNEL_PREFIX)})
            except redis.RedisError as error:
                self.app.logger.warning("push: Redis listener lost its connection (%s); "
                                        "retrying in %s s", error, REDIS_RETRY_SECONDS)
            finally:
                subscription.close()
            time.sleep(REDIS_RETRY_SECONDS)

    def _poll(self) -> None:
        """Every ``poll_seconds``, wake the streams of watched conversations that changed."""
        seen: Dict[str, Snapshot] = {}
        while True:
            time.sleep(self.poll_seconds)
            watched = self.watchers.watched()
            try:
                with self.app.app_context():
                    current = _snapshots(watched)
            except Exception:  # noqa: BLE001 - the database may be away; try again later
                self.app.logger.exception("push: could not read the watched conversations")
                continue
            # A conversation seen for the first time may have changed since its stream read
            # it: wake it too (one read more, never a change missed).
            changed = {c for c, snapshot in current.items() if seen.get(c) != snapshot}
            seen = current
            if changed:
                self.watchers.notify(changed)


def _snapshots(conversation_ids: list[str]) -> Dict[str, Snapshot]:
    """State and latest bot or staff message id of each conversation."""
    snapshots: Dict[str, Snapshot] = {}
    try:
        for start in range(0, len(conversation_ids), POLL_BATCH):
            batch = conversation_ids[start:start + POLL_BATCH]
            latest = (select(func.max(Message.id)).where(
                Message.conversation_id == Conversation.id, Message.sender != Sender.USER)
                .scalar_subquery())
            rows = db.session.execute(select(Conversation.id, Conversation.state, latest)
                                      .where(Conversation.id.in_(batch)))
            snapshots.update((row[0], (row[1].value, row[2])) for row in rows)
    finally:
        db.session.remove()
    return snapshots


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


def init_app(app: Flask, redis_url: str, poll_seconds: float) -> None:
    """Give ``app`` its push channel; publish after every commit."""
    app.extensions["push"] = Push(app, redis_url, poll_seconds)
    if not event.contains(Session, "before_flush", _collect):
        event.listen(Session, "before_flush", _collect)
        event.listen(Session, "after_commit", _publish)
