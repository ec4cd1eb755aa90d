"""Visits to the center: a request from the visit form's reply (a malformed one ignored),
staff confirm, propose (office hours, future) or cancel in the console, the user accepts a
proposal from the e-mail's link, the reminder goes once, the reports count visits, and the
e-mails (bilingual, with the .ics) arrive through a real SMTP server. SQLite and PostgreSQL.
"""

import datetime as dt
import json
import uuid

import icalendar
import pytest
from sqlalchemy import select

from assistant.chat import conversations
from assistant.extensions import db
from assistant.mail import outbox
from assistant.models import (
    AuditEvent,
    Message,
    OutboundEmail,
    Sender,
    VisitRequest,
    VisitStatus,
    as_utc,
)
from assistant.records import privacy
from common.thai_calendar import BANGKOK, bangkok_today, to_be
from tests.support.console_helpers import csrf_token, signed_in_client
from tests.support.report_data import bangkok
from tests.support.visit_builder import office_slots, requested_visit, visit_metadata


def _visit(app, visit_id):
    with app.app_context():
        visit = db.session.get(VisitRequest, visit_id)
        db.session.expunge(visit)
        return visit


def _mails(app, address, kind=None):
    with app.app_context():
        query = select(OutboundEmail).where(OutboundEmail.to_address == address)
        if kind:
            query = query.where(OutboundEmail.kind == kind)
        return db.session.scalars(query.order_by(OutboundEmail.id)).all()


def _chat_messages(app, chat_id):
    with app.app_context():
        return db.session.scalars(select(Message).where(Message.conversation_id == chat_id)
                                  .order_by(Message.id)).all()


def _address():
    return f"visitor-{uuid.uuid4().hex[:8]}@example.com"


@pytest.mark.parametrize("language", ["en", "th"])
def test_the_form_reply_stores_the_request_and_shows_its_reference(app_without_rasa, language):
    app = app_without_rasa
    slots = office_slots(app)
    chat_id, visit_id = requested_visit(app, language, email="  Anna@Example.com ",
                                        slots=slots)
    visit = _visit(app, visit_id)
    assert (visit.name, visit.email, visit.language, visit.status) == (
        "Anna Schmidt", "Anna@example.com", language, VisitStatus.REQUESTED)
    assert [as_utc(slot) for slot in visit.slots] == [
        dt.datetime.fromisoformat(slot) for slot in slots]
    reply = _chat_messages(app, chat_id)[-1]
    label = "หมายเลขอ้างอิง" if language == "th" else "Reference"
    assert reply.text.endswith(f"\n\n{label}: {visit.reference}")
    assert visit.reference == f"V-{visit_id:04d}"
    assert reply.details["visit"] == visit_id and "visit_request" not in reply.details


@pytest.mark.parametrize("change", [
    lambda meta: "not an object",
    lambda meta: {**meta, "email": "not an address"},
    lambda meta: {**meta, "name": " "},
    lambda meta: {**meta, "language": "de"},
    lambda meta: {**meta, "slots": meta["slots"][:1]},
    lambda meta: {**meta, "slots": [meta["slots"][0], "next Tuesday"]},
    lambda meta: {**meta, "slots": [meta["slots"][0], "2030-01-08T10:00:00"]},  # no offset
    lambda meta: {**meta, "slots": [meta["slots"][0], "2020-01-07T10:00:00+07:00"]},  # past
    lambda meta: {**meta, "slots": [meta["slots"][0], "2030-01-05T10:00:00+07:00"]},  # Sat
    lambda meta: {**meta, "slots": [meta["slots"][0], "2030-01-08T16:00:00+07:00"]},  # ends 17:00
], ids=["not-object", "email", "name", "language", "one-slot", "words", "naive", "past",
        "saturday", "past-closing"])
def test_a_malformed_request_is_ignored_and_the_turn_goes_on(app_without_rasa, change):
    app = app_without_rasa
    chat_id, visit_id = requested_visit(app, metadata=change(visit_metadata(app)))
    assert visit_id is None
    reply = _chat_messages(app, chat_id)[-1]
    assert reply.sender == Sender.BOT and "Reference" not in reply.text
    assert "visit_request" not in reply.details


def test_staff_confirm_a_preferred_time_and_the_user_is_told(app_without_rasa):
    app = app_without_rasa
    address = _address()
    chat_id, visit_id = requested_visit(app, "th", email=address)
    staff = signed_in_client(app, "staff", name="Malee")
    page = staff.get("/console/visits/").get_data(as_text=True)
    assert f'data-visit-id="{visit_id}"' in page and address in page
    second = _visit(app, visit_id).second_slot
    assert str(to_be(as_utc(second).astimezone(BANGKOK).year)) in page  # B.E. year shown
    token = csrf_token(staff, "/console/visits/")
    response = staff.post(f"/console/visits/{visit_id}/confirm/2", data={"csrf_token": token})
    assert response.status_code == 302
    visit = _visit(app, visit_id)
    assert visit.status == VisitStatus.CONFIRMED and as_utc(visit.start_at) == as_utc(second)
    [mail] = _mails(app, address)
    assert mail.kind == "visit_confirmation" and mail.attachment_name == "invitation.ics"
    assert mail.body.index("เรียน คุณ") < mail.body.index("Dear ")  # Thai first, then English
    notice = _chat_messages(app, chat_id)[-1]
    assert notice.sender == Sender.STAFF and notice.details["notice"] == "visit_confirmed"
    assert visit.reference in notice.text and "ยืนยัน" in notice.text
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(
            AuditEvent.target == visit.reference)).one()
        assert event.action == "visit confirmed"
    again = staff.post(f"/console/visits/{visit_id}/confirm/1", data={"csrf_token": token},
                       follow_redirects=True)
    assert "already confirmed" in again.get_data(as_text=True)
    assert as_utc(_visit(app, visit_id).start_at) == as_utc(second)


def test_a_proposal_outside_office_hours_or_in_the_past_is_refused(app_without_rasa):
    app = app_without_rasa
    _, visit_id = requested_visit(app)
    staff = signed_in_client(app, "staff")
    token = csrf_token(staff, "/console/visits/")
    saturday = bangkok_today() + dt.timedelta(days=(5 - bangkok_today().weekday()) % 7 or 7)
    monday = saturday + dt.timedelta(days=2)
    for day, time, refusal in [
            (saturday, "10:00", "must fit inside office hours"),
            (monday, "16:00", "must fit inside office hours"),  # would end at 17:00
            (monday, "07:30", "must fit inside office hours"),
            (bangkok_today() - dt.timedelta(days=7), "10:00", "in the past")]:
        page = staff.post(f"/console/visits/{visit_id}/propose", follow_redirects=True,
                          data={"day": day.isoformat(), "time": time, "csrf_token": token})
        assert refusal in page.get_data(as_text=True), (day, time)
    assert _visit(app, visit_id).status == VisitStatus.REQUESTED


def test_staff_propose_another_time_and_the_user_accepts_it_from_the_email(app_without_rasa):
    app = app_without_rasa
    address = _address()
    chat_id, visit_id = requested_visit(app, email=address)
    staff = signed_in_client(app, "staff")
    token = csrf_token(staff, "/console/visits/")
    other = dt.datetime.fromisoformat(office_slots(app, 3, hour=14)[-1])
    response = staff.post(f"/console/visits/{visit_id}/propose", data={
        "day": other.date().isoformat(), "time": "14:00", "csrf_token": token})
    assert response.status_code == 302
    assert _visit(app, visit_id).status == VisitStatus.PROPOSED
    [proposal] = _mails(app, address)
    assert proposal.kind == "visit_proposal" and proposal.attachment is None
    link = next(line for line in proposal.body.splitlines() if "/visit/" in line)
    assert proposal.body.count(link) == 2  # in both languages
    assert _chat_messages(app, chat_id)[-1].details["notice"] == "visit_proposed"

    visitor = app.test_client()
    path = link.split("127.0.0.1:8000", 1)[-1]
    shown = visitor.get(path).get_data(as_text=True)
    assert "Accept this time" in shown and _visit(app, visit_id).reference in shown
    assert _visit(app, visit_id).status == VisitStatus.PROPOSED  # opening accepts nothing
    accepted = visitor.post(path, data={"csrf_token": csrf_token(visitor, path)})
    assert "Your visit is confirmed" in accepted.get_data(as_text=True)
    visit = _visit(app, visit_id)
    assert visit.status == VisitStatus.CONFIRMED and as_utc(visit.start_at) == other
    assert [mail.kind for mail in _mails(app, address)] == ["visit_proposal",
                                                          "visit_confirmation"]
    assert visitor.get("/visit/" + "x" * 43).status_code == 404


def test_staff_cancel_a_visit(app_without_rasa):
    app = app_without_rasa
    address = _address()
    chat_id, visit_id = requested_visit(app, email=address)
    with app.app_context():
        conversations.close(conversations.find(chat_id))
    staff = signed_in_client(app, "admin")
    token = csrf_token(staff, "/console/visits/")
    page = staff.post(f"/console/visits/{visit_id}/cancel", data={"csrf_token": token},
                      follow_redirects=True).get_data(as_text=True)
    assert f"Visit {_visit(app, visit_id).reference}: cancelled" in page
    assert f'data-visit-id="{visit_id}"' not in page
    assert _visit(app, visit_id).status == VisitStatus.CANCELLED
    assert [mail.kind for mail in _mails(app, address)] == ["visit_cancellation"]
    assert not any(m.details.get("notice") == "visit_cancelled"
                   for m in _chat_messages(app, chat_id))  # the chat was closed: no notice


def test_the_reminder_goes_once_the_day_before(app_without_rasa):
    app = app_without_rasa
    tomorrow = dt.datetime.combine(bangkok_today() + dt.timedelta(days=1), dt.time(10),
                                   tzinfo=BANGKOK)
    addresses = {when: _address() for when in ("tomorrow", "later", "cancelled")}
    ids = {when: requested_visit(app, email=address)[1] for when, address in addresses.items()}
    with app.app_context():  # confirmed (or cancelled) as staff would, for these times
        for when, visit_id in ids.items():
            visit = db.session.get_one(VisitRequest, visit_id)
            start = tomorrow + dt.timedelta(days=1 if when == "later" else 0)
            visit.start_at = start.astimezone(dt.timezone.utc)
            visit.status = VisitStatus.CANCELLED if when == "cancelled" \
                else VisitStatus.CONFIRMED
        db.session.commit()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["visits", "remind"])
    second = runner.invoke(args=["visits", "remind"])
    assert first.exit_code == second.exit_code == 0, first.output
    assert "queued 1 visit reminder(s)" in first.output
    assert "queued 0 visit reminder(s)" in second.output
    [reminder] = _mails(app, addresses["tomorrow"])
    assert reminder.kind == "visit_reminder" and "BEGIN:VCALENDAR" in reminder.attachment
    assert _mails(app, addresses["later"]) == _mails(app, addresses["cancelled"]) == []


def test_the_reports_count_visits(app_without_rasa):
    """Requests of March 2013 (Bangkok), by hand: A requested, B proposed, C confirmed and
    past (held), D confirmed for 2099, E cancelled, F requested at 1 March 00:00 -> 6
    requested, 2 confirmed, 1 held, 1 cancelled; G (28 Feb 23:59) and H (1 April 00:00) are
    outside."""
    app = app_without_rasa
    rows = [  # (created, status, start)
        (bangkok(2013, 3, 5, 9), "requested", None),
        (bangkok(2013, 3, 6, 9), "proposed", bangkok(2013, 3, 20, 10)),
        (bangkok(2013, 3, 7, 9), "confirmed", bangkok(2013, 3, 10, 10)),
        (bangkok(2013, 3, 8, 9), "confirmed", bangkok(2099, 1, 6, 10)),
        (bangkok(2013, 3, 9, 9), "cancelled", None),
        (bangkok(2013, 3, 1), "requested", None),
        (bangkok(2013, 2, 28, 23, 59), "confirmed", bangkok(2013, 3, 4, 10)),
        (bangkok(2013, 4, 1), "cancelled", None),
    ]
    with app.app_context():
        for created, status, start in rows:
            created = created.astimezone(dt.timezone.utc)  # stored as UTC, as the service does
            db.session.add(VisitRequest(
                conversation=conversations.start(), name="N", email="n@example.com",
                purpose="p", language="en", first_slot=created, second_slot=created,
                status=VisitStatus(status), created_at=created,
                start_at=start and start.astimezone(dt.timezone.utc)))
        db.session.commit()
    expected = {"requested": 6, "confirmed": 2, "held": 1, "cancelled": 1}
    output = app.test_cli_runner().invoke(
        args=["report", "--from", "2013-03-01", "--to", "2013-03-31", "--json"]).output
    assert json.loads(output.strip().splitlines()[-1])["visits"] == expected
    page = signed_in_client(app, "staff").get(
        "/console/reports/?kind=month&month=2013-03").get_data(as_text=True)
    for key, count in expected.items():
        assert f'<tr data-visits="{key}">' in page
        row = page.split(f'<tr data-visits="{key}">', 1)[1].split("</tr>", 1)[0]
        assert f'<td class="number">{count}</td>' in row
    assert "เข้าพบแล้ว" in page


def test_the_confirmation_arrives_bilingual_with_a_calendar_invitation(app_without_rasa,
                                                                      smtp):
    app = app_without_rasa
    address = _address()
    _, visit_id = requested_visit(app, email=address, purpose="Register a company")
    staff = signed_in_client(app, "staff")
    token = csrf_token(staff, "/console/visits/")
    assert staff.post(f"/console/visits/{visit_id}/confirm/1",
                      data={"csrf_token": token}).status_code == 302
    visit = _visit(app, visit_id)
    with app.app_context():
        app.config["SMTP_URL"] = smtp.url
        try:
            sent, _ = outbox.send_queued(limit=500)
        finally:
            app.config["SMTP_URL"] = ""
    assert sent >= 1
    smtp.wait_for(1)
    [message] = smtp.to(address)
    assert visit.reference in message["Subject"]
    assert message["Reply-To"] == app.config["CENTER_EMAIL"]
    text = message.get_body(("plain",)).get_content()
    start = as_utc(visit.start_at).astimezone(BANGKOK)
    assert "Dear Anna Schmidt" in text and "เรียน คุณAnna Schmidt" in text
    assert f"{start:%H:%M} (Bangkok time)" in text
    assert f"{to_be(start.year)} {start:%H:%M} น." in text
    assert "Register a company" in text and app.config["CENTER_ADDRESS"] in text
    [invite] = [part for part in message.iter_attachments()
                if part.get_content_type() == "text/calendar"]
    assert invite.get_filename() == "invitation.ics"
    calendar = icalendar.Calendar.from_ical(invite.get_content())
    assert calendar["METHOD"] == "PUBLISH"
    [event] = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == start
    assert str(event.decoded("dtstart").tzinfo) == "Asia/Bangkok"
    assert event.decoded("dtend") - event.decoded("dtstart") == dt.timedelta(minutes=60)
    assert str(event["SUMMARY"]) == (
        f"Visit to the Bangkok information service center for foreigners ({visit.reference})")
    assert str(event["UID"]) == f"visit-{visit_id}@127.0.0.1"
    assert str(event["LOCATION"]) == app.config["CENTER_ADDRESS"]
    assert calendar.walk("VALARM")


def test_erasing_the_chat_erases_the_visitors_data(app_without_rasa):
    app = app_without_rasa
    chat_id, visit_id = requested_visit(app, email=_address())
    with app.app_context():
        privacy.erase(conversations.find(chat_id), app.extensions["rasa"], in_rasa=False)
    visit = _visit(app, visit_id)
    assert (visit.name, visit.email, visit.purpose, visit.status) == (
        "", "", "", VisitStatus.CANCELLED)
    assert visit.first_slot is not None  # the anonymous request still counts in the reports
