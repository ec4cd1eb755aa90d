"""A confirmed visit as a calendar invitation (.ics, RFC 5545), made with ``icalendar``.

``METHOD:PUBLISH``: the event goes into the user's calendar as it is (no reply is asked of
them). Its UID is the same in every e-mail of the visit (confirmation, reminder), so a
calendar updates the event it has instead of adding a second one. Times carry
``TZID=Asia/Bangkok`` with its VTIMEZONE; a display alarm rings one hour before.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from flask import current_app
from icalendar import Alarm, Calendar, Event

from assistant.mail.outbox import Attachment
from assistant.models import VisitRequest, utcnow
from common.thai_calendar import in_bangkok

SUMMARY = {
    "en": "Visit to the Bangkok information service center for foreigners ({reference})",
    "th": "นัดหมายเข้าพบศูนย์บริการข้อมูลสำหรับชาวต่างชาติ กรุงเทพมหานคร ({reference})",
}
ALARM_BEFORE = dt.timedelta(hours=1)


def summary(visit: VisitRequest) -> str:
    """The event's title in the user's language."""
    return SUMMARY.get(visit.language, SUMMARY["en"]).format(reference=visit.reference)


def invitation(visit: VisitRequest, description: str) -> Attachment:
    """``invitation.ics`` for the visit's agreed start (``start_at``)."""
    if visit.start_at is None:
        raise ValueError(f"visit {visit.reference} has no agreed start")
    config = current_app.config
    start = in_bangkok(visit.start_at)
    event = Event()
    event.add("uid", f"visit-{visit.id}@{urlsplit(config['PUBLIC_URL']).hostname}")
    event.add("dtstamp", utcnow())
    event.add("dtstart", start)
    event.add("dtend", start + dt.timedelta(minutes=config["VISIT_MINUTES"]))
    event.add("summary", summary(visit))
    event.add("location", config["CENTER_ADDRESS"])
    event.add("description", description)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary(visit))
    alarm.add("trigger", -ALARM_BEFORE)
    event.add_component(alarm)
    calendar = Calendar()
    calendar.add("prodid", "-//Bangkok Expat Assistant//Visits//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return Attachment("invitation.ics", "text/calendar; method=PUBLISH",
                      calendar.to_ical().decode("utf-8"))
