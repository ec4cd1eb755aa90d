"""Knowledge articles as chat replies: the search query, the answer text and its buttons."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, List, Optional, Sequence

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.context import aspects, context_events, requested_article_id
from actions.danger_note import send_danger_note
from actions.replies import button, human_button, reply_metadata, visit_button
from knowledge import Article, Hit, KnowledgeBase
from knowledge.live import LiveKnowledgeBase
from knowledge.passages import SUMMARY, Passage
from knowledge.replies import LABELS, answer_text, passage_text, short_answer
from knowledge.topics import intent_for_topic

RELATED_BUTTONS = 3
# The article on reaching staff ends with the button that does it.
STAFF_ARTICLE = "service_center-talking-to-staff"
VISIT_ARTICLE = "service_center-contact"  # says how to book a visit: offers it


@lru_cache(maxsize=1)
def _live_knowledge_base() -> LiveKnowledgeBase:
    return LiveKnowledgeBase()


def knowledge_base() -> KnowledgeBase:
    """The knowledge base as the article files are now (console edits apply at once)."""
    return _live_knowledge_base().current()


def article_button(article: Article, title: str) -> dict[str, str]:
    """A button that shows ``article``'s short answer."""
    return button(title, f'/{intent_for_topic(article.topic)}{{"article_id": "{article.id}"}}')


def pinpointed(base: KnowledgeBase, tracker: Tracker, article: Article, language: str,
               follow_up: bool = False) -> Optional[Passage]:
    """The passage of ``article`` stating the fact asked for, when one is asked for.

    A ``follow_up`` on the article already shown always looks for its passage, and not in
    the short answer: repeating that would tell the user nothing new.
    """
    asked = aspects(tracker)
    if not (asked or follow_up) or requested_article_id(tracker):
        return None
    question = tracker.latest_message.get("text") or ""  # entity values would count twice
    hit = base.passages.best(article.id, language, question, asked, with_summary=not follow_up)
    return hit.passage if hit and hit.passage.section != SUMMARY else None


def send_article(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    language: str,
    article: Article,
    hits: Sequence[Hit],
    passage: Optional[Passage] = None,
    **extra_metadata: Any,
) -> List[EventType]:
    """Reply with ``article`` (or one ``passage`` of it) and buttons, with reply metadata.

    A passage answer quotes the passage first and offers "More about …" for the short
    answer; both offer related articles. The metadata's ``card`` (title and body without
    the source lines) lets the widget show the answer as a card. The emergency numbers come
    first when a danger is possible (``danger_note``). Returns the events that make it the
    context.
    """
    related = knowledge_base().related(article, hits, RELATED_BUTTONS)
    buttons = [article_button(other, other.title[language]) for other in related]
    if passage is not None:
        more = LABELS[language]["more"].format(article.title[language])
        buttons = [article_button(article, more), *buttons[:RELATED_BUTTONS - 1]]
        extra_metadata["passage_id"] = passage.id
    if article.id == STAFF_ARTICLE:
        buttons = [human_button(language), *buttons[:RELATED_BUTTONS - 1]]
    elif article.id == VISIT_ARTICLE:
        buttons = [visit_button(language), *buttons[:RELATED_BUTTONS - 1]]
    body = short_answer(article, language) if passage is None else passage.text
    send_danger_note(dispatcher, tracker, language, article.topic)
    dispatcher.utter_message(
        text=answer_text(article, language) if passage is None
        else passage_text(article, passage, language),
        buttons=buttons,
        json_message=reply_metadata(
            tracker,
            language,
            topic=article.topic,
            article_ids=[article.id],
            sources=[{"title": s.title, "url": s.url} for s in article.sources],
            reviewed=article.reviewed.isoformat(),
            card={"title": article.title[language], "body": body},
            related_article_ids=[other.id for other in related],
            **extra_metadata,
        ),
    )
    return context_events(article)
