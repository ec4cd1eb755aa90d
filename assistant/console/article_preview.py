"""The knowledge editor's preview: an edited article as the chat shows it, in both languages.

The chat answers with one plain-text reply (``knowledge.replies``: title, short answer,
official source, reviewed date), a link to the source and buttons to related articles; a
precise question gets one passage of the details instead. The preview holds those texts,
never HTML: the template escapes them, so nothing typed into the editor becomes markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from assistant.chat.articles import (
    ArticleDraft,
    article_path,
    edited_article,
    knowledge_base,
    save_problems,
)
from knowledge import Article
from knowledge.articles import LANGUAGES, ArticleError, Source
from knowledge.passages import SUMMARY, split_article
from knowledge.replies import answer_text


@dataclass(frozen=True)
class LanguagePreview:
    """The article in one language, as the chat shows it."""

    language: str
    reply: str
    source: Source
    related: list[str]
    passages: list[tuple[str, list[str]]]


@dataclass(frozen=True)
class Preview:
    """Both languages, and what would keep the draft from being saved."""

    languages: list[LanguagePreview]
    problems: list[str]


def _passages(article: Article, language: str) -> list[tuple[str, list[str]]]:
    """The quotable passages of the details, grouped under their headings, in order."""
    pieces = [p for p in split_article(article) if p.language == language
              and p.section != SUMMARY]
    return [(heading, [p.text for p in group])
            for heading, group in groupby(pieces, key=lambda p: p.section)]


def preview(article: Article, draft: ArticleDraft) -> Preview:
    """``draft`` of ``article`` as the chat would show it (only the problems when unreadable)."""
    try:
        edited = edited_article(article, draft)
    except ArticleError as error:
        return Preview([], [str(error).removeprefix(f"{article_path(article)}: ")])
    related = knowledge_base().related(edited, [])
    return Preview(
        [LanguagePreview(language, answer_text(edited, language), edited.sources[0],
                         [other.title[language] for other in related],
                         _passages(edited, language))
         for language in LANGUAGES],
        save_problems(edited))
