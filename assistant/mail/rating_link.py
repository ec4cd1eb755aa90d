"""Signed links to the satisfaction question, for users answered by e-mail.

The token names the conversation, signed with the service's secret key; the page behind it
(``assistant.public.rating_page``) asks the same five-level question as the chat.
"""

from __future__ import annotations

from typing import Optional

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from assistant.extensions import db
from assistant.models import Conversation

SALT = "satisfaction-link"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def rating_url(conversation: Conversation) -> str:
    """The public link to rate ``conversation``."""
    return f"{current_app.config['PUBLIC_URL']}/rate/{_serializer().dumps(conversation.id)}"


def conversation_for(token: str) -> Optional[Conversation]:
    """The conversation a token names, or None if it is forged or the chat was erased."""
    try:
        conversation_id = _serializer().loads(token)
    except BadSignature:
        return None
    conversation = db.session.get(Conversation, conversation_id)
    return None if conversation is None or conversation.erased_at is not None else conversation
