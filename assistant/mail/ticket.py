"""The e-mails of an offline question: the notice to the center, the answers to the user.

Mail names a chat by its reference (the console finds it by that), never by its conversation
id.
"""

from __future__ import annotations

from flask import current_app

from assistant.mail import outbox
from assistant.mail.rating_link import rating_url
from assistant.models import CHANNEL_NAMES, Message, Sender, Ticket
from common.thai_calendar import in_bangkok

LANGUAGES = {"en": "English", "th": "Thai"}
SENDERS = {Sender.USER: "User", Sender.BOT: "Assistant", Sender.STAFF: "Staff"}
TRANSCRIPT_MESSAGES = 30
CENTER_NOTICE = """\
A user left a question while no staff member was online.

Reference: {reference} (chat {chat})
User's e-mail: {email}
Language: {language}
Channel: {channel}{name}

Please answer in the staff console, so that the reply is recorded, e-mailed to the user and
shown in the chat if it is still open:
{link}

The conversation so far (Bangkok time):
{transcript}
"""
USER_REPLY = {
    "en": ("Your question to the Bangkok information service center for foreigners "
           "[{reference}]",
           "Hello,\n\n{text}\n\n{staff}\n{signature}\n\n"
           "Reference: {reference}. Reply to this e-mail if you have more questions.\n\n"
           "How satisfied are you with our answer? Tell us with one click:\n{rating}\n"),
    "th": ("คำตอบจากศูนย์บริการข้อมูลสำหรับชาวต่างชาติ กรุงเทพมหานคร [{reference}]",
           "สวัสดีค่ะ\n\n{text}\n\n{staff}\n{signature}\n\n"
           "หมายเลขอ้างอิง {reference} หากมีคำถามเพิ่มเติม ตอบกลับอีเมลนี้ได้ค่ะ\n\n"
           "คุณพึงพอใจกับคำตอบของเรามากน้อยเพียงใด ให้คะแนนได้ที่:\n{rating}\n"),
}


def queue_center_notice(ticket: Ticket) -> None:
    """Queue the e-mail that tells the center's mailbox about a new offline question."""
    conversation = ticket.conversation
    config = current_app.config
    body = CENTER_NOTICE.format(
        reference=ticket.reference, chat=conversation.reference, email=ticket.email,
        language=LANGUAGES.get(conversation.language, conversation.language),
        channel=CHANNEL_NAMES.get(conversation.channel, conversation.channel),
        name=f" ({conversation.contact_name})" if conversation.contact_name else "",
        link=f"{config['PUBLIC_URL']}/console/ref/{conversation.reference}",
        transcript=_transcript(conversation.messages[-TRANSCRIPT_MESSAGES:]))
    subject = (f"[{ticket.reference}] Question left outside staff hours "
               f"({LANGUAGES.get(conversation.language, conversation.language)}, "
               f"{CHANNEL_NAMES.get(conversation.channel, conversation.channel)})")
    outbox.queue("center_notice", config["CENTER_EMAIL"], subject, body, conversation,
               ticket=ticket, reply_to=ticket.email)


def queue_staff_reply(ticket: Ticket, message: Message) -> None:
    """Queue a staff answer to the user, in the chat's language."""
    language = ticket.conversation.language if ticket.conversation.language in USER_REPLY \
        else "en"
    subject, body = USER_REPLY[language]
    staff = message.staff_user.name if message.staff_user else ""
    outbox.queue("staff_reply", str(ticket.email), subject.format(reference=ticket.reference),
               body.format(text=message.text, staff=staff, signature=outbox.signature(language),
                           reference=ticket.reference,
                           rating=rating_url(ticket.conversation)),
               ticket.conversation, ticket=ticket, reply_to=current_app.config["CENTER_EMAIL"])


def _transcript(messages: list[Message]) -> str:
    return "\n".join(f"[{in_bangkok(m.created_at):%Y-%m-%d %H:%M}] {SENDERS[m.sender]}: {m.text}"
                     for m in messages if m.text)
