"""Web chats per site that embeds the widget: chats, KPI and top topics of each partner site.

Only web chats count (other channels have no site). Per site, as for the whole report: chats
by the moment they started, ratings by the moment the chat closed, answer topics by the
moment the answer was sent. The center's own site is always listed, then the others by
chats (most first). Sites are named as ``PARTNER_SITES`` names them now.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

from flask import current_app
from sqlalchemy import func, select

from assistant.chat.satisfaction import Kpi, kpi
from assistant.chat.sites import PartnerSites
from assistant.extensions import db
from assistant.models import Conversation, Message, Rating, Sender

TOP_TOPICS = 3
WEB = Conversation.channel == "web"


@dataclass(frozen=True)
class SiteFigures:
    """One site's figures; ``site`` is its origin, None for the center's own site."""

    site: Optional[str]
    name: str
    name_th: str
    chats: int
    kpi: Kpi
    top_topics: list[str]


def _chats(start: dt.datetime, end: dt.datetime) -> dict[Optional[str], int]:
    rows = db.session.execute(
        select(Conversation.site, func.count())
        .where(WEB, Conversation.created_at >= start, Conversation.created_at < end)
        .group_by(Conversation.site)).all()
    return {site: count for site, count in rows}


def _levels(start: dt.datetime, end: dt.datetime) -> dict[Optional[str], list[int]]:
    rows = db.session.execute(
        select(Conversation.site, Rating.level, func.count())
        .join(Rating, Rating.conversation_id == Conversation.id)
        .where(WEB, Conversation.closed_at >= start, Conversation.closed_at < end)
        .group_by(Conversation.site, Rating.level)).all()
    levels: dict[Optional[str], list[int]] = {}
    for site, level, count in rows:
        levels.setdefault(site, []).extend([level] * count)
    return levels


def _topics(start: dt.datetime, end: dt.datetime) -> dict[Optional[str], list[str]]:
    """Each site's most frequent answer topics (most first, then by name)."""
    answers = func.count(Message.id)
    rows = db.session.execute(
        select(Conversation.site, Message.topic, answers)
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(WEB, Message.sender == Sender.BOT, Message.topic.is_not(None),
               Message.created_at >= start, Message.created_at < end)
        .group_by(Conversation.site, Message.topic)
        .order_by(answers.desc(), Message.topic)).all()
    topics: dict[Optional[str], list[str]] = {}
    for site, topic, _ in rows:
        topics.setdefault(site, []).append(str(topic))
    return {site: found[:TOP_TOPICS] for site, found in topics.items()}


def by_site(start: dt.datetime, end: dt.datetime) -> list[SiteFigures]:
    """The figures of each site from ``start`` (included) to ``end`` (UTC)."""
    sites: PartnerSites = current_app.config["PARTNER_SITES"]
    chats, levels, topics = _chats(start, end), _levels(start, end), _topics(start, end)
    found = {None, *chats, *levels, *topics}
    figures = [SiteFigures(site, sites.name(site), sites.name(site, "th"), chats.get(site, 0),
                           kpi(levels.get(site, [])), topics.get(site, []))
               for site in found]
    return sorted(figures, key=lambda part: (part.site is not None, -part.chats, part.name))
