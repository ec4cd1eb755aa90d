"""A fake official website over HTTPS for the source watch's tests (never the real sites)."""

from __future__ import annotations

import datetime as dt
import subprocess
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from flask import Flask, Response, abort, request

from tests.support.local_server import serving


@dataclass
class Page:
    """One page: its bytes, and whether it is validated by ETag or by Last-Modified."""

    body: bytes
    content_type: str
    validator: str  # "etag" or "last-modified"
    modified: dt.datetime


class FakeSite:
    """Serves ``pages`` by path, answering conditional requests; records every request."""

    def __init__(self) -> None:
        self.pages: dict[str, Page] = {}
        self.requests: list[dict[str, Any]] = []
        self.slow_seconds = 0.0  # how long paths starting with "slow" take
        self.url = self.certificate = ""  # set by ``fake_site``
        self.app = Flask("fake_site")
        self.app.add_url_rule("/<path:path>", view_func=self.page)

    def put(self, path: str, html: str, validator: str = "etag",
            content_type: str = "text/html; charset=utf-8", encoding: str = "utf-8") -> None:
        """Publish (or change) the page at ``path``."""
        # Last-Modified has whole seconds: a change must move it by at least one.
        modified = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        previous = self.pages.get(path)
        if previous and modified <= previous.modified:
            modified = previous.modified + dt.timedelta(seconds=1)
        self.pages[path] = Page(html.encode(encoding), content_type, validator, modified)

    def page(self, path: str) -> Response:
        record = {"path": path, "user_agent": request.headers.get("User-Agent"),
                  "if_none_match": request.headers.get("If-None-Match"),
                  "if_modified_since": request.headers.get("If-Modified-Since"),
                  "at": time.monotonic()}
        self.requests.append(record)
        if path.startswith("slow"):
            time.sleep(self.slow_seconds)
        found = self.pages.get(path)
        if found is None:
            abort(404)
        response = Response(found.body, content_type=found.content_type)
        if found.validator == "etag":
            response.add_etag()
        else:
            response.last_modified = found.modified
        response.make_conditional(request)
        record["status"] = response.status_code
        return response

    def requests_to(self, path: str) -> list[dict[str, Any]]:
        """The requests for ``path`` so far, oldest first."""
        return [r for r in self.requests if r["path"] == path]


def self_signed_certificate(folder: Path) -> tuple[str, str]:
    """A certificate for 127.0.0.1 and its key (openssl), as files in ``folder``."""
    certificate, key = folder / "site.crt", folder / "site.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(certificate)],
                   check=True, capture_output=True)
    return str(certificate), str(key)


@contextmanager
def fake_site(folder: Path) -> Iterator[FakeSite]:
    """A FakeSite over HTTPS on a free port, with ``url`` and ``certificate`` (the file a
    client must trust, e.g. through ``REQUESTS_CA_BUNDLE``) set."""
    site = FakeSite()
    site.certificate, key = self_signed_certificate(folder)
    with serving(site.app, ssl_context=(site.certificate, key)) as site.url:
        yield site
