"""Who may read, export or erase a web chat: the holder of its access token.

The widget gets the token when it starts the chat and sends it as ``Authorization: Bearer
<token>``; the event stream also takes it as ``?access_token=``, since a browser's
EventSource cannot set headers.
"""

from __future__ import annotations

from typing import Optional

from flask import request

from assistant.chat import conversations
from assistant.models import Conversation


def bearer_token() -> Optional[str]:
    """The token of the request's ``Authorization: Bearer`` header, if any."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def authorized(conversation_id: str, token_in_query: bool = False) -> Conversation:
    """The conversation if the request holds its access token, else a 404, 403 or 401 error.

    ``token_in_query``: the token may also come as ``?access_token=`` (the event stream).
    """
    token = bearer_token()
    if token is None and token_in_query:
        token = request.args.get("access_token")
    return conversations.find_authorized(conversation_id, token)
