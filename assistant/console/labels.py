"""Labels staff put on conversations ("visa-complex", "complaint", "investor-lead").

A name is normalised before use: lowercase, each run of spaces or underscores one hyphen,
no hyphen at either end; it must then be 2-40 letters (Latin or Thai), digits or hyphens.
Typing a name that does not exist yet creates the label. Every change is audit-logged.
"""

from __future__ import annotations

import re
from typing import Callable, Optional

from flask import Blueprint, flash, redirect, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from assistant.console.filters import label_names
from assistant.extensions import db
from assistant.models import CHAT_ROLES, Conversation, Label
from assistant.records import audit, privacy
from assistant.web.auth import roles_required

blueprint = Blueprint("labels", __name__, url_prefix="/console/conversations")
LABEL_NAME = re.compile(r"[a-z0-9\u0e00-\u0e7f-]{2,40}")
RULE = "2-40 letters (Latin or Thai), digits or hyphens"


class LabelForm(FlaskForm):
    """A label's name (CSRF-protected)."""

    name = StringField("Label", validators=[DataRequired(), Length(max=100)])


def normalise(raw: str) -> Optional[str]:
    """The label name ``raw`` stands for ("Visa complex" -> "visa-complex"), or None."""
    name = re.sub(r"[\s_]+", "-", raw.strip().lower())
    name = re.sub(r"-{2,}", "-", name).strip("-")
    return name if LABEL_NAME.fullmatch(name) else None


@blueprint.app_context_processor
def label_suggestions() -> dict[str, Callable[[], list[str]]]:
    """``label_names()`` in templates (the suggestions while typing a label)."""
    return {"label_names": label_names}


def _labelled(conversation_id: str) -> tuple[Conversation, Optional[str]]:
    """The conversation and the normalised name of the submitted form.

    None instead of a name if it is invalid or the conversation was erased (its labels
    stay as they were; the conversation row is locked for the change otherwise).
    """
    conversation = db.get_or_404(Conversation, conversation_id)
    form = LabelForm()
    name = normalise(form.name.data or "") if form.validate_on_submit() else None
    if name is None:
        flash(f"A label is {RULE}.", "error")
    elif not privacy.writable(conversation):
        flash("This conversation was erased: its labels cannot change.", "error")
        name = None
    return conversation, name


def _back(conversation_id: str) -> Response:
    return redirect(url_for("console.conversation", conversation_id=conversation_id,
                            _anchor="labels"))


@blueprint.post("/<conversation_id>/labels")
@roles_required(*CHAT_ROLES)
def add(conversation_id: str) -> Response:
    """Put a label on the conversation, creating the label if it is new."""
    conversation, name = _labelled(conversation_id)
    if name is not None and name not in {label.name for label in conversation.labels}:
        label = db.session.scalar(select(Label).where(Label.name == name))
        created = label is None
        conversation.labels.append(label or Label(name=name))
        audit.record(current_user, "label added", f"conversation {conversation.id}",
                     label=name, created=created)
        db.session.commit()
        flash(f"Label {name} added.", "success")
    return _back(conversation_id)


@blueprint.post("/<conversation_id>/labels/remove")
@roles_required(*CHAT_ROLES)
def remove(conversation_id: str) -> Response:
    """Take a label off the conversation (the label stays for other chats)."""
    conversation, name = _labelled(conversation_id)
    kept = [label for label in conversation.labels if label.name != name]
    if name is not None and len(kept) < len(conversation.labels):
        conversation.labels = kept
        audit.record(current_user, "label removed", f"conversation {conversation.id}",
                     label=name)
        db.session.commit()
        flash(f"Label {name} removed.", "success")
    return _back(conversation_id)
