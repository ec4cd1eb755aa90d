"""Chats' access tokens in tests.

``WidgetClient`` (every test app's client, see ``make_app``) does what the widget does: it
keeps the access token of each chat it starts and sends it (``Authorization: Bearer``) with
every later request about that chat that sets no ``Authorization`` of its own. Another
client is another browser: it knows no token. ``grant`` gives a chat built in the database
(no token, as a chat of before tokens) one.
"""

import re
from typing import Any
from urllib.parse import urlsplit

from flask.testing import FlaskClient
from werkzeug.datastructures import Headers

from assistant.extensions import db
from assistant.mail.rating_link import rating_url
from assistant.models import Conversation

CHAT_PATH = re.compile(r"/api/conversations/([^/?]+)")


def bearer(token):
    """The request header that carries ``token``."""
    return {"Authorization": f"Bearer {token}"}


def rating_path(app, conversation_id):
    """The path of a new rating link of the stored chat (as answer e-mails carry)."""
    with app.app_context():
        url = rating_url(db.session.get_one(Conversation, conversation_id))
        db.session.commit()
        return urlsplit(url).path


def grant(app, conversation_id):
    """Give the stored chat ``conversation_id`` a new access token; returns it."""
    with app.app_context():
        token = db.session.get_one(Conversation, conversation_id).new_access_token()
        db.session.commit()
    return token


class WidgetClient(FlaskClient):
    """A test client that holds the access tokens of the chats it started, like the widget."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tokens: dict[str, str] = {}

    def open(self, *args: Any, **kwargs: Any) -> Any:
        """Send the chat's token along; remember the token of a chat started."""
        path = args[0] if args and isinstance(args[0], str) else ""
        chat = CHAT_PATH.match(path)
        headers = Headers(kwargs.get("headers"))
        if chat and chat.group(1) in self.tokens and "Authorization" not in headers:
            headers.update(bearer(self.tokens[chat.group(1)]))
            kwargs["headers"] = headers
        response = super().open(*args, **kwargs)
        if path == "/api/conversations" and response.status_code == 201:
            started = response.get_json()
            self.tokens[started["id"]] = started["access_token"]
        return response
