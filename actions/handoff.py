"""The user asked for a person: mark the conversation for staff."""

from __future__ import annotations

from typing import List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import ReplyingAction, reply_metadata

TEXTS = {
    "en": (
        "I've asked a staff member of the center to join this chat. Please stay here; "
        "they will reply as soon as they are free. You can keep typing your question meanwhile."
    ),
    "th": (
        "ส่งเรื่องให้เจ้าหน้าที่ของศูนย์เข้ามาคุยในแชตนี้แล้วค่ะ กรุณารอสักครู่ "
        "เจ้าหน้าที่จะตอบกลับโดยเร็วที่สุด ระหว่างนี้พิมพ์รายละเอียดคำถามไว้ได้เลยค่ะ"
    ),
}


class ActionRequestHuman(ReplyingAction):
    """Sets ``handoff_requested`` and tells the user; the web service routes the chat."""

    action_name = "action_request_human"

    async def reply(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, language: str
    ) -> List[EventType]:
        """Sends the hand-over notice with ``handoff: true`` in its metadata."""
        dispatcher.utter_message(
            text=TEXTS[language],
            json_message=reply_metadata(tracker, language, handoff=True),
        )
        return [SlotSet("handoff_requested", True)]
