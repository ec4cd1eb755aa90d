"""Visits to the center: a request from the chat, staff's decision, the user's acceptance.

The action server's visit form ends with one bot reply whose metadata holds
``visit_request``: name, e-mail, purpose, two preferred ``slots`` (ISO 8601 with offset) and
the language. ``store_bot_replies`` hands it here: a valid request is stored and its
reference added to the reply; a malformed one is logged and ignored (the turn goes on).

Staff confirm one of the two slots, or propose another (in office hours, in the future: the
user accepts it with the e-mail's one-click link), or cancel. Each staff act is audit-logged;
each step e-mails the user (``assistant.mail.visit``) and, while the chat is open, says so
in it (a staff notice in the user's language, delivered live like any staff message).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional, cast

from email_validator import validate_email
from flask import current_app
from sqlalchemy import CursorResult, select, update

from assistant.chat import conversations
from assistant.chat.errors import ConversationError
from assistant.extensions import db
from assistant.mail import visit as visit_mail
from assistant.models import (
    LANGUAGES,
    Conversation,
    Message,
    Sender,
    State,
    User,
    VisitRequest,
    VisitStatus,
    as_utc,
    utcnow,
)
from assistant.models.tokens import hashed, new_token
from assistant.records import audit
from common.thai_calendar import bangkok_day, bangkok_midnight, spelled_moment

LIMITS = {"name": 200, "email": 254, "purpose": 2000}
OPEN = (VisitStatus.REQUESTED, VisitStatus.PROPOSED)
REFERENCE = {"en": "Reference: {reference}", "th": "หมายเลขอ้างอิง: {reference}"}
NOTICES = {
    "confirmed": {"en": "Your visit {reference} is confirmed for {when}. We sent the details "
                        "and a calendar invitation to your e-mail.",
                  "th": "ยืนยันการนัดหมาย {reference} แล้ว วันเวลา {when} "
                        "ศูนย์ส่งรายละเอียดและไฟล์นัดหมายไปที่อีเมลของท่านแล้วค่ะ"},
    "proposed": {"en": "For your visit {reference} the center proposes {when}. Please accept it "
                       "with the link we sent to your e-mail, or reply to that e-mail.",
                 "th": "สำหรับนัดหมาย {reference} ศูนย์ขอเสนอเวลา {when} "
                       "กรุณายืนยันผ่านลิงก์ในอีเมลที่ส่งไป หรือตอบกลับอีเมลนั้นค่ะ"},
    "cancelled": {"en": "Your visit {reference} is cancelled. You can ask for another visit "
                        "here at any time.",
                  "th": "นัดหมาย {reference} ถูกยกเลิกแล้ว ขอนัดหมายใหม่ในแชตนี้ได้ตลอดค่ะ"},
}


def from_reply(conversation: Conversation, message: Message) -> Optional[VisitRequest]:
    """Store the visit request of a bot reply's metadata (the caller commits).

    The reference is added to the reply's text; the request's personal data leaves the
    reply's metadata (kept on the visit only). A malformed request is logged and ignored.
    """
    details = dict(message.details or {})
    raw = details.pop("visit_request", None)
    message.details = details
    try:
        fields = _parsed(raw)
    except (ValueError, TypeError, ConversationError) as error:
        current_app.logger.warning("conversation %s: visit request ignored: %s",
                                   conversation.id, getattr(error, "message", error))
        return None
    visit = VisitRequest(conversation=conversation, **fields)
    db.session.add(visit)
    db.session.flush()  # its id makes the reference
    reference = REFERENCE[visit.language].format(reference=visit.reference)
    message.text = f"{message.text}\n\n{reference}" if message.text else reference
    message.details = {**details, "visit": visit.id}
    return visit


def _parsed(raw: Any) -> dict[str, Any]:
    """The model's fields from the metadata's ``visit_request``; ValueError if malformed."""
    if not isinstance(raw, dict):
        raise ValueError("visit_request is not an object")
    texts = {}
    for key, limit in LIMITS.items():
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip() or len(value) > limit:
            raise ValueError(f"{key} must be a text of 1 to {limit} characters")
        texts[key] = value.strip()
    texts["email"] = validate_email(texts["email"], check_deliverability=False).normalized
    if raw.get("language") not in LANGUAGES:
        raise ValueError("language must be en or th")
    slots = raw.get("slots")
    if not isinstance(slots, list) or len(slots) != 2 \
            or not all(isinstance(slot, str) for slot in slots):
        raise ValueError("slots must be two ISO 8601 date-times")
    first, second = (check_slot(dt.datetime.fromisoformat(slot)) for slot in slots)
    return {**texts, "language": raw["language"], "first_slot": first, "second_slot": second}


def check_slot(start: dt.datetime) -> dt.datetime:
    """``start`` (aware) as UTC if a visit then is in the future and inside office hours.

    The whole visit (``VISIT_MINUTES``) must fit in one opening of that day, not on a
    holiday; otherwise a 422 error saying why.
    """
    if start.tzinfo is None:
        raise ConversationError(422, "naive_time", "A visit's time needs its UTC offset.")
    if start <= utcnow():
        raise ConversationError(422, "slot_in_past", "That time is in the past.")
    hours = current_app.config["OFFICE_HOURS"]
    minutes = current_app.config["VISIT_MINUTES"]
    if not hours.fits(start, minutes):
        raise ConversationError(
            422, "outside_office_hours",
            f"A visit of {minutes} minutes must fit inside office hours "
            f"({hours.describe('en')}).")
    return start.astimezone(dt.timezone.utc)


def upcoming() -> list[VisitRequest]:
    """Requests to decide (oldest first), then confirmed visits still to come (soonest first)."""
    open_requests = db.session.scalars(select(VisitRequest).where(VisitRequest.status.in_(OPEN))
                                       .order_by(VisitRequest.created_at, VisitRequest.id))
    confirmed = db.session.scalars(select(VisitRequest).where(
        VisitRequest.status == VisitStatus.CONFIRMED, VisitRequest.start_at >= utcnow())
        .order_by(VisitRequest.start_at, VisitRequest.id))
    return [*open_requests, *confirmed]


def _decided(visit: VisitRequest, user: Optional[User], allowed: tuple[VisitStatus, ...]) -> None:
    db.session.refresh(visit, with_for_update=True)  # one decision at a time (PostgreSQL)
    if visit.status not in allowed:
        raise ConversationError(409, "visit_decided",
                                f"Visit {visit.reference} is already {visit.status}.")
    if user is not None:  # the user's acceptance leaves the proposing staff member's mark
        visit.decided_by, visit.decided_at = user, utcnow()


def confirm(visit: VisitRequest, user: User, start: dt.datetime) -> None:
    """Confirm one of the two preferred slots; the user gets the e-mail with the .ics."""
    if as_utc(start) not in [as_utc(slot) for slot in visit.slots]:
        raise ConversationError(422, "not_a_preferred_slot",
                                "Confirm one of the user's two preferred times.")
    check_slot(as_utc(start))
    _decided(visit, user, OPEN)
    audit.record(user, "visit confirmed", visit.reference, start=as_utc(start).isoformat())
    _confirmed(visit, as_utc(start), user)


def propose(visit: VisitRequest, user: User, start: dt.datetime) -> None:
    """Propose another time; the user gets an e-mail with a one-click accept link."""
    start = check_slot(start)
    _decided(visit, user, OPEN)
    token = new_token()
    visit.status, visit.start_at = VisitStatus.PROPOSED, start
    visit.accept_token_hash = hashed(token)  # an earlier proposal's link no longer opens
    visit_mail.queue("proposal", visit, f"{current_app.config['PUBLIC_URL']}/visit/{token}")
    audit.record(user, "visit time proposed", visit.reference, start=start.isoformat())
    _tell(visit, "proposed", user)


def accept(visit: VisitRequest) -> None:
    """The user accepts the proposed time (the e-mail's link): the visit is confirmed."""
    _decided(visit, None, (VisitStatus.PROPOSED,))
    if visit.start_at is None or as_utc(visit.start_at) <= utcnow():
        raise ConversationError(409, "proposal_expired", "The proposed time has passed.")
    _confirmed(visit, as_utc(visit.start_at), None)


def cancel(visit: VisitRequest, user: User) -> None:
    """Cancel a request or a confirmed visit; the user is told by e-mail."""
    _decided(visit, user, (*OPEN, VisitStatus.CONFIRMED))
    visit.status, visit.accept_token_hash = VisitStatus.CANCELLED, None
    visit_mail.queue("cancellation", visit)
    audit.record(user, "visit cancelled", visit.reference)
    _tell(visit, "cancelled", user)


def send_reminders() -> int:
    """Queue one reminder (with the .ics) for each confirmed visit of tomorrow (Bangkok day).

    Exactly once per visit, also with two runs at the same time: each visit's
    ``reminder_sent_at`` is set by one conditional UPDATE, in the reminder's transaction.
    """
    now = utcnow()
    tomorrow = bangkok_day(now) + dt.timedelta(days=1)
    first, last = (bangkok_midnight(tomorrow + dt.timedelta(days=days)).astimezone(dt.timezone.utc)
                   for days in (0, 1))
    due = db.session.scalars(select(VisitRequest).where(
        VisitRequest.status == VisitStatus.CONFIRMED, VisitRequest.reminder_sent_at.is_(None),
        VisitRequest.email != "",  # "": the chat was erased
        VisitRequest.start_at >= first, VisitRequest.start_at < last)).all()
    queued = 0
    for visit in due:
        claimed = cast(CursorResult[Any], db.session.execute(
            update(VisitRequest).where(VisitRequest.id == visit.id,
                                       VisitRequest.reminder_sent_at.is_(None))
            .values(reminder_sent_at=now)))
        if claimed.rowcount == 1:
            visit_mail.queue("reminder", visit)
            queued += 1
        db.session.commit()
    return queued


def by_accept_token(token: str) -> Optional[VisitRequest]:
    """The visit whose proposal's link carries ``token``, if any."""
    return db.session.scalar(select(VisitRequest)
                             .where(VisitRequest.accept_token_hash == hashed(token)))


def _confirmed(visit: VisitRequest, start: dt.datetime, user: Optional[User]) -> None:
    visit.status, visit.start_at = VisitStatus.CONFIRMED, start  # the link shows it confirmed
    visit_mail.queue("confirmation", visit)
    _tell(visit, "confirmed", user)


def _tell(visit: VisitRequest, event: str, user: Optional[User]) -> None:
    """Commit; while the chat is open, say what happened in it (delivered live)."""
    conversation = visit.conversation
    if conversation.state == State.CLOSED or conversation.erased_at is not None:
        db.session.commit()
        return
    conversations.claim(conversation)
    text = NOTICES[event][visit.language].format(
        reference=visit.reference, when=spelled_moment(visit.start_at or visit.first_slot,
                                                       visit.language))
    conversations.commit_and_deliver(Message(
        conversation=conversation, sender=Sender.STAFF, text=text, language=visit.language,
        staff_user_id=user.id if user else None,
        details={"notice": f"visit_{event}", "visit": visit.id}))
