"""What every custom action needs to reply: the user's language and the reply metadata."""

from __future__ import annotations

import abc
from typing import Any, ClassVar, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from nlu.language import ENGLISH, SUPPORTED

METADATA_KIND = "reply_metadata"


def reply_language(tracker: Tracker) -> str:
    """``en`` or ``th``: the explicit choice if any, else the detected language."""
    for slot in ("language_preference", "language"):
        value = tracker.get_slot(slot)
        if value in SUPPORTED:
            return str(value)
    return ENGLISH


def reply_metadata(
    tracker: Tracker,
    language: str,
    topic: Optional[str] = None,
    article_ids: Optional[List[str]] = None,
    **extra: Any,
) -> Dict[str, Any]:
    """Machine-readable facts about a reply, sent as the message's ``custom`` payload.

    The REST channel delivers it as a message ``{"custom": {...}}`` right after the text it
    describes; in the tracker both are in the same ``bot`` event.
    """
    intent = tracker.latest_message.get("intent") or {}
    return {
        "kind": METADATA_KIND,
        "intent": intent.get("name"),
        "confidence": intent.get("confidence"),
        "topic": topic,
        "article_ids": article_ids or [],
        "language": language,
        **extra,
    }


def button(title: str, payload: str) -> Dict[str, str]:
    """A quick-reply button."""
    return {"title": title, "payload": payload}


HUMAN_TITLES = {"en": "Talk to a staff member", "th": "คุยกับเจ้าหน้าที่"}


def human_button(language: str) -> Dict[str, str]:
    """The button that asks for a staff member to join the chat."""
    return button(HUMAN_TITLES[language], "/ask_human")


VISIT_TITLES = {"en": "Book a visit to the center", "th": "นัดหมายเข้าพบที่ศูนย์"}


def visit_button(language: str) -> Dict[str, str]:
    """The button that starts booking a visit to the center."""
    return button(VISIT_TITLES[language], "/book_visit")


class ReplyingAction(Action, abc.ABC):
    """A custom action that replies in the user's language.

    Subclasses set ``action_name`` (the name in domain.yml) and implement ``reply``.
    Abstract, so the action server does not register this class itself.
    """

    action_name: ClassVar[str]

    def name(self) -> str:
        """Action name used in the domain."""
        return self.action_name

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
    ) -> List[EventType]:
        """Reply in the user's language; returns the events to apply."""
        return await self.reply(dispatcher, tracker, reply_language(tracker))

    @abc.abstractmethod
    async def reply(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, language: str
    ) -> List[EventType]:
        """Send the reply; return slot events."""
