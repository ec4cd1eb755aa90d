"""Answer questions from the curated knowledge base, in the context of the chat."""

from __future__ import annotations

from typing import List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.articles import article_button, knowledge_base, pinpointed, send_article
from actions.context import (
    OUT_OF_SCOPE_INTENT,
    Resolution,
    aspects,
    relates_to_context,
    requested_article_id,
    resolve,
)
from actions.danger_note import send_danger_note
from actions.fallback import ActionTopicFallback
from actions.replies import ReplyingAction, reply_metadata

# Two articles this close (second score / first) are both plausible: ask which one. On the
# retrieval question file (540 questions, with the expected topic) 0.98 asks 3 times and
# the first article was right once; 0.95 asks 8 times, right 6 (docs/benchmarks.md).
AMBIGUITY_RATIO = 0.98
CLARIFY = {
    "en": "Do you mean one of these?",
    "th": "หมายถึงเรื่องใดต่อไปนี้คะ",
}


def ambiguous(resolution: Resolution, tracker: Tracker) -> bool:
    """True when a fresh, broad question matches two articles about equally well."""
    hits = resolution.hits
    if resolution.follow_up or requested_article_id(tracker) or aspects(tracker):
        return False
    return len(hits) > 1 and hits[1].score >= AMBIGUITY_RATIO * hits[0].score > 0


class ActionAnswerTopic(ReplyingAction):
    """Best article for the question; one passage of it when a precise fact is asked.

    Also receives out-of-scope messages once an article has been shown: those that relate
    to it are answered from it, the others get the out-of-scope response.
    """

    action_name = "action_answer_topic"

    async def reply(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, language: str
    ) -> List[EventType]:
        """Sends the answer (or a clarifying question) and sets the context slots."""
        base = knowledge_base()
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent == OUT_OF_SCOPE_INTENT and not relates_to_context(tracker, base):
            send_danger_note(dispatcher, tracker, language, answer_topic=None)
            dispatcher.utter_message(response="utter_out_of_scope")
            return []
        resolution = resolve(tracker, base, language)
        if resolution.article is None:  # not a topic question and no article matches
            return await ActionTopicFallback().reply(dispatcher, tracker, language)
        if ambiguous(resolution, tracker):
            first, second = (hit.article for hit in resolution.hits[:2])
            send_danger_note(dispatcher, tracker, language, first.topic)
            dispatcher.utter_message(
                text=CLARIFY[language],
                buttons=[article_button(a, a.title[language]) for a in (first, second)],
                json_message=reply_metadata(tracker, language, topic=first.topic,
                                            candidate_article_ids=[first.id, second.id]))
            return []
        passage = pinpointed(base, tracker, resolution.article, language,
                                 follow_up=resolution.stays(tracker))
        return send_article(dispatcher, tracker, language, resolution.article,
                            resolution.hits, passage=passage,
                            resolved_by="context" if resolution.in_context else "search")
