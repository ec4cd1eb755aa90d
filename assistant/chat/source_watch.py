"""The source watch: a look at every source page of the articles, recording what changed.

A page's first look stores the fingerprint of its main text (``SourceCheck``); a later look
finding another fingerprint sets ``changed_at``, which puts every article citing the page
into the "Needs review" queue (``reviews.needing_review``) until it is reviewed again. A
page that cannot be read gets ``error`` and keeps its fingerprint: the watch never raises
for the network, and nothing in the chat depends on it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import zip_longest
from typing import Iterable
from urllib.parse import urlsplit

from sqlalchemy import select

from assistant.chat.source_pages import FetchError, PoliteFetcher
from assistant.extensions import db
from assistant.models import SourceCheck
from common.thai_calendar import utcnow
from knowledge import Article

ERROR_LENGTH = 300  # SourceCheck.error


@dataclass
class WatchSummary:
    """What one round of the watch found."""

    first: list[str] = field(default_factory=list)  # looked at for the first time
    unchanged: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # url -> what went wrong

    def __str__(self) -> str:
        """One line for the log."""
        looked = len(self.first) + len(self.unchanged) + len(self.changed) + len(self.errors)
        return (f"checked {looked} source page(s): {len(self.changed)} changed, "
                f"{len(self.unchanged)} unchanged, {len(self.first)} seen for the first time, "
                f"{len(self.errors)} error(s)")


def source_urls(articles: Iterable[Article]) -> dict[str, list[str]]:
    """Every source URL of ``articles``, with the ids of the articles citing it."""
    citing: dict[str, list[str]] = defaultdict(list)
    for article in articles:
        for url in dict.fromkeys(source.url for source in article.sources):
            citing[url].append(article.id)
    return dict(citing)


def _interleaved(urls: Iterable[str]) -> list[str]:
    """``urls`` sorted, hosts taking turns, so that one host's pause is spent on others."""
    by_host: dict[str, list[str]] = defaultdict(list)
    for url in sorted(urls):
        by_host[urlsplit(url).netloc].append(url)
    return [url for turn in zip_longest(*by_host.values()) for url in turn if url]


def watch_sources(articles: Iterable[Article], fetcher: PoliteFetcher) -> WatchSummary:
    """Look at every source page of ``articles`` once; each page's row is committed alone."""
    summary = WatchSummary()
    for url in _interleaved(source_urls(articles)):
        check = db.session.scalar(select(SourceCheck).where(SourceCheck.url == url))
        if check is None:
            check = SourceCheck(url=url)
            db.session.add(check)
        outcome = _look(check, fetcher)
        if outcome == "errors":
            summary.errors[url] = check.error or ""
        else:
            getattr(summary, outcome).append(url)
        db.session.commit()
    return summary


def _look(check: SourceCheck, fetcher: PoliteFetcher) -> str:
    """Fetch ``check``'s page and update its row; what it found.

    ``first``, ``unchanged``, ``changed`` or ``errors`` (the message in ``check.error``).
    """
    known = check.fingerprint is not None
    check.checked_at = utcnow()
    try:
        page = fetcher.fetch(check.url, check.etag if known else None,
                             check.last_modified if known else None)
    except FetchError as error:
        check.error = str(error)[:ERROR_LENGTH]
        return "errors"
    check.error = None
    if page.fingerprint is None:  # 304 Not Modified
        return "unchanged"
    check.etag, check.last_modified = page.etag, page.last_modified
    outcome = ("first" if not known else
               "unchanged" if page.fingerprint == check.fingerprint else "changed")
    if outcome == "changed":
        check.changed_at = check.checked_at
    check.fingerprint = page.fingerprint
    return outcome
