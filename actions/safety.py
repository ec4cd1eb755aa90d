"""Any sign of danger: the emergency numbers at once, in the user's language, then staff."""

from __future__ import annotations

from typing import List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.articles import article_button, knowledge_base
from actions.context import context_events
from actions.replies import ReplyingAction, human_button, reply_metadata

EMERGENCY_ARTICLE = "emergency-numbers"
TEXTS = {
    "en": (
        "If you or someone else is in danger now, call at once:\n"
        "• 191 – Police\n"
        "• 1669 – Ambulance and medical emergencies\n"
        "• 199 – Fire and rescue\n"
        "• 1155 – Tourist Police (English and other languages, 24 hours)\n\n"
        "If you can, move to a safe, public place and stay on the line. "
        "A staff member of the center can also join this chat."
    ),
    "th": (
        "หากท่านหรือผู้อื่นกำลังตกอยู่ในอันตราย โทรทันที:\n"
        "• 191 – ตำรวจ\n"
        "• 1669 – รถพยาบาลและเจ็บป่วยฉุกเฉิน\n"
        "• 199 – ดับเพลิงและกู้ภัย\n"
        "• 1155 – ตำรวจท่องเที่ยว (ภาษาอังกฤษและภาษาอื่น ตลอด 24 ชั่วโมง)\n\n"
        "หากทำได้ ให้ย้ายไปอยู่ในที่ปลอดภัยและมีคนอยู่ และอย่าวางสาย "
        "เจ้าหน้าที่ของศูนย์สามารถเข้าร่วมแชตนี้ได้ด้วยค่ะ"
    ),
}


class ActionEmergencyHelp(ReplyingAction):
    """Replies to ``report_danger`` with the emergency numbers and a staff button."""

    action_name = "action_emergency_help"

    async def reply(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, language: str
    ) -> List[EventType]:
        """Sends the numbers; the emergency numbers article becomes the context."""
        article = knowledge_base().get(EMERGENCY_ARTICLE)
        buttons = [human_button(language)]
        extra = {}
        if article is not None:
            buttons.append(article_button(article, article.title[language]))
            extra = {"sources": [{"title": s.title, "url": s.url} for s in article.sources]}
        dispatcher.utter_message(
            text=TEXTS[language], buttons=buttons,
            json_message=reply_metadata(
                tracker, language, topic="emergency",
                article_ids=[EMERGENCY_ARTICLE] if article else [], danger=True, **extra))
        return context_events(article) if article is not None else []
