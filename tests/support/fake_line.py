"""A local stand-in for LINE's Messaging API that records every call (tests only)."""

import base64
import hashlib
import hmac
import json
from contextlib import contextmanager
from pathlib import Path

from flask import Flask, jsonify, request

from tests.support.local_server import serving

FIXTURES = Path(__file__).parent / "fixtures" / "line"
SECRET = "test-channel-secret"
TOKEN = "test-access-token"


def sign(body: str, secret: str = SECRET) -> str:
    """The X-Line-Signature LINE sends with ``body``."""
    digest = hmac.new(secret.encode(), body.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def fixture(name: str, **values: str) -> str:
    """A webhook body from tests/support/fixtures/line/, with {placeholders} filled in."""
    text = (FIXTURES / f"{name}.json").read_text("utf-8")
    for key, value in values.items():
        text = text.replace("{" + key + "}", json.dumps(value)[1:-1])
    json.loads(text)  # still valid JSON
    return text


class FakeLine:
    """Records reply, push and profile calls; reply tokens in ``expired`` are refused."""

    def __init__(self):
        self.calls = []
        self.expired = set()
        self.push_down = False
        self.app = Flask("fake_line")
        self.app.add_url_rule("/v2/bot/message/reply", view_func=self.reply, methods=["POST"])
        self.app.add_url_rule("/v2/bot/message/push", view_func=self.push, methods=["POST"])
        self.app.add_url_rule("/v2/bot/profile/<user_id>", view_func=self.profile)

    def _record(self, kind, body):
        self.calls.append({"kind": kind, "body": body,
                           "authorization": request.headers.get("Authorization"),
                           "retry_key": request.headers.get("X-Line-Retry-Key")})

    def reply(self):
        body = request.get_json()
        if body["replyToken"] in self.expired:
            return jsonify(message="Invalid reply token"), 400
        self._record("reply", body)
        return jsonify(sentMessages=[{"id": str(i)} for i, _ in enumerate(body["messages"])])

    def push(self):
        if self.push_down:
            return jsonify(message="Service unavailable"), 503
        body = request.get_json()
        self._record("push", body)
        return jsonify(sentMessages=[{"id": str(i)} for i, _ in enumerate(body["messages"])])

    def profile(self, user_id):
        self._record("profile", {"userId": user_id})
        return jsonify(userId=user_id, displayName="Somchai T.", language="th")

    @staticmethod
    def postbacks(message):
        """``(label, data)`` of each quick-reply postback of a sent message."""
        return [(item["action"]["label"], item["action"]["data"])
                for item in (message.get("quickReply") or {}).get("items", [])
                if item["action"]["type"] == "postback"]

    def sent(self, kind=None):
        """The text messages sent, in order (optionally only replies or pushes)."""
        return [message for call in self.calls if call["kind"] in ((kind,) if kind
                                                                    else ("reply", "push"))
                for message in call["body"]["messages"]]


@contextmanager
def fake_line_server():
    """Run a FakeLine on a free port; yields (fake, base_url)."""
    fake = FakeLine()
    with serving(fake.app) as url:
        yield fake, url
