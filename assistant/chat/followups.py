"""Recovery of unhappy users, staff's side: the open follow-up tasks, contact, outcome.

Tasks are opened by ``assistant.chat.followup_opening``. Staff contact the user by the
staff-reply path, so the message reaches them where they are (the web chat's log, a LINE
push, an e-mail with the rating link when the chat has an address), then record the outcome.
"""

from __future__ import annotations

from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from assistant.chat import conversations
from assistant.chat.errors import ConversationError
from assistant.chat.messages import validate_text
from assistant.extensions import db
from assistant.models import (
    Conversation,
    FollowUpOutcome,
    FollowUpTask,
    Message,
    Sender,
    User,
    utcnow,
)
from assistant.records import audit


def open_tasks() -> list[FollowUpTask]:
    """Tasks not done yet, the earliest due first, with their chats' messages."""
    return list(db.session.scalars(
        select(FollowUpTask).where(FollowUpTask.done_at.is_(None))
        .options(selectinload(FollowUpTask.conversation).selectinload(Conversation.messages))
        .order_by(FollowUpTask.due_at, FollowUpTask.id)))


def context(conversation: Conversation, count: int = 6) -> list[Message]:
    """The chat's last ``count`` written messages (button presses left out)."""
    return [message for message in conversation.messages if not message.payload][-count:]


def channels(conversation: Conversation) -> list[str]:
    """Where a staff message reaches the user: ``line`` or ``web``, and ``email`` if given.

    ``web``: the chat's log, seen if the widget is still open; ``line``: a push.
    """
    reach = ["line" if conversation.channel == "line" else "web"]
    if conversation.ticket is not None and conversation.ticket.email:
        reach.append("email")
    return reach


def contact(task: FollowUpTask, user: User, text: str, max_length: int) -> Message:
    """Write to the user as staff; it is delivered like any staff reply, whatever the state."""
    conversation = task.conversation
    conversations.claim(conversation)  # 410 once erased
    if task.done_at is not None:
        raise ConversationError(409, "follow_up_done", "This follow-up is already done.")
    text = validate_text(text, max_length)
    task.contacted_at = utcnow()
    task.channel = "+".join(channels(conversation))
    message = Message(conversation=conversation, sender=Sender.STAFF, text=text,
                      language=conversation.language,
                      staff_user_id=user.id, details={"follow_up": task.id})
    task.assigned_to = task.assigned_to or user
    audit.record(user, "follow-up contact", conversation.reference, channel=task.channel)
    return conversations.commit_and_deliver(message)[0]


def record_outcome(task: FollowUpTask, user: User, outcome: FollowUpOutcome,
                   note: Optional[str]) -> None:
    """Mark the task done with its outcome (and an optional note)."""
    if task.done_at is not None:
        raise ConversationError(409, "follow_up_done", "This follow-up is already done.")
    task.done_at, task.outcome = utcnow(), outcome
    task.outcome_note = (note or "").strip() or None
    task.assigned_to = task.assigned_to or user
    audit.record(user, "follow-up done", task.conversation.reference, outcome=str(outcome))
    db.session.commit()
