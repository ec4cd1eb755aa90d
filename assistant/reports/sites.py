"""Web chats per site that embeds the widget: chats, KPI and top topics of each partner site.

Only web chats count (other channels have no site). Per site, as for the whole report: chats
by the moment they started, ratings by the moment the chat closed, and each chat started in
the period under its main topic (kept when the transcript is erased). The center's own
site is always listed, then the others by chats (most first). Sites are named as
``PARTNER_SITES`` names them now.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Optional

from flask import current_app
from sqlalchemy import func, select

from assistant.chat.satisfaction import Kpi, kpi
from assistant.chat.sites import PartnerSites
from assistant.extensions import db
from assistant.models import Conversation, Message, Rating, Sender, main_topic

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
    """Each site's most frequent chat topics (most first, then by name).

    A chat started in the period counts once, under its main topic: from its answers, or,
    once its transcript is erased, the one kept on the chat (so a purge changes nothing).
    """
    chats = db.session.execute(
        select(Conversation.id, Conversation.site, Conversation.main_topic)
        .where(WEB, Conversation.created_at >= start, Conversation.created_at < end)).all()
    answered: dict[str, list[str]] = {}
    for chat_id, topic in db.session.execute(
            select(Message.conversation_id, Message.topic)
            .join(Conversation, Conversation.id == Message.conversation_id)
            .where(WEB, Conversation.created_at >= start, Conversation.created_at < end,
                   Message.sender == Sender.BOT, Message.topic.is_not(None))
            .order_by(Message.id)):
        answered.setdefault(chat_id, []).append(str(topic))
    counts: dict[Optional[str], Counter[str]] = {}
    for chat_id, site, kept in chats:
        topic = main_topic(answered.get(chat_id, [])) or kept
        if topic:
            counts.setdefault(site, Counter())[topic] += 1
    return {site: [topic for topic, _ in sorted(found.items(), key=lambda i: (-i[1], i[0]))]
            [:TOP_TOPICS] for site, found in counts.items()}


def by_site(start: dt.datetime, end: dt.datetime) -> list[SiteFigures]:
    """The figures of each site from ``start`` (included) to ``end`` (UTC)."""
    sites: PartnerSites = current_app.config["PARTNER_SITES"]
    chats, levels, topics = _chats(start, end), _levels(start, end), _topics(start, end)
    found = {None, *chats, *levels, *topics}
    figures = [SiteFigures(site, sites.name(site), sites.name(site, "th"), chats.get(site, 0),
                           kpi(levels.get(site, [])), topics.get(site, []))
               for site in found]
    return sorted(figures, key=lambda part: (part.site is not None, -part.chats, part.name))
