"""A chat as its user saw it, as plain text in English or Thai, in Bangkok time.

One builder for the user's download (``GET /api/conversations/<id>/transcript``) and the
transcript staff e-mail (``mail.transcript``): the user's messages (a button press in the
words of the button's title), the assistant's and staff answers with their official sources
under them, and what happened (asked for staff, closed, rated). Private notes, intents,
topics, confidences and raw payloads stay out.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, Iterator, List, Optional, Tuple

from assistant.chat.satisfaction import RATING_PAYLOAD, level_labels
from assistant.models import Conversation, Message, Sender, as_utc, utcnow
from common.thai_calendar import in_bangkok, spelled_date, spelled_moment

INDENT = "    "
WORDS = {
    "en": {"user": "You", "bot": "Assistant", "staff": "{name} (staff)", "source": "Source",
           "title": "Your chat with the Bangkok information service center for foreigners",
           "reference": "Reference: {reference}", "started": "Started: {moment}",
           "downloaded": "Downloaded: {moment}", "times": "All times are Bangkok time.",
           "ask_human": "You asked to talk to a staff member.",
           "closed": "The chat was closed.", "rated": "You rated the chat: {level}."},
    "th": {"user": "คุณ", "bot": "ผู้ช่วยอัตโนมัติ", "staff": "{name} (เจ้าหน้าที่)",
           "source": "แหล่งข้อมูล",
           "title": "บทสนทนาของคุณกับศูนย์บริการข้อมูลสำหรับชาวต่างชาติ กรุงเทพมหานคร",
           "reference": "เลขอ้างอิง: {reference}", "started": "เริ่มเมื่อ: {moment}",
           "downloaded": "ดาวน์โหลดเมื่อ: {moment}", "times": "เวลาทั้งหมดเป็นเวลากรุงเทพฯ",
           "ask_human": "คุณขอคุยกับเจ้าหน้าที่",
           "closed": "การสนทนาสิ้นสุดแล้ว", "rated": "คุณประเมินความพึงพอใจ: {level}"},
}
# What the user did, as said in the transcript: the time, the line, lines under it.
Entry = Tuple[dt.datetime, str, List[str]]


def document(conversation: Conversation, language: str,
             now: Optional[dt.datetime] = None) -> str:
    """The user's download: a heading (reference, start, when downloaded), then ``body``."""
    words = WORDS[language]
    heading = [words["title"], words["reference"].format(reference=conversation.reference),
               words["started"].format(moment=spelled_moment(conversation.created_at, language)),
               words["downloaded"].format(moment=spelled_moment(now or utcnow(), language)),
               words["times"]]
    return "\n".join(heading) + "\n\n" + body(conversation, language) + "\n"


def body(conversation: Conversation, language: str) -> str:
    """Messages and events, each with its time, a date line whenever the Bangkok day changes."""
    lines: List[str] = []
    day = None
    for moment, said, under in _entries(conversation, language):
        local = in_bangkok(moment)
        if local.date() != day:
            day = local.date()
            lines += ["", f"— {spelled_date(day, language)} —"]
        lines.append(f"[{local:%H:%M}] " + said.replace("\n", "\n" + INDENT))
        lines += [INDENT + line for line in under]
    return "\n".join(lines).strip()


def _entries(conversation: Conversation, language: str) -> Iterator[Entry]:
    """The entries in order; the close comes before the first message written after it."""
    closed_at = as_utc(conversation.closed_at) if conversation.closed_at else None
    offered: Dict[str, str] = {}  # payload -> title of the latest button offering it
    for message in conversation.messages:
        if closed_at and as_utc(message.created_at) >= closed_at:
            yield closed_at, _event(language, "closed"), []
            closed_at = None
        yield from _said(message, language, offered)
        offered.update({button["payload"]: button["title"] for button in message.buttons or []
                        if "payload" in button and "title" in button})
    if closed_at:
        yield closed_at, _event(language, "closed"), []


def _said(message: Message, language: str, offered: Dict[str, str]) -> Iterator[Entry]:
    words, moment = WORDS[language], message.created_at
    if message.sender == Sender.USER:
        said = _user_words(message, offered)
        if said:
            yield moment, f"{words['user']}: {said}", []
        elif message.payload and message.payload.partition("{")[0] == "/ask_human":
            yield moment, _event(language, "ask_human"), []
        return  # no words for other presses (a rating's: the event of the thanks says it)
    level = (message.details or {}).get("satisfaction_level")
    if level in level_labels(language):
        yield moment, _event(language, "rated", level=level_labels(language)[level]), []
    if message.text:
        name = message.staff_user.name if message.staff_user else ""
        sender = words["bot"] if message.sender == Sender.BOT else words["staff"].format(name=name)
        yield moment, f"{sender}: {message.text}", [
            f"{words['source']}: {source.get('title', '')} – {source.get('url', '')}"
            for source in message.sources or []]


def _user_words(message: Message, offered: Dict[str, str]) -> Optional[str]:
    """What the user typed, or the title of the button pressed; None for a rating press."""
    if message.payload is None:
        return message.text
    if RATING_PAYLOAD.match(message.payload):
        return None
    return offered.get(message.payload)


def _event(language: str, key: str, **values: Any) -> str:
    return "(" + WORDS[language][key].format(**values) + ")"
