"""The transcript of a chat, e-mailed to the user on request, in the chat's language.

The caller gives the transcript's text (``chat.transcript.body``: only what the user saw,
in Bangkok time); this module wraps it in the e-mail and puts that in the outbox.
"""

from __future__ import annotations

from flask import current_app

from assistant.mail import outbox
from assistant.models import Conversation, OutboundEmail
from common.thai_calendar import in_bangkok, spelled_date

SUBJECT = {"en": "Your chat with the Bangkok information service center for foreigners ({day})",
           "th": "บันทึกการสนทนากับศูนย์บริการข้อมูลสำหรับชาวต่างชาติ กรุงเทพมหานคร ({day})"}
INTRO = {"en": "Hello,\n\nHere is the transcript of your chat with us, as you asked "
               "(times are Bangkok time).",
         "th": "สวัสดีค่ะ\n\nบันทึกการสนทนาของคุณกับเราตามที่ขอไว้ค่ะ (เวลากรุงเทพฯ)"}
OUTRO = {"en": "Reply to this e-mail if you have more questions.",
         "th": "หากมีคำถามเพิ่มเติม ตอบกลับอีเมลนี้ได้ค่ะ"}


def queue_transcript(conversation: Conversation, to: str, transcript: str) -> OutboundEmail:
    """Put the e-mail of ``transcript`` in the outbox (the caller commits and sends)."""
    language = conversation.language if conversation.language in SUBJECT else "en"
    center = current_app.config["CENTER_EMAIL"]
    body = "\n\n".join([INTRO[language], transcript, OUTRO[language],
                        outbox.signature(language)])
    subject = SUBJECT[language].format(
        day=spelled_date(in_bangkok(conversation.created_at).date(), language))
    return outbox.queue("transcript", to, subject, body + "\n", conversation, reply_to=center)

