"""What the service records about the knowledge base beside its files.

Reviews of articles (who confirmed an article against its sources, when) and the source
watch's last look at each source page (fingerprint of its main text, when it changed).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Optional

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assistant.models.base import Base, utcnow

if TYPE_CHECKING:
    from assistant.models.staff import User


class ArticleReview(Base):
    """A trainer or admin confirmed an article against its sources (the history is kept)."""

    __tablename__ = "article_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[str] = mapped_column(String(100), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    note: Mapped[Optional[str]] = mapped_column(Text)

    user: Mapped[User] = relationship("User")


class SourceCheck(Base):
    """The source watch's last look at one source page (one row per URL)."""

    __tablename__ = "source_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(500), unique=True)
    etag: Mapped[Optional[str]] = mapped_column(String(200))
    last_modified: Mapped[Optional[str]] = mapped_column(String(100))
    # SHA-256 of the page's main text, as the watch extracts it.
    fingerprint: Mapped[Optional[str]] = mapped_column(String(64))
    checked_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True))
    # When the fingerprint last changed (None: never seen changing since the first look).
    changed_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True))
    # The last failure (timeout, HTTP status), cleared by the next good look.
    error: Mapped[Optional[str]] = mapped_column(String(300))
