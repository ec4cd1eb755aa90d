"""Canned answers: saved replies in English and Thai with short codes and variables.

Staff type ``/code`` in the reply box to find one; the text inserted is rendered here, on the
server, in the conversation's language. Variables (``{name}``; anything else stays as written):

- ``{user_name}``: the name the user shows on their channel (LINE display name), if known;
- ``{staff_name}``: the signed-in staff member's name;
- ``{date}``: today in Bangkok, "27 November 2026" in English, "27 พฤศจิกายน 2569" in Thai;
- ``{date_be}``: today in Bangkok in the Thai Buddhist Era form, whatever the language;
- ``{reference}``: the offline question's reference ("BKK-000012"), if the chat has one.

A variable without a value disappears together with the spaces before it ("Hello
{user_name}, ..." → "Hello, ..."); at the start of a line, with the spaces after it instead.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Optional

from sqlalchemy import or_, select, update

from assistant.extensions import db
from assistant.models import AuditEvent, CannedAnswer, Conversation, User
from assistant.records import audit
from common.thai_calendar import bangkok_today, spelled_date, thai_date

CODE = re.compile(r"^[a-z0-9-]{2,40}$")
VARIABLE = re.compile(r"\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)\}")
VARIABLES = {  # name -> what it becomes (shown on the management form)
    "user_name": "the user's name on their channel (LINE display name), if known",
    "staff_name": "your name as signed in",
    "date": "today in Bangkok: 27 November 2026 in English, 27 พฤศจิกายน 2569 in Thai",
    "date_be": "today in Bangkok in the Thai B.E. form, also in English chats",
    "reference": "the offline question's reference (BKK-000012), if the chat has one",
}
FIELDS = ("code", "title", "text_en", "text_th")
SEARCH_LIMIT = 8

# Suggested answers for a new installation (``flask canned seed``): code, title, en, th.
SEED = (
    ("greeting", "Greeting",
     "Hello {user_name}, this is {staff_name} from the Bangkok information service center "
     "for foreigners. How can I help you today?",
     "สวัสดีค่ะ {user_name} ดิฉันชื่อ{staff_name} จากศูนย์บริการข้อมูลสำหรับชาวต่างชาติ "
     "กรุงเทพมหานคร ยินดีให้บริการค่ะ มีเรื่องใดให้ช่วยเหลือคะ"),
    ("hold", "Please hold",
     "Thank you for waiting. I am checking this for you now, please stay in the chat for a "
     "moment.",
     "ขอบคุณที่รอค่ะ เจ้าหน้าที่กำลังตรวจสอบข้อมูลให้ กรุณารอในแชตนี้สักครู่นะคะ"),
    ("office-hours", "Office hours",
     "Our staff answer chats during the center's office hours. Outside them, please leave "
     "your question and your e-mail address here, or write to invest@bangkok.go.th, and we "
     "will reply as soon as we are back.",
     "เจ้าหน้าที่ตอบแชตในเวลาทำการของศูนย์ค่ะ นอกเวลาทำการ กรุณาฝากคำถามพร้อมอีเมลของคุณไว้ใน"
     "แชตนี้ หรือส่งอีเมลมาที่ invest@bangkok.go.th แล้วเจ้าหน้าที่จะตอบกลับโดยเร็วที่สุดค่ะ"),
    ("passport-copy", "Send us your passport copy by e-mail",
     "To look into this, we need a copy of your passport's photo page and of your current "
     "visa. Please send them by e-mail to invest@bangkok.go.th with your name in the "
     "subject. For your safety, please do not post passport details in this chat.",
     "เพื่อให้เจ้าหน้าที่ตรวจสอบเรื่องนี้ได้ รบกวนส่งสำเนาหน้าหนังสือเดินทางที่มีรูปถ่ายและหน้าวีซ่า"
     "ปัจจุบันทางอีเมลมาที่ invest@bangkok.go.th โดยระบุชื่อของคุณในหัวเรื่องอีเมลด้วยนะคะ "
     "เพื่อความปลอดภัย กรุณาอย่าส่งข้อมูลหนังสือเดินทางในแชตนี้ค่ะ"),
    ("closing", "Closing",
     "Thank you for contacting the center. If you have more questions, write to us here at "
     "any time or e-mail invest@bangkok.go.th. Have a good day!",
     "ขอบคุณที่ติดต่อศูนย์ฯ ค่ะ หากมีคำถามเพิ่มเติม สอบถามในแชตนี้ได้ตลอดเวลา หรือส่งอีเมลมาที่ "
     "invest@bangkok.go.th ขอให้เป็นวันที่ดีนะคะ"),
)


def unknown_variables(*texts: str) -> list[str]:
    """The ``{names}`` in ``texts`` that are no variable (they stay as written), sorted."""
    return sorted({match["name"] for text in texts for match in VARIABLE.finditer(text)
                   if match["name"] not in VARIABLES})


def values(conversation: Conversation, staff: User,
           today: Optional[dt.date] = None) -> dict[str, str]:
    """Every variable's value for ``conversation``, answered by ``staff``, on ``today``."""
    today = today or bangkok_today()
    return {
        "user_name": (conversation.contact_name or "").strip(),
        "staff_name": staff.name,
        "date": spelled_date(today, conversation.language),
        "date_be": thai_date(today),
        "reference": conversation.ticket.reference if conversation.ticket else "",
    }


def fill(text: str, known: dict[str, str]) -> str:
    """``text`` with the ``known`` variables replaced (see the module's rule for empty ones)."""
    done, position = "", 0
    for match in VARIABLE.finditer(text):
        done += text[position:match.start()]
        position = match.end()
        value = known.get(match["name"])
        if value is None:
            done += match[0]
        elif value:
            done += value
        else:
            trimmed = done.rstrip(" \t")
            if trimmed and not trimmed.endswith("\n"):
                done = trimmed  # the spaces before it go with it
            else:  # at the start of a line: the spaces after it go instead
                while text[position:position + 1] in (" ", "\t"):
                    position += 1
    return (done + text[position:]).strip()


def render(answer: CannedAnswer, conversation: Conversation, staff: User,
           today: Optional[dt.date] = None) -> str:
    """The answer's text in the conversation's language with the variables filled in."""
    text = answer.text_th if conversation.language == "th" else answer.text_en
    return fill(text, values(conversation, staff, today))


def search(query: str, limit: int = SEARCH_LIMIT) -> list[CannedAnswer]:
    """Answers whose code, title or text contain ``query``, best first.

    Codes starting with the query come first, then titles containing it, then texts; within
    each group the most used first. An empty query lists the most used answers.
    """
    needle = query.strip().lower()
    statement = select(CannedAnswer)
    if needle:
        statement = statement.where(or_(*(column.icontains(needle, autoescape=True) for column in
                                          (CannedAnswer.code, CannedAnswer.title,
                                           CannedAnswer.text_en, CannedAnswer.text_th))))

    def rank(answer: CannedAnswer) -> tuple[int, int, str]:
        group = (0 if answer.code.startswith(needle) else 1 if needle in answer.code
                 else 2 if needle in answer.title.lower() else 3)
        return group, -answer.usage_count, answer.code
    return sorted(db.session.scalars(statement), key=rank)[:limit]


def count_usage(answer_id: int) -> Optional[int]:
    """Count one use of the answer (a reply containing it was sent); its new count.

    ``None`` if there is no such answer. The last-edited time stays as it is.
    """
    count = db.session.scalar(
        update(CannedAnswer).where(CannedAnswer.id == answer_id)
        .values(usage_count=CannedAnswer.usage_count + 1, updated_at=CannedAnswer.updated_at)
        .returning(CannedAnswer.usage_count))
    db.session.commit()
    return count


def code_taken(code: str, other_than: Optional[int] = None) -> Optional[CannedAnswer]:
    """The answer that already has ``code`` (other than the one being edited), if any."""
    return db.session.scalar(select(CannedAnswer).where(CannedAnswer.code == code,
                                                        CannedAnswer.id != (other_than or 0)))


def create(fields: dict[str, str], user: User) -> CannedAnswer:
    """Save a new answer from its ``FIELDS``; audit-logged."""
    answer = CannedAnswer(**{name: fields[name] for name in FIELDS}, created_by_id=user.id)
    db.session.add(answer)
    audit.record(user, "canned_create", f"canned:{answer.code}",
                 **{name: fields[name] for name in FIELDS})
    db.session.commit()
    return answer


def edit(answer: CannedAnswer, fields: dict[str, str], user: User) -> None:
    """Change an answer's ``FIELDS``; the audit log keeps each change's before and after."""
    changes = {name: [getattr(answer, name), fields[name]] for name in FIELDS
               if getattr(answer, name) != fields[name]}
    if not changes:
        return
    for name, (_, after) in changes.items():
        setattr(answer, name, after)
    audit.record(user, "canned_edit", f"canned:{answer.code}", changes=changes)
    db.session.commit()


def delete(answer: CannedAnswer, user: User) -> None:
    """Delete an answer; the audit log keeps its texts."""
    audit.record(user, "canned_delete", f"canned:{answer.code}",
                 **{name: getattr(answer, name) for name in FIELDS},
                 usage_count=answer.usage_count)
    db.session.delete(answer)
    db.session.commit()


def ever_seeded() -> bool:
    """Whether the suggested answers were ever added to this database (the audit log says)."""
    return db.session.scalar(
        select(AuditEvent.id).where(AuditEvent.action == "canned_seed").limit(1)) is not None


def any_answer() -> bool:
    """Whether there is at least one canned answer."""
    return db.session.scalar(select(CannedAnswer.id).limit(1)) is not None


def seed() -> list[str]:
    """Add the suggested answers whose code is still free; the codes added."""
    added = [code for code, *_ in SEED if code_taken(code) is None]
    db.session.add_all(CannedAnswer(code=code, title=title, text_en=text_en, text_th=text_th)
                       for code, title, text_en, text_th in SEED if code in added)
    if added:
        audit.record(None, "canned_seed", "canned", codes=added)
    db.session.commit()
    return added
