"""The transcript of a chat, e-mailed to the user on request, in the chat's language.

Only what the user saw: their typed messages, the bot's and staff answers with the official
sources, in Bangkok time. Private notes, intents, topics, confidences and button payloads
stay out.
"""

from __future__ import annotations

from flask import current_app

from assistant.mail import outbox
from assistant.models import Conversation, Message, OutboundEmail, Sender
from common.thai_calendar import in_bangkok, spelled_date

SUBJECT = {"en": "Your chat with the Bangkok information service center for foreigners ({day})",
           "th": "บันทึกการสนทนากับศูนย์บริการข้อมูลสำหรับชาวต่างชาติ กรุงเทพมหานคร ({day})"}
INTRO = {"en": "Hello,\n\nHere is the transcript of your chat with us, as you asked "
               "(times are Bangkok time).",
         "th": "สวัสดีค่ะ\n\nบันทึกการสนทนาของคุณกับเราตามที่ขอไว้ค่ะ (เวลากรุงเทพฯ)"}
OUTRO = {"en": "Reply to this e-mail if you have more questions.",
         "th": "หากมีคำถามเพิ่มเติม ตอบกลับอีเมลนี้ได้ค่ะ"}
SENDERS = {"en": {Sender.USER: "You", Sender.BOT: "Assistant", Sender.STAFF: "{name} (staff)"},
           "th": {Sender.USER: "คุณ", Sender.BOT: "ผู้ช่วยอัตโนมัติ",
                  Sender.STAFF: "{name} (เจ้าหน้าที่)"}}
SOURCE = {"en": "Source", "th": "แหล่งข้อมูล"}


def queue_transcript(conversation: Conversation, to: str) -> OutboundEmail:
    """Put the transcript e-mail in the outbox (the caller commits and sends)."""
    language = conversation.language if conversation.language in SUBJECT else "en"
    center = current_app.config["CENTER_EMAIL"]
    body = "\n\n".join([INTRO[language], transcript_text(conversation, language),
                        OUTRO[language], outbox.signature(language)])
    subject = SUBJECT[language].format(
        day=spelled_date(in_bangkok(conversation.created_at).date(), language))
    return outbox.queue("transcript", to, subject, body + "\n", conversation, reply_to=center)


def transcript_text(conversation: Conversation, language: str) -> str:
    """The messages the user saw, a date line whenever the Bangkok day changes."""
    lines: list[str] = []
    day = None
    for message in conversation.messages:
        if not _seen_by_user(message):
            continue
        moment = in_bangkok(message.created_at)
        if moment.date() != day:
            day = moment.date()
            lines += ["", f"— {spelled_date(day, language)} —"]
        sender = SENDERS[language][message.sender].format(
            name=message.staff_user.name if message.staff_user else "")
        lines.append(f"[{moment:%H:%M}] {sender}: {message.text}")
        lines += [f"    {SOURCE[language]}: {source.get('title', '')} – {source.get('url', '')}"
                  for source in message.sources or []]
    return "\n".join(lines).strip()


def _seen_by_user(message: Message) -> bool:
    return bool(message.text) and message.payload is None
