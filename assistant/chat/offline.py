"""Offline handoff: a question left with an e-mail address when no staff member is online.

Outside office hours, or with nobody online, a chat asking for staff becomes a ticket: the
user's e-mail address is asked for at once, then the center's mailbox gets an e-mail, and
the staff reply reaches the user by e-mail, and in the chat if it is still open. While the
question waits the assistant keeps answering: a message with the awaited address registers
the question, any other goes to the assistant. Both e-mails are only stored in the outbox
here: the mailer process (``flask mail send``) sends them, never the web request.
"""

from __future__ import annotations

from typing import Optional

from email_validator import EmailNotValidError, validate_email
from flask import current_app

from assistant.chat import conversations, presence
from assistant.chat.errors import ConversationError
from assistant.extensions import db
from assistant.mail.ticket import queue_center_notice, queue_staff_reply
from assistant.models import (
    Conversation,
    Message,
    Sender,
    State,
    Ticket,
    TicketStatus,
    User,
    utcnow,
)
from assistant.records import audit
from common.email_address import addresses_in
from common.office_hours import when

TEXTS = {
    "offer": {
        "en": ("No staff member of the center is online right now (office hours: {hours}). "
               "Please write your e-mail address here, for example name@example.com: a staff "
               "member will answer the questions of this chat by e-mail{next}, and here too "
               "if you are still in the chat. Meanwhile the assistant keeps answering."),
        "th": ("ขณะนี้ไม่มีเจ้าหน้าที่ของศูนย์ออนไลน์ค่ะ (เวลาทำการ: {hours}) "
               "กรุณาพิมพ์อีเมลของคุณไว้ในแชตนี้ เช่น name@example.com "
               "เจ้าหน้าที่จะตอบคำถามในแชตนี้ทางอีเมล{next} และในแชตนี้ด้วยหากคุณยังอยู่ "
               "ระหว่างนี้ผู้ช่วยอัตโนมัติยังตอบคำถามต่อได้ค่ะ"),
    },
    "next": {"en": ", from {when}", "th": " ตั้งแต่{when}"},
    "registered": {
        "en": ("Thank you. Your question is registered as {reference}; a staff member will "
               "answer you at {email}. Staff see everything you write in this chat; "
               "meanwhile the assistant keeps answering here."),
        "th": ("ขอบคุณค่ะ คำถามของคุณได้รับการบันทึกแล้ว หมายเลข {reference} "
               "เจ้าหน้าที่จะตอบกลับไปที่ {email} เจ้าหน้าที่เห็นทุกข้อความในแชตนี้ "
               "ระหว่างนี้ผู้ช่วยอัตโนมัติยังตอบคำถามต่อได้ค่ะ"),
    },
    "pending": {
        "en": ("Your question {reference} is already registered: a staff member will answer "
               "you at {email}. Meanwhile the assistant keeps answering here."),
        "th": ("คำถามหมายเลข {reference} ของคุณบันทึกไว้แล้วค่ะ เจ้าหน้าที่จะตอบกลับไปที่ {email} "
               "ระหว่างนี้ผู้ช่วยอัตโนมัติยังตอบคำถามต่อได้ค่ะ"),
    },
}
# An offline question still waiting: the address is asked for, or staff will answer.
PENDING = (TicketStatus.AWAITING_EMAIL, TicketStatus.OPEN)


def applies() -> bool:
    """True when a chat asking for staff should become a question answered by e-mail."""
    if not current_app.config["OFFLINE_HANDOFF"]:
        return False
    return not (current_app.config["OFFICE_HOURS"].is_open(utcnow())
                and presence.online_staff())


def open_ticket(conversation: Conversation) -> str:
    """Start (or reopen) the chat's offline question; the text to show the user."""
    ticket = conversation.ticket or Ticket(conversation=conversation)
    db.session.add(ticket)
    if ticket.status == TicketStatus.OPEN:  # registered and not answered yet: nothing new
        return _text("pending", conversation.language, reference=_reference(ticket),
                     email=str(ticket.email))
    if ticket.email:  # asked and answered before in this chat: the address is known
        _register(ticket, ticket.email)
        return _text("registered", conversation.language, reference=_reference(ticket),
                     email=ticket.email)
    ticket.status = TicketStatus.AWAITING_EMAIL
    return offer_text(conversation.language)


def offer_text(language: str) -> str:
    """The offer to leave a question and an e-mail address, with office hours."""
    hours = current_app.config["OFFICE_HOURS"]
    opening = hours.next_opening(utcnow())
    later = _text("next", language, when=when(opening, language)) if opening else ""
    return _text("offer", language, hours=hours.describe(language), next=later)


def request_pending(conversation: Conversation) -> bool:
    """True while the chat waits on an offline question: the assistant keeps answering."""
    ticket = conversation.ticket
    return (conversation.state == State.WAITING_FOR_STAFF and ticket is not None
            and ticket.status in PENDING)


def take_email(conversation: Conversation, text: str) -> Optional[Message]:
    """Register the offline question when ``text`` gives the address it waits for.

    The reply, stored (the caller commits); None when the chat waits for no address or
    ``text`` has none (then the assistant answers it).
    """
    ticket = conversation.ticket
    if not request_pending(conversation) or ticket is None \
            or ticket.status != TicketStatus.AWAITING_EMAIL:
        return None
    address = find_email(text)
    if address is None:
        return None
    _register(ticket, address)
    language = conversation.language
    message = Message(conversation=conversation, sender=Sender.BOT, language=language,
                      text=_text("registered", language, reference=_reference(ticket),
                                 email=address),
                      details={"ticket": ticket.status.value})
    db.session.add(message)  # the center's notice waits in the outbox for the mailer
    return message


def email_staff_reply(message: Message) -> None:
    """E-mail a staff answer to the user of an offline question (if they gave an address)."""
    ticket = message.conversation.ticket
    if ticket is None or not ticket.email or message.details.get("notice"):
        return
    queue_staff_reply(ticket, message)
    ticket.replied_at = ticket.replied_at or utcnow()
    if ticket.status != TicketStatus.ANSWERED:  # a reply may only say "we are on it"
        ticket.status = TicketStatus.REPLIED
    db.session.commit()  # the mailer sends it


def mark_answered(conversation: Conversation, user: User) -> None:
    """Staff confirm the offline question was answered (audit-logged)."""
    ticket = _answered(conversation)
    audit.record(user, "question marked answered", f"conversation {conversation.id}",
                 ticket=ticket.reference)
    db.session.commit()


def confirm_answered(conversation: Conversation) -> None:
    """The user confirms their offline question was answered (on the answer's rating page)."""
    _answered(conversation)
    db.session.commit()


def awaits_confirmation(conversation: Conversation) -> bool:
    """True when the chat's offline question has an address and is not marked answered."""
    ticket = conversation.ticket
    return ticket is not None and ticket.status in (TicketStatus.OPEN, TicketStatus.REPLIED)


def _answered(conversation: Conversation) -> Ticket:
    """Mark the chat's open or replied question answered (the caller commits); else 409."""
    conversations.claim(conversation)
    if not awaits_confirmation(conversation) or conversation.ticket is None:
        raise ConversationError(409, "not_an_open_question",
                                "Only an offline question with an e-mail address can be "
                                "marked answered.")
    ticket = conversation.ticket
    ticket.status, ticket.answered_at = TicketStatus.ANSWERED, utcnow()
    return ticket


def find_email(text: str) -> Optional[str]:
    """The first valid e-mail address in ``text``, normalised, or None."""
    for candidate in addresses_in(text):
        try:
            return str(validate_email(candidate, check_deliverability=False).normalized)
        except EmailNotValidError:
            continue
    return None


def _register(ticket: Ticket, address: str) -> None:
    ticket.email, ticket.status, ticket.opened_at = address, TicketStatus.OPEN, utcnow()
    db.session.flush()  # the ticket's id is its reference
    queue_center_notice(ticket)


def _reference(ticket: Ticket) -> str:
    db.session.flush()
    return ticket.reference


def _text(key: str, language: str, **values: str) -> str:
    return TEXTS[key].get(language, TEXTS[key]["en"]).format(**values)
