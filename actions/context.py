"""What the chat is about, and which article a question is answered from.

The knowledge actions keep the context in two slots: ``current_topic`` and
``current_article`` (the article last shown). A question that leans on that context,
classified as a follow-up (``ask_followup``), with too few words of its own to find an
article ("and the fee?", "what about land?"), pointing back at what was shown ("who has
to do it?") or not understood by the classifier, is resolved with
``KnowledgeBase.rank_in_context``; any other question is searched on its own, in the
predicted topic first, and starts a new context.

Within a follow-up, the article shown comes first: when it has a passage that shares a
word with the question and states the kind of fact asked ("and how many days per
entry?"), the answer stays there. A follow-up that the classifier first read as a question
on another topic, with a subject that an article of that topic is clearly about ("and my
son, can he go to a Thai public school?"), moves there, unless it points back at what was
shown ("and can I get it at the airport?").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from knowledge import Article, Hit, KnowledgeBase
from knowledge.passages import ASPECT_BONUS
from knowledge.topics import topic_for_intent

CONTEXT_TOPIC = "current_topic"
CONTEXT_ARTICLE = "current_article"
FOLLOW_UP_INTENT = "ask_followup"
OUT_OF_SCOPE_INTENT = "out_of_scope"
FALLBACK_INTENT = "nlu_fallback"
# A question whose best article scores below this on its own words leans on the context
# (same scale as knowledge.search.CONTEXT_BONUS).
ELLIPTICAL_SCORE = 25.0
# An article outside the predicted topic that scores this much, and this many times more
# than the best article inside it, is the answer (the topic was misread). Chosen on the
# retrieval question file with the classifier's topics: top-1 452/540 without, 493 with
# 1.5, 486 with 2 (docs/benchmarks.md).
OVERRIDE_SCORE = 25.0
OVERRIDE_RATIO = 1.5
# A question right after an article, on its words and asking a fact it states, is answered
# from it unless another article scores this many times more on the question's words.
KEEP_RATIO = 2.0
# A follow-up that points back at what was shown ("can I get it at the airport?") stays
# with it, whatever other subject it names.
REFERS_BACK = re.compile(r"\b(?:it|its|that|this|these|those|them)\b", re.IGNORECASE)
# Entities whose canonical values sharpen the search ("LTR", "Bang Rak", "TM30").
QUERY_ENTITIES = ("visa_type", "district", "form")
ASPECT_ENTITY = "aspect"


@dataclass
class Resolution:
    """The article chosen for a question, the ranking behind it, and whether context chose."""

    article: Optional[Article]
    hits: List[Hit]
    in_context: bool = False
    follow_up: bool = False  # asked in the context of the chat (no clarifying question)

    def stays(self, tracker: Tracker) -> bool:
        """True for a follow-up answered from the very article shown last."""
        return self.in_context and self.article is not None \
            and self.article.id == tracker.get_slot(CONTEXT_ARTICLE)


def _entities(tracker: Tracker, name: str) -> List[Dict[str, Any]]:
    return [e for e in tracker.latest_message.get("entities") or [] if e.get("entity") == name]


def aspects(tracker: Tracker) -> List[str]:
    """The kinds of fact the latest message asks for ("cost", "documents" ...)."""
    return sorted({str(e.get("value")) for e in _entities(tracker, ASPECT_ENTITY)})


def search_query(tracker: Tracker, without_aspects: bool = False) -> str:
    """The user's words plus canonical entity values; empty for a button payload.

    ``without_aspects`` drops the words that only say what kind of fact is asked ("how
    much", "เอกสาร"): they pick the passage, not the article.
    """
    text = tracker.latest_message.get("text") or ""
    if text.startswith("/"):
        text = ""
    if without_aspects:
        for entity in sorted(_entities(tracker, ASPECT_ENTITY), key=lambda e: -int(e["start"])):
            text = text[:entity["start"]] + " " + text[entity["end"]:]
    values = [str(e.get("value")) for name in QUERY_ENTITIES for e in _entities(tracker, name)]
    return " ".join([text, *values]).strip()


def requested_article_id(tracker: Tracker) -> Optional[str]:
    """Article chosen with a button ("More about …", a related article), if any."""
    for entity in _entities(tracker, "article_id"):
        return str(entity.get("value"))
    return None


def context_article(tracker: Tracker, base: KnowledgeBase) -> Optional[Article]:
    """The article last shown in this chat, if it still exists."""
    return base.get(str(tracker.get_slot(CONTEXT_ARTICLE) or ""))


def context_events(article: Article) -> List[SlotSet]:
    """Slot events that make ``article`` the chat's context."""
    return [SlotSet(CONTEXT_TOPIC, article.topic), SlotSet(CONTEXT_ARTICLE, article.id)]


def question_topic(tracker: Tracker) -> Optional[str]:
    """The predicted topic; for a follow-up without context, the best-ranked topic."""
    names = [(tracker.latest_message.get("intent") or {}).get("name")]
    names += [item.get("name") for item in tracker.latest_message.get("intent_ranking") or []]
    return next(filter(None, map(topic_for_intent, names)), None)


def classified_topic(tracker: Tracker) -> Optional[str]:
    """The topic of the classifier's first reading, before any relabelling as a follow-up."""
    ranking = tracker.latest_message.get("intent_ranking") or []
    return topic_for_intent(ranking[0].get("name")) if ranking else None


def relates_to_context(tracker: Tracker, base: KnowledgeBase) -> bool:
    """True when the latest message shares words with the article shown, or asks a fact."""
    context = context_article(tracker, base)
    if context is None:
        return False
    return base.score(search_query(tracker, without_aspects=True), context) > 0 \
        or bool(aspects(tracker))


def _answered_by_context(tracker: Tracker, base: KnowledgeBase, context: Article,
                         subject: str, language: str) -> bool:
    """True when the article shown has a passage on the ``subject`` and the asked fact."""
    asked = aspects(tracker)
    if not asked:
        return False
    hit = base.passages.best(context.id, language, subject, asked)
    return hit is not None and hit.score > ASPECT_BONUS


def _staying(base: KnowledgeBase, context: Article, subject: str) -> Resolution:
    """A follow-up answered from the article shown."""
    return Resolution(context, base.rank_in_context(subject, context), True, True)


def _sharing_neighbour(base: KnowledgeBase, context: Article, subject: str,
                       hits: List[Hit]) -> Optional[Article]:
    """A near article that shares the question's words when the one shown shares none.

    The article shown ranks first then only for being shown; "what if I'm already past
    the date?" after the tourist visa is answered by the overstay article.
    """
    if base.score(subject, context) > 0:
        return None
    near = [hit.article for hit in hits
            if hit.article.id != context.id and base.score(subject, hit.article) > 0
            and (hit.article.topic == context.topic or hit.article.id in context.related)]
    return near[0] if near else None


def _in_context(tracker: Tracker, base: KnowledgeBase, context: Article, subject: str,
                language: str) -> Resolution:
    """The article for a follow-up: the one shown, a near one, or one it clearly names."""
    if _answered_by_context(tracker, base, context, subject, language):
        return _staying(base, context, subject)
    hits = base.rank_in_context(subject, context)
    chosen = hits[0].article if hits else context
    if chosen.id == context.id and not aspects(tracker):
        chosen = _sharing_neighbour(base, context, subject, hits) or context
    named, named_score = max(zip(base.articles, base.scores(subject), strict=True),
                             key=lambda pair: pair[1])
    if named.id != chosen.id and named.topic == classified_topic(tracker) \
            and not REFERS_BACK.search(tracker.latest_message.get("text") or "") \
            and named_score >= max(ELLIPTICAL_SCORE,
                                   OVERRIDE_RATIO * base.score(subject, chosen)):
        return Resolution(named, base.rank(subject, named.topic), follow_up=True)
    return Resolution(chosen, hits, True, True)


def resolve(tracker: Tracker, base: KnowledgeBase, language: str) -> Resolution:
    """The article to answer the latest message (replied to in ``language``) from."""
    requested = base.get(requested_article_id(tracker) or "")
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    if requested is not None:
        return Resolution(requested, base.rank(search_query(tracker), requested.topic))
    context = context_article(tracker, base)
    if context is not None:
        subject = search_query(tracker, without_aspects=True)
        best_own = max(base.scores(subject))
        # Elliptical: few words of its own, but some (or a kind of fact asked for): "asdf"
        # is not a follow-up. Nor is it when the classifier could not tell what it is, or
        # when it points back at what was shown ("who has to do it, me or the landlord?").
        some_words = best_own > 0 or bool(aspects(tracker))
        elliptical = best_own < ELLIPTICAL_SCORE and some_words
        unsure = intent == FALLBACK_INTENT and some_words
        refers_back = bool(REFERS_BACK.search(tracker.latest_message.get("text") or ""))
        if intent in (FOLLOW_UP_INTENT, OUT_OF_SCOPE_INTENT) or elliptical or unsure \
                or refers_back:
            return _in_context(tracker, base, context, subject, language)
        if best_own < KEEP_RATIO * base.score(subject, context) \
                and _answered_by_context(tracker, base, context, subject, language):
            return _staying(base, context, subject)
    topic = question_topic(tracker)
    query = search_query(tracker)
    # The classifier's topic has nothing close to the question, or to its subject (the
    # words left once "hotline", "how many years" are taken out): trust the search.
    for words in (query, search_query(tracker, without_aspects=True)):
        in_topic, anywhere = base.rank(words, topic), base.rank(words)
        if in_topic and anywhere and anywhere[0].score >= max(OVERRIDE_SCORE,
                                                              OVERRIDE_RATIO * in_topic[0].score):
            return Resolution(anywhere[0].article, anywhere)
    hits = base.rank(query, topic)
    return Resolution(hits[0].article if hits else None, hits)
