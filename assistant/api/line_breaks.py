"""Where Thai text may wrap: between its words, as the assistant itself segments Thai.

Browsers break Thai lines with their own dictionaries, which split words the assistant
reads whole ("ประกัน|สังคม"). The API gives the word starts inside Thai runs instead; the
widget marks them as the only places a Thai line may wrap.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, List, Optional

from nlu.segmentation import is_thai, split_words


@lru_cache(maxsize=4096)
def thai_breaks(text: str) -> tuple[int, ...]:
    """Where a word starts right after another inside Thai text.

    Offsets in UTF-16 code units, as JavaScript counts them.
    """
    if not is_thai(text):
        return ()
    words = split_words(text)
    pairs = zip(words, words[1:], strict=False)
    return tuple(_utf16_offset(text, word.start) for before, word in pairs
                 if before.end == word.start and is_thai(text[word.start])
                 and is_thai(text[before.end - 1]))


def _utf16_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-16-le")) // 2


def reply_breaks(text: str, card: Optional[Dict[str, Any]],
                 buttons: List[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
    """The word starts of a reply's texts: text, card title and body, button titles.

    Each is null when it has no Thai (it wraps as usual); the whole is None when no text has.
    """
    breaks: Dict[str, Any] = {"text": _word_starts(text)}
    if card:
        breaks["title"] = _word_starts(str(card.get("title") or ""))
        breaks["body"] = _word_starts(str(card.get("body") or ""))
    breaks["buttons"] = [_word_starts(str(button.get("title") or "")) for button in buttons]
    found = any(breaks.get(key) is not None for key in ("text", "title", "body")) \
        or any(field is not None for field in breaks["buttons"])
    return breaks if found else None


def _word_starts(text: str) -> Optional[List[int]]:
    return list(thai_breaks(text)) if is_thai(text) else None
