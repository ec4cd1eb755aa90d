"""Articles split into passages: the pieces a precise question is answered with.

A passage is one paragraph, one bullet or one numbered item of an article's details, in
one language, together with the bold heading it stands under; the short answer is one
more passage. Ids are computed from the file: ``<article id>#<language>-<8 hex digits of
the passage's text>``, so they stay the same as long as the passage's words do.

Passages are ranked with BM25 over the same analyzer as the articles, weighted by how much
of the asked-for kind of fact a passage holds (an amount for "how much", a phone number for
"which number" ...; see ``knowledge.aspects``): a passage without it keeps half its BM25
score, one with it gets the full score plus a bonus. When an article's two languages have
as many passages, the n-th passage of one is the translation of the n-th of the other; a
question's words that the reply language's passages never use are looked up in the
translations: "บริษัทต้องมี capital เท่าไหร่" finds the Thai passage whose English twin says
"capital".
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Iterator, NamedTuple, Optional, Sequence

from rank_bm25 import BM25Okapi

from knowledge.analyzer import terms
from knowledge.articles import LANGUAGES, Article
from knowledge.aspects import evidence_share

SUMMARY = "summary"
_HEADING = re.compile(r"^\*\*(?P<heading>[^*]+)\*\*\s*$")
_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_EMPHASIS = re.compile(r"\*{1,2}([^*]+)\*{1,2}")
# For a passage that holds every asked-for kind of fact (BM25 of one passage: mostly 0-20).
ASPECT_BONUS = 4.0


@dataclass(frozen=True)
class Passage:
    """One quotable piece of an article in one language."""

    id: str
    article_id: str
    language: str
    section: str
    text: str


def plain(markdown: str) -> str:
    """Markdown emphasis and list markers removed, whitespace collapsed."""
    return " ".join(_EMPHASIS.sub(r"\1", _ITEM.sub("", markdown)).split())


def passage_id(article_id: str, language: str, text: str) -> str:
    """The stable id of a passage: article, language and a hash of its text."""
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
    return f"{article_id}#{language}-{digest}"


class _Piece(NamedTuple):
    """One paragraph or list item of an article's details, under its heading."""

    heading: str
    markdown: str
    is_item: bool


def _pieces(details: str) -> list[_Piece]:
    """Each paragraph, bullet and numbered item of ``details``, in order."""
    pieces: list[_Piece] = []
    heading, paragraph, previous = "", list[str](), ""
    for line in details.splitlines() + [""]:
        continues_item = (line[:1].isspace() and line.strip() and previous.strip()
                          and not paragraph and pieces and pieces[-1].is_item
                          and not _ITEM.match(line))
        previous = line
        if continues_item:  # a wrapped list item: its indented next line belongs to it
            pieces[-1] = pieces[-1]._replace(markdown=f"{pieces[-1].markdown} {line.strip()}")
            continue
        match = _HEADING.match(line.strip())
        if match or not line.strip() or _ITEM.match(line):
            if paragraph:
                pieces.append(_Piece(heading, " ".join(paragraph), False))
                paragraph = []
            if match:
                heading = match.group("heading").strip()
            elif line.strip():
                pieces.append(_Piece(heading, line, True))
            continue
        paragraph.append(line.strip())
    return pieces


def _lead_ins(pieces: Sequence[_Piece]) -> set[int]:
    """Positions of the paragraphs that end with a colon (they introduce a list)."""
    return {i for i, piece in enumerate(pieces)
            if not piece.is_item and piece.markdown.rstrip().endswith(":")}


def _quoted(pieces: Sequence[_Piece], lead_ins: set[int]) -> Iterator[tuple[str, str]]:
    """(section, text) per piece; the items after a lead-in are quoted with it.

    "If you come forward yourself: more than 1 year: 3-year ban", not "more than 1 year:
    3-year ban" alone.
    """
    lead = ""
    for position, piece in enumerate(pieces):
        text = plain(piece.markdown)
        if not piece.is_item:
            lead = text.rstrip(":") if position in lead_ins else ""
        elif lead and (position == 0 or pieces[position - 1].heading == piece.heading):
            text = f"{lead}: {text}"
        yield piece.heading, text


def split_article(article: Article) -> list[Passage]:
    """The article's passages: its short answer, then its details, in both languages.

    When both languages have as many pieces, a list introduced in one language is
    introduced in the other too (Thai text seldom ends a lead-in with a colon).
    """
    pieces = {language: _pieces(article.details[language]) for language in LANGUAGES}
    lead_ins = {language: _lead_ins(pieces[language]) for language in LANGUAGES}
    if len({len(found) for found in pieces.values()}) == 1:
        shared = set().union(*lead_ins.values())
        lead_ins = {language: shared for language in LANGUAGES}
    passages = []
    for language in LANGUAGES:
        quoted = [(SUMMARY, plain(article.answer[language])),
                  *_quoted(pieces[language], lead_ins[language])]
        seen = set()
        for section, text in quoted:
            if text and text not in seen:
                seen.add(text)
                passages.append(Passage(passage_id(article.id, language, text), article.id,
                                        language, section, text))
    return passages


@dataclass(frozen=True)
class PassageHit:
    """A passage and its score for a question."""

    passage: Passage
    score: float


class PassageIndex:
    """The passages of all articles, one BM25 index (both languages share the IDF)."""

    def __init__(self, articles: Sequence[Article]) -> None:
        """Split and index every article."""
        self.passages = [p for article in articles for p in split_article(article)]
        self._by_id = {p.id: p for p in self.passages}
        self._positions: dict[tuple[str, str], list[int]] = {}
        for position, passage in enumerate(self.passages):
            self._positions.setdefault((passage.article_id, passage.language), []).append(position)
        self._twins = self._aligned_twins()
        self._index = BM25Okapi(
            [terms(f"{p.section} {p.text}") or ["-"] for p in self.passages])

    def _aligned_twins(self) -> dict[int, int]:
        """Position of each passage's translation, for articles whose languages align."""
        twins: dict[int, int] = {}
        for (article_id, language), positions in self._positions.items():
            for other in LANGUAGES:
                translated = self._positions.get((article_id, other), [])
                if other != language and len(translated) == len(positions):
                    twins.update(zip(positions, translated, strict=True))
        return twins

    def _missing_terms(self, query: list[str], positions: list[int]) -> list[str]:
        """The query's terms that none of these passages contains (the other language's)."""
        frequencies = self._index.doc_freqs
        return [term for term in query if not any(term in frequencies[p] for p in positions)]

    def get(self, passage_id_: str) -> Optional[Passage]:
        """The passage with this id, if any."""
        return self._by_id.get(passage_id_)

    def of(self, article_id: str, language: str) -> list[Passage]:
        """The article's passages in ``language``, in file order."""
        return [self.passages[i] for i in self._positions.get((article_id, language), [])]

    def best(self, article_id: str, language: str, question: str,
             aspects: Sequence[str], with_summary: bool = True) -> Optional[PassageHit]:
        """The article's passage that best answers ``question`` (asking for ``aspects``).

        The short answer competes too (it often states the main figure), unless not
        ``with_summary`` (the user has just read it). None when no passage shares a word
        with the question or holds an asked-for fact.
        """
        positions = [position for position in self._positions.get((article_id, language), [])
                     if with_summary or self.passages[position].section != SUMMARY]
        if not positions:
            return None
        query = terms(question)
        scores = [0.0] * len(positions)
        if query:
            scores = [float(score) for score in self._index.get_batch_scores(query, positions)]
            untranslated = self._missing_terms(query, positions)
            twins = [self._twins.get(position) for position in positions]
            if untranslated and None not in twins:
                translated = self._index.get_batch_scores(untranslated, twins)
                scores = [own + float(twin) for own, twin in zip(scores, translated, strict=True)]
        hits = []
        for position, score in zip(positions, scores, strict=True):
            passage = self.passages[position]
            share = evidence_share(passage.text, aspects)
            hits.append(PassageHit(passage, float(score) * (1 + share) / 2 + ASPECT_BONUS * share))
        best = max(hits, key=lambda hit: hit.score)
        return best if best.score > 0 else None
