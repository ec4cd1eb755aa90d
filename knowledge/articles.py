"""Load knowledge articles: one Markdown file per article with YAML front matter.

Front matter: ``id``, ``topic``, ``reviewed`` (date), ``sources`` (title + official URL),
``keywords`` / ``title`` / ``answer`` (each with ``en`` and ``th``). The body holds the
details in two sections headed ``## English`` and ``## ภาษาไทย``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import frontmatter

ARTICLES_DIR = Path(__file__).resolve().parent / "articles"
LANGUAGES = ("en", "th")
MAX_ANSWER_WORDS = 80
_SECTION = re.compile(r"^##\s+(English|ภาษาไทย)\s*$", re.MULTILINE)
_SECTION_LANGUAGE = {"English": "en", "ภาษาไทย": "th"}


class ArticleError(ValueError):
    """An article file is missing a required part."""


@dataclass(frozen=True)
class Source:
    """An official source of an article."""

    title: str
    url: str


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

    def text_for_search(self) -> str:
        """Every searchable word of the article, titles and keywords repeated for weight."""
        parts: list[str] = []
        for language in LANGUAGES:
            headline = [self.title[language], " ".join(self.keywords[language])]
            parts += headline * 2 + [self.answer[language], self.details[language]]
        return "\n".join(parts)


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


def load_article(path: Path) -> Article:
    """Parse and check one article file."""
    post = frontmatter.load(str(path))
    meta = post.metadata
    missing = [key for key in ("id", "topic", "reviewed", "sources") if not meta.get(key)]
    if missing:
        raise ArticleError(f"{path}: missing {', '.join(missing)}")
    sources = tuple(Source(str(s["title"]), str(s["url"])) for s in meta["sources"])
    if not all(source.url.startswith("https://") for source in sources):
        raise ArticleError(f"{path}: every source needs an https URL")
    answer = _bilingual(meta, "answer", path)
    if len(answer["en"].split()) > MAX_ANSWER_WORDS:
        raise ArticleError(f"{path}: the English short answer exceeds {MAX_ANSWER_WORDS} words")
    keywords = meta.get("keywords") or {}
    return Article(
        id=str(meta["id"]),
        topic=str(meta["topic"]),
        reviewed=meta["reviewed"] if isinstance(meta["reviewed"], dt.date)
        else dt.date.fromisoformat(str(meta["reviewed"])),
        sources=sources,
        title=_bilingual(meta, "title", path),
        answer=answer,
        details=_split_sections(post.content, path),
        keywords={lang: tuple(map(str, keywords.get(lang) or ())) for lang in LANGUAGES},
    )


def load_articles(directory: Path = ARTICLES_DIR) -> list[Article]:
    """All articles under ``directory`` (one sub-folder per topic), sorted by path."""
    articles = [load_article(path) for path in sorted(directory.glob("*/*.md"))]
    ids = [article.id for article in articles]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ArticleError(f"duplicate article ids: {', '.join(duplicates)}")
    return articles
