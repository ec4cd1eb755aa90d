"""Decide whether a message is English or Thai, and spot explicit language requests.

Rule (documented in README): count Thai letters and Latin letters. No letters at all
(numbers, emoji, "???") -> no decision, the conversation keeps its language. Otherwise the
message is Thai when Thai letters are at least ``THAI_SHARE_FOR_THAI`` of all letters, else
English. A message with both scripts, the smaller one at least ``MIXED_MIN_SHARE`` of the
letters, is also flagged ``mixed`` ("ต่อ visa ที่ไหนครับ" -> th, mixed). A Thai speaker who
types Latin brand names still reads Thai; an English speaker who quotes one Thai word
("where do I buy ยาดม?") still reads English.

Pure Python so that the web service can use it too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

ENGLISH = "en"
THAI = "th"
SUPPORTED = (ENGLISH, THAI)
THAI_SHARE_FOR_THAI = 0.4
MIXED_MIN_SHARE = 0.15

_THAI_LETTER = re.compile(r"[\u0E01-\u0E4E]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")
_ASKS_ENGLISH = re.compile(
    r"english|\beng\b|อังกฤษ|อิงลิช", re.IGNORECASE
)
_ASKS_THAI = re.compile(r"\bthai\b|ภาษาไทย|พูดไทย|ตอบไทย|เป็นไทย|ขอไทย", re.IGNORECASE)


@dataclass(frozen=True)
class LanguageGuess:
    """The detected language of one message."""

    language: str
    thai_share: float
    mixed: bool


def detect_language(text: str) -> Optional[LanguageGuess]:
    """English or Thai by share of Thai letters; None when the text has no letters."""
    thai = len(_THAI_LETTER.findall(text))
    latin = len(_LATIN_LETTER.findall(text))
    letters = thai + latin
    if letters == 0:
        return None
    share = thai / letters
    language = THAI if share >= THAI_SHARE_FOR_THAI else ENGLISH
    mixed = min(share, 1 - share) >= MIXED_MIN_SHARE
    return LanguageGuess(language, round(share, 3), mixed)


def requested_language(text: str) -> Optional[str]:
    """The language a "switch language" request asks for, or None if it names neither.

    Only meaningful once NLU has classified the message as ``switch_language``: "in Thai"
    inside an ordinary question is not a request to switch.
    """
    wants_thai = _ASKS_THAI.search(text) is not None
    wants_english = _ASKS_ENGLISH.search(text) is not None
    if wants_thai == wants_english:
        return None
    return THAI if wants_thai else ENGLISH
