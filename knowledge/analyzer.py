"""Turn English, Thai or mixed text into search terms for BM25.

Words come from the same Thai-aware splitter as the Rasa tokenizer (pythainlp newmm for
Thai runs). spaCy supplies what a bag of words needs on top: English lemmas from the lookup
tables of ``spacy-lookups-data`` (so "extending" finds "extension"'s neighbour "extend") and
the English and Thai stop-word lists. Blank pipelines only: no model download.
"""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.lang.en.stop_words import STOP_WORDS as ENGLISH_STOP_WORDS
from spacy.lang.th.stop_words import STOP_WORDS as THAI_STOP_WORDS
from spacy.language import Language
from spacy.tokens import Doc

from nlu.segmentation import is_thai, split_words

# Words that are stop words in general English but carry meaning in this domain.
_KEPT_ENGLISH = {"work", "move", "back", "first", "call", "top"}
# The same in Thai: extend (a stay), exceed (overstay), fine, change (employer), deadline,
# late; and the words of periods and deadlines: day, time(s), before, after, within.
_KEPT_THAI = {"ต่อ", "เกิน", "ปรับ", "เปลี่ยน", "กำหนด", "ช้า", "วัน", "ครั้ง", "ก่อน", "หลัง",
              "ภายใน"}
# Question particles that spaCy's Thai list lacks ("do ... ?", "can ... ?", "or not?", "how"),
# as its English list has "do", "can" and "how": they say how a thing is asked, not what
# about. Words that ask for a kind of fact (where, how much, when) stay terms.
_ASKING_THAI = {"ทำ", "ไหม", "มั้ย", "ได้ไหม", "ได้มั้ย", "หรือเปล่า", "รึเปล่า", "ล่ะ", "อย่างไร",
                "ทำยังไง", "ได้บ้าง"}
_THAI_STOP_WORDS = (THAI_STOP_WORDS | _ASKING_THAI) - _KEPT_THAI
_THANTHAKHAT = "\u0e4c"


@lru_cache(maxsize=1)
def _english() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


def _thai_term(word: str) -> str:
    """A Thai word as a search term.

    Abbreviations lose their dots ("ภ.ง.ด." and "ภงด" are one term), and every word the
    silencing mark that people write or leave out ("สิทธิ์" and "สิทธิ").
    """
    return word.replace(".", "").replace(_THANTHAKHAT, "")


def terms(text: str) -> list[str]:
    """Lower-cased search terms: English lemmas and Thai words, stop words removed."""
    words = [_thai_term(word.text) if is_thai(word.text) else word.text.lower()
             for word in split_words(text)]
    # One Thai letter alone ("ณ", "ๆ") is a particle or a segmentation leftover.
    thai = [w for w in words if is_thai(w) and len(w) > 1 and w not in _THAI_STOP_WORDS]
    english = [w for w in words if not is_thai(w)]
    lemmas: list[str] = []
    if english:
        nlp = _english()
        doc = nlp(Doc(nlp.vocab, words=english))
        lemmas = [
            token.lemma_.lower() or token.lower_
            for token in doc
            if token.lower_ in _KEPT_ENGLISH or token.lower_ not in ENGLISH_STOP_WORDS
        ]
    return lemmas + thai
