"""Knowledge articles in the web service: the live knowledge base, editing and history.

An edit is written back to the article's Markdown file (front matter + two language
sections), after the same checks as ``make kb-check``; the file before and after is kept
as an ``ArticleRevision``. The action server notices the changed file by itself.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from flask import current_app
from sqlalchemy import select

from assistant.extensions import db
from assistant.models import ArticleRevision, User
from assistant.records import audit
from common.thai_calendar import bangkok_today
from knowledge import Article
from knowledge.articles import LANGUAGES, ArticleError, parse_article
from knowledge.check import article_errors, expiry_problems
from knowledge.live import LiveKnowledgeBase
from knowledge.search import KnowledgeBase
from knowledge.terms import term_problems


def knowledge_base() -> KnowledgeBase:
    """The app's knowledge base as the files are now (loaded on first use)."""
    live = current_app.extensions.get("knowledge")
    if live is None:
        live = LiveKnowledgeBase(Path(current_app.config["KNOWLEDGE_DIR"]))
        current_app.extensions["knowledge"] = live
    current: KnowledgeBase = live.current()
    return current


@dataclass
class ArticleDraft:
    """The editable parts of an article, as the console form holds them."""

    title: dict[str, str]
    answer: dict[str, str]
    details: dict[str, str]
    keywords: dict[str, list[str]]
    sources: list[dict[str, Any]]
    related: list[str]
    reviewed: dt.date

    @classmethod
    def of(cls, article: Article) -> ArticleDraft:
        """The draft that reproduces ``article``."""
        return cls(
            title=dict(article.title), answer=dict(article.answer),
            details=dict(article.details),
            keywords={language: list(article.keywords[language]) for language in LANGUAGES},
            sources=[{"title": s.title, "url": s.url, **({"entry_point": True}
                                                          if s.entry_point else {})}
                     for s in article.sources],
            related=list(article.related), reviewed=article.reviewed,
        )


def article_text(article: Article, draft: ArticleDraft) -> str:
    """The Markdown file of ``article`` as ``draft`` edits it.

    YAML front matter, then English and Thai details. Its time-bound facts, which the form
    does not edit, are kept.
    """
    meta: dict[str, Any] = {
        "id": article.id, "topic": article.topic, "reviewed": draft.reviewed,
        "sources": draft.sources, "keywords": draft.keywords,
        "title": draft.title, "answer": draft.answer,
    }
    if article.time_bound:
        meta["time_bound"] = [
            {"claim": dict(fact.claim), "status": fact.status,
             **({"valid_until": fact.valid_until} if fact.valid_until else {})}
            for fact in article.time_bound]
    if draft.related:
        meta["related"] = draft.related
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=100)
    english, thai = draft.details["en"].strip(), draft.details["th"].strip()
    return f"---\n{front}---\n## English\n\n{english}\n\n## ภาษาไทย\n\n{thai}\n"


def article_path(article: Article) -> Path:
    """Where ``article``'s file is."""
    return Path(current_app.config["KNOWLEDGE_DIR"]) / article.topic / f"{article.id}.md"


def edited_article(article: Article, draft: ArticleDraft) -> Article:
    """``article`` as ``draft`` edits it; ``ArticleError`` when the draft cannot be read."""
    return parse_article(article_text(article, draft), article_path(article))


def save_problems(edited: Article) -> list[str]:
    """What keeps ``edited`` from being saved (``make kb-check`` rules, unknown related)."""
    today = bangkok_today()  # as a review dates the file (a UTC clock is a day behind till 07:00)
    found = (article_errors(edited, today) + expiry_problems(edited, today)[0]
             + term_problems(edited))
    known = {a.id for a in knowledge_base().articles}
    return found + [f"related article {r!r} does not exist" for r in edited.related
                    if r not in known or r == edited.id]


def save_article(article: Article, draft: ArticleDraft, user: User) -> Article:
    """Check the edited article, write its file and record the revision.

    Raises ``ArticleError`` naming every problem; nothing is written then.
    """
    edited = edited_article(article, draft)
    found = save_problems(edited)
    if found:
        raise ArticleError("; ".join(found))
    path, text = article_path(article), article_text(article, draft)
    before = path.read_text("utf-8")
    if before == text:
        return edited
    _write_atomically(path, text)
    db.session.add(ArticleRevision(article_id=article.id, user_id=user.id, before=before,
                                   after=text))
    audit.record(user, "article edited", article.id)
    db.session.commit()
    return edited


def _write_atomically(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as file:
        file.write(text)
    os.replace(temporary, path)


def revisions(article_id: str) -> list[ArticleRevision]:
    """Saved edits of an article, newest first."""
    query = (select(ArticleRevision).where(ArticleRevision.article_id == article_id)
             .order_by(ArticleRevision.id.desc()))
    return list(db.session.scalars(query))


def revision_diff(revision: ArticleRevision) -> str:
    """A unified diff of one revision."""
    return "".join(difflib.unified_diff(
        revision.before.splitlines(keepends=True), revision.after.splitlines(keepends=True),
        fromfile="before", tofile="after"))


def search(query: str, limit: int = 8) -> list[Article]:
    """Articles matching ``query`` (English or Thai), best first; all of them for no query."""
    base = knowledge_base()
    if not query.strip():
        return sorted(base.articles, key=lambda a: (a.topic, a.id))
    return [hit.article for hit in base.rank(query)[:limit]]
