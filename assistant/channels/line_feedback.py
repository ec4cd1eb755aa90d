"""LINE's "Helpful?" quick replies: 👍 / 👎 postbacks that name the knowledge answer."""

from __future__ import annotations

import re
from typing import Optional

from assistant.models import Message

PAYLOAD = re.compile(r"^feedback:(\d{1,19}):(up|down)$")  # "feedback:123:up"
LABELS = {"en": {True: "👍 Helpful", False: "👎 Not helpful"},
          "th": {True: "👍 มีประโยชน์", False: "👎 ไม่มีประโยชน์"}}
THANKS = {
    "en": {True: "Thank you! Glad it helped.",
           False: "Thank you for telling us. You can ask again in other words, or ask for a "
                  "staff member."},
    "th": {True: "ขอบคุณค่ะ ดีใจที่ข้อมูลเป็นประโยชน์",
           False: "ขอบคุณที่แจ้งให้ทราบค่ะ ลองถามใหม่ด้วยคำอื่น หรือขอคุยกับเจ้าหน้าที่ได้ค่ะ"},
}


def choices(message: Message) -> list[tuple[str, str]]:
    """``(label, postback data)`` of 👍 and 👎 for a stored knowledge answer, else none."""
    if message.id is None or not message.is_knowledge_answer:
        return []
    labels = LABELS.get(message.language or "en", LABELS["en"])
    return [(labels[helpful], f"feedback:{message.id}:{'up' if helpful else 'down'}")
            for helpful in (True, False)]


def parse(data: str) -> Optional[tuple[str, bool]]:
    """``(message id, helpful)`` of a feedback postback, or None for any other data."""
    match = PAYLOAD.match(data)
    return (match.group(1), match.group(2) == "up") if match else None
