"""Synthetic demo conversations so the reports page shows something on a fresh machine.

They go only into a separate database: its URL must name a demo database (contain "demo")
and it must not hold a single real conversation. Every conversation is marked ``demo``, the
reports page and the exports say so. The figures are invented (seeded, repeatable): a
working week rhythm, English and Thai users, topic questions answered from an article of
their topic (some voted helpful or not), some "not understood" answers, waits for staff,
closes and ratings.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from pathlib import Path
from typing import Optional

from flask import current_app
from sqlalchemy import func, select

from assistant.chat.satisfaction import question
from assistant.extensions import db
from assistant.models import (
    AnswerFeedback,
    Conversation,
    Handoff,
    Message,
    Rating,
    Role,
    Sender,
    State,
    User,
)
from assistant.reports.periods import fiscal_year
from common.thai_calendar import BANGKOK, bangkok_today, fiscal_year_of
from knowledge.articles import article_paths
from knowledge.topics import TOPICS, intent_for_topic

QUESTIONS = {
    "en": {"visa": "How do I extend my visa?", "work_permit": "How do I get a work permit?",
           "housing": "How much deposit do landlords ask for?",
           "schools": "Which international schools are near Sukhumvit?",
           "investment": "How do I register a company?", "tax": "Do I have to file a tax return?",
           "banking": "Can I open a bank account?", "healthcare": "Where is a good hospital?",
           "transport": "How do I get from the airport to the city?",
           "emergency": "What is the police number?", "daily_life": "How do I get a SIM card?",
           "service_center": "What does the center do?"},
    "th": {"visa": "ต่อวีซ่าต้องทำอย่างไร", "work_permit": "ขอใบอนุญาตทำงานอย่างไร",
           "housing": "ค่ามัดจำห้องเช่ากี่เดือน", "schools": "โรงเรียนนานาชาติแถวสุขุมวิท",
           "investment": "จดทะเบียนบริษัทอย่างไร", "tax": "ต้องยื่นภาษีไหม",
           "banking": "เปิดบัญชีธนาคารได้ไหม", "healthcare": "โรงพยาบาลที่ไหนดี",
           "transport": "จากสนามบินเข้าเมืองอย่างไร", "emergency": "เบอร์ตำรวจคืออะไร",
           "daily_life": "ซื้อซิมการ์ดอย่างไร", "service_center": "ศูนย์นี้ให้บริการอะไร"},
}
TOPIC_WEIGHTS = (20, 10, 14, 10, 12, 8, 6, 6, 5, 3, 4, 2)  # in the order of TOPICS
BOT_LEVELS = ((5, 44), (4, 40), (3, 9), (2, 5), (1, 2))
STAFF_LEVELS = ((5, 55), (4, 31), (3, 8), (2, 4), (1, 2))
VOTED, HELPFUL = 0.3, 0.78  # share of answers voted on; share of votes that are 👍


class NotADemoDatabase(Exception):
    """The database could hold real data: the demo refuses to touch it."""


def _check_target() -> None:
    url = str(db.engine.url)
    if "demo" not in url.lower():
        raise NotADemoDatabase(
            f"refusing to write demo data to {db.engine.url!r}: point DATABASE_URL at a "
            "separate database whose name contains 'demo' (make demo does)")
    real = db.session.scalar(select(func.count()).select_from(Conversation)
                             .where(Conversation.demo.is_(False)))
    if real:
        raise NotADemoDatabase(f"refusing: this database holds {real} real conversation(s)")
    if db.session.scalar(select(func.count()).select_from(Conversation)):
        raise NotADemoDatabase("this demo database is already filled; delete it to refill")


def _account(email: str, name: str, role: Role) -> tuple[User, str]:
    password = secrets.token_urlsafe(12)
    user = User(email=email, name=name, role=role)
    user.set_password(password)
    db.session.add(user)
    return user, password


def _pick(generator: random.Random, weighted: tuple[tuple[int, int], ...]) -> int:
    values, weights = zip(*weighted, strict=True)
    return generator.choices(values, weights)[0]


def _start_time(generator: random.Random, days: list[dt.date]) -> dt.datetime:
    weights = [0.4 if day.weekday() >= 5 else 1.0 for day in days]
    day = generator.choices(days, weights)[0]
    hour = generator.choices(range(7, 23), [1, 3, 5, 6, 6, 5, 4, 5, 5, 5, 4, 3, 3, 2, 2, 1])[0]
    local = dt.datetime.combine(day, dt.time(hour, generator.randrange(60)), tzinfo=BANGKOK)
    return local.astimezone(dt.timezone.utc)


def _conversation(generator: random.Random, started: dt.datetime, staff: User,
                  articles: dict[str, list[str]]) -> Conversation:
    language = "th" if generator.random() < 0.42 else "en"
    topic = generator.choices(TOPICS, TOPIC_WEIGHTS)[0]
    chat = Conversation(language=language, created_at=started, updated_at=started, demo=True,
                        state=State.BOT)
    clock = started

    def say(sender: Sender, text: str, **fields: object) -> Message:
        nonlocal clock
        clock += dt.timedelta(seconds=generator.randint(5, 90))
        message = Message(sender=sender, text=text, language=language, created_at=clock,
                          **fields)
        chat.messages.append(message)
        return message

    say(Sender.USER, QUESTIONS[language][topic])
    if generator.random() < 0.08:  # not understood first
        say(Sender.BOT, "(demo) not sure", intent="nlu_fallback", confidence=0.31)
        say(Sender.USER, QUESTIONS[language][topic])
    answer = say(Sender.BOT, f"(demo) answer about {topic}", intent=intent_for_topic(topic),
                 confidence=round(generator.uniform(0.6, 0.99), 2), topic=topic,
                 article_ids=[generator.choice(articles[topic])] if articles.get(topic) else [])
    if answer.article_ids and generator.random() < VOTED:
        answer.feedback = AnswerFeedback(conversation=chat, created_at=clock, updated_at=clock,
                                         helpful=generator.random() < HELPFUL)
    if generator.random() < 0.14:  # asks for a person
        say(Sender.BOT, "(demo) a staff member will answer", intent="ask_human")
        waited = dt.timedelta(minutes=generator.lognormvariate(1.3, 0.8))
        taken = clock + waited
        chat.handoffs.append(Handoff(requested_at=clock, taken_at=taken, staff_user_id=staff.id))
        clock = taken
        chat.staff_involved = True
        say(Sender.STAFF, "(demo) staff answer", staff_user_id=staff.id)
    if generator.random() < 0.9:
        asked = question(language)
        say(Sender.BOT, asked["text"], buttons=asked["buttons"],
            details={"satisfaction_question": True})
        chat.state, chat.closed_at, chat.satisfaction_asked_at = State.CLOSED, clock, clock
        if generator.random() < 0.72:
            level = _pick(generator, STAFF_LEVELS if chat.staff_involved else BOT_LEVELS)
            chat.rating = Rating(level=level, language=language, created_at=clock,
                                 updated_at=clock,
                                 handled_by="staff" if chat.staff_involved else "bot")
    chat.updated_at = clock
    return chat


def fill(year_be: Optional[int], count: int, seed: int) -> str:
    """Add ``count`` demo conversations over fiscal year ``year_be`` and two demo accounts."""
    _check_target()
    today = bangkok_today()
    year_be = year_be or fiscal_year_of(today) - 1
    days = [day for day in fiscal_year(year_be).days() if day <= today]
    if not days:
        raise NotADemoDatabase(f"fiscal year {year_be} has not started yet")
    generator = random.Random(seed)
    articles: dict[str, list[str]] = {}  # knowledge/articles/<topic>/<id>.md
    for path in article_paths(Path(current_app.config["KNOWLEDGE_DIR"])):
        articles.setdefault(path.parent.name, []).append(path.stem)
    manager, manager_password = _account("manager@demo.bangkok.go.th", "Demo Manager", Role.ADMIN)
    staff, _ = _account("staff@demo.bangkok.go.th", "Demo Staff", Role.STAFF)
    db.session.flush()
    for _ in range(count):
        db.session.add(_conversation(generator, _start_time(generator, days), staff, articles))
    db.session.commit()
    current_app.logger.info("demo data: %d conversations", count)
    return (f"Filled {db.engine.url!r} with {count} DEMO conversations over fiscal year "
            f"{year_be} (B.E.).\nSign in to the console as {manager.email} with the "
            f"password {manager_password} (demo database only).")
