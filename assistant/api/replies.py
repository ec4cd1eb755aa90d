"""How the chat API shows messages and conversations, and reads the ``after`` message id."""

from __future__ import annotations

from typing import Any, Dict, Optional

from assistant.api.line_breaks import reply_breaks
from assistant.chat.errors import ConversationError
from assistant.chat.waiting import wait_json
from assistant.models import MAX_MESSAGE_ID, Conversation, Message, as_utc

# Message ids are JSON numbers; one beyond a 64-bit integer is a client's mistake.
LARGEST_AFTER = 2**63 - 1


def reply_json(message: Message) -> Dict[str, Any]:
    """A stored bot or staff message as the API shows it (``feedback``: the user's vote)."""
    vote, shown = message.feedback, card(message)
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
        "created_at": as_utc(message.created_at).isoformat(),
        "staff_name": staff_name(message),
        "card": shown,
        "breaks": reply_breaks(message.text, shown, message.buttons or []),
    }


def card(message: Message) -> Optional[Dict[str, Any]]:
    """A knowledge answer as a card: title, body, its official source and reviewed date.

    None for other messages (their text is all there is).
    """
    details = message.details or {}
    shown = details.get("card")
    if not isinstance(shown, dict) or not message.sources:
        return None
    return {"title": shown.get("title"), "body": shown.get("body"),
            "source": message.sources[0], "reviewed": details.get("reviewed")}


def staff_name(message: Message) -> Optional[str]:
    """The first name of the staff member who wrote ``message`` (None for the bot's)."""
    names = message.staff_user.name.split() if message.staff_user else []
    return names[0] if names else None


def conversation_reply(conversation: Conversation, replies: list[Message]) -> Dict[str, Any]:
    """Replies plus the conversation's state, language and wait for staff."""
    return {"replies": [reply_json(m) for m in replies], "state": conversation.state.value,
            "language": conversation.language, "wait": wait_json(conversation)}


def after_id(raw: Optional[str]) -> int:
    """The message id given as ``after`` (0 if none), or a 400 error."""
    raw = raw or "0"
    if not (raw.isascii() and raw.isdigit()) or int(raw) > LARGEST_AFTER:
        raise ConversationError(400, "invalid_after", "after must be a message id.")
    return min(int(raw), MAX_MESSAGE_ID)  # beyond the last possible id: nothing after it

