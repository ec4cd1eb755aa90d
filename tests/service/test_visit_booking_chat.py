"""Booking a visit in the chat, through the chat API with the real Rasa and action servers."""

import re

from sqlalchemy import select

from assistant.models import Conversation, Message, Sender, State, VisitRequest, VisitStatus
from common.thai_calendar import in_bangkok

STOP = "/deny"


def chat(client, conversation):
    """``say(text)`` posts a message and returns the replies; a dict body sends it as is."""
    def say(text):
        response = client.post(f"/api/conversations/{conversation}/messages", json={"text": text})
        assert response.status_code == 200, response.get_json()
        return response.get_json()["replies"]
    return say


def offered_times(replies):
    return [b["payload"] for r in replies for b in r.get("buttons") or []
            if re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", b["payload"])]


def start_booking(say):
    replies = say("I'd like to book a visit to the center")
    assert replies[-1]["text"] == "What is your name?"
    assert [b["payload"] for b in replies[-1]["buttons"]] == [STOP]
    return replies


def test_a_visit_is_booked_in_english_and_handed_to_staff(client, conversation, stored):
    say = chat(client, conversation)
    start_booking(say)
    assert say("My name is Anna Schmidt")[-1]["text"].startswith("Which e-mail address")
    assert say("it's anna@example.com")[-1]["text"].startswith("What would you like to discuss")
    times = offered_times(say("Opening a branch office of my company"))
    assert len(times) == 6
    second_question = say(times[0])  # a button's answer, sent as text like the widget does
    assert second_question[-1]["text"].startswith("And a second time")
    assert times[0] not in offered_times(second_question)
    done = say(times[1])[-1]["text"]
    assert "Thank you, Anna Schmidt" in done and "anna@example.com" in done

    assert "Reference: V-" in done
    visit = stored(lambda s: s.scalars(select(VisitRequest).where(
        VisitRequest.conversation_id == conversation)).one())
    assert (visit.name, visit.email, visit.language, visit.status) == (
        "Anna Schmidt", "anna@example.com", "en", VisitStatus.REQUESTED)
    assert visit.purpose == "Opening a branch office of my company"
    assert [f"{in_bangkok(slot):%Y-%m-%d %H:%M}" for slot in (visit.first_slot,
                                                              visit.second_slot)] == times[:2]
    details = stored(lambda s: s.scalars(select(Message.details).where(
        Message.conversation_id == conversation, Message.sender == Sender.BOT)
        .order_by(Message.id.desc()).limit(1)).one())
    assert details["visit"] == visit.id and "visit_request" not in details  # kept on the row

def test_a_thai_booking_can_be_stopped_without_closing_the_chat(client, conversation, stored):
    say = chat(client, conversation)
    first = say("ขอนัดหมายเข้าพบเจ้าหน้าที่ที่ศูนย์ค่ะ")
    assert first[-1]["text"] == "ขอทราบชื่อของท่านค่ะ"
    assert say("สมศรี ใจดี")[-1]["text"].startswith("ขออีเมล")
    refused = say("ไม่มีอีเมลค่ะ")
    assert "name@example.com" in refused[0]["text"] and refused[-1]["text"].startswith("ขออีเมล")
    stopped = say(STOP)
    assert stopped[-1]["text"].startswith("ยกเลิกการนัดหมายแล้ว")
    assert stored(lambda s: s.get_one(Conversation, conversation).state) != State.CLOSED
    answer = say("เปิดบัญชีธนาคารต้องใช้เอกสารอะไรบ้าง")  # the form no longer takes answers
    assert answer[0]["topic"] == "banking"


def test_danger_during_a_booking_gets_the_emergency_numbers_at_once(client, conversation):
    say = chat(client, conversation)
    start_booking(say)
    say("Tom Becker")
    replies = say("help, there is a fire in my building and someone is hurt")
    assert "191" in replies[0]["text"] and "1669" in replies[0]["text"]
    assert "topic" not in replies[0] or replies[0]["topic"] == "emergency"
    # the booking stopped: the next message is not taken as an e-mail address
    assert say("how do I open a bank account")[0]["topic"] == "banking"


def test_a_question_instead_of_an_answer_is_answered_then_asked_again(client, conversation):
    say = chat(client, conversation)
    start_booking(say)
    say("Tom Becker")
    replies = say("How can I extend my tourist visa in Bangkok?")
    assert replies[0]["topic"] == "visa"
    assert replies[-1]["text"].startswith("Which e-mail address")
    assert say("tom@example.org")[-1]["text"].startswith("What would you like to discuss")
