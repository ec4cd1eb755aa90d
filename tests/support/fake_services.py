"""Stand-ins for slow work (tests only): a Rasa HTTP server, a ``rasa`` command line."""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from flask import Flask, jsonify, request

from tests.support.local_server import serving


class FakeRasa:
    """Answers every message after ``delay`` seconds; records the models it was told to load."""

    def __init__(self, delay: float = 0.0, answer: str = "A slow but sure answer.") -> None:
        self.delay, self.answer = delay, answer
        self.messages: list[dict[str, Any]] = []
        self.loaded: list[str] = []
        self.app = Flask("fake_rasa")
        self.app.add_url_rule("/webhooks/rest/webhook", view_func=self.webhook,
                              methods=["POST"])
        self.app.add_url_rule("/conversations/<sender>/tracker", view_func=self.tracker)
        self.app.add_url_rule("/status", view_func=self.status)
        self.app.add_url_rule("/model", view_func=self.model, methods=["PUT"])

    def webhook(self) -> Any:
        body = request.get_json()
        self.messages.append(body)
        time.sleep(self.delay)
        return jsonify([{"recipient_id": body["sender"], "text": self.answer}])

    def tracker(self, sender: str) -> Any:
        return jsonify(sender_id=sender, slots={}, latest_message={}, events=[])

    def status(self) -> Any:
        return jsonify(model_file=self.loaded[-1] if self.loaded else "")

    def model(self) -> Any:
        self.loaded.append(Path(request.get_json()["model_file"]).name)
        return "", 204


@contextmanager
def fake_rasa_server(delay: float = 0.0) -> Iterator[tuple[FakeRasa, str]]:
    """Run a FakeRasa on a free port; yields (fake, base_url)."""
    fake = FakeRasa(delay)
    with serving(fake.app) as url:
        yield fake, url


FAKE_RASA_CLI = '''#!{python}
"""A ``rasa`` stand-in: logs each call; the first ``data validate`` hangs (a long run)."""
import json, os, sys, time
from pathlib import Path

folder = Path({folder!r})
args = sys.argv[1:]
with open(folder / "calls.log", "a") as log:
    log.write(" ".join(args[:2]) + "\\n")
if args[:2] == ["data", "validate"] and not (folder / "hanging.pid").exists():
    (folder / "hanging.pid").write_text(str(os.getpid()))
    time.sleep(600)
elif args[:1] == ["train"]:
    out, name = args[args.index("--out") + 1], args[args.index("--fixed-model-name") + 1]
    Path(out, name + ".tar.gz").write_bytes(b"model")
elif args[:2] == ["test", "nlu"]:
    Path(args[args.index("--out") + 1], "intent_report.json").write_text("{{}}")
print("done:", " ".join(args[:2]))
'''


def fake_rasa_cli(folder: Path) -> Path:
    """Write the ``rasa`` stand-in into ``folder`` (its calls go to ``calls.log`` there)."""
    script = folder / "rasa"
    script.write_text(FAKE_RASA_CLI.format(python=sys.executable, folder=str(folder)), "utf-8")
    script.chmod(0o755)
    return script
