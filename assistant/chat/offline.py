"""Offline handoff: a question left with an e-mail address when no staff member is online.

Outside office hours, or with nobody online, a chat asking for staff becomes a ticket: the
center's mailbox gets an e-mail, and the staff reply reaches the user by e-mail, and in the
chat if it is still open. Both e-mails are only stored in the outbox here: the mailer
process (``flask mail send``) sends them, never the web request.
"""

from __future__ import annotations

import re
from typing import Optional

from email_validator import EmailNotValidError, validate_email
from flask import current_app

from assistant.chat import presence
from assistant.chat.office_hours import when
from assistant.extensions import db
from assistant.mail.ticket import queue_center_notice, queue_staff_reply
from assistant.models import Conversation, Message, Sender, State, Ticket, TicketStatus, utcnow

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
TEXTS = {
    "offer": {
        "en": ("No staff member of the center is online right now (office hours: {hours}). "
               "Please write your question and your e-mail address here, for example "
               "name@example.com. A staff member will answer you by e-mail{next}; if you are "
               "still in this chat, the answer appears here too."),
        "th": ("ขณะนี้ไม่มีเจ้าหน้าที่ของศูนย์ออนไลน์ค่ะ (เวลาทำการ: {hours}) "
               "กรุณาพิมพ์คำถามพร้อมอีเมลของคุณไว้ในแชตนี้ เช่น name@example.com "
               "เจ้าหน้าที่จะตอบกลับทางอีเมล{next} และหากคุณยังอยู่ในแชตนี้ คำตอบจะแสดงที่นี่ด้วยค่ะ"),
    },
    "next": {"en": ", from {when}", "th": " ตั้งแต่{when}"},
    "ask_email": {
        "en": ("Thank you, your message is saved. Please also write your e-mail address so that "
               "a staff member can answer you."),
        "th": "ขอบคุณค่ะ บันทึกข้อความไว้แล้ว กรุณาพิมพ์อีเมลของคุณด้วย เพื่อให้เจ้าหน้าที่ตอบกลับได้ค่ะ",
    },
    "registered": {
        "en": ("Thank you. Your question is registered as {reference}; a staff member will "
               "answer you at {email}. You may add details here meanwhile."),
        "th": ("ขอบคุณค่ะ คำถามของคุณได้รับการบันทึกแล้ว หมายเลข {reference} "
               "เจ้าหน้าที่จะตอบกลับไปที่ {email} ระหว่างนี้เพิ่มรายละเอียดในแชตนี้ได้ค่ะ"),
    },
    "added": {
        "en": "Added to your question {reference}.",
        "th": "เพิ่มข้อความในคำถามหมายเลข {reference} แล้วค่ะ",
    },
}


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
    if ticket.email:  # asked before in this chat: the address is known
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


def answer_waiting_user(conversation: Conversation, text: str) -> Optional[Message]:
    """The reply to a user writing while their offline question waits (None: no ticket)."""
    ticket = conversation.ticket
    if ticket is None or conversation.state != State.WAITING_FOR_STAFF:
        return None
    language = conversation.language
    if ticket.status == TicketStatus.AWAITING_EMAIL:
        address = find_email(text)
        if address is None:
            reply = _text("ask_email", language)
        else:
            _register(ticket, address)
            reply = _text("registered", language, reference=_reference(ticket), email=address)
    else:
        reply = _text("added", language, reference=_reference(ticket))
    message = Message(conversation=conversation, sender=Sender.BOT, text=reply,
                      language=language, details={"ticket": ticket.status.value})
    db.session.add(message)
    db.session.commit()  # the center's notice waits in the outbox for the mailer
    return message


def email_staff_reply(message: Message) -> None:
    """E-mail a staff answer to the user of an offline question (if they gave an address)."""
    ticket = message.conversation.ticket
    if ticket is None or not ticket.email or message.details.get("notice"):
        return
    queue_staff_reply(ticket, message)
    ticket.status, ticket.answered_at = TicketStatus.ANSWERED, ticket.answered_at or utcnow()
    db.session.commit()  # the mailer sends it


def find_email(text: str) -> Optional[str]:
    """The first valid e-mail address in ``text``, normalised, or None."""
    for candidate in EMAIL.findall(text):
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
