"""OpenAPI 3.0 description of the public API, served at /api/openapi.json.

Every public route is here (the chat API of the widget, the rating page behind the link in
answer e-mails, the LINE webhook) except the demo page and static files; the staff console
(/console/...) is not public. tests/service/test_public_api_fuzz.py keeps the two in step.
Reading, exporting (JSON, or the readable transcript) and erasing a chat need the access
token its creation returned (security scheme ``chatToken``; the event stream also takes it in
the query).
"""

import copy
from typing import Any, Dict, List

from assistant.api.openapi_schemas import SCHEMAS, ref


def _json(schema: Dict[str, Any], description: str) -> Dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _html(description: str) -> Dict[str, Any]:
    return {"description": description,
            "content": {"text/html": {"schema": {"type": "string"}}}}


ERRORS = {
    status: _json(ref("Error"), description)
    for status, description in {
        "400": "Malformed request",
        "403": "site_not_allowed: the calling page's site is not a partner site",
        "404": "Unknown conversation (or message)",
        "409": "Conversation closed (or, for a rating, never asked the question)",
        "410": "Conversation erased: nothing more is stored in it",
        "413": "Text too long", "422": "Invalid value",
    }.items()
}
# The chat's access token: as a Bearer header, or (event stream only) ?access_token=.
TOKEN_ERRORS = {
    "401": _json(ref("Error"), "access_token_required (no token) or invalid_access_token"),
    "403": _json(ref("Error"), "no_access_token: the chat has none (another channel, or "
                                "started before tokens): the center exports or erases it; or "
                                "site_not_allowed: the calling page's site is not a partner "
                                "site"),
}
WITH_TOKEN: List[Dict[str, List[str]]] = [{"chatToken": []}]


CONVERSATION_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
REPLIES = _json(ref("Replies"), "Replies, state and language of the conversation")
RATING_TOKEN = {"name": "token", "in": "path", "required": True, "schema": {"type": "string"},
                "description": "The random token of the link in an answer e-mail"}
VISIT_TOKEN = {"name": "token", "in": "path", "required": True, "schema": {"type": "string"},
               "description": "The random token of the link in a visit proposal e-mail"}
LINE_SIGNATURE = {"name": "X-Line-Signature", "in": "header", "required": True,
                  "schema": {"type": "string"},
                  "description": "Base64 of the HMAC-SHA256 of the body with the channel secret"}

SPEC: Dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {
        "title": "Bangkok Expat Assistant public API",
        "version": "1.0.0",
        "description": "Public API of the chat widget of Bangkok's information service center "
                       "for foreigners, the rating page of answer e-mails and the LINE "
                       "webhook. Messages are stored before they are forwarded. Starting a "
                       "chat returns its access token, which reading, exporting and erasing "
                       "the chat need.",
    },
    "paths": {
        "/api/conversations": {
            "post": {
                "summary": "Start a conversation (limited per client address); the response "
                           "holds the chat's access token, given only here",
                "responses": {"201": _json(ref("Conversation"), "Created"),
                              "403": ERRORS["403"],
                              "429": _json(ref("Error"), "Too many new conversations")},
            }
        },
        "/api/conversations/{id}/messages": {
            "parameters": [CONVERSATION_ID],
            "post": {
                "summary": "Send a message (text, or a button payload)",
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": ref("UserMessage")}}},
                "responses": {"200": REPLIES, **ERRORS},
            },
            "get": {
                "summary": "Bot and staff messages after a message id",
                "security": WITH_TOKEN,
                "parameters": [{"name": "after", "in": "query", "required": False,
                                "schema": {"type": "integer", "minimum": 0}}],
                "responses": {"200": REPLIES, **ERRORS, **TOKEN_ERRORS},
            },
        },
        "/api/conversations/{id}/events": {
            "parameters": [CONVERSATION_ID],
            "get": {
                "summary": "Server-Sent Events: new bot and staff messages, state changes",
                "security": [*WITH_TOKEN, {"chatTokenInQuery": []}],
                "parameters": [{"name": "after", "in": "query", "required": False,
                                "schema": {"type": "integer", "minimum": 0}}],
                "responses": {"200": {"description": "event stream",
                                      "content": {"text/event-stream": {
                                          "schema": {"type": "string"}}}},
                              **ERRORS, **TOKEN_ERRORS},
            },
        },
        "/api/conversations/{id}/close": {
            "parameters": [CONVERSATION_ID],
            "post": {"summary": "End the chat; replies with the satisfaction question "
                                "(none if the user wrote nothing), in the body's language "
                                "when given",
                     "requestBody": {"required": False, "content": {"application/json": {
                         "schema": {"type": "object", "properties": {
                             "language": {"type": "string", "enum": ["en", "th"]}}}}}},
                     "responses": {"200": REPLIES, **ERRORS}},
        },
        "/api/conversations/{id}/back-to-assistant": {
            "parameters": [CONVERSATION_ID],
            "post": {"summary": "Leave the wait for staff and go on with the assistant; 409 "
                                "not_waiting, or question_registered (an offline question "
                                "with an e-mail address stays: the assistant answers meanwhile)",
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
                    "schema": ref("Feedback")}}},
                "responses": {"200": _json(ref("StoredFeedback"), "The vote as stored"),
                              **{status: ERRORS[status]
                                 for status in ("400", "403", "404", "410", "422")},
                              "409": _json(ref("Error"), "A concurrent vote; try again")},
            },
        },
        "/api/conversations/{id}": {
            "parameters": [CONVERSATION_ID],
            "delete": {"summary": "Erase the conversation's transcript here and in Rasa (the "
                                  "anonymous rating stays); nothing can be added to it after",
                       "security": WITH_TOKEN,
                       "responses": {"200": _json(ref("Erased"), "Erased"), **ERRORS,
                                     **TOKEN_ERRORS}},
        },
        "/api/conversations/{id}/export": {
            "parameters": [CONVERSATION_ID],
            "get": {"summary": "Everything stored about the conversation (a copy on request)",
                    "security": WITH_TOKEN,
                    "responses": {"200": _json({"type": "object", "required": [
                        "conversation", "messages", "rating"]}, "The data"), **ERRORS,
                        **TOKEN_ERRORS}},
        },
        "/api/conversations/{id}/transcript": {
            "parameters": [CONVERSATION_ID],
            "get": {"summary": "The chat as readable text, a file to keep (the user's messages "
                               "and pressed buttons in words, answers with their sources, "
                               "closing and rating), in Bangkok time",
                    "security": WITH_TOKEN,
                    "parameters": [{"name": "lang", "in": "query", "required": False,
                                    "schema": {"type": "string", "enum": ["en", "th"]},
                                    "description": "Language of the headings and dates "
                                                   "(Thai: B.E. years); default: the chat's"}],
                    "responses": {"200": {"description": "text/plain; charset=utf-8, as an "
                                                         "attachment chat-YYYY-MM-DD.txt",
                                          "content": {"text/plain": {
                                              "schema": {"type": "string"}}}},
                                  **ERRORS, **TOKEN_ERRORS}},
        },
        "/api/site": {
            "get": {"summary": "Whether the calling page's site (its Origin) may use the chat: "
                               "a partner site, the center's own, or any while no partner "
                               "sites are set; any page may read the answer",
                    "responses": {"200": _json(ref("Site"), "The site and its standing")}},
        },
        "/api/health": {
            "get": {"summary": "Database, Rasa and action server status; with scope=web only "
                               "what this web host needs (the database)",
                    "parameters": [{"name": "scope", "in": "query", "required": False,
                                    "schema": {"type": "string", "enum": ["web"]}}],
                     "responses": {"200": _json(ref("Health"), "All parts answer"),
                                   "503": _json(ref("Health"), "A part is failing")}},
        },
        "/api/openapi.json": {
            "get": {"summary": "This document",
                    "responses": {"200": _json({"type": "object", "required": [
                        "openapi", "info", "paths"]}, "OpenAPI 3.0 document")}},
        },
        "/rate/{token}": {
            "parameters": [RATING_TOKEN],
            "get": {
                "summary": "The satisfaction question of a rating link (answer e-mails), "
                           "as an HTML page with five buttons; opening it rates nothing",
                "responses": {"200": _html("The question and its five answers"),
                              "404": _html("Unknown token, or the chat was erased")},
            },
            "post": {
                "summary": "The answer pressed on the rating page (an HTML form: its CSRF token "
                           "and the session cookie of the page are required); it may be "
                           "changed later",
                "requestBody": {"required": True, "content": {
                    "application/x-www-form-urlencoded": {"schema": ref("RatingForm")}}},
                "responses": {"200": _html("Thanks, with the answer marked"),
                              "400": _html("CSRF token missing or wrong, or no level 1 to 5"),
                              "404": _html("Unknown token, or the chat was erased")},
            },
        },
        "/visit/{token}": {
            "parameters": [VISIT_TOKEN],
            "get": {
                "summary": "A visit time proposed by staff (the link of the proposal e-mail), "
                           "as an HTML page with an accept button; opening it accepts nothing",
                "responses": {"200": _html("The proposed time, or the visit as confirmed"),
                              "404": _html("Unknown token, or the visit was cancelled")},
            },
            "post": {
                "summary": "The accept button (an HTML form: its CSRF token and the session "
                           "cookie of the page are required): the visit is confirmed and the "
                           "confirmation e-mail with its calendar invitation queued",
                "requestBody": {"required": True, "content": {
                    "application/x-www-form-urlencoded": {"schema": ref("ActionForm")}}},
                "responses": {"200": _html("The visit confirmed, or why not (time passed)"),
                              "400": _html("CSRF token missing or wrong"),
                              "404": _html("Unknown token, or the visit was cancelled")},
            },
        },
        "/channels/line/webhook": {
            "post": {
                "summary": "LINE Messaging API webhook (only when a LINE channel is "
                           "configured, else 404). Events of 1:1 chats become messages of "
                           "the same conversation store; answers go back through LINE's API, "
                           "not in this response. Nothing is processed unless LINE signed the "
                           "body.",
                "parameters": [LINE_SIGNATURE],
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": ref("LineWebhook")}}},
                "responses": {
                    "200": _json({"type": "object", "required": ["status"], "properties": {
                        "status": {"type": "string", "enum": ["ok"]}}}, "Events handled"),
                    "400": _json(ref("Error"), "invalid_signature (signature missing or "
                                                "wrong) or invalid_body (signed, but not a "
                                                "LINE webhook): nothing processed"),
                    "404": {"description": "No LINE channel configured"}},
            },
        },
    },
    "components": {"securitySchemes": {
        "chatToken": {"type": "http", "scheme": "bearer",
                      "description": "The chat's access_token (Authorization: Bearer ...)"},
        "chatTokenInQuery": {"type": "apiKey", "in": "query", "name": "access_token",
                             "description": "The same token in the query, for browsers' "
                                            "EventSource, which cannot set headers"},
    }, "schemas": SCHEMAS},
}


def spec(max_text_length: int) -> Dict[str, Any]:
    """The document, with the longest text a message may have (``max_text_length()``)."""
    document = copy.deepcopy(SPEC)
    text = document["components"]["schemas"]["UserMessage"]["properties"]["text"]
    text["maxLength"] = max_text_length
    return document
