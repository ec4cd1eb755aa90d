"""LINE Messaging API: verify and parse webhooks; reply, push and look up profiles.

The API's base URL is a setting (``LINE_API_URL``) so tests talk to a local fake server.
Stored messages become LINE text messages; their buttons become quick replies (postbacks
carrying the same payload the web widget sends), their sources a few lines of text. A
knowledge answer also gets 👍 / 👎 quick replies whose postback names the answer.
"""

from __future__ import annotations

import uuid
from typing import Any, Optional

from flask import current_app
from linebot.v3 import WebhookParser
from linebot.v3.messaging import (
    ApiClient,
    ApiException,
    Configuration,
    MessagingApi,
    PostbackAction,
    PushMessageRequest,
    QuickReply,
    QuickReplyItem,
    ReplyMessageRequest,
    TextMessage,
)

from assistant.channels import line_feedback
from assistant.models import Message

MAX_MESSAGES_PER_CALL = 5  # LINE's limit for one reply or push
MAX_TEXT = 5000
MAX_LABEL = 20
MAX_QUICK_REPLIES = 13
MAX_POSTBACK_DATA = 300
SOURCE_LABEL = {"en": "Official source", "th": "แหล่งข้อมูลทางการ"}


class LineChannel:
    """One LINE Official Account: its channel secret, access token and API base URL."""

    def __init__(self, secret: str, access_token: str, api_url: str) -> None:
        """Keep the webhook parser and the API configuration."""
        self.parser = WebhookParser(secret)
        self.configuration = Configuration(host=api_url.rstrip("/"),
                                           access_token=access_token)

    def parse(self, body: str, signature: str) -> list[Any]:
        """The events of a webhook body; ``InvalidSignatureError`` if it is not LINE's."""
        events: list[Any] = self.parser.parse(body, signature)
        return events

    def reply(self, reply_token: str, messages: list[Message]) -> None:
        """Answer a webhook event (free of charge; the token lasts about a minute)."""
        with ApiClient(self.configuration) as client:
            MessagingApi(client).reply_message(ReplyMessageRequest(
                reply_token=reply_token, messages=to_line(messages)[:MAX_MESSAGES_PER_CALL]))

    def push(self, user_id: str, messages: list[Message]) -> None:
        """Send messages at any time (staff replies); a retry key makes a resend harmless."""
        line_messages = to_line(messages)
        with ApiClient(self.configuration) as client:
            api = MessagingApi(client)
            for start in range(0, len(line_messages), MAX_MESSAGES_PER_CALL):
                api.push_message(
                    PushMessageRequest(to=user_id,
                                       messages=line_messages[start:start
                                                              + MAX_MESSAGES_PER_CALL]),
                    x_line_retry_key=str(uuid.uuid4()))

    def display_name(self, user_id: str) -> Optional[str]:
        """The name the user shows on LINE, or None if the profile cannot be read."""
        try:
            with ApiClient(self.configuration) as client:
                return str(MessagingApi(client).get_profile(user_id).display_name)
        except (ApiException, OSError) as error:
            current_app.logger.warning("LINE: no profile for a user: %s", error)
            return None


def to_line(messages: list[Message]) -> list[TextMessage]:
    """LINE text messages (with quick replies and source lines) for stored messages."""
    return [TextMessage(text=_text(message)[:MAX_TEXT], quick_reply=_quick_reply(message))
            for message in messages if message.text]


def _text(message: Message) -> str:
    sources = message.sources or []
    if not sources:
        return message.text
    label = SOURCE_LABEL.get(message.language or "en", SOURCE_LABEL["en"])
    lines = [f"{label}: {source['title']} {source['url']}" for source in sources]
    return "\n\n".join([message.text, "\n".join(lines)])


def _quick_reply(message: Message) -> Optional[QuickReply]:
    """Buttons as postbacks; a stored knowledge answer also gets 👍 and 👎 (its vote)."""
    choices = [(button["title"], button["payload"]) for button in message.buttons or []
               if button.get("payload") and len(button["payload"]) <= MAX_POSTBACK_DATA]
    votes = line_feedback.choices(message)
    choices = choices[:MAX_QUICK_REPLIES - len(votes)] + votes
    if not choices:
        return None
    return QuickReply(items=[
        QuickReplyItem(action=PostbackAction(label=_label(title), data=data,
                                             display_text=title))
        for title, data in choices])


def _label(title: str) -> str:
    """A quick-reply label within LINE's 20 characters, marked when shortened."""
    return title if len(title) <= MAX_LABEL else title[:MAX_LABEL - 1] + "…"


def line_channel() -> Optional[LineChannel]:
    """The app's LINE channel, or None when it is not configured."""
    channel: Optional[LineChannel] = current_app.extensions.get("line")
    return channel
