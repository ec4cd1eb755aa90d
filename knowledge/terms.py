"""The term base (``knowledge/terms.yml``): one form for each name and way of address.

Official names, forms and the way articles address the reader; ``make kb-check`` refuses an
article using another form.

The forms to avoid are regular expressions matched in an article's title, short answer and
details (not its keywords: users type the informal names). The Thai form of address is a
word, so it is found with the assistant's own Thai segmentation ("คุณ" as a word, not the
first syllable of "คุณภาพ").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from knowledge.articles import LANGUAGES, Article
from nlu.segmentation import split_words

TERMS_FILE = Path(__file__).resolve().parent / "terms.yml"


@dataclass(frozen=True)
class Term:
    """One preferred form and the patterns of the forms to avoid, per language."""

    name: str
    preferred: dict[str, str]
    avoid: dict[str, tuple[re.Pattern[str], ...]]


@dataclass(frozen=True)
class TermBase:
    """The terms and the Thai form of address."""

    terms: tuple[Term, ...]
    address: str
    avoided_address: str


@lru_cache(maxsize=1)
def term_base(path: Path = TERMS_FILE) -> TermBase:
    """The term base of ``path`` (read once)."""
    data = yaml.safe_load(path.read_text("utf-8"))
    terms = tuple(
        Term(name=entry["name"],
             preferred={language: entry[language] for language in LANGUAGES if language in entry},
             avoid={language: tuple(re.compile(pattern) for pattern in patterns)
                    for language, patterns in (entry.get("avoid") or {}).items()})
        for entry in data["terms"])
    thai = data["address"]["th"]
    return TermBase(terms=terms, address=thai["use"], avoided_address=thai["avoid_word"])


def term_problems(article: Article, base: TermBase | None = None) -> list[str]:
    """Each use in ``article`` of a form the term base says to avoid."""
    base = base or term_base()
    problems = []
    for language in LANGUAGES:
        text = "\n".join((article.title[language], article.answer[language],
                          article.details[language]))
        for term in base.terms:
            for pattern in term.avoid.get(language, ()):
                for found in pattern.finditer(text):
                    problems.append(f"{article.id}: '{found.group()}' — write "
                                    f"'{term.preferred.get(language, term.name)}' ({term.name})")
    thai = "\n".join((article.title["th"], article.answer["th"], article.details["th"]))
    addressed = sum(1 for word in split_words(thai) if word.text == base.avoided_address)
    if addressed:
        problems.append(f"{article.id}: addresses the reader as '{base.avoided_address}' "
                        f"{addressed} time(s) — write '{base.address}'")
    return problems
