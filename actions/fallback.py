"""Low NLU confidence: say so, offer the likeliest topics, and a human after two misses."""

from __future__ import annotations

from typing import List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import ReplyingAction, button, reply_metadata
from knowledge.topics import TOPIC_TITLES, intent_for_topic, topic_for_intent

FALLBACK_INTENT = "nlu_fallback"
TOPIC_CHOICES = 3
MISSES_BEFORE_HUMAN = 2
TEXTS = {
    "en": {
        "unsure": "Sorry, I'm not sure I understood. Is your question about one of these?",
        "offer_human": (
            "Sorry, I still didn't understand. You can pick a topic, rephrase, "
            "or talk to a staff member."
        ),
        "human": "Talk to a staff member",
    },
    "th": {
        "unsure": "ขออภัยค่ะ ฉันไม่แน่ใจว่าเข้าใจถูกต้อง คำถามของคุณเกี่ยวกับเรื่องใดต่อไปนี้คะ",
        "offer_human": (
            "ขออภัยค่ะ ฉันยังไม่เข้าใจคำถาม เลือกหัวข้อ ลองพิมพ์ใหม่ "
            "หรือคุยกับเจ้าหน้าที่ได้เลยค่ะ"
        ),
        "human": "คุยกับเจ้าหน้าที่",
    },
}


def likely_topics(tracker: Tracker) -> List[str]:
    """The topics of the best-ranked topic intents for the latest message."""
    ranking = tracker.latest_message.get("intent_ranking") or []
    topics = [topic_for_intent(item.get("name")) for item in ranking]
    return [topic for topic in topics if topic][:TOPIC_CHOICES]


def consecutive_misses(tracker: Tracker) -> int:
    """How many user messages in a row, ending with the latest, were not understood."""
    misses = 0
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent != FALLBACK_INTENT:
            break
        misses += 1
    return misses


class ActionTopicFallback(ReplyingAction):
    """Replies to ``nlu_fallback``."""

    action_name = "action_topic_fallback"

    async def reply(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, language: str
    ) -> List[EventType]:
        """Sends "not sure" with topic buttons (and a staff button after two misses)."""
        texts = TEXTS[language]
        topics = likely_topics(tracker)
        offer_human = consecutive_misses(tracker) >= MISSES_BEFORE_HUMAN
        buttons = [button(TOPIC_TITLES[t][language], f"/{intent_for_topic(t)}") for t in topics]
        if offer_human:
            buttons.append(button(texts["human"], "/ask_human"))
        dispatcher.utter_message(
            text=texts["offer_human" if offer_human else "unsure"],
            buttons=buttons,
            json_message=reply_metadata(
                tracker, language, candidate_topics=topics, offer_human=offer_human
            ),
        )
        return []
