"""Routes of the public chat API; the OpenAPI document describes them."""

from __future__ import annotations

import json
import time
from typing import Any, Dict, Iterator, Optional, Tuple

import requests
from flask import Blueprint, current_app, jsonify, request, stream_with_context
from flask import Response as FlaskResponse
from sqlalchemy import text
from werkzeug.exceptions import HTTPException

from assistant.api.openapi import spec
from assistant.chat import conversations, feedback, messages
from assistant.chat.errors import ConversationError
from assistant.chat.push import Wait, push
from assistant.extensions import db
from assistant.limits import max_text_length
from assistant.models import MAX_MESSAGE_ID, Conversation, Message, State, parse_id
from assistant.rasa import current_rasa
from assistant.records import privacy
from assistant.web.security import (
    client_limit,
    conversation_key,
    conversation_limit,
    handoff_allowed,
    limiter,
    new_conversation_limit,
    stream_limit,
)

blueprint = Blueprint("api", __name__, url_prefix="/api")
# Per client address; monitors and tools read /health and /openapi.json as often as they like
# (``limiter.exempt`` on those views does not lift a limit set on their blueprint).
limiter.limit(client_limit, exempt_when=lambda: request.endpoint in {
    "api.health", "api.openapi"})(blueprint)
Response = Tuple[Any, int]
POLL_SECONDS = 0.5
# Message ids are JSON numbers; one beyond a 64-bit integer is a client's mistake.
LARGEST_AFTER = 2**63 - 1
# A comment line this often: a client that went away is noticed (the write fails) and idle
# proxies keep the stream open.
HEARTBEAT_SECONDS = 5


def reply_json(message: Message) -> Dict[str, Any]:
    """A stored bot or staff message as the API shows it (``feedback``: the user's vote)."""
    vote = message.feedback
    return {
        "id": message.id,
        "sender": message.sender.value,
        "text": message.text,
        "buttons": message.buttons or [],
        "intent": message.intent,
        "topic": message.topic,
        "sources": message.sources or [],
        "article_ids": [str(article) for article in message.article_ids or []],
        "passage_id": message.passage_id,
        "feedback": None if vote is None else vote.helpful,
    }


def conversation_reply(conversation: Conversation, replies: list[Message]) -> Dict[str, Any]:
    """Replies plus the conversation's state and language."""
    return {"replies": [reply_json(m) for m in replies], "state": conversation.state.value,
            "language": conversation.language}


def after_id(raw: Optional[str]) -> int:
    """The message id given as ``after`` (0 if none), or a 400 error."""
    raw = raw or "0"
    if not (raw.isascii() and raw.isdigit()) or int(raw) > LARGEST_AFTER:
        raise ConversationError(400, "invalid_after", "after must be a message id.")
    return min(int(raw), MAX_MESSAGE_ID)  # beyond the last possible id: nothing after it


def without_nul(value: Any) -> Any:
    """A string without NUL characters (PostgreSQL cannot store them); others unchanged."""
    return value.replace("\x00", "") if isinstance(value, str) else value


def json_body() -> Dict[str, Any]:
    """The request's JSON object, or a 400 error."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ConversationError(400, "invalid_json", "The body must be a JSON object.")
    return body


@blueprint.after_request
def allow_any_origin(response: FlaskResponse) -> FlaskResponse:
    """The widget may be embedded on any site; the API uses no cookies, so ``*`` is safe."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Headers"] = "Content-Type, Last-Event-ID"
    response.headers["Access-Control-Allow-Methods"] = "GET, POST, DELETE, OPTIONS"
    return response


@blueprint.url_value_preprocessor
def refuse_impossible_ids(endpoint: Optional[str], values: Optional[Dict[str, Any]]) -> None:
    """Ids that no row can have are unknown, without a query the database would refuse."""
    values = values or {}
    if "\x00" in values.get("conversation_id", ""):
        raise ConversationError(404, "unknown_conversation", "No conversation with this id.")
    if parse_id(values.get("message_id", "0")) is None:
        raise ConversationError(404, "unknown_message", "No such message in this conversation.")


@blueprint.errorhandler(ConversationError)
def conversation_error(error: ConversationError) -> Response:
    """Refused requests as JSON."""
    return jsonify(error={"code": error.code, "message": error.message}), error.status


@blueprint.errorhandler(HTTPException)
def http_error(error: HTTPException) -> Response:
    """Other HTTP errors (404, 405, 413 ...) as JSON too."""
    code = (error.name or "error").lower().replace(" ", "_")
    return jsonify(error={"code": code, "message": error.description}), error.code or 500


@blueprint.get("/openapi.json")
@limiter.exempt
def openapi() -> Response:
    """The OpenAPI 3 description of this API."""
    return jsonify(spec(max_text_length())), 200


@blueprint.post("/conversations")
@limiter.limit(new_conversation_limit, override_defaults=False)
def create_conversation() -> Response:
    """Start a conversation with the bot."""
    conversation = conversations.start()
    return jsonify(id=conversation.id, state=conversation.state.value), 201


@blueprint.post("/conversations/<conversation_id>/messages")
@limiter.limit(conversation_limit, key_func=conversation_key)
def post_message(conversation_id: str) -> Response:
    """Store the user's message, forward it, return the replies."""
    body = json_body()
    conversation = conversations.find(conversation_id)
    text_, payload = messages.validate_input(
        without_nul(body.get("text")), without_nul(body.get("payload")), max_text_length())
    replies = messages.post_user_message(conversation, text_, payload, current_rasa(),
                                         handoff_check=handoff_allowed)
    return jsonify(conversation_reply(conversation, replies)), 200


@blueprint.get("/conversations/<conversation_id>/messages")
def list_messages(conversation_id: str) -> Response:
    """Bot and staff messages after the id given in ``after`` (default: all)."""
    conversation = conversations.find(conversation_id)
    later = conversations.replies_after(conversation.id, after_id(request.args.get("after")))
    return jsonify(conversation_reply(conversation, later)), 200


@blueprint.get("/conversations/<conversation_id>/events")
@limiter.limit(stream_limit)
def events(conversation_id: str) -> FlaskResponse:
    """Server-Sent Events: each new bot or staff message, and state changes, as they come.

    The stream ends after ``STREAM_SECONDS`` (a setting, 25 by default); browsers
    reconnect by themselves and send ``Last-Event-ID``, so no message is skipped. Streams
    have their own limit per client address (``RATE_LIMIT_STREAM``), instead of the API's.
    """
    conversation = conversations.find(conversation_id)
    after = after_id(request.headers.get("Last-Event-ID") or request.args.get("after"))
    return FlaskResponse(
        stream_with_context(_event_stream(conversation.id, after, conversation.state)),
        mimetype="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


def _event_stream(conversation_id: str, last_id: int, state: State) -> Iterator[str]:
    with push().waiter(conversation_id) as wait:
        yield from _events(conversation_id, last_id, state, wait)


def _events(conversation_id: str, last_id: int, state: State, wait: Wait) -> Iterator[str]:
    deadline = time.monotonic() + current_app.config["STREAM_SECONDS"]
    heartbeat = time.monotonic() + HEARTBEAT_SECONDS
    yield "retry: 1000\n\n"
    while time.monotonic() < deadline:
        if time.monotonic() >= heartbeat:
            heartbeat = time.monotonic() + HEARTBEAT_SECONDS
            yield ": heartbeat\n\n"
        for message in conversations.replies_after(conversation_id, last_id):
            last_id = message.id
            yield f"id: {message.id}\nevent: message\ndata: {json.dumps(reply_json(message))}\n\n"
        current = db.session.get(Conversation, conversation_id)
        if current is not None and current.state != state:
            state = current.state
            yield f"event: state\ndata: {json.dumps({'state': state.value})}\n\n"
        db.session.rollback()  # end the read transaction: the next poll sees new rows
        wait(POLL_SECONDS)  # returns early when the conversation changes (Redis pub/sub)


@blueprint.post("/conversations/<conversation_id>/close")
def close_conversation(conversation_id: str) -> Response:
    """Close; the reply is the satisfaction question (once per conversation)."""
    conversation = conversations.find(conversation_id)
    replies = conversations.close(conversation)
    return jsonify(conversation_reply(conversation, replies)), 200


@blueprint.post("/conversations/<conversation_id>/satisfaction")
def rate_conversation(conversation_id: str) -> Response:
    """Store the answer to the satisfaction question (5 = Very Satisfied)."""
    level = json_body().get("level")
    conversation = conversations.find(conversation_id)
    thanks = conversations.rate(conversation, level)
    return jsonify(conversation_reply(conversation, [thanks])), 200


@blueprint.post("/conversations/<conversation_id>/messages/<message_id>/feedback")
@limiter.limit(conversation_limit, key_func=conversation_key)
def answer_feedback(conversation_id: str, message_id: str) -> Response:
    """Helpful or not, on a knowledge answer; a second vote replaces the first."""
    conversation = conversations.find(conversation_id)
    answer = feedback.answer_of(conversation, message_id)
    body = json_body()
    helpful, comment = feedback.validate(body.get("helpful"), body.get("comment"))
    return jsonify(feedback.as_json(feedback.vote(answer, helpful, comment))), 200


@blueprint.get("/conversations/<conversation_id>/export")
def export_conversation(conversation_id: str) -> Response:
    """The user's copy of everything stored about the conversation (PDPA access request)."""
    return jsonify(privacy.export(conversations.find(conversation_id))), 200


@blueprint.delete("/conversations/<conversation_id>")
def erase_conversation(conversation_id: str) -> Response:
    """Erase the transcript here and in Rasa (PDPA erasure); the anonymous rating stays.

    ``rasa_tracker`` is "pending" when Rasa's store could not be reached: the retention
    process erases Rasa's copy later.
    """
    return jsonify(privacy.erase(conversations.find(conversation_id), current_rasa())), 200


@blueprint.get("/health")
@limiter.exempt
def health() -> Response:
    """200 when the database, Rasa (with a model) and the action server all answer."""
    failing = []
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        failing.append("database")
    if current_rasa().model_loaded() is None:
        failing.append("rasa")
    try:
        requests.get(f"{current_app.config['ACTIONS_URL']}/health", timeout=3).raise_for_status()
    except requests.RequestException:
        failing.append("action_server")
    status = 503 if failing else 200
    return jsonify(status="unavailable" if failing else "ok", failing=failing), status
