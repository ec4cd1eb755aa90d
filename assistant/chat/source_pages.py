"""Fetch an article's source page politely and fingerprint its main text.

Polite: a user agent naming the centre, a timeout, conditional requests (``If-None-Match`` /
``If-Modified-Since`` from the last look; 304 means unchanged) and a pause between two
requests to the same host. The fingerprint is the SHA-256 of the page's main text: the text
of ``<main>`` (or of the whole body when there is none) without scripts, styles, navigation,
header and footer, whitespace collapsed, so a change of markup alone changes nothing. A
page that is not HTML is fingerprinted byte for byte.
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Optional
from urllib.parse import urlsplit

import requests

USER_AGENT = "BangkokExpatAssistant-SourceWatch/1.0 (+invest@bangkok.go.th)"
MAX_BYTES = 5_000_000  # more of a page is not read
# Elements whose text is not the page's content.
SKIPPED = frozenset({"head", "script", "style", "noscript", "template", "svg", "nav",
                     "header", "footer"})
# Elements without an end tag (they never open a skipped or main region).
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                  "meta", "source", "track", "wbr"})
# Elements inside a line of text: no word break at their tags ("1,900 <b>baht</b>.").
INLINE = frozenset({"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "font",
                    "i", "kbd", "mark", "q", "s", "samp", "small", "span", "strong", "sub",
                    "sup", "time", "u", "var"})
_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([\w-]+)""", re.IGNORECASE)


class FetchError(Exception):
    """The page could not be read (network, timeout, HTTP error status)."""


@dataclass(frozen=True)
class Fetched:
    """One look at a page: ``fingerprint`` None when the server said 304 Not Modified."""

    fingerprint: Optional[str]
    etag: Optional[str]
    last_modified: Optional[str]


class _MainText(HTMLParser):
    """Collects the text outside skipped elements, and separately the text of ``<main>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.all_text: list[str] = []
        self.main_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, Optional[str]]]) -> None:
        self._break_at(tag)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:  # close it and whatever was left open inside it
            del self.stack[len(self.stack) - 1 - self.stack[::-1].index(tag):]
        self._break_at(tag)

    def _break_at(self, tag: str) -> None:
        """Separate the words on both sides of a block element's tag."""
        if tag not in INLINE:
            self.handle_data(" ")

    def handle_data(self, data: str) -> None:
        if SKIPPED.isdisjoint(self.stack):
            self.all_text.append(data)
            if "main" in self.stack:
                self.main_text.append(data)


def main_text(html: str) -> str:
    """The page's main text, whitespace collapsed to single spaces."""
    parser = _MainText()
    parser.feed(html)
    parser.close()
    main = "".join(parser.main_text)
    return " ".join((main if main.strip() else "".join(parser.all_text)).split())


def fingerprint(text: str) -> str:
    """SHA-256 (hex) of ``text``."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _decoded(body: bytes, content_type: str) -> str:
    """``body`` in the charset its Content-Type or ``<meta>`` names (else UTF-8)."""
    named = re.search(r"charset=([\w-]+)", content_type, re.IGNORECASE)
    found = _CHARSET.search(body[:4096])
    charset = named.group(1) if named else found.group(1).decode() if found else "utf-8"
    try:
        return body.decode(charset, errors="replace")
    except LookupError:  # a charset Python does not know
        return body.decode("utf-8", errors="replace")


def _read(response: requests.Response) -> bytes:
    """The body of ``response``, at most about ``MAX_BYTES`` of it."""
    body = bytearray()
    for chunk in response.iter_content(64 * 1024):
        body += chunk
        if len(body) >= MAX_BYTES:
            break
    return bytes(body)


class PoliteFetcher:
    """Fetches pages one at a time, pausing ``delay`` seconds between two to the same host."""

    def __init__(self, timeout: float, delay: float) -> None:
        self.timeout, self.delay = timeout, delay
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        self._last_request: dict[str, float] = {}

    def fetch(self, url: str, etag: Optional[str] = None,
              last_modified: Optional[str] = None) -> Fetched:
        """Look at ``url``, conditionally when ``etag`` or ``last_modified`` is known.

        Raises ``FetchError`` for anything that keeps the page from being read.
        """
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        self._wait_for(urlsplit(url).netloc)
        try:
            with self.session.get(url, headers=headers, timeout=self.timeout,
                                  stream=True) as response:
                if response.status_code == 304:
                    return Fetched(None, etag, last_modified)
                response.raise_for_status()
                body = _read(response)
        except requests.RequestException as error:
            raise FetchError(str(error)) from error
        finally:
            self._last_request[urlsplit(url).netloc] = time.monotonic()
        content_type = response.headers.get("Content-Type", "")
        digest = (fingerprint(main_text(_decoded(body, content_type)))
                  if "html" in content_type.lower() else hashlib.sha256(body).hexdigest())
        return Fetched(digest, response.headers.get("ETag"),
                       response.headers.get("Last-Modified"))

    def _wait_for(self, host: str) -> None:
        """Sleep until ``delay`` seconds have passed since the last request to ``host``."""
        last = self._last_request.get(host)
        if last is not None:
            remaining = last + self.delay - time.monotonic()
            if remaining > 0:
                time.sleep(remaining)
