"""The schemas of the public API's OpenAPI document (``openapi.py``).

Conversations, messages, replies with their cards and waits, feedback, ratings, LINE
events, errors.
"""

from typing import Any, Dict


def ref(name: str) -> Dict[str, str]:
    """A reference to one of the schemas below."""
    return {"$ref": f"#/components/schemas/{name}"}


LINE_USER_ID = {"type": "string", "pattern": "^U[0-9a-f]{32}$"}

SCHEMAS: Dict[str, Any] = {
    "Conversation": {"type": "object", "required": ["id", "state", "access_token"],
                     "properties": {
                         "id": {"type": "string"}, "state": ref("State"),
                         "access_token": {
                             "type": "string",
                             "description": "The secret that reads, exports and erases "
                                            "this chat; only its hash is stored: keep "
                                            "it"}}},
    "State": {"type": "string",
              "enum": ["bot", "waiting_for_staff", "with_staff", "closed"]},
    "UserMessage": {"type": "object", "properties": {
        "text": {"type": "string", "minLength": 1},  # maxLength: the setting
        "payload": {"type": "string", "pattern": "^/[a-z_]+(\\{.*\\})?$"},
        "client_id": {"type": "string", "format": "uuid",
                      "description": "A UUID the client makes for this message and sends "
                                     "again if it retries: the message is stored once and the "
                                     "retry gets its replies."}},
        "oneOf": [{"required": ["text"]}, {"required": ["payload"]}],
        "description": "Exactly one of text and payload. Text starting with / is a "
                       "payload to Rasa and gets the same checks: a known intent, domain "
                       "entities only, language en or th. NUL characters are dropped."},
    "Button": {"type": "object", "required": ["title", "payload"], "properties": {
        "title": {"type": "string"}, "payload": {"type": "string"}}},
    "Source": {"type": "object", "required": ["title", "url"], "properties": {
        "title": {"type": "string"}, "url": {"type": "string"}}},
    "Reply": {"type": "object",
              "required": ["id", "sender", "text", "buttons", "intent", "topic", "sources",
                           "article_ids", "passage_id", "feedback", "created_at",
                           "staff_name"],
              "properties": {
                  "id": {"type": "integer"},
                  "sender": {"type": "string", "enum": ["bot", "staff"]},
                  "text": {"type": "string"},
                  "buttons": {"type": "array", "items": ref("Button")},
                  "intent": {"type": "string", "nullable": True},
                  "topic": {"type": "string", "nullable": True},
                  "sources": {"type": "array", "items": ref("Source")},
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
                                     "false not helpful, null none."},
                  "created_at": {"type": "string", "format": "date-time",
                                 "description": "When it was written (UTC)."},
                  "staff_name": {
                      "type": "string", "nullable": True,
                      "description": "The first name of the staff member who wrote "
                                     "it; null for the assistant's replies."},
                  "card": ref("Card"),
                  "breaks": {
                      "type": "object", "nullable": True,
                      "description": "Where Thai lines may wrap (null: no Thai): word "
                                     "starts, in UTF-16 code units, in text, the card's "
                                     "title and body, and each button's title (each "
                                     "null when it has no Thai).",
                      "properties": {
                          key: {"type": "array", "nullable": True,
                                "items": {"type": "integer"}}
                          for key in ("text", "title", "body")} | {
                          "buttons": {"type": "array", "items": {
                              "type": "array", "nullable": True,
                              "items": {"type": "integer"}}}}}}},
    "Card": {
        "type": "object", "nullable": True,
        "description": "A knowledge answer as a card (null for other replies): the text "
                       "without its source lines, the official source, the reviewed date.",
        "properties": {"title": {"type": "string"}, "body": {"type": "string"},
                       "source": {"type": "object", "properties": {
                           "title": {"type": "string"}, "url": {"type": "string"}}},
                       "reviewed": {"type": "string", "format": "date", "nullable": True}}},
    "Feedback": {"type": "object", "required": ["helpful"], "properties": {
        "helpful": {"type": "boolean"},
        "comment": {"type": "string", "maxLength": 500}}},
    "StoredFeedback": {"type": "object", "required": ["message_id", "helpful", "comment"],
                       "properties": {"message_id": {"type": "integer"},
                                      "helpful": {"type": "boolean"},
                                      "comment": {"type": "string", "nullable": True}}},
    "Replies": {"type": "object", "required": ["replies", "state", "language"],
                "properties": {"replies": {"type": "array", "items": ref("Reply")},
                               "state": ref("State"),
                               "language": {"type": "string", "enum": ["en", "th"]},
                               "wait": ref("Wait")}},
    "Wait": {
        "type": "object", "nullable": True, "required": ["kind"],
        "description": "While the chat waits for staff (else null): a live wait (kind "
                       "staff: place among live waits, usual minutes to be taken or null) "
                       "or an offline question answered by e-mail (kind email).",
        "properties": {
            "kind": {"type": "string", "enum": ["staff", "email"]},
            "position": {"type": "integer", "minimum": 1},
            "usual_minutes": {"type": "integer", "nullable": True},
            "status": {"type": "string", "enum": ["awaiting_email", "open"]},
            "reference": {"type": "string", "nullable": True},
            "email": {"type": "string", "nullable": True},
            "staff_from": {"type": "string", "format": "date-time", "nullable": True,
                           "description": "When staff are next at work (null: now)."}}},
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
    "Site": {"type": "object", "required": ["site", "name", "allowed"], "properties": {
        "site": {"type": "string", "nullable": True,
                 "description": "The page's origin; null: the center's own site"},
        "name": {"type": "string", "description": "The name the reports give the site"},
        "allowed": {"type": "boolean"}}},
    "RatingForm": {"type": "object", "required": ["csrf_token", "level"], "properties": {
        "csrf_token": {"type": "string", "description": "From the page's form"},
        "level": {"type": "integer", "minimum": 1, "maximum": 5,
                  "description": "5 = Very Satisfied"}}},
    "ActionForm": {"type": "object", "required": ["csrf_token"], "properties": {
        "csrf_token": {"type": "string", "description": "From the page's form"}}},
    "LineWebhook": {
        "type": "object", "required": ["destination", "events"],
        "description": "As LINE sends it: "
                       "https://developers.line.biz/en/reference/messaging-api/#webhooks",
        "properties": {"destination": LINE_USER_ID,
                       "events": {"type": "array", "items": ref("LineEvent")}}},
    "LineEvent": {
        "description": "The events the service acts on: a user follows the account, "
                       "writes (text; other messages get a 'text only' answer) or presses "
                       "a quick reply (a button payload or a helpful vote). Other event "
                       "types, and events of groups and rooms, are accepted and ignored.",
        "anyOf": [ref("LineMessageEvent"), ref("LinePostbackEvent"),
                  ref("LineFollowEvent")]},
    "LineEventCommon": {
        "type": "object",
        "required": ["type", "timestamp", "mode", "webhookEventId", "deliveryContext",
                     "source", "replyToken"],
        "properties": {
            "timestamp": {"type": "integer", "description": "Milliseconds"},
            "mode": {"type": "string", "enum": ["active", "standby"]},
            "webhookEventId": {"type": "string", "pattern": "^[0-9A-Z]{26}$",
                               "description": "ULID; a redelivered event is stored once"},
            "deliveryContext": {"type": "object", "required": ["isRedelivery"],
                                "properties": {"isRedelivery": {"type": "boolean"}}},
            "source": {"type": "object", "required": ["type", "userId"], "properties": {
                "type": {"type": "string", "enum": ["user"]}, "userId": LINE_USER_ID}},
            "replyToken": {"type": "string", "minLength": 1, "maxLength": 64}}},
    "LineMessageEvent": {"allOf": [ref("LineEventCommon"), {
        "type": "object", "required": ["message"], "properties": {
            "type": {"type": "string", "enum": ["message"]},
            "message": {"type": "object", "required": ["type", "id"], "properties": {
                "type": {"type": "string", "enum": ["text", "sticker"]},
                "id": {"type": "string", "pattern": "^[0-9]{1,20}$"},
                "quoteToken": {"type": "string", "minLength": 1, "maxLength": 64},
                "text": {"type": "string", "maxLength": 5000},
                "packageId": {"type": "string"}, "stickerId": {"type": "string"},
                "stickerResourceType": {"type": "string", "enum": ["STATIC"]}}}}}]},
    "LinePostbackEvent": {"allOf": [ref("LineEventCommon"), {
        "type": "object", "required": ["postback"], "properties": {
            "type": {"type": "string", "enum": ["postback"]},
            "postback": {"type": "object", "required": ["data"], "properties": {
                "data": {"type": "string", "maxLength": 300}}}}}]},
    "LineFollowEvent": {"allOf": [ref("LineEventCommon"), {
        "type": "object", "required": ["follow"], "properties": {
            "type": {"type": "string", "enum": ["follow"]},
            "follow": {"type": "object", "required": ["isUnblocked"], "properties": {
                "isUnblocked": {"type": "boolean"}}}}}]},
    "Error": {"type": "object", "required": ["error"], "properties": {"error": {
        "type": "object", "required": ["code", "message"],
        "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}},
}
