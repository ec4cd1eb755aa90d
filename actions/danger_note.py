"""The emergency numbers in a short note, when a danger is possible but not clear.

A clear sign of danger (the intent ``report_danger``) gets the emergency help
(``actions.safety``). A message whose reading is less sure, with danger or an emergency
among the classifier's first readings ("I have chest pain and my arm is numb" read as a
housing question, or not understood at all), gets the numbers in a note before whatever
else answers it: missing a danger costs far more than one line too many.
"""

from __future__ import annotations

from typing import Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.context import FALLBACK_INTENT
from actions.replies import reply_metadata

EMERGENCY_TOPIC = "emergency"
# Danger is possible when one of these is among the classifier's first two readings (after
# any fallback) with at least this confidence.
POSSIBLE_DANGER_INTENTS = ("report_danger", "ask_emergency")
DANGER_READINGS = 2
MIN_DANGER_CONFIDENCE = 0.1
NOTES = {
    "en": "If anyone is in danger now, call 191 (police), 1669 (ambulance), 199 (fire) "
          "or 1155 (tourist police, in English).",
    "th": "หากมีผู้ใดตกอยู่ในอันตรายขณะนี้ โทร 191 (ตำรวจ) 1669 (รถพยาบาล) 199 (ดับเพลิง) "
          "หรือ 1155 (ตำรวจท่องเที่ยว)",
}


def may_be_danger(tracker: Tracker) -> bool:
    """True when danger or an emergency is among the classifier's first readings."""
    readings = [item for item in tracker.latest_message.get("intent_ranking") or []
                if item.get("name") != FALLBACK_INTENT][:DANGER_READINGS]
    return any(item.get("name") in POSSIBLE_DANGER_INTENTS
               and (item.get("confidence") or 0.0) >= MIN_DANGER_CONFIDENCE
               for item in readings)


def send_danger_note(dispatcher: CollectingDispatcher, tracker: Tracker, language: str,
                     answer_topic: Optional[str]) -> None:
    """The note, when a danger is possible and the answer is not on emergencies.

    An answer on emergencies states its numbers itself. The note does not make the chat
    urgent for staff (only the emergency help does): it is a precaution, not a sign.
    """
    if answer_topic != EMERGENCY_TOPIC and may_be_danger(tracker):
        dispatcher.utter_message(text=NOTES[language], json_message=reply_metadata(
            tracker, language, danger_note=True))
