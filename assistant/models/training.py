"""Trainers' and editors' records: message reviews, training runs, the accepted model,
the trainers' copies of the training data files, article revisions, audit log."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Optional

from sqlalchemy import JSON, DateTime, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from assistant.models.base import Base, ReviewOutcome, TrainingStatus, status_column, utcnow

if TYPE_CHECKING:  # related models of other modules, named by string in the mappings
    from assistant.models.staff import User


class ArticleRevision(Base):
    """One saved edit of a knowledge article: who, when, and the file before and after."""

    __tablename__ = "article_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[str] = mapped_column(String(100), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    before: Mapped[str] = mapped_column(Text)
    after: Mapped[str] = mapped_column(Text)

    user: Mapped[User] = relationship("User")


class AuditEvent(Base):
    """Who changed which example, intent, story, article or model, and when."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                    index=True)
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(200))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    user: Mapped[Optional[User]] = relationship("User")


class MessageReview(Base):
    """A user message a trainer has dealt with (annotated or dismissed) in the review inbox."""

    __tablename__ = "message_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    outcome: Mapped[ReviewOutcome] = status_column(ReviewOutcome, 20)
    intent: Mapped[Optional[str]] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TrainingRun(Base):
    """One retraining: validate, train, evaluate against the active model, gate, activate."""

    __tablename__ = "training_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    status: Mapped[TrainingStatus] = status_column(TrainingStatus, 20,
                                                   default=TrainingStatus.QUEUED)
    step: Mapped[str] = mapped_column(String(200), default="")
    log: Mapped[str] = mapped_column(Text, default="")
    candidate: Mapped[Optional[str]] = mapped_column(String(300))
    baseline: Mapped[Optional[str]] = mapped_column(String(300))
    evaluation: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True))

    user: Mapped[Optional[User]] = relationship("User")


class PublishedModel(Base):
    """The accepted Rasa model, which every Rasa server pulls (one row; see ``model_store``).

    ``data`` is loaded only when read, so an unchanged-model check costs no 40 MB.
    """

    __tablename__ = "published_models"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    published_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TrainingFile(Base):
    """A file of the training data as trainers last saved it, shared by every host.

    ``path`` is relative to the workspace (``nlu_data/nlu/en/visa.yml``, ``domain.yml``);
    ``base_sha256`` is the SHA-256 of the release's file this copy was made from (None: the
    release has no such file), see ``assistant.training.shared_files``.
    """

    __tablename__ = "training_files"

    path: Mapped[str] = mapped_column(String(300), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    base_sha256: Mapped[Optional[str]] = mapped_column(String(64))
    revision: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))

    updated_by: Mapped[Optional[User]] = relationship("User")
