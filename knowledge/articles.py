"""Load knowledge articles: one Markdown file per article with YAML front matter.

Front matter: ``id``, ``topic``, ``reviewed`` (date), ``sources`` (title + official URL,
and ``entry_point: true`` where the home page is the service itself),
``keywords`` / ``title`` / ``answer`` (each with ``en`` and ``th``) and optionally
``related`` (ids of other articles) and ``time_bound``: facts that hold only until a date or
are only proposed, each with ``claim`` (``en`` and ``th``), ``status`` (``in force`` or
``proposed``) and ``valid_until`` (a date; required for a fact in force). The body holds
the details in two sections headed ``## English`` and ``## ภาษาไทย``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import frontmatter

ARTICLES_DIR = Path(__file__).resolve().parent / "articles"
# Another folder of articles (tests edit a copy; a deployment may keep them elsewhere).
ARTICLES_DIR_VARIABLE = "KNOWLEDGE_DIR"
LANGUAGES = ("en", "th")
MAX_ANSWER_WORDS = 80
_SECTION = re.compile(r"^##\s+(English|ภาษาไทย)\s*$", re.MULTILINE)
_SECTION_LANGUAGE = {"English": "en", "ภาษาไทย": "th"}


class ArticleError(ValueError):
    """An article file is missing a required part."""


@dataclass(frozen=True)
class Source:
    """An official source of an article.

    ``entry_point``: the address is the service itself (an online application system, a
    hotline page), so its home page is the right link.
    """

    title: str
    url: str
    entry_point: bool = False


IN_FORCE, PROPOSED = "in force", "proposed"


@dataclass(frozen=True)
class TimeBound:
    """A fact of an article that holds until a date, or that is only proposed."""

    claim: dict[str, str]
    status: str
    valid_until: Optional[dt.date] = None


@dataclass(frozen=True)
class Article:
    """One knowledge article in English and Thai."""

    id: str
    topic: str
    reviewed: dt.date
    sources: tuple[Source, ...]
    title: dict[str, str]
    answer: dict[str, str]
    details: dict[str, str]
    keywords: dict[str, tuple[str, ...]]
    related: tuple[str, ...] = ()
    time_bound: tuple[TimeBound, ...] = ()


def articles_dir() -> Path:
    """The folder the articles are read from: ``$KNOWLEDGE_DIR`` or ``knowledge/articles``."""
    return Path(os.environ.get(ARTICLES_DIR_VARIABLE) or ARTICLES_DIR)


def _split_sections(body: str, path: Path) -> dict[str, str]:
    pieces = _SECTION.split(body)
    headed = zip(pieces[1::2], pieces[2::2], strict=True)
    sections = {_SECTION_LANGUAGE[name]: text.strip() for name, text in headed}
    if set(sections) != set(LANGUAGES):
        raise ArticleError(f"{path}: body needs '## English' and '## ภาษาไทย' sections")
    return sections


def _bilingual(meta: dict, key: str, path: Path) -> dict[str, str]:
    value = meta.get(key) or {}
    if not all(str(value.get(language) or "").strip() for language in LANGUAGES):
        raise ArticleError(f"{path}: '{key}' needs non-empty 'en' and 'th'")
    return {language: " ".join(str(value[language]).split()) for language in LANGUAGES}


def _sources(value: object, path: Path) -> tuple[Source, ...]:
    if not isinstance(value, list) or not all(
            isinstance(s, dict) and s.get("title") and s.get("url") for s in value):
        raise ArticleError(f"{path}: 'sources' must be a list of entries with title and url")
    sources = tuple(Source(str(s["title"]), str(s["url"]), s.get("entry_point") is True)
                    for s in value)
    if not all(source.url.startswith("https://") for source in sources):
        raise ArticleError(f"{path}: every source needs an https URL")
    return sources


def _date(value: object, key: str, path: Path) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ArticleError(f"{path}: '{key}' must be a date (YYYY-MM-DD)") from None


def _time_bound(value: object, path: Path) -> tuple[TimeBound, ...]:
    if not isinstance(value, list) or not all(isinstance(entry, dict) for entry in value):
        raise ArticleError(f"{path}: 'time_bound' must be a list of facts")
    facts = []
    for entry in value:
        status = entry.get("status")
        if status not in (IN_FORCE, PROPOSED):
            raise ArticleError(f"{path}: a time-bound fact's status is '{IN_FORCE}' or "
                               f"'{PROPOSED}'")
        if status == IN_FORCE and not entry.get("valid_until"):
            raise ArticleError(f"{path}: a time-bound fact in force needs 'valid_until'")
        until = entry.get("valid_until")
        facts.append(TimeBound(claim=_bilingual(entry, "claim", path), status=status,
                               valid_until=_date(until, "valid_until", path) if until else None))
    return tuple(facts)


def load_article(path: Path) -> Article:
    """Parse and check one article file."""
    return parse_article(path.read_text("utf-8"), path)


def parse_article(text: str, path: Path) -> Article:
    """Parse and check the text of an article file (``path`` names it in errors)."""
    try:
        post = frontmatter.loads(text)
    except Exception as error:  # YAML errors of several kinds
        raise ArticleError(f"{path}: the front matter is not valid YAML ({error})") from error
    meta = post.metadata
    missing = [key for key in ("id", "topic", "reviewed", "sources") if not meta.get(key)]
    if missing:
        raise ArticleError(f"{path}: missing {', '.join(missing)}")
    sources = _sources(meta["sources"], path)
    answer = _bilingual(meta, "answer", path)
    if len(answer["en"].split()) > MAX_ANSWER_WORDS:
        raise ArticleError(f"{path}: the English short answer exceeds {MAX_ANSWER_WORDS} words")
    keywords = meta.get("keywords") or {}
    return Article(
        id=str(meta["id"]),
        topic=str(meta["topic"]),
        reviewed=_date(meta["reviewed"], "reviewed", path),
        sources=sources,
        title=_bilingual(meta, "title", path),
        answer=answer,
        details=_split_sections(post.content, path),
        keywords={lang: tuple(map(str, keywords.get(lang) or ())) for lang in LANGUAGES},
        related=tuple(map(str, meta.get("related") or ())),
        time_bound=_time_bound(meta.get("time_bound") or [], path),
    )


def collection_errors(articles: list[Article]) -> list[str]:
    """Problems between articles: duplicate ids and related links to missing articles."""
    ids = [article.id for article in articles]
    errors = []
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        errors.append(f"duplicate article ids: {', '.join(duplicates)}")
    known = set(ids)
    dangling = sorted(f"{a.id} -> {r}" for a in articles for r in a.related if r not in known)
    if dangling:
        errors.append(f"related articles that do not exist: {', '.join(dangling)}")
    return errors


def article_paths(directory: Optional[Path] = None) -> list[Path]:
    """The article files under ``directory`` (one sub-folder per topic), sorted."""
    return sorted((directory or articles_dir()).glob("*/*.md"))


def load_articles(directory: Optional[Path] = None) -> list[Article]:
    """All articles under ``directory``, sorted by path; ``ArticleError`` if any is wrong."""
    articles = [load_article(path) for path in article_paths(directory)]
    errors = collection_errors(articles)
    if errors:
        raise ArticleError("; ".join(errors))
    return articles
