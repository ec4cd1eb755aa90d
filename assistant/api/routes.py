"""Routes of the public chat API; the OpenAPI document describes them."""

from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

import requests
from flask import Blueprint, current_app, jsonify, request
from flask import Response as FlaskResponse
from sqlalchemy import text
from werkzeug.exceptions import HTTPException

from assistant.api import partner_sites, streams
from assistant.api.access import authorized
from assistant.api.openapi import spec
from assistant.api.replies import after_id, conversation_reply
from assistant.chat import conversations, feedback, handoffs, messages, transcript
from assistant.chat.errors import ConversationError
from assistant.extensions import db
from assistant.limits import max_text_length
from assistant.models import LANGUAGES, parse_id
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
from common.thai_calendar import bangkok_today

blueprint = Blueprint("api", __name__, url_prefix="/api")
# Per client address; monitors and tools read /health and /openapi.json as often as they like
# (``limiter.exempt`` on those views does not lift a limit set on their blueprint).
limiter.limit(client_limit, exempt_when=lambda: request.endpoint in {
    "api.health", "api.openapi"})(blueprint)
Response = Tuple[Any, int]


def without_nul(value: Any) -> Any:
    """A string without NUL characters (PostgreSQL cannot store them); others unchanged."""
    return value.replace("\x00", "") if isinstance(value, str) else value


def json_body() -> Dict[str, Any]:
    """The request's JSON object, or a 400 error."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ConversationError(400, "invalid_json", "The body must be a JSON object.")
    return body


blueprint.before_request(partner_sites.refuse_other_sites)
blueprint.after_request(partner_sites.cors_headers)


@blueprint.url_value_preprocessor
def refuse_impossible_ids(endpoint: Optional[str], values: Optional[Dict[str, Any]]) -> None:
    """Ids that no row can have are unknown, without a query the database would refuse."""
    values = values or {}
    if "\x00" in values.get("conversation_id", ""):
        raise ConversationError(404, "unknown_conversation", "No conversation with this id.")
    if parse_id(values.get("message_id", "0")) is None:
        raise ConversationError(404, "unknown_message", "No such message in this conversation.")


@blueprint.errorhandler(ConversationError)
def conversation_error(error: ConversationError) -> Tuple[Any, int, Dict[str, str]]:
    """Refused requests as JSON (401: with the challenge for the chat's access token)."""
    headers = {"WWW-Authenticate": "Bearer"} if error.status == 401 else {}
    return jsonify(error={"code": error.code, "message": error.message}), error.status, headers


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
    """Start a conversation with the bot; ``access_token`` is given only here."""
    conversation, token = conversations.start_with_token(partner_sites.request_site())
    return jsonify(id=conversation.id, state=conversation.state.value, access_token=token), 201


@blueprint.post("/conversations/<conversation_id>/messages")
@limiter.limit(conversation_limit, key_func=conversation_key)
def post_message(conversation_id: str) -> Response:
    """Store the user's message, forward it, return the replies."""
    body = json_body()
    conversation = conversations.find(conversation_id)
    text_, payload = messages.validate_input(
        without_nul(body.get("text")), without_nul(body.get("payload")), max_text_length())
    sent_as = messages.client_message_id(without_nul(body.get("client_id")))
    replies = messages.post_user_message(conversation, text_, payload, current_rasa(),
                                         external_id=sent_as, handoff_check=handoff_allowed)
    return jsonify(conversation_reply(conversation, replies)), 200


@blueprint.get("/conversations/<conversation_id>/messages")
def list_messages(conversation_id: str) -> Response:
    """Bot and staff messages after the id given in ``after`` (default: all)."""
    conversation = authorized(conversation_id)
    later = conversations.replies_after(conversation.id, after_id(request.args.get("after")))
    return jsonify(conversation_reply(conversation, later)), 200


blueprint.add_url_rule("/conversations/<conversation_id>/events",
                       view_func=limiter.limit(stream_limit)(streams.events))


@blueprint.post("/conversations/<conversation_id>/close")
def close_conversation(conversation_id: str) -> Response:
    """Close; the reply is the satisfaction question (once per conversation).

    It is asked in the body's ``language`` when given (the widget's interface language).
    """
    conversation = conversations.find(conversation_id)
    body = request.get_json(silent=True)
    language = body.get("language") if isinstance(body, dict) else None
    replies = conversations.close(conversation, language if language in LANGUAGES else None)
    return jsonify(conversation_reply(conversation, replies)), 200


@blueprint.post("/conversations/<conversation_id>/back-to-assistant")
def back_to_assistant(conversation_id: str) -> Response:
    """Leave the wait for staff; the reply says the assistant answers again."""
    conversation = conversations.find(conversation_id)
    replies = handoffs.back_to_assistant(conversation)
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
    return jsonify(privacy.export(authorized(conversation_id))), 200


@blueprint.get("/conversations/<conversation_id>/transcript")
def download_transcript(conversation_id: str) -> FlaskResponse:
    """The chat as readable text (a file) in ``?lang=`` en or th (default: the chat's)."""
    conversation = authorized(conversation_id)
    language = request.args.get("lang", conversation.language)
    if language not in LANGUAGES:
        raise ConversationError(422, "invalid_language", "lang must be en or th.")
    name = f"chat-{bangkok_today().isoformat()}.txt"
    return FlaskResponse(transcript.document(conversation, language), mimetype="text/plain",
                         headers={"Content-Disposition": f'attachment; filename="{name}"'})


@blueprint.delete("/conversations/<conversation_id>")
def erase_conversation(conversation_id: str) -> Response:
    """Erase the transcript here and in Rasa (PDPA erasure); the anonymous rating stays.

    ``rasa_tracker`` is "pending" when Rasa's store could not be reached: the retention
    process erases Rasa's copy later.
    """
    return jsonify(privacy.erase(authorized(conversation_id), current_rasa())), 200


@blueprint.get("/site")
def site() -> Response:
    """Whether the calling page's site may use the chat (any page may read this)."""
    origin = partner_sites.request_site()
    sites = partner_sites.partner_sites()
    return jsonify(site=origin, name=sites.name(origin), allowed=sites.allows(origin)), 200


@blueprint.get("/health")
@limiter.exempt
def health() -> Response:
    """200 when the database, Rasa (with a model) and the action server all answer.

    ``?scope=web`` asks only for what this web host needs to serve (the database): the load
    balancer's check, so that with Rasa down everywhere the hosts still answer (the chat's
    apology and queue, the staff console) instead of the balancer's 503.
    """
    failing = []
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        failing.append("database")
    if request.args.get("scope") == "web":
        return _health(failing)
    if current_rasa().model_loaded() is None:
        failing.append("rasa")
    try:
        requests.get(f"{current_app.config['ACTIONS_URL']}/health", timeout=3).raise_for_status()
    except requests.RequestException:
        failing.append("action_server")
    return _health(failing)


def _health(failing: list[str]) -> Response:
    status = 503 if failing else 200
    return jsonify(status="unavailable" if failing else "ok", failing=failing), status
