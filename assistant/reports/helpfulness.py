"""Helpfulness of knowledge answers: answers shown, 👍, 👎 and % helpful, per topic and article.

A knowledge answer is a bot reply with article ids. It counts in the period (Bangkok time) in
which it was shown, and so does the vote on it (one per answer; a changed vote replaces the
first). An answer showing several articles counts once for each of them. % helpful is
👍 ÷ (👍 + 👎) × 100, rounded half up to two decimals; None without votes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Optional

from sqlalchemy import select

from assistant.chat.satisfaction import percent
from assistant.extensions import db
from assistant.models import AnswerFeedback, Message, Sender


@dataclass(frozen=True)
class Helpfulness:
    """Answers shown and the votes on them."""

    shown: int = 0
    helpful: int = 0
    not_helpful: int = 0

    @property
    def votes(self) -> int:
        """Answers with a vote."""
        return self.helpful + self.not_helpful

    @property
    def rate_percent(self) -> Optional[Decimal]:
        """👍 ÷ votes × 100 (None without votes)."""
        return percent(self.helpful, self.votes)

    def add(self, vote: Optional[bool]) -> Helpfulness:
        """The counts with one more answer shown, voted ``vote`` (None: no vote)."""
        return Helpfulness(self.shown + 1, self.helpful + (vote is True),
                           self.not_helpful + (vote is False))


@dataclass(frozen=True)
class AnswerHelpfulness:
    """All knowledge answers of a period, per topic and per article (most shown first)."""

    total: Helpfulness
    by_topic: dict[str, Helpfulness]
    by_article: dict[str, Helpfulness]


def _ordered(counts: dict[str, Helpfulness]) -> dict[str, Helpfulness]:
    return dict(sorted(counts.items(), key=lambda item: (-item[1].shown, item[0])))


def answer_helpfulness(start: dt.datetime, end: dt.datetime) -> AnswerHelpfulness:
    """Knowledge answers shown from ``start`` (included) to ``end`` (UTC) and their votes."""
    rows = db.session.execute(
        select(Message.topic, Message.article_ids, AnswerFeedback.helpful)
        .outerjoin(AnswerFeedback, AnswerFeedback.message_id == Message.id)
        .where(Message.sender == Sender.BOT, Message.created_at >= start,
               Message.created_at < end)).all()
    total = Helpfulness()
    by_topic: dict[str, Helpfulness] = {}
    by_article: dict[str, Helpfulness] = {}
    for topic, article_ids, vote in rows:
        if not article_ids:
            continue  # not a knowledge answer
        total = total.add(vote)
        name = topic or "none"
        by_topic[name] = by_topic.get(name, Helpfulness()).add(vote)
        for article in dict.fromkeys(str(a) for a in article_ids):
            by_article[article] = by_article.get(article, Helpfulness()).add(vote)
    return AnswerHelpfulness(total, _ordered(by_topic), _ordered(by_article))
