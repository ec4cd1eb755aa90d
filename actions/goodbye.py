"""Goodbye: close with the satisfaction question only when the user clearly means it.

The action sets ``goodbye_confirmed``; the rules close the chat (goodbye and the
satisfaction question) when it is true, and wait for the answer to "Anything else?" when
it is false.
"""

from __future__ import annotations

from typing import List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import ReplyingAction, button, reply_metadata

# Below this NLU confidence that the message closes the chat (goodbye, or thanks as in
# "thanks, bye") a goodbye is confirmed first ("Anything else?"); button payloads
# (/goodbye) come with confidence 1.
CLEAR_GOODBYE = 0.9
CLOSING_INTENTS = ("goodbye", "thank")
CONFIRMED_SLOT = "goodbye_confirmed"
TEXTS = {
    "en": {"ask": "Is there anything else I can help you with?",
           "done": "No, that's all", "more": "Yes, another question"},
    "th": {"ask": "มีเรื่องอื่นให้ช่วยอีกไหมคะ",
           "done": "ไม่มีแล้ว ขอบคุณ", "more": "มี ขอถามต่อ"},
}


class ActionGoodbye(ReplyingAction):
    """Decides whether a goodbye is clear; asks "Anything else?" when it is not."""

    action_name = "action_goodbye"

    async def reply(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, language: str
    ) -> List[EventType]:
        """Sets ``goodbye_confirmed``; sends "Anything else?" with two buttons when unsure."""
        ranking = tracker.latest_message.get("intent_ranking") or [
            tracker.latest_message.get("intent") or {}]
        closing = sum(item.get("confidence") or 0.0 for item in ranking
                      if item.get("name") in CLOSING_INTENTS)
        if closing >= CLEAR_GOODBYE:
            return [SlotSet(CONFIRMED_SLOT, True)]
        texts = TEXTS[language]
        dispatcher.utter_message(
            text=texts["ask"],
            buttons=[button(texts["done"], "/goodbye"), button(texts["more"], "/affirm")],
            json_message=reply_metadata(tracker, language, confirm_goodbye=True))
        return [SlotSet(CONFIRMED_SLOT, False)]
