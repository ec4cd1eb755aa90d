"""The e-mails of a visit to the center: confirmation, another time, reminder, cancellation.

Each is bilingual: the user's language first, then the other. Times are in Bangkok time,
the Thai part with its Buddhist Era year. The confirmation and the reminder carry the
calendar invitation (``assistant.mail.invitation``); the proposal carries the one-click
accept link. To change or cancel, the user replies: the e-mail's Reply-To is the center.
"""

from __future__ import annotations

from typing import Any, Optional

from flask import current_app

from assistant.mail import outbox
from assistant.mail.invitation import invitation
from assistant.models import OutboundEmail, VisitRequest, known_language
from common.thai_calendar import spelled_moment

SUBJECT = {
    "confirmation": {"en": "Your visit to the center is confirmed [{reference}]",
                     "th": "ยืนยันการนัดหมายเข้าพบศูนย์ [{reference}]"},
    "proposal": {"en": "Another time for your visit to the center [{reference}]",
                 "th": "ขอเสนอเวลานัดหมายใหม่สำหรับการเข้าพบศูนย์ [{reference}]"},
    "reminder": {"en": "Reminder: your visit to the center tomorrow [{reference}]",
                 "th": "แจ้งเตือน: นัดหมายเข้าพบศูนย์พรุ่งนี้ [{reference}]"},
    "cancellation": {"en": "Your visit to the center is cancelled [{reference}]",
                     "th": "ยกเลิกการนัดหมายเข้าพบศูนย์ [{reference}]"},
}
SEPARATOR = "\n\n----------\n\n"
GREETING = {"en": "Dear {name},", "th": "เรียน คุณ{name}"}
INTRO = {
    "confirmation": {"en": "Your visit to the information service center for foreigners is "
                           "confirmed.",
                     "th": "การนัดหมายเข้าพบศูนย์บริการข้อมูลสำหรับชาวต่างชาติของท่านได้รับการ"
                           "ยืนยันแล้ว"},
    "proposal": {"en": "Thank you for asking to visit the center. Neither of the times you "
                       "preferred is possible; we propose this time instead:",
                 "th": "ขอบคุณที่ขอนัดหมายเข้าพบศูนย์ เวลาที่ท่านเลือกไว้ไม่สะดวก "
                       "ศูนย์ขอเสนอเวลาดังนี้แทน"},
    "reminder": {"en": "A reminder of your visit to the center tomorrow.",
                 "th": "ขอแจ้งเตือนนัดหมายเข้าพบศูนย์ของท่านในวันพรุ่งนี้"},
    "cancellation": {"en": "Your visit to the center is cancelled. To book another, ask in the "
                           "chat or reply to this e-mail.",
                     "th": "การนัดหมายเข้าพบศูนย์ของท่านถูกยกเลิกแล้ว หากต้องการนัดใหม่ "
                           "สอบถามในแชตหรือตอบกลับอีเมลนี้ได้"},
}
DETAILS = {
    "en": "When: {when}, for {minutes} minutes\nWhere: {address}\nPurpose: {purpose}\n"
          "Reference: {reference}",
    "th": "วันเวลา: {when} ({minutes} นาที)\nสถานที่: {address}\nเรื่อง: {purpose}\n"
          "หมายเลขอ้างอิง: {reference}",
}
CLOSING = {
    "invitation": {"en": "The calendar invitation is attached. To change or cancel the visit, "
                         "reply to this e-mail ({center}) quoting {reference}.",
                   "th": "แนบไฟล์นัดหมายสำหรับปฏิทินมาด้วย หากต้องการเปลี่ยนหรือยกเลิกนัด "
                         "กรุณาตอบกลับอีเมลนี้ ({center}) โดยระบุหมายเลข {reference}"},
    "proposal": {"en": "If this time suits you, accept it with one click:\n{link}\n"
                       "If it does not, reply to this e-mail ({center}) with times that suit you.",
                 "th": "หากเวลานี้สะดวก ยืนยันได้ด้วยการคลิกครั้งเดียว:\n{link}\n"
                       "หากไม่สะดวก กรุณาตอบกลับอีเมลนี้ ({center}) พร้อมเวลาที่สะดวก"},
    "cancellation": {"en": "", "th": ""},
}


def _values(visit: VisitRequest, language: str, link: Optional[str]) -> dict[str, Any]:
    config = current_app.config
    return {"name": visit.name, "purpose": visit.purpose, "reference": visit.reference,
            "minutes": config["VISIT_MINUTES"], "address": config["CENTER_ADDRESS"],
            "center": config["CENTER_EMAIL"], "link": link,
            "when": spelled_moment(visit.start_at or visit.first_slot, language)}


def _languages(visit: VisitRequest) -> tuple[str, str]:
    """The user's language first, then the other."""
    first = known_language(visit.language)
    return first, "th" if first == "en" else "en"


def _part(kind: str, visit: VisitRequest, language: str, link: Optional[str]) -> str:
    closing = CLOSING.get(kind, CLOSING["invitation"])[language]
    lines = [GREETING[language], INTRO[kind][language], DETAILS[language], closing,
             outbox.signature(language)]
    values = _values(visit, language, link)
    return "\n\n".join(line.format(**values) for line in lines if line)


def body(kind: str, visit: VisitRequest, link: Optional[str] = None) -> str:
    """The e-mail's text: the user's language first, then the other."""
    parts = (_part(kind, visit, language, link) for language in _languages(visit))
    return SEPARATOR.join(parts) + "\n"


def queue(kind: str, visit: VisitRequest,
          link: Optional[str] = None) -> Optional[OutboundEmail]:
    """Queue the ``kind`` e-mail of ``visit`` to its user (the caller commits).

    None for a visit whose chat was erased: its address is gone.
    """
    if not visit.email:
        return None
    attachment = None
    if kind in ("confirmation", "reminder"):  # the event's text: the details, both languages
        attachment = invitation(visit, SEPARATOR.join(
            DETAILS[language].format(**_values(visit, language, link))
            for language in _languages(visit)))
    subject = SUBJECT[kind][_languages(visit)[0]].format(reference=visit.reference)
    return outbox.queue(f"visit_{kind}", visit.email, subject, body(kind, visit, link),
                        visit.conversation, reply_to=current_app.config["CENTER_EMAIL"],
                        attachment=attachment)
