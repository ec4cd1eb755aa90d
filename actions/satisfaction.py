"""Store the answer to the five-level satisfaction question."""

from __future__ import annotations

from typing import List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import ReplyingAction, reply_metadata
from common.texts import RATING_THANKS

# Level 5 = Very Satisfied ... 1 = Very Dissatisfied. A typed answer must be one of these
# labels exactly ("not very satisfied" is not guessed at): the buttons are the normal way.
LEVEL_LABELS = {
    5: ("very satisfied", "พึงพอใจมาก", "พอใจมาก"),
    4: ("satisfied", "พึงพอใจ", "พอใจ"),
    3: ("neutral", "ปานกลาง", "เฉยๆ", "เฉย ๆ"),
    2: ("dissatisfied", "not satisfied", "ไม่พึงพอใจ", "ไม่พอใจ"),
    1: ("very dissatisfied", "ไม่พึงพอใจมาก", "ไม่พอใจมาก"),
}
# Typed answers may end in spaces, dots, "!" and Thai polite particles ("พอใจค่ะ!"). No label
# is longer than a few words: a longer message is no rating and is not looked at further.
POLITE_PARTICLES = ("ครับ", "ค่ะ", "คะ", "จ้า", "นะ")
TRAILING_MARKS = " .!"
MAX_RATING_LENGTH = 100
TEXTS = {
    "en": {
        "again": "Please choose one of the five answers.",
    },
    "th": {
        "again": "กรุณาเลือกหนึ่งในห้าคำตอบค่ะ",
    },
}


def without_polite_ending(text: str) -> str:
    """``text`` without its trailing marks and polite particles, in linear time.

    Same result as the pattern ``[ .!]*(ครับ|ค่ะ|คะ|จ้า|นะ)*[ .!]*$`` (backtracking made that
    cubic on a long run of "!"): the particles follow each other directly and none ends
    another one, so they come off from the right one at a time.
    """
    end = len(text.rstrip(TRAILING_MARKS))
    while True:
        particle = next((p for p in POLITE_PARTICLES if text.endswith(p, 0, end)), None)
        if particle is None:
            return text[:end].rstrip(TRAILING_MARKS)
        end -= len(particle)


def level_from_message(tracker: Tracker) -> Optional[int]:
    """The level from the button's entity, or from a typed label or digit (1-5)."""
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") == "satisfaction_level":
            try:
                level = int(entity.get("value"))
            except (TypeError, ValueError):
                return None
            return level if 1 <= level <= 5 else None
    text = tracker.latest_message.get("text") or ""
    if len(text) > MAX_RATING_LENGTH:
        return None
    text = without_polite_ending(" ".join(text.lower().split()))
    if text in {"1", "2", "3", "4", "5"}:
        return int(text)
    for level, labels in LEVEL_LABELS.items():
        if text in labels:
            return level
    return None


class ActionRecordSatisfaction(ReplyingAction):
    """Sets the ``satisfaction`` slot (the web service reads it) and thanks the user."""

    action_name = "action_record_satisfaction"

    async def reply(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, language: str
    ) -> List[EventType]:
        """Thanks for a valid rating, or asks again with the five buttons."""
        level = level_from_message(tracker)
        if level is None:
            dispatcher.utter_message(text=TEXTS[language]["again"])
            dispatcher.utter_message(response="utter_ask_satisfaction")
            return []
        dispatcher.utter_message(
            text=RATING_THANKS[language],
            json_message=reply_metadata(tracker, language, satisfaction_level=level),
        )
        return [SlotSet("satisfaction", float(level))]
