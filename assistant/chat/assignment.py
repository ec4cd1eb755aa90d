"""Who handles a chat: reassigning it to a colleague, and assigning it automatically.

A chat is assigned to the staff member who takes it over; a colleague may hand it on. With
``AUTO_ASSIGN`` on, a chat that starts waiting goes to the least busy staff member online:
this module subscribes to ``events.handoff_requested`` (the app factory imports it).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from flask import current_app
from sqlalchemy import func, select

from assistant.chat import events, presence, staff
from assistant.chat.errors import ConversationError
from assistant.extensions import db
from assistant.models import CHAT_ROLES, Conversation, Handoff, State, User, as_utc
from assistant.records import audit

BUSY_STATES = (State.WAITING_FOR_STAFF, State.WITH_STAFF)
NEVER = dt.datetime.min.replace(tzinfo=dt.timezone.utc)


def colleagues() -> list[User]:
    """Active staff members and admins (who may be given a chat), by name."""
    return list(db.session.scalars(
        select(User).where(User.active.is_(True), User.role.in_(CHAT_ROLES))
        .order_by(User.name, User.id)))


def reassign(conversation: Conversation, assignee: User, by: User) -> None:
    """Give the chat to ``assignee``; a chat with staff is then answered by them.

    The user of a chat with staff is told who joined. Closed chats, and chats already
    assigned to ``assignee``, are refused.
    """
    if conversation.state == State.CLOSED:
        raise ConversationError(409, "conversation_closed", "This conversation is closed.")
    if conversation.assigned_to_id == assignee.id:
        raise ConversationError(409, "already_assigned",
                                f"The chat is already assigned to {assignee.name}.")
    previous = conversation.assigned_to
    audit.record(by, "chat reassigned", conversation.id, assignee=assignee.name,
                 assignee_id=assignee.id, previous=previous.name if previous else None)
    if conversation.state == State.WITH_STAFF:
        staff.take_over(conversation, assignee)  # commits; the user sees who joined
        return
    conversation.assigned_to = assignee
    db.session.commit()


def assign_automatically(conversation: Conversation) -> Optional[User]:
    """With ``AUTO_ASSIGN`` on, give a chat that starts waiting to the least busy staff online.

    Online: seen a moment ago and not away; nobody online leaves the chat unassigned, and a
    chat a colleague already handed on keeps its assignee. Least busy: fewest chats assigned
    to them that wait or are with staff; on a tie, the one whose last chat came longest ago,
    then the lowest id. Returns the assignee; the caller commits.
    """
    if not current_app.config["AUTO_ASSIGN"] or conversation.assigned_to is not None:
        return conversation.assigned_to
    candidates = presence.online_staff()
    if not candidates:
        return None
    ids = [user.id for user in candidates]
    busy = {user_id: count for user_id, count in db.session.execute(
        select(Conversation.assigned_to_id, func.count())
        .where(Conversation.assigned_to_id.in_(ids), Conversation.state.in_(BUSY_STATES))
        .group_by(Conversation.assigned_to_id))}
    last = _last_chat_given(ids)
    chosen = min(candidates, key=lambda user: (busy.get(user.id, 0),
                                               last.get(user.id, NEVER), user.id))
    conversation.assigned_to = chosen
    return chosen


@events.handoff_requested.connect
def _on_handoff_requested(conversation: Conversation, **_: Any) -> None:
    """A new wait for staff: assign it now, in the transaction that starts the wait."""
    assign_automatically(conversation)


def _last_chat_given(user_ids: list[int]) -> dict[int, dt.datetime]:
    """When each user last got a chat: took one over, or was given a waiting one."""
    taken = (select(Handoff.staff_user_id, func.max(Handoff.taken_at))
             .where(Handoff.staff_user_id.in_(user_ids)).group_by(Handoff.staff_user_id))
    given = (select(Conversation.assigned_to_id, func.max(Handoff.requested_at))
             .join(Handoff, Handoff.conversation_id == Conversation.id)
             .where(Conversation.assigned_to_id.in_(user_ids))
             .group_by(Conversation.assigned_to_id))
    last: dict[int, dt.datetime] = {}
    for user_id, moment in [*db.session.execute(taken), *db.session.execute(given)]:
        if moment is not None:
            last[user_id] = max(last.get(user_id, NEVER), as_utc(moment))
    return last
