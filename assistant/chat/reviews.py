"""Reviews of knowledge articles: the "Needs review" queue and confirming an article.

An article's last review is its latest confirmation in the console (``ArticleReview``), or
the file's ``reviewed`` date before any. It needs review when that is more than
``REVIEW_INTERVAL_DAYS`` ago, or when the source watch (``SourceCheck``) saw one of its
source pages change since. Confirming records who and when (the history is kept) and sets
the file's ``reviewed`` date to today in Bangkok, which the chat's answer shows.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Optional

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from assistant.chat.articles import ArticleDraft, knowledge_base, save_article
from assistant.extensions import db
from assistant.models import ArticleReview, SourceCheck, User
from assistant.records import audit
from common.thai_calendar import (
    as_utc,
    bangkok_day,
    bangkok_midnight,
    bangkok_today,
    english_date,
    thai_short_date,
    utcnow,
)
from knowledge import Article
from knowledge.articles import ArticleError, Source

REVIEW_INTERVAL_DAYS = 183  # about six months


@dataclass(frozen=True)
class Reason:
    """Why an article needs review, in English and Thai (and the changed source, if one)."""

    en: str
    th: str
    source: Optional[Source] = None


@dataclass(frozen=True)
class DueArticle:
    """An article in the queue: when it was last reviewed and why it is due."""

    article: Article
    last_reviewed: dt.datetime
    reasons: list[Reason]

    @property
    def last_reviewed_day(self) -> dt.date:
        """The Bangkok day of the last review."""
        return bangkok_day(self.last_reviewed)


def months_between(earlier: dt.date, later: dt.date) -> int:
    """Whole calendar months from ``earlier`` to ``later``."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return months - (later.day < earlier.day)


def _not_reviewed(last: dt.date, today: dt.date) -> Reason:
    months = months_between(last, today)
    return Reason(f"Not reviewed for {months} months (last reviewed {english_date(last)})",
                  f"ไม่ได้ตรวจทานมา {months} เดือน (ตรวจทานล่าสุด {thai_short_date(last)})")


def _source_changed(source: Source, changed: dt.datetime) -> Reason:
    day = bangkok_day(changed)
    return Reason(f"Source changed on {english_date(day)}: {source.title}",
                  f"แหล่งข้อมูลเปลี่ยนแปลงเมื่อ {thai_short_date(day)}: {source.title}", source)


def last_reviews() -> dict[str, dt.datetime]:
    """The latest confirmation of each article confirmed in the console."""
    rows = db.session.execute(select(ArticleReview.article_id, func.max(ArticleReview.reviewed_at))
                              .group_by(ArticleReview.article_id))
    return {article_id: as_utc(moment) for article_id, moment in rows}


def _source_changes() -> dict[str, dt.datetime]:
    rows = db.session.execute(select(SourceCheck.url, SourceCheck.changed_at))
    return {url: as_utc(changed) for url, changed in rows if changed}


def needing_review(now: Optional[dt.datetime] = None) -> list[DueArticle]:
    """The articles due for review with their reasons, the longest unreviewed first.

    A file's ``reviewed`` date counts from the start of that day in Bangkok, so a source
    change on the same day puts the article in the queue.
    """
    today = bangkok_day(now or utcnow())
    reviews, changes = last_reviews(), _source_changes()
    due = []
    for article in knowledge_base().articles:
        last = reviews.get(article.id) or bangkok_midnight(article.reviewed)
        reasons = [_source_changed(source, changes[source.url]) for source in article.sources
                   if source.url in changes and changes[source.url] > last]
        if (today - bangkok_day(last)).days > REVIEW_INTERVAL_DAYS:
            reasons.insert(0, _not_reviewed(bangkok_day(last), today))
        if reasons:
            due.append(DueArticle(article, last, reasons))
    return sorted(due, key=lambda item: (item.last_reviewed, item.article.id))


def changed_sources() -> dict[str, list[str]]:
    """The articles due because a source changed since their last review, with its URLs."""
    due = {item.article.id: [reason.source.url for reason in item.reasons if reason.source]
           for item in needing_review()}
    return {article_id: urls for article_id, urls in due.items() if urls}


def confirm(article: Article, user: User, note: str = "") -> ArticleReview:
    """Record that ``user`` confirmed ``article`` against its sources, today.

    The file's ``reviewed`` date becomes today in Bangkok (written as an edit is, with its
    revision), in the same commit as the review and its audit event. Raises
    ``ArticleError`` when the article breaks a ``make kb-check`` rule; nothing is recorded.
    """
    review = ArticleReview(article_id=article.id, user_id=user.id, note=note.strip() or None)
    db.session.add(review)
    audit.record(user, "article reviewed", article.id, note=review.note)
    try:
        save_article(article, dataclasses.replace(ArticleDraft.of(article),
                                                  reviewed=bangkok_today()), user)
    except ArticleError:
        db.session.rollback()
        raise
    db.session.commit()  # when the file already said today, save_article wrote nothing
    return review


def history(article_id: str) -> list[ArticleReview]:
    """The confirmations of an article, newest first, with their reviewers."""
    query = (select(ArticleReview).where(ArticleReview.article_id == article_id)
             .options(joinedload(ArticleReview.user))
             .order_by(ArticleReview.reviewed_at.desc(), ArticleReview.id.desc()))
    return list(db.session.scalars(query))
