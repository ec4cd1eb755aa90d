"""The satisfaction page behind the link in answer e-mails: the five answers as buttons.

Opening the link only shows the question; a button press rates (mail scanners that open
links do not). The answer is stored like a chat rating and may be changed later. While the
offline question is not marked answered, the user may also confirm that it was.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request

from assistant.chat import conversations, offline
from assistant.chat.errors import ConversationError
from assistant.chat.satisfaction import LEVELS, level_labels, question
from assistant.mail.rating_link import conversation_for
from assistant.web.forms import ActionForm
from assistant.web.security import client_limit, limiter

blueprint = Blueprint("rating", __name__, url_prefix="/rate", template_folder="templates")
limiter.limit(client_limit)(blueprint)


@blueprint.route("/<token>", methods=["GET", "POST"])
def rate(token: str) -> Any:
    """The question with its five answers; a posted answer is stored like a chat rating."""
    conversation = conversation_for(token)
    if conversation is None:
        abort(404)
    language = conversation.language
    form, thanks, confirmed = ActionForm(), None, False
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            if request.form.get("answered") == "yes":
                offline.confirm_answered(conversation)
                confirmed = True
            else:
                thanks = conversations.rate(conversation, int(request.form.get("level", "0")),
                                            by_link=True)
        except (ConversationError, ValueError):
            abort(400)
    current = conversation.rating.level if conversation.rating else None
    return render_template("rating.html", language=language, form=form,
                           question=question(language)["text"], labels=level_labels(language),
                           levels=LEVELS, current=current, thanks=thanks, confirmed=confirmed,
                           confirmable=offline.awaits_confirmation(conversation))
