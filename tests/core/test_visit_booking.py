"""Booking a visit to the center: times understood, offered and checked; the form's actions."""

import asyncio
import datetime as dt

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import visit, visit_times
from common.thai_calendar import BANGKOK

# Thursday 3 December 2026, 15:00 in Bangkok. Saturday 5 December (Father's Day) moves the
# holiday to Monday 7 December: the center is closed that Monday.
NOW = dt.datetime(2026, 12, 3, 15, 0, tzinfo=BANGKOK)


def at(day, hour, minute=0):
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=BANGKOK)


@pytest.fixture(autouse=True)
def center_hours(monkeypatch):
    monkeypatch.setenv("OFFICE_HOURS", "mon-fri 08:30-16:30")
    monkeypatch.setenv("EXTRA_CLOSED_DAYS", "2026-12-09")
    monkeypatch.delenv("VISIT_MINUTES", raising=False)


@pytest.mark.parametrize("text, expected", [
    ("2026-12-08 10:00", at(8, 10)),
    ("8/12/2026 10:00", at(8, 10)),
    ("8/12/2569 14.30", at(8, 14, 30)),
    ("8/12 14.30", at(8, 14, 30)),
    ("8 Dec 2pm", at(8, 14)),
    ("December 8th, 10am", at(8, 10)),
    ("8 ธ.ค. 2569 10:00", at(8, 10)),
    ("๘ ธันวาคม ๑๔.๐๐ น.", at(8, 14)),
    ("tomorrow at 10:00", at(4, 10)),
    ("พรุ่งนี้ 10 โมง", at(4, 10)),
    ("Tuesday 9:30", at(8, 9, 30)),
    ("วันอังคาร บ่ายสอง", at(8, 14)),
])
def test_times_written_in_many_ways_are_understood(text, expected):
    assert visit_times.parse(text, NOW) == expected


@pytest.mark.parametrize("text", ["next week", "10:00", "8/12", "31/2 10:00", "8/12 25:00",
                                  "how much does it cost?"])
def test_a_text_without_a_clear_day_and_time_is_not_a_time(text):
    assert visit_times.parse(text, NOW) is None


def test_a_past_day_without_a_year_means_next_year():
    assert visit_times.parse("5/1 10:00", NOW) == dt.datetime(2027, 1, 5, 10, tzinfo=BANGKOK)


@pytest.mark.parametrize("start, problem", [
    (at(3, 16), visit_times.Problem.TOO_SOON),       # today
    (at(4, 8), visit_times.Problem.CLOSED),          # before opening
    (at(4, 16), visit_times.Problem.CLOSED),         # would end after 16:30
    (at(5, 10), visit_times.Problem.CLOSED),         # Saturday
    (at(7, 10), visit_times.Problem.CLOSED),         # substitution holiday
    (at(9, 10), visit_times.Problem.CLOSED),         # EXTRA_CLOSED_DAYS
    (at(4, 15, 30), None),                           # ends at 16:30 exactly
    (dt.datetime(2027, 3, 1, 10, tzinfo=BANGKOK), visit_times.Problem.TOO_FAR),
])
def test_a_visit_must_lie_inside_office_hours_from_tomorrow(start, problem):
    assert visit_times.check(start, NOW) == problem


def test_the_offered_times_are_the_next_open_mornings_and_afternoons():
    offered = visit_times.offered_times(NOW, count=4)
    assert offered == [at(4, 10), at(4, 14), at(8, 10), at(8, 14)]
    assert visit_times.short_label(offered[0], "en") == "Fri 4 Dec, 10:00"
    assert visit_times.short_label(offered[0], "th") == "ศ. 4 ธ.ค. 10:00 น."


def tracker(text, slots=None, intent="book_visit"):
    message = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []}
    return Tracker("s", slots or {}, message, [], False, None,
                   {"name": "visit_form"}, "action_listen")


def validate(slot, text, slots=None):
    dispatcher = CollectingDispatcher()
    method = getattr(visit.ValidateVisitForm(), f"validate_{slot}")
    result = asyncio.run(method(text, dispatcher, tracker(text, slots), {}))
    return result[slot], [m["text"] for m in dispatcher.messages]


def test_a_name_is_taken_without_its_introduction_and_a_question_is_refused():
    assert validate("visit_name", "My name is Anna Schmidt.") == ("Anna Schmidt", [])
    assert validate("visit_name", "ผมชื่อ สมชาย ใจดี", {"language": "th"})[0] == "สมชาย ใจดี"
    name, said = validate("visit_name", "do I need my passport?")
    assert name is None and said[0].startswith("Please write just your name")


def test_the_email_address_is_found_in_the_answer():
    assert validate("visit_email", "it's anna.s@example.co.th thanks")[0] == "anna.s@example.co.th"
    address, said = validate("visit_email", "อีเมลไม่มีค่ะ", {"language": "th"})
    assert address is None and "name@example.com" in said[0]


def test_a_time_is_checked_and_the_reason_given(monkeypatch):
    monkeypatch.setattr(visit, "utcnow", lambda: NOW)
    assert validate("visit_time_first", "8/12 10:00") == ("2026-12-08 10:00", [])
    value, said = validate("visit_time_first", "5/12 10:00")
    assert value is None and said == [
        "The center is closed then (Monday to Friday 08:30–16:30 Bangkok time, except public "
        "holidays)."]
    value, said = validate("visit_time_second", "2026-12-08 10:00",
                           {"visit_time_first": "2026-12-08 10:00"})
    assert value is None and "same as the first" in said[0]


def run(action, t):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, t, {}))
    return dispatcher.messages, events


def test_the_time_question_offers_buttons_without_the_first_choice(monkeypatch):
    monkeypatch.setattr(visit, "utcnow", lambda: NOW)
    [message], _ = run(visit.ActionAskVisitTimeSecond(),
                       tracker("x", {"visit_time_first": "2026-12-04 10:00", "language": "th"}))
    payloads = [b["payload"] for b in message["buttons"]]
    assert "2026-12-04 10:00" not in payloads and payloads[0] == "2026-12-04 14:00"
    assert payloads[-1] == "/deny" and message["buttons"][-1]["title"] == "ยกเลิกการนัด"


def test_the_submitted_request_reaches_the_service_in_the_metadata():
    slots = {"visit_name": "Anna Schmidt", "visit_email": "anna@example.com",
             "visit_purpose": "Opening a branch", "visit_time_first": "2026-12-08 10:00",
             "visit_time_second": "2026-12-10 14:00", "language": "en"}
    [message], events = run(visit.ActionSubmitVisit(), tracker("2026-12-10 14:00", slots))
    assert message["custom"]["visit_request"] == {
        "name": "Anna Schmidt", "email": "anna@example.com", "purpose": "Opening a branch",
        "language": "en", "slots": ["2026-12-08T10:00:00+07:00", "2026-12-10T14:00:00+07:00"]}
    assert "Tuesday 8 December 2026, 10:00" in message["text"]
    assert "anna@example.com" in message["text"]
    assert {e["name"] for e in events} == set(visit.SLOTS)
    assert all(e["value"] is None for e in events)


def test_a_question_instead_of_an_answer_is_answered_then_the_form_goes_on():
    text = "how do I extend my tourist visa?"
    dispatcher = CollectingDispatcher()
    result = asyncio.run(visit.ValidateVisitForm().validate_visit_email(
        text, dispatcher, tracker(text, intent="ask_visa"), {}))
    answer, go_on = dispatcher.messages
    assert answer["custom"]["topic"] == "visa" and answer["custom"]["article_ids"]
    assert go_on["text"] == "Now, back to your booking:"
    assert result["visit_email"] is None and result["current_article"]


@pytest.mark.parametrize("ranking, asks", [
    ([{"name": "deny", "confidence": 0.83}, {"name": "ask_service_center", "confidence": 0.1}],
     False),
    ([{"name": "ask_visa", "confidence": 0.9}, {"name": "deny", "confidence": 0.05}], True),
    ([{"name": "ask_visa", "confidence": 0.6}, {"name": "ask_tax", "confidence": 0.3}], False),
])
def test_a_question_during_the_form_is_the_classifiers_own_reading(ranking, asks):
    message = {"text": "ไม่มีอีเมลค่ะ", "intent": {"name": "ask_followup", "confidence": 0.83},
               "intent_ranking": ranking, "entities": []}
    tracker = Tracker("s", {}, message, [], False, None, {}, "action_listen")
    assert visit.asks_a_question(tracker) is asks
