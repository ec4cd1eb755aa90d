"""Outgoing messages on the user's channel, for messages written outside a user's request.

Replies to a user's own message go back in that request (the web API's response, a LINE
reply). Staff replies, notices and the satisfaction question of a staff or idle close are
written later: the web widget picks them up through its event stream, a LINE user gets them
pushed, and the user of an offline question gets staff answers by e-mail. The chat core
announces them on ``events.messages_written``; this package subscribes (the app factory
imports it).
"""

from __future__ import annotations

from typing import Any, Optional

from flask import current_app
from linebot.v3.messaging import ApiException

from assistant.channels.line import line_channel
from assistant.chat import events, offline
from assistant.extensions import db
from assistant.models import Conversation, Message, Sender


def deliver(messages: list[Message]) -> None:
    """Send ``messages`` (committed, all of one conversation) where their user is."""
    if not messages:
        return
    conversation = messages[0].conversation
    if conversation.channel == "line":
        push_to_line(conversation.external_user_id, messages)
    for message in messages:
        if message.sender == Sender.STAFF:
            offline.email_staff_reply(message)


@events.messages_written.connect
def _on_messages_written(conversation: Conversation, messages: list[Message],
                         **_: Any) -> None:
    """The chat core wrote messages outside a user's request: deliver them."""
    deliver(messages)


def push_to_line(user_id: Optional[str], messages: list[Message]) -> None:
    """Push ``messages`` to a LINE user; a failure is logged and marked on the stored ones."""
    channel = line_channel()
    if channel is None or not user_id:
        error = "LINE channel not configured" if channel is None else "no LINE user id"
    else:
        try:
            channel.push(user_id, messages)
            return
        except (ApiException, OSError) as failure:
            error = f"LINE push failed: {failure}"[:300]
    current_app.logger.warning("LINE: %s", error)
    for message in messages:
        if message.id is not None:  # stored: the console transcript shows the failure
            message.details = {**(message.details or {}), "delivery_error": error}
    db.session.commit()
