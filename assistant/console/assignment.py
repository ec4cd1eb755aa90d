"""Console: reassign a chat to a colleague, and each staff member's Online / Away switch."""

from __future__ import annotations

from typing import Any, Callable

from flask import Blueprint, flash, redirect, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import HiddenField, SelectField

from assistant.chat import assignment, presence
from assistant.chat.errors import ConversationError
from assistant.extensions import db
from assistant.models import CHAT_ROLES, Conversation, User
from assistant.web.auth import roles_required

blueprint = Blueprint("assignment", __name__, url_prefix="/console")


class ReassignForm(FlaskForm):
    """The colleague who gets the chat."""

    assignee = SelectField("Reassign to", coerce=int)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Offer every active staff member and admin, each marked online, away or offline."""
        super().__init__(*args, **kwargs)
        online = {user.id for user in presence.online_staff()}
        self.assignee.choices = [(user.id, f"{user.name} – {_presence_label(user, online)}")
                                 for user in assignment.colleagues()]


def _presence_label(user: User, online: set[int]) -> str:
    if user.away:
        return "away"
    return "online" if user.id in online else "offline"


class PresenceForm(FlaskForm):
    """Online or away, and the console page to come back to."""

    away = HiddenField()
    next = HiddenField()


@blueprint.app_context_processor
def assignment_forms() -> dict[str, Callable[..., FlaskForm]]:
    """``reassign_form(chat)`` and ``presence_form()`` for the console's templates."""
    return {"reassign_form": _reassign_form, "presence_form": _presence_form}


def _reassign_form(chat: Conversation) -> ReassignForm:
    return ReassignForm(assignee=chat.assigned_to_id)


def _presence_form() -> PresenceForm:
    return PresenceForm(away="" if current_user.away else "1", next=request.path)


@blueprint.post("/conversations/<conversation_id>/reassign")
@roles_required(*CHAT_ROLES)
def reassign(conversation_id: str) -> Response:
    """Give the chat to a colleague; a chat with staff is then answered by them."""
    page = url_for("console.conversation", conversation_id=conversation_id)
    chat = db.get_or_404(Conversation, conversation_id)
    form = ReassignForm()
    if not form.validate_on_submit():
        flash("Choose an active staff member or admin.", "error")
        return redirect(page)
    assignee = db.get_or_404(User, form.assignee.data)  # one of the choices
    try:
        assignment.reassign(chat, assignee, current_user)
    except ConversationError as error:
        flash(error.message, "error")
    else:
        flash(f"Reassigned to {assignee.name}.", "success")
    return redirect(page)


@blueprint.post("/presence")
@roles_required(*CHAT_ROLES)
def set_presence() -> Response:
    """Switch between online (chats may be assigned to you) and away."""
    form = PresenceForm()
    if form.validate_on_submit():
        current_user.away = form.away.data == "1"
        db.session.commit()
        presence.touch(current_user)
    back = form.next.data or ""
    safe = back.startswith("/console/") and not back.startswith("//")
    return redirect(back if safe else url_for("console.queue"))
