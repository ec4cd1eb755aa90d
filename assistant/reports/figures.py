"""The figures of the reports page, the exports and ``flask report`` for one period.

Which period a record belongs to (all in Bangkok time):
- a rating, and a closed chat, by the moment the chat was closed (a rating comes at or
  after the close; a re-rating replaces the level, so each chat counts once);
- a chat started (per day, language, handoff rate) by the moment it was started; the days
  per day end today (a period reaching into the future shows no empty days to come);
- bot answers (topics, intents, fallbacks) by the moment they were sent;
- a wait for staff by the moment it was requested;
- a knowledge answer, and the user's vote on it, by the moment the answer was shown;
- a follow-up task of an unhappy user by the moment it was opened;
- a visit to the center by the moment the user asked for it;
- per site that embeds the widget, chats, ratings and topics as for the whole (``reports.sites``).
Percentages are rounded half up to two decimals (``assistant.chat.satisfaction.percent``).
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Optional

from sqlalchemy import select

from assistant.chat.satisfaction import SATISFIED_OR_BETTER, Kpi, kpi, percent
from assistant.extensions import db
from assistant.models import (
    Conversation,
    Handoff,
    Message,
    Rating,
    Sender,
    as_utc,
    main_topic,
    utcnow,
)
from assistant.reports.availability import availability_percent
from assistant.reports.confidence import Confidence, confidence
from assistant.reports.helpfulness import AnswerHelpfulness, answer_helpfulness
from assistant.reports.kr_score import KrScore, current_rule, kr_score
from assistant.reports.periods import Period
from assistant.reports.recovery import Recovery, recovery
from assistant.reports.sites import SiteFigures, by_site
from assistant.reports.visits import Visits, visits
from common.thai_calendar import bangkok_day, bangkok_today

FALLBACK_INTENT = "nlu_fallback"
TOP = 10


@dataclass(frozen=True)
class RatedChat:
    """One answered satisfaction question; the chat is named by its reference, not its id."""

    reference: str
    closed_at: dt.datetime
    level: int
    language: str
    handled_by: str
    topic: Optional[str]
    channel: str


@dataclass(frozen=True)
class Waits:
    """Waits for staff requested in the period, and how long each lasted.

    A wait lasts until staff took the chat over; one never taken over lasts until it expired
    back to the bot, until the chat closed, or (still waiting) until now: every wait
    counts, so chats nobody picked up make the figures worse, not invisible.
    """

    requested: int
    taken: int
    never_taken: int
    still_waiting: int
    median_minutes: Optional[float]
    p90_minutes: Optional[float]


@dataclass(frozen=True)
class Figures:
    """Everything the reports show for one period."""

    period: Period
    kpi: Kpi
    ratings: list[RatedChat]
    closed: int
    response_rate: Optional[Decimal]
    started: int
    per_day: list[tuple[dt.date, int]]
    languages: dict[str, int]
    channels: dict[str, int]
    topics: list[tuple[str, int]]
    intents: list[tuple[str, int]]
    handed_off: int
    handoff_rate: Optional[Decimal]
    waits: Waits
    bot_answers: int
    fallbacks: int
    fallback_rate: Optional[Decimal]
    by_topic: dict[str, Kpi]
    by_handler: dict[str, Kpi]
    by_channel: dict[str, Kpi]
    helpfulness: AnswerHelpfulness
    recovery: Recovery
    sites: list[SiteFigures]
    visits: Visits
    demo: bool
    confidence: Confidence
    kr: KrScore


def _utc(moment: dt.datetime) -> dt.datetime:
    """Bounds as UTC: SQLite compares stored UTC text, so a Bangkok offset would shift them."""
    return moment.astimezone(dt.timezone.utc)


def _p90(values: list[float]) -> float:
    """Nearest-rank 90th percentile: the smallest value with 90 % of values at or below it."""
    ordered = sorted(values)
    return ordered[math.ceil(0.9 * len(ordered)) - 1]


def _main_topics(start: dt.datetime, end: dt.datetime) -> dict[str, str]:
    """Each rated chat's main topic, from its answers."""
    rows = db.session.execute(
        select(Message.conversation_id, Message.topic)
        .join(Conversation).join(Rating, Rating.conversation_id == Conversation.id)
        .where(Conversation.closed_at >= start, Conversation.closed_at < end,
               Message.topic.is_not(None), Message.sender != Sender.USER)
        .order_by(Message.id)).all()
    topics: dict[str, list[str]] = {}
    for conversation_id, topic in rows:
        topics.setdefault(conversation_id, []).append(str(topic))
    return {cid: str(main_topic(found)) for cid, found in topics.items()}


def rated_chats(period: Period) -> list[RatedChat]:
    """The ratings of chats closed in ``period``, oldest close first."""
    start, end = _utc(period.start), _utc(period.end)
    rows = db.session.execute(
        select(Conversation.id, Conversation.reference, Conversation.closed_at,
               Conversation.main_topic, Rating.level, Rating.language, Rating.handled_by,
               Conversation.channel)
        .join(Rating, Rating.conversation_id == Conversation.id)
        .where(Conversation.closed_at >= start, Conversation.closed_at < end)
        .order_by(Conversation.closed_at, Conversation.id)).all()
    topics = _main_topics(start, end) if rows else {}
    return [RatedChat(row.reference, row.closed_at, row.level, row.language, row.handled_by,
                      topics.get(row.id) or row.main_topic,  # main_topic: erased transcript
                      row.channel)
            for row in rows]


def _kpi_by(ratings: list[RatedChat], key: str) -> dict[str, Kpi]:
    groups: dict[str, list[int]] = {}
    for rating in ratings:
        groups.setdefault(getattr(rating, key) or "none", []).append(rating.level)
    return {name: kpi(levels) for name, levels in sorted(groups.items())}


def _waits(start: dt.datetime, end: dt.datetime) -> Waits:
    rows = db.session.execute(
        select(Handoff.requested_at, Handoff.taken_at, Handoff.expired_at,
               Conversation.closed_at)
        .join(Conversation).where(Handoff.requested_at >= start, Handoff.requested_at < end)
    ).all()
    now = utcnow()
    ends = [row.taken_at or row.expired_at or _closed_after(row.closed_at, row.requested_at)
            for row in rows]
    minutes = [(as_utc(ended or now) - as_utc(row.requested_at)).total_seconds() / 60
               for row, ended in zip(rows, ends, strict=True)]
    taken = sum(1 for row in rows if row.taken_at)
    still_waiting = sum(1 for ended in ends if ended is None)
    if not minutes:
        return Waits(0, 0, 0, 0, None, None)
    return Waits(len(rows), taken, len(rows) - taken, still_waiting,
                 round(statistics.median(minutes), 2), round(_p90(minutes), 2))


def _closed_after(closed_at: Optional[dt.datetime],
                  requested_at: dt.datetime) -> Optional[dt.datetime]:
    """The close that ended a wait (an earlier close, before a reopening, did not)."""
    if closed_at is None or as_utc(closed_at) < as_utc(requested_at):
        return None
    return closed_at


def compute(period: Period) -> Figures:
    """All figures of ``period``."""
    start, end = _utc(period.start), _utc(period.end)
    ratings = rated_chats(period)
    closed = len(db.session.scalars(
        select(Conversation.id)
        .where(Conversation.closed_at >= start, Conversation.closed_at < end)).all())
    started = db.session.execute(
        select(Conversation.id, Conversation.created_at, Conversation.language,
               Conversation.channel, Conversation.demo)
        .where(Conversation.created_at >= start, Conversation.created_at < end)).all()
    per_day = Counter(bangkok_day(row.created_at) for row in started)
    handed_off = len(set(db.session.scalars(
        select(Handoff.conversation_id).join(Conversation)
        .where(Conversation.created_at >= start, Conversation.created_at < end)).all()))
    answers = db.session.execute(
        select(Message.intent, Message.topic)
        .where(Message.sender == Sender.BOT, Message.intent.is_not(None),
               Message.created_at >= start, Message.created_at < end)).all()
    fallbacks = sum(1 for answer in answers if answer.intent == FALLBACK_INTENT)
    levels = [rating.level for rating in ratings]
    satisfaction = kpi(levels)
    elapsed = period.up_to(bangkok_today())
    return Figures(
        period=period, kpi=satisfaction, ratings=ratings, closed=closed,
        response_rate=percent(len(ratings), closed), started=len(started),
        per_day=[(day, per_day[day]) for day in (elapsed.days() if elapsed else [])],
        languages=dict(Counter(row.language for row in started).most_common()),
        channels=dict(Counter(row.channel for row in started).most_common()),
        topics=Counter(a.topic for a in answers if a.topic).most_common(TOP),
        intents=Counter(a.intent for a in answers).most_common(TOP),
        handed_off=handed_off, handoff_rate=percent(handed_off, len(started)),
        waits=_waits(start, end), bot_answers=len(answers), fallbacks=fallbacks,
        fallback_rate=percent(fallbacks, len(answers)),
        by_topic=_kpi_by(ratings, "topic"), by_handler=_kpi_by(ratings, "handled_by"),
        by_channel=_kpi_by(ratings, "channel"),
        helpfulness=answer_helpfulness(start, end),
        recovery=recovery(start, end),
        sites=by_site(start, end),
        visits=visits(start, end),
        demo=any(row.demo for row in started),
        confidence=confidence(sum(1 for level in levels if level >= SATISFIED_OR_BETTER),
                              len(levels), percent(len(ratings), closed)),
        kr=kr_score(availability_percent(period), satisfaction.rate_percent, current_rule()),
    )
