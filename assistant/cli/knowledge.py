"""``flask knowledge watch``: the source watch, once (``make kb-watch``) or every N seconds.

It reads the articles of ``KNOWLEDGE_DIR``, looks at each source page politely
(``assistant/chat/source_pages.py``) and records what changed; a page that cannot be read
(no network, a timeout) is listed and recorded, and the command still succeeds. Of several
hosts, one watches at a time, and none again within ``--every`` seconds (less a tenth) of
the last look at a source page: the sources are not visited once per host.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from assistant.chat.reviews import changed_sources
from assistant.chat.source_pages import PoliteFetcher
from assistant.chat.source_watch import watch_sources
from assistant.cli.loops import EVERY, ran_recently, repeat
from assistant.extensions import db
from assistant.models import SourceCheck
from knowledge.articles import load_articles


@click.group(cls=AppGroup)
def knowledge() -> None:
    """The knowledge base's articles and their sources."""


@knowledge.command("watch")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True),
              envvar="KB_WATCH_TIMEOUT", default=20.0, show_default=True,
              help="seconds to wait for one source page")
@click.option("--delay", type=click.FloatRange(min=0), envvar="KB_WATCH_DELAY",
              default=2.0, show_default=True,
              help="seconds between two requests to the same host")
@EVERY
def watch(timeout: float, delay: float, every: int) -> None:
    """Fetch each source page; a page whose main text changed puts its articles up for review."""
    def step() -> None:
        if ran_recently(db.session.scalar(select(func.max(SourceCheck.checked_at))), every):
            return
        articles = load_articles(Path(current_app.config["KNOWLEDGE_DIR"]))
        summary = watch_sources(articles, PoliteFetcher(timeout, delay))
        for url, error in summary.errors.items():
            click.echo(f"error {url}: {error}")
        for url in summary.changed:
            click.echo(f"changed {url}")
        click.echo(summary)
        waiting = changed_sources()
        click.echo(f"{len(waiting)} article(s) with a changed source await review"
                   + (f": {', '.join(sorted(waiting))}" if waiting else ""))
    repeat(every, step, lock="knowledge-watch")
