"""A Rasa server for tests that answers only when the test says so (races, erasure)."""

import json
import re
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from assistant.rasa.pool import RasaPool

ANSWER = "Extend your visa at the immigration office."


class FakeRasa:
    """A Rasa server whose REST channel answers only when the test releases it.

    ``calls`` lists what it was asked, in order: ``send``, ``answered`` (the reply leaves),
    ``tracker`` and ``erase`` (``PUT …/tracker/events``). ``fail``: it answers 500;
    ``replies``: the REST channel's messages (default: one answer, ``ANSWER``).
    """

    def __init__(self, fail=False, replies=None):
        self.fail = fail
        self.replies = replies or [{"text": ANSWER}]
        self.calls: list[str] = []
        self.asked, self.release = threading.Event(), threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _body(self):
                return json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"null")

            def do_POST(self):
                sender = self._body()["sender"]
                fake.calls.append("send")
                fake.asked.set()
                fake.release.wait(30)
                fake.calls.append("answered")
                if fake.fail:
                    self._json(500, {"error": "the action server timed out"})
                else:
                    self._json(200, [{"recipient_id": sender, **r} for r in fake.replies])

            def do_GET(self):
                if self.path.startswith("/status"):
                    self._json(200, {"model_file": "fake.tar.gz"})
                    return
                fake.calls.append("tracker")
                self._json(200, {"slots": {}, "latest_message": {"intent": {
                    "name": "ask_visa_extension", "confidence": 0.97}}})

            def do_PUT(self):
                assert re.fullmatch(r"/conversations/\w+/tracker/events(\?.*)?", self.path)
                assert self._body() == []
                fake.calls.append("erase")
                self._json(200, {})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def rasa_at(app, url):
    """The app talks to the Rasa server at ``url`` meanwhile."""
    before = app.extensions["rasa"]
    app.extensions["rasa"] = RasaPool([url])
    try:
        yield
    finally:
        app.extensions["rasa"] = before
