"""Knowledge articles as chat replies: the search query, the answer text and its buttons."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any, Sequence

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import button, reply_metadata
from knowledge import Article, Hit, KnowledgeBase
from knowledge.live import LiveKnowledgeBase
from knowledge.topics import intent_for_topic

RELATED_BUTTONS = 3
# Entities whose canonical values sharpen the search ("LTR", "Bang Rak", "TM30").
QUERY_ENTITIES = ("visa_type", "district", "form")
THAI_MONTHS = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)
LABELS = {
    "en": {"source": "Official source", "reviewed": "Last reviewed"},
    "th": {"source": "แหล่งข้อมูลทางการ", "reviewed": "ตรวจทานล่าสุด"},
}


@lru_cache(maxsize=1)
def _live_knowledge_base() -> LiveKnowledgeBase:
    return LiveKnowledgeBase()


def knowledge_base() -> KnowledgeBase:
    """The knowledge base as the article files are now (console edits apply at once)."""
    return _live_knowledge_base().current()


def format_date(day: dt.date, language: str) -> str:
    """"25 November 2026" in English, "25 พ.ย. 2569" (Buddhist Era) in Thai."""
    if language == "th":
        return f"{day.day} {THAI_MONTHS[day.month - 1]} {day.year + 543}"
    return f"{day.day} {day:%B %Y}"


def search_query(tracker: Tracker) -> str:
    """The user's words plus canonical entity values; empty for a button payload."""
    text = tracker.latest_message.get("text") or ""
    if text.startswith("/"):
        text = ""
    values = [
        str(entity.get("value"))
        for entity in tracker.latest_message.get("entities") or []
        if entity.get("entity") in QUERY_ENTITIES
    ]
    return " ".join([text, *values]).strip()


def answer_text(article: Article, language: str) -> str:
    """Title, short answer, official source and reviewed date in one message."""
    labels = LABELS[language]
    source = article.sources[0]
    return (
        f"{article.title[language]}\n\n{article.answer[language]}\n\n"
        f"{labels['source']}: {source.title} – {source.url}\n"
        f"{labels['reviewed']}: {format_date(article.reviewed, language)}"
    )


def send_article(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    language: str,
    article: Article,
    hits: Sequence[Hit],
    **extra_metadata: Any,
) -> None:
    """Reply with ``article`` and buttons to related articles, with reply metadata."""
    related = knowledge_base().related(article, hits, RELATED_BUTTONS)
    dispatcher.utter_message(
        text=answer_text(article, language),
        buttons=[
            button(
                other.title[language],
                f'/{intent_for_topic(other.topic)}{{"article_id": "{other.id}"}}',
            )
            for other in related
        ],
        json_message=reply_metadata(
            tracker,
            language,
            topic=article.topic,
            article_ids=[article.id],
            sources=[{"title": s.title, "url": s.url} for s in article.sources],
            reviewed=article.reviewed.isoformat(),
            related_article_ids=[other.id for other in related],
            **extra_metadata,
        ),
    )
