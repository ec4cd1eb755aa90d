"""Knowledge articles as the text of the chat's reply, in the user's language.

Title, short answer (or one passage), official source and reviewed date; a fact that holds
only until a date, or is only proposed, is said to be so. The action
server sends these texts and the console's article preview shows them, so both say the same.
"""

from __future__ import annotations

import datetime as dt

from common.thai_calendar import english_date, thai_short_date
from knowledge.articles import IN_FORCE, PROPOSED, Article
from knowledge.passages import Passage

LABELS = {
    "en": {"source": "Official source", "reviewed": "Last reviewed", "more": "More about: {}",
           IN_FORCE: "Valid until {}: {}",
           PROPOSED: "Proposed, not yet in force when last reviewed: {}"},
    "th": {"source": "แหล่งข้อมูลทางการ", "reviewed": "ตรวจทานล่าสุด", "more": "อ่านเพิ่มเติม: {}",
           IN_FORCE: "มีผลถึง {}: {}",
           PROPOSED: "เป็นข้อเสนอ ยังไม่มีผลบังคับใช้ ณ วันที่ตรวจทานล่าสุด: {}"},
}


def format_date(day: dt.date, language: str) -> str:
    """"25 November 2026" in English, "25 พ.ย. 2569" (Buddhist Era) in Thai."""
    return thai_short_date(day) if language == "th" else english_date(day)


def source_lines(article: Article, language: str) -> str:
    """The official source and the reviewed date of ``article``."""
    labels = LABELS[language]
    source = article.sources[0]
    return (f"{labels['source']}: {source.title} – {source.url}\n"
            f"{labels['reviewed']}: {format_date(article.reviewed, language)}")


def time_bound_lines(article: Article, language: str) -> list[str]:
    """Each time-bound fact as the user reads it.

    "Valid until 30 November 2026: …", or "Proposed, not yet in force when last reviewed: …".
    """
    labels = LABELS[language]
    return [labels[IN_FORCE].format(format_date(fact.valid_until, language),
                                    fact.claim[language])
            if fact.status == IN_FORCE and fact.valid_until
            else labels[PROPOSED].format(fact.claim[language]) for fact in article.time_bound]


def short_answer(article: Article, language: str) -> str:
    """The short answer, with its time-bound facts said as such."""
    return "\n".join([article.answer[language], *time_bound_lines(article, language)])


def answer_text(article: Article, language: str) -> str:
    """Title, short answer, official source and reviewed date in one message."""
    return (f"{article.title[language]}\n\n{short_answer(article, language)}\n\n"
            f"{source_lines(article, language)}")


def passage_text(article: Article, passage: Passage, language: str) -> str:
    """The passage first, then the article's title, source and reviewed date."""
    return (f"{passage.text}\n\n{article.title[language]}\n"
            f"{source_lines(article, language)}")
