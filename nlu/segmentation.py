"""Split mixed Thai/English text into words with exact character offsets.

Thai has no spaces between words, so Thai runs are segmented with pythainlp's dictionary
based ``newmm`` engine; everything else (Latin words, numbers, codes such as ``TM30`` or
``non-b``) is split with a word regex so it stays whole. Used by the Rasa tokenizer and by
the knowledge retrieval analyzer, so both see the same words.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterator, NamedTuple

from pythainlp.corpus import thai_words
from pythainlp.tokenize import word_tokenize
from pythainlp.util import Trie

THAI_CHAR = re.compile(r"[\u0E00-\u0E7F]")
# A dotted Thai abbreviation ("ภ.ง.ด.", "พ.ศ."), a Thai run, or a non-Thai word: letters and
# digits joined by inner apostrophes, dots or hyphens ("don't", "3.5", "non-b", "e-mail").
# Thai digits and marks are inside the Thai block.
_THAI_ABBREVIATION = re.compile(r"(?:[\u0E01-\u0E2E]{1,3}\.){2,}")
_PIECE = re.compile(
    _THAI_ABBREVIATION.pattern
    + r"|[\u0E00-\u0E7F]+"
    + r"|[^\W_]+(?:['’.\-][^\W_]+)*",
    re.UNICODE,
)


# Rare dictionary words that swallow the end of a common one: with "นคะ" (a Pali word for
# mountain) in the dictionary, newmm reads "ไหนคะ" ("which?" + polite particle) as
# "ไห|นคะ", and "which office / which number / since which month" lose their "which".
# With the idiom "ว่าแล้ว" ("I knew it"), "มาปีกว่าแล้ว" ("for over a year now") becomes
# "ปีก|ว่าแล้ว" ("wing" + "I knew it") and the question loses its "year".
RARE_WORDS_THAT_MISLEAD = frozenset({"นคะ", "ว่าแล้ว"})


@lru_cache(maxsize=1)
def _dictionary() -> Trie:
    """The word list of pythainlp without the words that mislead segmentation."""
    return Trie(set(thai_words()) - RARE_WORDS_THAT_MISLEAD)


class Word(NamedTuple):
    """A word and its [start, end) character span in the original text."""

    text: str
    start: int
    end: int


def is_thai(text: str) -> bool:
    """True if ``text`` contains at least one Thai character."""
    return THAI_CHAR.search(text) is not None


def _thai_words(run: str, offset: int) -> Iterator[Word]:
    """Segment one run of Thai characters with newmm, keeping offsets."""
    position = offset
    for piece in word_tokenize(run, engine="newmm", custom_dict=_dictionary(),
                               keep_whitespace=True):
        start, position = position, position + len(piece)
        if piece.strip():
            yield Word(piece, start, position)


def split_words(text: str) -> list[Word]:
    """Words of ``text`` in order; punctuation and whitespace are dropped.

    Offsets always satisfy ``text[w.start:w.end] == w.text``.
    """
    words: list[Word] = []
    for match in _PIECE.finditer(text):
        piece = match.group()
        if is_thai(piece) and not _THAI_ABBREVIATION.fullmatch(piece):
            words.extend(_thai_words(piece, match.start()))
        else:
            words.append(Word(piece, match.start(), match.end()))
    return words
