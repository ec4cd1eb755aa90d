"""A visit to the center, booked in the chat: the ``visit_form`` and what it says.

``book_visit`` starts the form (``action_start_visit`` clears an earlier booking's answers);
the form asks for a name, an e-mail address, the purpose and two preferred times inside
office hours (offered as buttons, or typed: ``actions.visit_times``). ``deny`` ("Stop
booking"), ``goodbye``, ``ask_human``, ``report_danger`` never fill a field (the form's
``ignored_intents``; ``ask_emergency`` neither): the rules stop the booking for them. A
question on a topic given instead of a name, address or time is answered, then the form
asks again. The last reply carries ``visit_request`` in its metadata; the web service
stores it for staff, who confirm a time.
"""

from __future__ import annotations

import abc
import datetime as dt
import re
from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from actions import visit_times
from actions.knowledge_answer import ActionAnswerTopic
from actions.replies import ReplyingAction, button, reply_language, reply_metadata
from common.email_address import addresses_in
from common.office_hours import when
from common.thai_calendar import BANGKOK, utcnow

SLOTS = ("visit_name", "visit_email", "visit_purpose", "visit_time_first", "visit_time_second")
TIME_SLOTS = SLOTS[3:]
MAX_NAME = 80
MAX_PURPOSE = 500
# A refused answer classified as a topic question this surely is answered, then the
# form asks again (a name or an e-mail address is rarely classified this surely).
QUESTION_CONFIDENCE = 0.8
NAME_INTRO = re.compile(r"^\s*(?:my name is|my name's|i am|i'm|this is|name:?|"
                        r"(?:ผม|ดิฉัน|ฉัน|หนู)?\s*ชื่อ)\s*", re.IGNORECASE)
NOT_A_NAME = re.compile(r"[?@/\d]|ไหม|มั้ย|อะไร|ยังไง|อย่างไร|ที่ไหน|เท่าไ")
STOP = {"en": "Stop booking", "th": "ยกเลิกการนัด"}
TEXTS: Dict[str, Dict[str, str]] = {
    "en": {
        "start": ("I can book a visit to the center for you: a staff member will meet you in "
                  "person. I need your name, an e-mail address, what the visit is about and two "
                  "times that suit you. You can stop at any time."),
        "visit_name": "What is your name?",
        "visit_email": "Which e-mail address should the confirmation go to?",
        "visit_purpose": "What would you like to discuss at the center? One or two sentences.",
        "visit_time_first": ("Which time suits you best? Choose one below or write a day and "
                             "time, e.g. 15/12 10:00. The center is open {hours}; a visit "
                             "takes about {minutes} minutes."),
        "visit_time_second": "And a second time, in case the first is taken?",
        "bad_name": "Please write just your name (a question can wait until the booking is done).",
        "bad_email": "That does not look like an e-mail address; please write it like "
                     "name@example.com.",
        "bad_purpose": "Please say in a few words what the visit is about.",
        "not_understood": "I could not read a day and a time in that.",
        "too_soon": "Visits can be booked from tomorrow on.",
        "too_far": "Visits can be booked up to {days} days ahead.",
        "closed": "The center is closed then ({hours}).",
        "same_time": "That is the same as the first time; please choose another one.",
        "done": ("Thank you, {name}. I have sent your request to the center's staff: a visit on "
                 "{first} or {second}, about \"{purpose}\". They will confirm one of the times "
                 "by e-mail to {email}, usually within one working day."),
        "stopped": "All right, I've stopped the booking. Is there anything else I can help with?",
        "go_on": "Now, back to your booking:",
    },
    "th": {
        "start": ("ยินดีนัดหมายให้ท่านเข้าพบเจ้าหน้าที่ที่ศูนย์ค่ะ ขอข้อมูล ชื่อ อีเมล "
                  "เรื่องที่ต้องการติดต่อ และเวลาที่สะดวก 2 ช่วง ท่านยกเลิกได้ทุกเมื่อค่ะ"),
        "visit_name": "ขอทราบชื่อของท่านค่ะ",
        "visit_email": "ขออีเมลสำหรับส่งการยืนยันนัดหมายค่ะ",
        "visit_purpose": "ท่านต้องการติดต่อศูนย์เรื่องอะไรคะ (สั้น ๆ 1–2 ประโยค)",
        "visit_time_first": ("เวลาใดสะดวกที่สุดคะ เลือกด้านล่างหรือพิมพ์วันและเวลา เช่น "
                             "15/12 10:00 ศูนย์เปิด{hours} การเข้าพบใช้เวลาประมาณ {minutes} นาทีค่ะ"),
        "visit_time_second": "ขอเวลาสำรองอีก 1 ช่วง เผื่อช่วงแรกไม่ว่างค่ะ",
        "bad_name": "กรุณาพิมพ์เฉพาะชื่อของท่านค่ะ (คำถามอื่นถามได้หลังนัดหมายเสร็จ)",
        "bad_email": "ดูเหมือนไม่ใช่อีเมล กรุณาพิมพ์ในรูปแบบ name@example.com ค่ะ",
        "bad_purpose": "กรุณาบอกเรื่องที่ต้องการติดต่อสั้น ๆ ค่ะ",
        "not_understood": "ไม่พบวันและเวลาในข้อความนี้ค่ะ",
        "too_soon": "นัดหมายได้ตั้งแต่วันพรุ่งนี้เป็นต้นไปค่ะ",
        "too_far": "นัดหมายล่วงหน้าได้ไม่เกิน {days} วันค่ะ",
        "closed": "เวลานั้นศูนย์ปิดทำการค่ะ (เวลาทำการ: {hours})",
        "same_time": "เป็นเวลาเดียวกับช่วงแรก กรุณาเลือกเวลาอื่นค่ะ",
        "done": ("ขอบคุณค่ะ คุณ{name} ส่งคำขอนัดหมายให้เจ้าหน้าที่ของศูนย์แล้ว: เข้าพบ{first} "
                 "หรือ{second} เรื่อง \"{purpose}\" เจ้าหน้าที่จะยืนยันเวลาทางอีเมล {email} "
                 "โดยปกติภายใน 1 วันทำการค่ะ"),
        "stopped": "ยกเลิกการนัดหมายแล้วค่ะ มีเรื่องอื่นให้ช่วยไหมคะ",
        "go_on": "กลับมาที่การนัดหมายของท่านค่ะ",
    },
}


def _text(language: str, key: str, **values: Any) -> str:
    return TEXTS[language][key].format(**values)


def _stop_button(language: str) -> Dict[str, str]:
    return button(STOP[language], "/deny")


def _hours(language: str) -> str:
    return visit_times.office_hours().describe(language)


def _moment(slot_text: str) -> dt.datetime:
    """A time as the slot keeps it (``2026-12-07 10:00``, Bangkok)."""
    return dt.datetime.strptime(slot_text, "%Y-%m-%d %H:%M").replace(tzinfo=BANGKOK)


class ActionStartVisit(ReplyingAction):
    """Says what the booking needs and clears the answers of an earlier booking."""

    action_name = "action_start_visit"

    async def reply(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                    language: str) -> List[EventType]:
        """The introduction; the form asks the first question next."""
        dispatcher.utter_message(text=_text(language, "start"),
                                 json_message=reply_metadata(tracker, language,
                                                             topic="service_center"))
        return [SlotSet(slot, None) for slot in SLOTS]


class AskVisitField(ReplyingAction, abc.ABC):
    """Asks for one field of the form, with a button that stops the booking.

    A time is asked with up to six free times as buttons (not the one already chosen).
    """

    @property
    @abc.abstractmethod
    def slot(self) -> str:
        """The form's field this action asks for (a class attribute in subclasses)."""

    async def reply(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                    language: str) -> List[EventType]:
        """The question for ``slot``."""
        buttons = self._times(tracker, language) if self.slot in TIME_SLOTS else []
        text = _text(language, self.slot, hours=_hours(language),
                     minutes=visit_times.visit_minutes())
        dispatcher.utter_message(text=text, buttons=[*buttons, _stop_button(language)])
        return []

    @staticmethod
    def _times(tracker: Tracker, language: str) -> List[Dict[str, str]]:
        chosen = tracker.get_slot("visit_time_first")
        times = [visit_times.machine_text(start) for start in visit_times.offered_times(utcnow())]
        return [button(visit_times.short_label(_moment(value), language), value)
                for value in times if value != chosen]


class ActionAskVisitName(AskVisitField):
    """Asks for the visitor's name."""

    action_name = "action_ask_visit_name"
    slot = "visit_name"


class ActionAskVisitEmail(AskVisitField):
    """Asks for the address the confirmation goes to."""

    action_name = "action_ask_visit_email"
    slot = "visit_email"


class ActionAskVisitPurpose(AskVisitField):
    """Asks what the visit is about."""

    action_name = "action_ask_visit_purpose"
    slot = "visit_purpose"


class ActionAskVisitTimeFirst(AskVisitField):
    """Asks for the preferred time."""

    action_name = "action_ask_visit_time_first"
    slot = "visit_time_first"


class ActionAskVisitTimeSecond(AskVisitField):
    """Asks for a second time."""

    action_name = "action_ask_visit_time_second"
    slot = "visit_time_second"


class ValidateVisitForm(FormValidationAction):
    """Checks each answer; a refused one is explained and asked again."""

    def name(self) -> str:
        """Action name used in the domain."""
        return "validate_visit_form"

    async def validate_visit_name(self, value: Any, dispatcher: CollectingDispatcher,
                            tracker: Tracker, domain: Dict[str, Any]) -> Dict[str, Any]:
        """A name: a few words, no question, no digits or address."""
        name = NAME_INTRO.sub("", str(value or "")).strip(" .,!")
        if not name or len(name) > MAX_NAME or len(name.split()) > 6 or NOT_A_NAME.search(name):
            return await self._refuse(dispatcher, tracker, "visit_name", "bad_name")
        return {"visit_name": name}

    async def validate_visit_email(self, value: Any, dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: Dict[str, Any]) -> Dict[str, Any]:
        """The first e-mail address written in the answer."""
        found = addresses_in(str(value or ""))
        if not found:
            return await self._refuse(dispatcher, tracker, "visit_email", "bad_email")
        return {"visit_email": found[0]}

    async def validate_visit_purpose(self, value: Any, dispatcher: CollectingDispatcher,
                               tracker: Tracker, domain: Dict[str, Any]) -> Dict[str, Any]:
        """Any short description."""
        purpose = str(value or "").strip()
        if len(purpose) < 3:
            return await self._refuse(dispatcher, tracker, "visit_purpose", "bad_purpose")
        return {"visit_purpose": purpose[:MAX_PURPOSE]}

    async def validate_visit_time_first(self, value: Any, dispatcher: CollectingDispatcher,
                                  tracker: Tracker, domain: Dict[str, Any]) -> Dict[str, Any]:
        """A time inside office hours, from tomorrow on."""
        return await self._time(value, dispatcher, tracker, "visit_time_first")

    async def validate_visit_time_second(self, value: Any, dispatcher: CollectingDispatcher,
                                   tracker: Tracker, domain: Dict[str, Any]) -> Dict[str, Any]:
        """Like the first, and not the same time."""
        return await self._time(value, dispatcher, tracker, "visit_time_second")

    async def _time(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
              slot: str) -> Dict[str, Any]:
        now = utcnow()
        start = visit_times.parse(str(value or ""), now)
        if start is None:
            return await self._refuse(dispatcher, tracker, slot, "not_understood")
        problem = visit_times.check(start, now)
        if problem is not None:
            return await self._refuse(dispatcher, tracker, slot, problem.value)
        text = visit_times.machine_text(start)
        if slot == "visit_time_second" and text == tracker.get_slot("visit_time_first"):
            return await self._refuse(dispatcher, tracker, slot, "same_time")
        return {slot: text}

    @staticmethod
    async def _refuse(dispatcher: CollectingDispatcher, tracker: Tracker, slot: str,
                      key: str) -> Dict[str, Any]:
        """Says why the answer does not fit; a question on a topic is answered first."""
        language = reply_language(tracker)
        if asks_a_question(tracker):
            events = await ActionAnswerTopic().reply(dispatcher, tracker, language)
            context = {event["name"]: event["value"] for event in events
                       if event.get("event") == "slot"}
            dispatcher.utter_message(text=_text(language, "go_on"))
            return {**context, slot: None}
        dispatcher.utter_message(text=_text(language, key, days=visit_times.MAX_DAYS_AHEAD,
                                            hours=_hours(language)))
        return {slot: None}


def asks_a_question(tracker: Tracker) -> bool:
    """True when the latest message is a question on a topic the classifier is sure of.

    The classifier's own first reading counts, not a relabelling by the dialogue-act guard:
    "ไม่มีอีเมลค่ะ" (no e-mail), read as "no" and relabelled a follow-up for naming a kind of
    fact, answers the form's question rather than asking one.
    """
    ranking = tracker.latest_message.get("intent_ranking") or []
    intent = ranking[0] if ranking else tracker.latest_message.get("intent") or {}
    name = str(intent.get("name") or "")
    return (name.startswith("ask_") and name != "ask_human"
            and float(intent.get("confidence") or 0) >= QUESTION_CONFIDENCE)


class ActionSubmitVisit(ReplyingAction):
    """Sums the request up and hands it to the web service (``visit_request`` metadata)."""

    action_name = "action_submit_visit"

    async def reply(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                    language: str) -> List[EventType]:
        """The summary; the answers are cleared once sent."""
        values = {slot: str(tracker.get_slot(slot) or "") for slot in SLOTS}
        times = [_moment(values["visit_time_first"]), _moment(values["visit_time_second"])]
        request = {"name": values["visit_name"], "email": values["visit_email"],
                   "purpose": values["visit_purpose"], "language": language,
                   "slots": [start.isoformat() for start in times]}
        text = _text(language, "done", name=request["name"], email=request["email"],
                     purpose=request["purpose"], first=when(times[0], language),
                     second=when(times[1], language))
        dispatcher.utter_message(text=text, json_message=reply_metadata(
            tracker, language, topic="service_center", visit_request=request))
        return [SlotSet(slot, None) for slot in SLOTS]


class ActionStopVisit(ReplyingAction):
    """Stops the booking ("Stop booking", or goodbye in the middle of it)."""

    action_name = "action_stop_visit"

    async def reply(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                    language: str) -> List[EventType]:
        """Says so; the answers given are forgotten."""
        dispatcher.utter_message(text=_text(language, "stopped"))
        return [ActiveLoop(None), SlotSet("requested_slot", None),
                *(SlotSet(slot, None) for slot in SLOTS)]

