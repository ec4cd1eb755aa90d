"""The "Follow-ups" page: unhappy users to contact within one working day, and the outcome."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from assistant.chat import followups
from assistant.chat.errors import ConversationError
from assistant.console.forms import ReplyForm
from assistant.extensions import db
from assistant.limits import max_text_length
from assistant.models import CHAT_ROLES, FollowUpOutcome, FollowUpTask, utcnow
from assistant.web.auth import roles_required

blueprint = Blueprint("followups", __name__, url_prefix="/console/follow-ups",
                      template_folder="templates")
OUTCOMES = {FollowUpOutcome.CONTACTED_RESOLVED: "Contacted, resolved",
            FollowUpOutcome.CONTACTED_UNRESOLVED: "Contacted, not resolved",
            FollowUpOutcome.UNREACHABLE: "Could not reach the user",
            FollowUpOutcome.NOT_NEEDED: "No follow-up needed"}


class OutcomeForm(FlaskForm):
    """The outcome of a follow-up and an optional note."""

    outcome = SelectField("Outcome", choices=[(str(k), v) for k, v in OUTCOMES.items()],
                          validators=[DataRequired()])
    note = TextAreaField("Note (optional)", validators=[Length(max=2000)])


@blueprint.get("/")
@roles_required(*CHAT_ROLES)
def index() -> str:
    """Open tasks, the earliest due first, with each chat's last messages."""
    return render_template("console/followups.html", tasks=followups.open_tasks(),
                           now=utcnow(), channels=followups.channels, context=followups.context,
                           contact_form=ReplyForm(), outcome_form=OutcomeForm())


def _task(task_id: int) -> FollowUpTask:
    return db.get_or_404(FollowUpTask, task_id)


@blueprint.post("/<int:task_id>/contact")
@roles_required(*CHAT_ROLES)
def contact(task_id: int) -> Response:
    """Write to the user on their channel (web chat, LINE, e-mail with the rating link)."""
    task = _task(task_id)
    form = ReplyForm()
    if not form.validate_on_submit():
        flash(f"Write a message of at most {max_text_length():,} characters.", "error")
    else:
        try:
            followups.contact(task, current_user, form.text.data or "", max_text_length())
        except ConversationError as error:
            flash(error.message, "error")
        else:
            flash(f"Message sent ({task.channel}).", "success")
    return redirect(url_for("followups.index"))


@blueprint.post("/<int:task_id>/done")
@roles_required(*CHAT_ROLES)
def done(task_id: int) -> Response:
    """Record the outcome: the task is done."""
    task = _task(task_id)
    form = OutcomeForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        followups.record_outcome(task, current_user, FollowUpOutcome(form.outcome.data),
                                 form.note.data)
    except ConversationError as error:
        flash(error.message, "error")
    else:
        flash(f"Follow-up of {task.conversation.reference} done: "
              f"{OUTCOMES[FollowUpOutcome(form.outcome.data)]}.", "success")
    return redirect(url_for("followups.index"))
