"""OpenAPI 3.0 description of the public chat API, served at /api/openapi.json."""

import copy
from typing import Any, Dict


def _ref(name: str) -> Dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: Dict[str, Any], description: str) -> Dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS = {
    status: _json(_ref("Error"), description)
    for status, description in {
        "400": "Malformed request", "404": "Unknown conversation (or message)",
        "409": "Conversation closed (or, for a rating, never asked the question)",
        "410": "Conversation erased: nothing more is stored in it",
        "413": "Text too long", "422": "Invalid value",
    }.items()
}
CONVERSATION_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
REPLIES = _json(_ref("Replies"), "Replies, state and language of the conversation")

SPEC: Dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {
        "title": "Bangkok Expat Assistant chat API",
        "version": "1.0.0",
        "description": "Public API of the chat widget of Bangkok's information service center "
                       "for foreigners. Messages are stored before they are forwarded.",
    },
    "paths": {
        "/api/conversations": {
            "post": {
                "summary": "Start a conversation (limited per client address)",
                "responses": {"201": _json(_ref("Conversation"), "Created"),
                              "429": _json(_ref("Error"), "Too many new conversations")},
            }
        },
        "/api/conversations/{id}/messages": {
            "parameters": [CONVERSATION_ID],
            "post": {
                "summary": "Send a message (text, or a button payload)",
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": _ref("UserMessage")}}},
                "responses": {"200": REPLIES, **ERRORS},
            },
            "get": {
                "summary": "Bot and staff messages after a message id",
                "parameters": [{"name": "after", "in": "query", "required": False,
                                "schema": {"type": "integer", "minimum": 0}}],
                "responses": {"200": REPLIES, **ERRORS},
            },
        },
        "/api/conversations/{id}/events": {
            "parameters": [CONVERSATION_ID],
            "get": {
                "summary": "Server-Sent Events: new bot and staff messages, state changes",
                "parameters": [{"name": "after", "in": "query", "required": False,
                                "schema": {"type": "integer", "minimum": 0}}],
                "responses": {"200": {"description": "event stream",
                                      "content": {"text/event-stream": {
                                          "schema": {"type": "string"}}}},
                              **ERRORS},
            },
        },
        "/api/conversations/{id}/close": {
            "parameters": [CONVERSATION_ID],
            "post": {"summary": "End the chat; replies with the satisfaction question "
                                "(none if the user wrote nothing)",
                     "responses": {"200": REPLIES, **ERRORS}},
        },
        "/api/conversations/{id}/satisfaction": {
            "parameters": [CONVERSATION_ID],
            "post": {
                "summary": "Answer the satisfaction question (5 = Very Satisfied); "
                           "409 not_asked if it was not asked",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["level"],
                    "properties": {"level": {"type": "integer", "minimum": 1, "maximum": 5}},
                }}}},
                "responses": {"200": REPLIES, **ERRORS},
            },
        },
        "/api/conversations/{id}/messages/{message_id}/feedback": {
            "parameters": [CONVERSATION_ID, {"name": "message_id", "in": "path",
                                             "required": True,
                                             "schema": {"type": "integer", "minimum": 1}}],
            "post": {
                "summary": "Helpful or not: the user's vote on a knowledge answer (a reply "
                           "with article_ids); a second vote replaces the first; also after "
                           "the chat closed",
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": _ref("Feedback")}}},
                "responses": {"200": _json(_ref("StoredFeedback"), "The vote as stored"),
                              **{status: ERRORS[status]
                                 for status in ("400", "404", "410", "422")},
                              "409": _json(_ref("Error"), "A concurrent vote; try again")},
            },
        },
        "/api/conversations/{id}": {
            "parameters": [CONVERSATION_ID],
            "delete": {"summary": "Erase the conversation's transcript here and in Rasa (the "
                                  "anonymous rating stays); nothing can be added to it after",
                       "responses": {"200": _json(_ref("Erased"), "Erased"), **ERRORS}},
        },
        "/api/conversations/{id}/export": {
            "parameters": [CONVERSATION_ID],
            "get": {"summary": "Everything stored about the conversation (a copy on request)",
                    "responses": {"200": _json({"type": "object", "required": [
                        "conversation", "messages", "rating"]}, "The data"), **ERRORS}},
        },
        "/api/health": {
            "get": {"summary": "Database, Rasa and action server status",
                     "responses": {"200": _json(_ref("Health"), "All parts answer"),
                                   "503": _json(_ref("Health"), "A part is failing")}},
        },
    },
    "components": {"schemas": {
        "Conversation": {"type": "object", "required": ["id", "state"], "properties": {
            "id": {"type": "string"}, "state": _ref("State")}},
        "State": {"type": "string",
                  "enum": ["bot", "waiting_for_staff", "with_staff", "closed"]},
        "UserMessage": {"type": "object", "properties": {
            "text": {"type": "string", "minLength": 1},  # maxLength: the setting
            "payload": {"type": "string", "pattern": "^/[a-z_]+(\\{.*\\})?$"}},
            "description": "Exactly one of text and payload. Text starting with / is a "
                           "payload to Rasa and gets the same checks: a known intent, domain "
                           "entities only, language en or th."},
        "Button": {"type": "object", "required": ["title", "payload"], "properties": {
            "title": {"type": "string"}, "payload": {"type": "string"}}},
        "Source": {"type": "object", "required": ["title", "url"], "properties": {
            "title": {"type": "string"}, "url": {"type": "string"}}},
        "Reply": {"type": "object",
                  "required": ["id", "sender", "text", "buttons", "intent", "topic", "sources",
                               "article_ids", "passage_id", "feedback"],
                  "properties": {
                      "id": {"type": "integer"},
                      "sender": {"type": "string", "enum": ["bot", "staff"]},
                      "text": {"type": "string"},
                      "buttons": {"type": "array", "items": _ref("Button")},
                      "intent": {"type": "string", "nullable": True},
                      "topic": {"type": "string", "nullable": True},
                      "sources": {"type": "array", "items": _ref("Source")},
                      "article_ids": {
                          "type": "array", "items": {"type": "string"},
                          "description": "Knowledge articles the reply shows; a bot reply "
                                         "with any is a knowledge answer (users may vote)."},
                      "passage_id": {
                          "type": "string", "nullable": True,
                          "description": "The one passage a pinpointed answer quotes, "
                                         "e.g. visa-90-day-reporting#en-3f2a9c1b."},
                      "feedback": {
                          "type": "boolean", "nullable": True,
                          "description": "The user's vote on this answer: true helpful, "
                                         "false not helpful, null none."}}},
        "Feedback": {"type": "object", "required": ["helpful"], "properties": {
            "helpful": {"type": "boolean"},
            "comment": {"type": "string", "maxLength": 500}}},
        "StoredFeedback": {"type": "object", "required": ["message_id", "helpful", "comment"],
                           "properties": {"message_id": {"type": "integer"},
                                          "helpful": {"type": "boolean"},
                                          "comment": {"type": "string", "nullable": True}}},
        "Replies": {"type": "object", "required": ["replies", "state", "language"],
                    "properties": {"replies": {"type": "array", "items": _ref("Reply")},
                                   "state": _ref("State"),
                                   "language": {"type": "string", "enum": ["en", "th"]}}},
        "Erased": {"type": "object", "required": ["erased", "messages_deleted"],
                   "properties": {
                       "erased": {"type": "boolean"},
                       "messages_deleted": {"type": "integer"},
                       "rasa_tracker": {
                           "type": "string", "enum": ["erased", "pending"],
                           "description": "Rasa's copy of the chat: erased too, or pending "
                                          "(Rasa's store unreachable; the retention process "
                                          "erases it on a later round)."},
                       "rasa_erased_at": {"type": "string", "format": "date-time",
                                          "nullable": True}}},
        "Health": {"type": "object", "required": ["status", "failing"], "properties": {
            "status": {"type": "string", "enum": ["ok", "unavailable"]},
            "failing": {"type": "array", "items": {
                "type": "string", "enum": ["database", "rasa", "action_server"]}}}},
        "Error": {"type": "object", "required": ["error"], "properties": {"error": {
            "type": "object", "required": ["code", "message"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}},
    }},
}


def spec(max_text_length: int) -> Dict[str, Any]:
    """The document, with the longest text a message may have (``max_text_length()``)."""
    document = copy.deepcopy(SPEC)
    text = document["components"]["schemas"]["UserMessage"]["properties"]["text"]
    text["maxLength"] = max_text_length
    return document
