r"""Rasa's training-data markup: user text as one plain line, entity annotations, checked.

User text becomes plain Rasa training text. Every run of whitespace, line separators and
control characters is one space (Rasa splits a block of examples at each ``splitlines``
break: ``\r``, ``\v``, ``\x1c`` ...). Rasa 3.6's entity markup (``[text](entity)``,
``[text]{...}``, ``[text][...]``) has no escape, and every annotation starts with ``[``: the
user's square brackets are written as fullwidth brackets (``［`` ``］``), punctuation to the
tokenizer as the ASCII ones are, so the only markup in a line is the trainer's entities.
Personal data is replaced by placeholders first.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Sequence

from assistant.records.pii import redact

ENTITY_NAME = re.compile(r"[a-z_]+")
# Rasa 3.6's reading of entity markup (rasa/shared/nlu/training_data/entities_parser.py).
RASA_ENTITY = re.compile(
    r"\[(?P<entity_text>[^\]]+?)\](\((?P<entity>[^:)]+?)(?:\:(?P<value>[^)]+))?\)"
    r"|\{(?P<entity_dict>[^}]+?)\}|\[(?P<list_entity_dicts>.*?)\])")
FULLWIDTH_BRACKETS = str.maketrans({"[": "\uff3b", "]": "\uff3d"})
# Control, surrogate, line and paragraph separator characters; the byte order mark and the
# non-characters YAML cannot hold.
_BREAKING_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})
_NOT_TEXT = frozenset("\ufeff\ufffe\uffff")


class AnnotationError(ValueError):
    """An annotation that cannot be written (bad span, intent name, duplicate ...)."""


@dataclass(frozen=True)
class Span:
    """An entity over ``text[start:end]``."""

    start: int
    end: int
    entity: str


def _breaks_text(char: str) -> bool:
    """Whitespace, a line separator or a control character: one space in training text."""
    return (char.isspace() or char in _NOT_TEXT
            or unicodedata.category(char) in _BREAKING_CATEGORIES)


def one_line(text: str) -> tuple[str, list[int]]:
    """``text`` on one line: each run of breaking characters one space, ends trimmed.

    Also returns where each position of ``text`` (0 to ``len(text)``) lands in the result,
    to move entity spans along.
    """
    out: list[str] = []
    where: list[int] = []
    for char in text:
        where.append(len(out))
        if not _breaks_text(char):
            out.append(char)
        elif out and out[-1] != " ":
            out.append(" ")
    if out and out[-1] == " ":
        out.pop()
    where.append(len(out))
    return "".join(out), [min(position, len(out)) for position in where]


def training_text(text: str) -> str:
    """User text as plain Rasa training text: one line, redacted, no markup of its own."""
    return redact(one_line(text)[0]).translate(FULLWIDTH_BRACKETS)


def _check_spans(text: str, spans: Sequence[Span]) -> None:
    position = 0
    for span in sorted(spans, key=lambda s: s.start):
        if span.start < position or not 0 <= span.start < span.end <= len(text):
            raise AnnotationError("entity spans must lie inside the text and not overlap")
        if not ENTITY_NAME.fullmatch(span.entity):
            raise AnnotationError(f"not an entity name: {span.entity!r}")
        position = span.end


def annotated(text: str, spans: Sequence[Span]) -> str:
    """Rasa's inline entity syntax: ``[Bang Rak](district)``; spans must not overlap."""
    _check_spans(text, spans)
    result, position = [], 0
    for span in sorted(spans, key=lambda s: s.start):
        result += [text[position:span.start], f"[{text[span.start:span.end]}]({span.entity})"]
        position = span.end
    result.append(text[position:])
    return "".join(result)


def read_like_rasa(line: str) -> tuple[str, list[Span]]:
    """The text and entities Rasa 3.6 reads from one example line."""
    plain, entities, position, length = [], [], 0, 0
    for match in RASA_ENTITY.finditer(line):
        length += match.start() - position
        shown = match["entity_text"]
        entities.append(Span(length, length + len(shown), match["entity"] or ""))
        plain += [line[position:match.start()], shown]
        length += len(shown)
        position = match.end()
    plain.append(line[position:])
    return "".join(plain), entities


def example_line(text: str, spans: Sequence[Span] = ()) -> str:
    """One example in Rasa's markup: ``text`` as :func:`training_text`, the entities marked.

    ``spans`` are offsets into ``text`` as the user wrote it. The line is checked: Rasa
    reads back exactly this text and these entities.
    """
    _check_spans(text, spans)
    plain, where = one_line(text)
    moved = sorted((Span(where[s.start], where[s.end], s.entity) for s in spans),
                   key=lambda s: s.start)
    for span in moved:
        covered = plain[span.start:span.end]
        if not covered.strip() or covered != covered.strip():
            raise AnnotationError("entity marks must cover words, not spaces")
    clean = redact(plain)
    if clean != plain and spans:
        raise AnnotationError("the text holds personal data: mark entities after redaction")
    if not clean:
        raise AnnotationError("an example is one non-empty line")
    safe = clean.translate(FULLWIDTH_BRACKETS)
    line = annotated(safe, moved)
    if read_like_rasa(line) != (safe, moved) or len(line.splitlines()) != 1:
        raise AnnotationError("the text cannot be written as one Rasa training example")
    return line
