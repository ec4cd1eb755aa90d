"""The page behind the accept link of a proposal e-mail: the proposed visit and one button.

Opening the link only shows the proposal; the button accepts it (mail scanners that open
links do not). Accepting confirms the visit and queues the confirmation e-mail with the .ics.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template

from assistant.chat import visits
from assistant.chat.errors import ConversationError
from assistant.web.forms import ActionForm
from assistant.web.security import client_limit, limiter
from common.thai_calendar import spelled_moment

blueprint = Blueprint("visit", __name__, url_prefix="/visit", template_folder="templates")
limiter.limit(client_limit)(blueprint)


@blueprint.route("/<token>", methods=["GET", "POST"])
def accept(token: str) -> str:
    """The proposed time with an "Accept" button; a press confirms the visit."""
    visit = visits.by_accept_token(token)
    if visit is None or visit.start_at is None:
        abort(404)
    form, accepted, error = ActionForm(), False, None
    if form.is_submitted():
        if not form.validate_on_submit():
            abort(400)
        try:
            visits.accept(visit)
            accepted = True
        except ConversationError as refused:
            error = refused.code
    return render_template("visit.html", visit=visit, form=form, accepted=accepted,
                           error=error, language=visit.language,
                           when=spelled_moment(visit.start_at, visit.language),
                           address=current_app.config["CENTER_ADDRESS"])
