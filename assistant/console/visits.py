"""The "Visits" page: visit requests to decide and confirmed visits to come.

Staff confirm one of the user's two preferred times, propose another (a date and time in
office hours, in the future) or cancel. The page acts in place (htmx, as the conversation
page): each form posts as without JavaScript and the list is replaced by the answer's.
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import DateField, TimeField
from wtforms.validators import InputRequired

from assistant.chat import visits
from assistant.chat.errors import ConversationError
from assistant.extensions import db
from assistant.models import CHAT_ROLES, VisitRequest
from assistant.web.auth import roles_required
from assistant.web.forms import ActionForm
from common.office_hours import when
from common.thai_calendar import BANGKOK

blueprint = Blueprint("visits", __name__, url_prefix="/console/visits",
                      template_folder="templates")


class ProposeForm(FlaskForm):
    """Another time for the visit: a day and a time, Bangkok time."""

    day = DateField("Date", validators=[InputRequired()])
    time = TimeField("Time (Bangkok)", validators=[InputRequired()])


def both_languages(moment: dt.datetime) -> tuple[str, str]:
    """A visit's time in English and in Thai (B.E. year), Bangkok time."""
    return when(moment, "en"), when(moment, "th")


@blueprint.get("/")
@roles_required(*CHAT_ROLES)
def index() -> str:
    """Requests to decide, then confirmed visits to come."""
    return render_template("console/visits.html", visits=visits.upcoming(),
                           both_languages=both_languages, action_form=ActionForm(),
                           propose_form=ProposeForm())


def _visit(visit_id: int) -> VisitRequest:
    return db.get_or_404(VisitRequest, visit_id)


def _back(message: str, category: str = "error") -> Response:
    """To the list, with what happened in the status line."""
    flash(message, category)
    return redirect(url_for("visits.index"))


@blueprint.post("/<int:visit_id>/confirm/<int:slot>")
@roles_required(*CHAT_ROLES)
def confirm(visit_id: int, slot: int) -> Response:
    """Confirm the user's first (1) or second (2) preferred time."""
    visit = _visit(visit_id)
    if not ActionForm().validate_on_submit() or slot not in (1, 2):
        return _back("Please try again.")
    start = visit.slots[slot - 1]
    try:
        visits.confirm(visit, current_user, start)
    except ConversationError as error:
        return _back(error.message)
    return _back(f"Visit {visit.reference}: confirmed for {when(start, 'en')}; the user gets "
                 "the e-mail.", "success")


@blueprint.post("/<int:visit_id>/propose")
@roles_required(*CHAT_ROLES)
def propose(visit_id: int) -> Response:
    """Propose another time; the user accepts it from the e-mail."""
    visit = _visit(visit_id)
    form = ProposeForm()
    if not form.validate_on_submit() or form.day.data is None or form.time.data is None:
        return _back("Give a date and a time.")
    start = dt.datetime.combine(form.day.data, form.time.data, tzinfo=BANGKOK)
    try:
        visits.propose(visit, current_user, start)
    except ConversationError as error:
        return _back(error.message)
    return _back(f"Visit {visit.reference}: {when(start, 'en')} proposed; the user can accept "
                 "it from the e-mail.", "success")


@blueprint.post("/<int:visit_id>/cancel")
@roles_required(*CHAT_ROLES)
def cancel(visit_id: int) -> Response:
    """Cancel the request or the visit."""
    visit = _visit(visit_id)
    if not ActionForm().validate_on_submit():
        return _back("Please try again.")
    try:
        visits.cancel(visit, current_user)
    except ConversationError as error:
        return _back(error.message)
    return _back(f"Visit {visit.reference}: cancelled; the user is told.", "success")
