"""Answer topic questions from the curated knowledge base."""

from __future__ import annotations

from typing import List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.articles import knowledge_base, search_query, send_article
from actions.fallback import ActionTopicFallback
from actions.replies import ReplyingAction
from knowledge.topics import topic_for_intent


def requested_article_id(tracker: Tracker) -> Optional[str]:
    """Article chosen with a "related article" button, if any."""
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") == "article_id":
            return str(entity.get("value"))
    return None


class ActionAnswerTopic(ReplyingAction):
    """Best article for the question (predicted topic first), with 2-3 related articles."""

    action_name = "action_answer_topic"

    async def reply(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, language: str
    ) -> List[EventType]:
        """Sends the answer and its metadata; sets no slots."""
        base = knowledge_base()
        intent_topic = topic_for_intent((tracker.latest_message.get("intent") or {}).get("name"))
        hits = base.rank(search_query(tracker), intent_topic)
        chosen = base.get(requested_article_id(tracker) or "")
        if chosen is None:
            if not hits:  # not a topic question and no article matches: say so
                return await ActionTopicFallback().reply(dispatcher, tracker, language)
            chosen = hits[0].article
        send_article(dispatcher, tracker, language, chosen, hits)
        return []
