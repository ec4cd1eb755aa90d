"""Ends and limits of waits for staff: refused, expired, or left by the user.

A reply of the bot that asks for staff starts a wait only when the channel's check allows it
(the chat API counts new waits per client address, ``RATE_LIMIT_HANDOFF``); over the limit
the user is told, and the chat stays with the bot.

A wait nobody took within ``HANDOFF_EXPIRY_MINUTES`` expires in the housekeeping round
(``flask conversations close-inactive``): the chat goes back to the bot, not closed, so the
user can go on asking, ask for staff again or leave an e-mail address, and is told so in
their language. Offline questions with an e-mail address are answered by e-mail later: their
waits never expire. A user may also leave a wait ("Back to the assistant").
"""

from __future__ import annotations

import datetime as dt
from typing import Callable, List, Optional

from sqlalchemy import or_, select

from assistant.chat import conversations
from assistant.chat.errors import ConversationError
from assistant.extensions import db
from assistant.models import (
    Conversation,
    Message,
    Sender,
    State,
    Ticket,
    TicketStatus,
    as_utc,
    utcnow,
)

# The channel's check before a new wait: True counts it, False refuses it (over the limit).
HandoffCheck = Callable[[], bool]

TEXTS = {
    "limited": {
        "en": ("Sorry, staff of the center cannot be requested again from here right now: "
               "there have been too many requests. Please try again later; meanwhile you "
               "can keep asking the assistant."),
        "th": ("ขออภัยค่ะ ขณะนี้ไม่สามารถขอคุยกับเจ้าหน้าที่ได้อีก เนื่องจากมีการขอมากเกินไป "
               "กรุณาลองใหม่ภายหลัง ระหว่างนี้สอบถามผู้ช่วยอัตโนมัติต่อได้เลยค่ะ"),
    },
    "left": {
        "en": ("You are back with the assistant: ask anything. \"Talk to a person\" is there "
               "whenever you need staff."),
        "th": "กลับมาคุยกับผู้ช่วยอัตโนมัติแล้วค่ะ สอบถามได้เลย และกด \"คุยกับเจ้าหน้าที่\" ได้ทุกเมื่อค่ะ",
    },
    "expired": {
        "en": ("Sorry, no staff member could join this chat. You are back with the assistant: "
               "ask anything else, ask for staff again later, or leave your question with "
               "your e-mail address when asked, and the center will answer by e-mail."),
        "th": ("ขออภัยค่ะ ไม่มีเจ้าหน้าที่เข้าร่วมการสนทนานี้ได้ในขณะนี้ กลับมาคุยกับผู้ช่วยอัตโนมัติแล้วค่ะ "
               "สอบถามเรื่องอื่นได้ ขอคุยกับเจ้าหน้าที่อีกครั้งภายหลัง "
               "หรือฝากคำถามพร้อมอีเมลไว้เมื่อระบบถาม แล้วศูนย์จะตอบกลับทางอีเมลค่ะ"),
    },
}


def text(key: str, language: str) -> str:
    """One of the texts in ``language`` (English for any other)."""
    return TEXTS[key].get(language, TEXTS[key]["en"])


def allowed(check: Optional[HandoffCheck]) -> bool:
    """Whether a new wait may start (no check: the channel sets no limit)."""
    return check is None or check()


def expire_stale(older_than: dt.timedelta) -> int:
    """Send waits older than ``older_than`` back to the bot; how many expired."""
    stale = db.session.scalars(
        select(Conversation).outerjoin(Ticket, Ticket.conversation_id == Conversation.id)
        .where(Conversation.state == State.WAITING_FOR_STAFF,
               Conversation.waiting_since < utcnow() - older_than,
               or_(Ticket.id.is_(None), Ticket.email.is_(None)))
        .order_by(Conversation.waiting_since)).all()
    expired = 0
    for conversation in stale:
        try:
            expired += expire(conversation, older_than)
        except ConversationError:  # erased meanwhile: nothing to tell
            continue
    return expired


def expire(conversation: Conversation, older_than: dt.timedelta) -> bool:
    """End a stale wait: the chat is the bot's again and the user is told.

    False: it was taken, or its wait renewed, before the lock.
    """
    conversations.claim(conversation)
    db.session.refresh(conversation)  # as it is now that nobody else can write to it
    since = conversation.waiting_since
    if conversation.state != State.WAITING_FOR_STAFF or since is None \
            or as_utc(since) >= utcnow() - older_than:
        db.session.rollback()
        return False
    _back_to_bot(conversation, "expired")
    return True


def back_to_assistant(conversation: Conversation) -> List[Message]:
    """The user leaves the wait for staff (the widget's "Back to the assistant").

    A 409 error when the chat does not wait, or waits on a registered offline question
    (the assistant answers meanwhile anyway; staff will answer by e-mail).
    """
    conversations.claim(conversation)
    db.session.refresh(conversation)
    ticket = conversation.ticket
    if conversation.state != State.WAITING_FOR_STAFF:
        db.session.rollback()
        raise ConversationError(409, "not_waiting", "This chat is not waiting for staff.")
    if ticket is not None and ticket.status == TicketStatus.OPEN:
        db.session.rollback()
        raise ConversationError(409, "question_registered",
                                "The question is registered: staff will answer by e-mail.")
    if ticket is not None and ticket.status == TicketStatus.AWAITING_EMAIL:
        db.session.delete(ticket)  # no address was given: there is no question to answer
    return _back_to_bot(conversation, "left")


def _back_to_bot(conversation: Conversation, why: str) -> List[Message]:
    """End the chat's wait (its open hand-off ends now) and tell the user (committed)."""
    now = utcnow()
    for handoff in conversation.handoffs:
        if handoff.taken_at is None and handoff.expired_at is None:
            handoff.expired_at = now
    conversation.state, conversation.waiting_since = State.BOT, None
    conversation.assigned_to = None
    note = Message(conversation=conversation, sender=Sender.BOT,
                   text=text(why, conversation.language), language=conversation.language,
                   details={f"handoff_{why}": True})
    return conversations.commit_and_deliver(note)
