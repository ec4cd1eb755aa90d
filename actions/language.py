"""An explicit language request: "English please", "ขอภาษาไทย".

Otherwise the ``language`` slot follows the NLU ``language`` entity of each message (no
action needed); an explicit choice is kept in ``language_preference`` and wins until the user
asks again.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from nlu.language import ENGLISH, THAI, requested_language


class ActionSwitchLanguage(Action):
    """Sets ``language_preference`` (and ``language``) to the language asked for."""

    def name(self) -> str:
        """Action name used in the domain."""
        return "action_switch_language"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
    ) -> List[EventType]:
        """Returns the slot events; ``utter_language_switched`` confirms in that language."""
        wanted = requested_language(tracker.latest_message.get("text") or "")
        if wanted is None:  # "change the language" without naming one: the other one
            current = tracker.get_slot("language_preference") or tracker.get_slot("language")
            wanted = ENGLISH if current == THAI else THAI
        return [SlotSet("language_preference", wanted), SlotSet("language", wanted)]
