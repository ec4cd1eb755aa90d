"""Topic names and the NLU intents that ask about them (names other code relies on)."""

from __future__ import annotations

from typing import Optional

TOPICS = (
    "visa",
    "work_permit",
    "housing",
    "schools",
    "investment",
    "tax",
    "banking",
    "healthcare",
    "transport",
    "emergency",
    "daily_life",
    "service_center",
)
TOPIC_INTENT_PREFIX = "ask_"

TOPIC_TITLES = {
    "visa": {"en": "Visas", "th": "วีซ่า"},
    "work_permit": {"en": "Work permits", "th": "ใบอนุญาตทำงาน"},
    "housing": {"en": "Housing", "th": "ที่พักอาศัย"},
    "schools": {"en": "Schools", "th": "โรงเรียน"},
    "investment": {"en": "Investment", "th": "การลงทุน"},
    "tax": {"en": "Tax", "th": "ภาษี"},
    "banking": {"en": "Banking", "th": "ธนาคาร"},
    "healthcare": {"en": "Healthcare", "th": "สุขภาพ"},
    "transport": {"en": "Transport", "th": "การเดินทาง"},
    "emergency": {"en": "Emergencies", "th": "เหตุฉุกเฉิน"},
    "daily_life": {"en": "Daily life", "th": "ชีวิตประจำวัน"},
    "service_center": {"en": "The service center", "th": "ศูนย์บริการ"},
}


def topic_for_intent(intent: Optional[str]) -> Optional[str]:
    """``ask_visa`` -> ``visa``; None for intents that are not topic questions."""
    if intent and intent.startswith(TOPIC_INTENT_PREFIX):
        topic = intent[len(TOPIC_INTENT_PREFIX):]
        if topic in TOPICS:
            return topic
    return None


def intent_for_topic(topic: str) -> str:
    """``visa`` -> ``ask_visa``."""
    return TOPIC_INTENT_PREFIX + topic
