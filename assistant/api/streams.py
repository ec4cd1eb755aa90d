"""The chat's event stream (Server-Sent Events): new bot and staff messages, state changes.

A stream costs no request thread: the web service runs gunicorn's gevent worker (see
``assistant/gunicorn_config.py``), so an open stream is a greenlet that waits on this
process's push registry (``assistant.chat.push``) and reads the database only when its
conversation changed, holding no connection in between. Open streams are capped per client
address and per conversation in each worker process; one more is refused with 429 and
``Retry-After``. A stream ends after ``STREAM_SECONDS``; browsers reconnect by themselves and
send ``Last-Event-ID``, so no message is skipped.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from typing import Iterator, Optional

from flask import Response as FlaskResponse
from flask import current_app, jsonify, request, stream_with_context
from flask_limiter.util import get_remote_address

from assistant.api.access import authorized
from assistant.api.replies import after_id, reply_json
from assistant.chat import conversations
from assistant.chat.push import Wait, push
from assistant.chat.waiting import wait_json
from assistant.extensions import db
from assistant.models import Conversation, State

# A comment line this often: a client that went away is noticed (the write fails) and idle
# proxies keep the stream open.
HEARTBEAT_SECONDS = 15
# Milliseconds a browser waits before it reconnects a stream that ended.
RECONNECT_MILLISECONDS = 3000


class StreamSlots:
    """Counts this process's open streams per client address and per conversation."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._clients: Counter[str] = Counter()
        self._conversations: Counter[str] = Counter()

    def take(self, client: str, conversation_id: str, per_client: int,
             per_conversation: int) -> Optional[str]:
        """Take a slot for a new stream; when either cap is reached, the reason instead."""
        with self._lock:
            if self._clients[client] >= per_client:
                return "Too many open event streams from this address."
            if self._conversations[conversation_id] >= per_conversation:
                return "Too many open event streams for this conversation."
            self._clients[client] += 1
            self._conversations[conversation_id] += 1
            return None

    def give_back(self, client: str, conversation_id: str) -> None:
        """Free the slot of a stream that ended."""
        with self._lock:
            self._clients[client] -= 1
            self._conversations[conversation_id] -= 1
            self._clients += Counter()  # drop the zero counts
            self._conversations += Counter()


def slots() -> StreamSlots:
    """The app's stream counters (one per process)."""
    counters: StreamSlots = current_app.extensions.setdefault("stream_slots", StreamSlots())
    return counters


def events(conversation_id: str) -> FlaskResponse:
    """Server-Sent Events: each new bot or staff message, and state changes, as they come."""
    conversation = authorized(conversation_id, token_in_query=True)
    after = after_id(request.headers.get("Last-Event-ID") or request.args.get("after"))
    state, first = conversation.state, state_event(conversation)
    config = current_app.config
    client, counters = get_remote_address(), slots()
    refused = counters.take(client, conversation.id, config["STREAM_MAX_PER_CLIENT"],
                            config["STREAM_MAX_PER_CONVERSATION"])
    if refused:
        response = jsonify(error={"code": "too_many_streams", "message": refused})
        response.status_code = 429
        response.headers["Retry-After"] = str(round(config["STREAM_SECONDS"]))
        return response
    db.session.close()  # no connection is held while the stream waits

    def stream() -> Iterator[str]:
        with push().watch(conversation.id) as wait:
            yield from _events(conversation.id, after, state, first, wait)

    response = FlaskResponse(
        stream_with_context(stream()),
        mimetype="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
    # The server closes every response, even one whose client left before the first byte.
    response.call_on_close(lambda: counters.give_back(client, conversation.id))
    return response


def state_event(conversation: Conversation) -> str:
    """The chat's state and wait for staff, as one event."""
    data = {"state": conversation.state.value, "wait": wait_json(conversation)}
    return f"event: state\ndata: {json.dumps(data)}\n\n"


def _events(conversation_id: str, last_id: int, state: State, first: str,
            wait: Wait) -> Iterator[str]:
    deadline = time.monotonic() + current_app.config["STREAM_SECONDS"]
    yield f"retry: {RECONNECT_MILLISECONDS}\n\n"
    # The state first: a page that reconnects may have missed a change while it was away.
    yield first
    changed = True  # read once at the start: messages after ``last_id`` may be waiting
    while True:
        if changed:
            for message in conversations.replies_after(conversation_id, last_id):
                last_id = message.id
                yield (f"id: {message.id}\nevent: message\n"
                       f"data: {json.dumps(reply_json(message))}\n\n")
            current = db.session.get(Conversation, conversation_id)
            if current is not None and current.state != state:
                state = current.state
                yield state_event(current)
            db.session.close()  # back to the pool until the next change
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return
        changed = wait(min(HEARTBEAT_SECONDS, remaining))
        if not changed:
            yield ": heartbeat\n\n"
