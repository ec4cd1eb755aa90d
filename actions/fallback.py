"""Low NLU confidence: answer if retrieval confirms a likely topic, else ask, then offer staff.

When the classifier is unsure, the knowledge base gets a say: if the best-matching article
belongs to one of the two topics the classifier ranks highest, that article is the answer
(measured on held-out training data: about 2 points more right answers for under 1 point
more wrong ones; see docs/benchmarks.md). Otherwise the user gets "not sure" with buttons
for the three likeliest topics, and after two such misses in a row, a button to reach a
staff member. A follow-up that leans on the chat's context is answered from it first; and
when nothing in the knowledge base matches at all, the assistant says so plainly, offers a
staff member and marks the reply ``unanswered`` for the trainers' inbox.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.articles import knowledge_base, pinpointed, send_article
from actions.context import FALLBACK_INTENT, resolve, search_query
from actions.danger_note import send_danger_note
from actions.replies import ReplyingAction, button, human_button, reply_metadata
from knowledge import Hit
from knowledge.topics import TOPIC_TITLES, intent_for_topic, topic_for_intent

TOPIC_CHOICES = 3
CONFIRMABLE_TOPICS = 2
# On the weighted field scores of knowledge.search (real questions mostly score 40-120).
MIN_CONFIRMING_SCORE = 15.0
# An article standing out on its own: a self-contained question on it scores 40-120
# (knowledge.search), and no other article half as much.
CLEAR_SCORE = 40.0
CLEAR_RATIO = 2.0
MISSES_BEFORE_HUMAN = 2
TEXTS = {
    "en": {
        "unsure": "Sorry, I'm not sure I understood. Is your question about one of these?",
        "offer_human": (
            "Sorry, I still didn't understand. You can pick a topic, rephrase, "
            "or talk to a staff member."
        ),
        "unanswered": (
            "I'm sorry, I don't know the answer to that: the center's knowledge base has "
            "nothing on it yet. A staff member can help you (outside office hours, leave "
            "your e-mail address and the center will answer by e-mail). I've noted your "
            "question so that we can add the answer."
        ),
    },
    "th": {
        "unsure": "ขออภัยค่ะ ฉันไม่แน่ใจว่าเข้าใจถูกต้อง คำถามของคุณเกี่ยวกับเรื่องใดต่อไปนี้คะ",
        "offer_human": (
            "ขออภัยค่ะ ฉันยังไม่เข้าใจคำถาม เลือกหัวข้อ ลองพิมพ์ใหม่ "
            "หรือคุยกับเจ้าหน้าที่ได้เลยค่ะ"
        ),
        "unanswered": (
            "ขออภัยค่ะ เรื่องนี้ยังไม่มีคำตอบในฐานข้อมูลของศูนย์ เจ้าหน้าที่ช่วยท่านได้ค่ะ "
            "(นอกเวลาทำการ ฝากอีเมลไว้ แล้วศูนย์จะตอบกลับทางอีเมล) "
            "ได้บันทึกคำถามนี้ไว้เพื่อเพิ่มคำตอบในภายหลังแล้วค่ะ"
        ),
    },
}


def likely_topics(tracker: Tracker) -> List[str]:
    """The topics of the best-ranked topic intents for the latest message."""
    ranking = tracker.latest_message.get("intent_ranking") or []
    topics = [topic_for_intent(item.get("name")) for item in ranking]
    return [topic for topic in topics if topic][:TOPIC_CHOICES]


def confirmed_by_retrieval(hits: Sequence[Hit], topics: List[str]) -> Optional[Hit]:
    """The best of ``hits`` if it matches well and is in a likely topic, or stands out.

    ``hits`` rank all topics; ``topics`` are the classifier's, likeliest first, and the
    first two count. An article that matches like a self-contained question on it and
    twice as well as any other is the answer whatever the classifier thought ("where can
    I get married as a foreigner?" when marriage has few training examples).
    """
    if hits and hits[0].score >= MIN_CONFIRMING_SCORE:
        if hits[0].article.topic in topics[:CONFIRMABLE_TOPICS]:
            return hits[0]
        runner_up = hits[1].score if len(hits) > 1 else 0.0
        if hits[0].score >= CLEAR_SCORE and hits[0].score >= CLEAR_RATIO * runner_up:
            return hits[0]
    return None


def consecutive_misses(tracker: Tracker) -> int:
    """User messages in a row, ending with the latest, that got no answer.

    A message counts as a miss when NLU fell back and no article was sent in reply.
    """
    misses = 0
    answered = False
    for event in reversed(tracker.events):
        if event.get("event") == "bot":
            custom = (event.get("data") or {}).get("custom") or {}
            answered = answered or bool(custom.get("article_ids"))
        elif event.get("event") == "user":
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            if intent != FALLBACK_INTENT or answered:
                break
            misses += 1
    return misses


class ActionTopicFallback(ReplyingAction):
    """Replies to ``nlu_fallback``."""

    action_name = "action_topic_fallback"

    async def reply(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, language: str
    ) -> List[EventType]:
        """Sends an answer in context, a confirmed answer, "not sure" or "I don't know"."""
        base = knowledge_base()
        resolution = resolve(tracker, base, language)
        if resolution.in_context and resolution.article is not None:
            passage = pinpointed(base, tracker, resolution.article, language,
                                 follow_up=resolution.stays(tracker))
            return send_article(dispatcher, tracker, language, resolution.article,
                                resolution.hits, passage=passage, resolved_by="context")
        topics = likely_topics(tracker)
        hits = base.rank(search_query(tracker))
        confirmed = confirmed_by_retrieval(hits, topics)
        if confirmed is not None:  # related articles put its own topic first by themselves
            return send_article(dispatcher, tracker, language, confirmed.article, hits,
                                resolved_by="retrieval")
        texts = TEXTS[language]
        question = tracker.latest_message.get("text") or ""
        unanswered = not question.startswith("/") and (
            not hits or hits[0].score < MIN_CONFIRMING_SCORE)
        offer_human = unanswered or consecutive_misses(tracker) >= MISSES_BEFORE_HUMAN
        buttons = [button(TOPIC_TITLES[t][language], f"/{intent_for_topic(t)}") for t in topics]
        if offer_human:
            buttons.insert(0, human_button(language))
        message = "unanswered" if unanswered else "offer_human" if offer_human else "unsure"
        extra: Dict[str, Any] = {"unanswered": True, "question": question} if unanswered else {}
        send_danger_note(dispatcher, tracker, language, answer_topic=None)
        dispatcher.utter_message(
            text=texts[message],
            buttons=buttons,
            json_message=reply_metadata(
                tracker, language, candidate_topics=topics, offer_human=offer_human, **extra
            ),
        )
        return []
