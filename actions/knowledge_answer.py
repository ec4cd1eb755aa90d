"""Answer topic questions from the curated knowledge base."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import ActionTopicFallback
from actions.replies import ReplyingAction, button, reply_metadata
from knowledge import Article, KnowledgeBase
from knowledge.topics import intent_for_topic, topic_for_intent

RELATED_BUTTONS = 3
# Entities whose canonical values sharpen the search ("LTR", "Bang Rak", "TM30").
QUERY_ENTITIES = ("visa_type", "district", "form")
THAI_MONTHS = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)
LABELS = {
    "en": {"source": "Official source", "reviewed": "Last reviewed", "related": "Related"},
    "th": {"source": "แหล่งข้อมูลทางการ", "reviewed": "ตรวจทานล่าสุด", "related": "เรื่องที่เกี่ยวข้อง"},
}


@lru_cache(maxsize=1)
def knowledge_base() -> KnowledgeBase:
    """The knowledge base, loaded once per action server process."""
    return KnowledgeBase.load()


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


def requested_article_id(tracker: Tracker) -> Optional[str]:
    """Article chosen with a "related article" button, if any."""
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") == "article_id":
            return str(entity.get("value"))
    return None


def answer_text(article: Article, language: str) -> str:
    """Title, short answer, official source and reviewed date in one message."""
    labels = LABELS[language]
    source = article.sources[0]
    return (
        f"{article.title[language]}\n\n{article.answer[language]}\n\n"
        f"{labels['source']}: {source.title} – {source.url}\n"
        f"{labels['reviewed']}: {format_date(article.reviewed, language)}"
    )


class ActionAnswerTopic(ReplyingAction):
    """Best article for the question (predicted topic first), with 2-3 related articles."""

    action_name = "action_answer_topic"

    async def reply(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, language: str
    ) -> List[EventType]:
        """Sends the answer and its metadata; sets no slots."""
        base = knowledge_base()
        intent_topic = topic_for_intent((tracker.latest_message.get("intent") or {}).get("name"))
        chosen = base.get(requested_article_id(tracker) or "")
        hits = base.rank(search_query(tracker), intent_topic)
        if chosen is None:
            if not hits:  # not a topic question and no article matches: say so
                return await ActionTopicFallback().reply(dispatcher, tracker, language)
            chosen = hits[0].article
        related = base.related(chosen, hits, RELATED_BUTTONS)
        dispatcher.utter_message(
            text=answer_text(chosen, language),
            buttons=[
                button(
                    article.title[language],
                    f'/{intent_for_topic(article.topic)}{{"article_id": "{article.id}"}}',
                )
                for article in related
            ],
            json_message=reply_metadata(
                tracker,
                language,
                topic=chosen.topic,
                article_ids=[chosen.id],
                sources=[{"title": s.title, "url": s.url} for s in chosen.sources],
                reviewed=chosen.reviewed.isoformat(),
                related_article_ids=[article.id for article in related],
            ),
        )
        return []
