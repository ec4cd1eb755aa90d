"""The service's tables, split by domain; every model and shared name is importable from here.

Importing this package maps every table, so ``Base.metadata`` (and Alembic) sees them all.
"""

from assistant.models.base import (
    CHANNEL_NAMES,
    CHAT_ROLES,
    LANGUAGES,
    MAX_MESSAGE_ID,
    Base,
    EmailStatus,
    ReviewOutcome,
    Role,
    Sender,
    State,
    StrEnum,
    TicketStatus,
    TrainingStatus,
    as_utc,
    checked_language,
    known_language,
    parse_id,
    status_column,
    utcnow,
)
from assistant.models.conversation import (
    AnswerFeedback,
    Conversation,
    Handoff,
    Message,
    Rating,
    SITE_LENGTH,
    main_topic,
)
from assistant.models.followups import FollowUpOutcome, FollowUpReason, FollowUpTask
from assistant.models.jobs import Job, JobState
from assistant.models.knowledge import ArticleReview, SourceCheck
from assistant.models.probes import ProbeResult
from assistant.models.mail import OutboundEmail, RatingLink, Ticket
from assistant.models.staff import (
    CannedAnswer,
    Label,
    Note,
    NoteMention,
    User,
    conversation_labels,
    password_matches,
)
from assistant.models.training import (
    ArticleRevision,
    AuditEvent,
    MessageReview,
    PublishedModel,
    TrainingFile,
    TrainingRun,
)
from assistant.models.visits import VisitRequest, VisitStatus

__all__ = [
    "CHANNEL_NAMES", "CHAT_ROLES", "LANGUAGES", "MAX_MESSAGE_ID", "AnswerFeedback",
    "ArticleReview", "ArticleRevision", "AuditEvent", "Base", "CannedAnswer", "Conversation", "EmailStatus",
    "FollowUpOutcome", "FollowUpReason", "FollowUpTask",
    "Handoff", "Job", "JobState", "Label", "Message", "MessageReview", "Note", "NoteMention",
    "OutboundEmail", "ProbeResult", "Rating", "RatingLink", "ReviewOutcome", "Role", "Sender",
    "SITE_LENGTH", "SourceCheck",
    "State", "StrEnum",
    "Ticket", "TicketStatus",
    "PublishedModel", "TrainingFile", "TrainingRun", "TrainingStatus", "User", "VisitRequest", "VisitStatus", "as_utc", "checked_language", "conversation_labels",
    "known_language", "main_topic", "parse_id", "password_matches", "status_column", "utcnow",
]
