"""Keep the ``language`` slot right after every user message."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from assistant.nlu.language import detect_language, requested_language

SWITCH_INTENT = "switch_language"


def detected_language(tracker: Tracker) -> Optional[str]:
    """The language of the latest message: the NLU ``language`` entity, else detected here.

    A button payload ("/ask_human") is not written by the user and says nothing of it.
    """
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") == "language":
            return str(entity.get("value"))
    text = tracker.latest_message.get("text") or ""
    if text.startswith("/"):
        return None
    guess = detect_language(text)
    return guess.language if guess else None


class ActionSetLanguage(Action):
    """Fills ``language`` (runs through the slot's custom mapping after each message).

    An explicit request ("English please", "ขอภาษาไทย") sets ``language_preference``,
    which wins over detection until the user asks again; otherwise the reply language
    follows the script the user writes in.
    """

    def name(self) -> str:
        """Action name used in the domain."""
        return "action_set_language"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
    ) -> List[EventType]:
        """Returns the slot events for this message."""
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent == SWITCH_INTENT:
            wanted = requested_language(tracker.latest_message.get("text") or "")
            if wanted is None:  # "switch language" without naming one: toggle
                wanted = "en" if tracker.get_slot("language") == "th" else "th"
            return [SlotSet("language_preference", wanted), SlotSet("language", wanted)]
        preference = tracker.get_slot("language_preference")
        language = preference or detected_language(tracker) or tracker.get_slot("language")
        return [SlotSet("language", language)]
