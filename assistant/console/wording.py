"""Human words for what the console shows: chat states, offline questions, button presses.

Each in English and Thai (the console's text is English; the Thai words follow, marked
``lang="th"``, as the rating levels do), so no raw value (``waiting_for_staff``,
``/ask_human``) reaches a staff member.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Optional

from assistant.models import Message, Sender, State, TicketStatus

Words = dict[str, str]  # {"en": ..., "th": ...}

STATE_WORDS: dict[State, Words] = {
    State.BOT: {"en": "With the assistant", "th": "คุยกับผู้ช่วยอัตโนมัติ"},
    State.WAITING_FOR_STAFF: {"en": "Waiting for staff", "th": "รอเจ้าหน้าที่"},
    State.WITH_STAFF: {"en": "With staff", "th": "คุยกับเจ้าหน้าที่"},
    State.CLOSED: {"en": "Closed", "th": "ปิดแล้ว"},
}
TICKET_WORDS: dict[TicketStatus, Words] = {
    TicketStatus.AWAITING_EMAIL: {"en": "waiting for the user's e-mail address",
                                  "th": "รออีเมลของผู้ใช้"},
    TicketStatus.OPEN: {"en": "not answered yet", "th": "ยังไม่ได้ตอบ"},
    TicketStatus.REPLIED: {"en": "replied to, not yet marked answered",
                           "th": "ตอบกลับแล้ว ยังไม่ยืนยันว่าได้คำตอบ"},
    TicketStatus.ANSWERED: {"en": "answered", "th": "ได้รับคำตอบแล้ว"},
}
SENDER_WORDS = {Sender.USER: "User", Sender.BOT: "Assistant", Sender.STAFF: "Staff"}
URGENT_WORDS: Words = {"en": "Urgent", "th": "ด่วน"}
# Buttons whose title the chat may not hold (the bot's message with them was erased or older).
PAYLOAD_WORDS: dict[str, Words] = {
    "ask_human": {"en": "Talk to a staff member", "th": "คุยกับเจ้าหน้าที่"},
    "rate_satisfaction": {"en": "Rate the chat", "th": "ให้คะแนนการสนทนา"},
}


@dataclass(frozen=True)
class Pressed:
    """A button the user pressed, as they saw it."""

    title: str
    language: str


def button_titles(messages: Iterable[Message]) -> dict[str, Pressed]:
    """Each button payload the bot offered in ``messages`` with its title (the latest wins)."""
    return {button["payload"]: Pressed(button.get("title", ""), message.language or "en")
            for message in messages if message.sender == Sender.BOT
            for button in message.buttons or [] if button.get("payload")}


def pressed_button(message: Message, titles: dict[str, Pressed],
                   language: str) -> Optional[Pressed]:
    """The button a user's message pressed, in words (None: the user typed it)."""
    if message.sender != Sender.USER or not message.payload:
        return None
    if message.payload in titles:
        return titles[message.payload]
    intent = message.payload[1:].partition("{")[0]
    words = PAYLOAD_WORDS.get(intent, {"en": intent.replace("_", " ")})
    return Pressed(words.get(language, words["en"]), language if language in words else "en")


def sender_name(message: Message) -> str:
    """Who wrote ``message``: User, Assistant, or the staff member's name."""
    if message.sender == Sender.STAFF and message.staff_user is not None:
        return message.staff_user.name
    return SENDER_WORDS[message.sender]


def template_helpers() -> dict[str, Any]:
    """The words and helpers the console's templates use."""
    return {"state_words": STATE_WORDS, "ticket_words": TICKET_WORDS,
            "urgent_words": URGENT_WORDS, "button_titles": button_titles,
            "pressed_button": pressed_button, "sender_name": sender_name}
