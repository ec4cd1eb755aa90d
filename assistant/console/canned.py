"""Console pages for canned answers: admins manage them, staff find and insert them.

``flask canned seed`` adds a few suggested bilingual answers whose codes are still free.
"""

from __future__ import annotations

from typing import Any, Optional

import click
from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from assistant.chat import canned
from assistant.console.canned_forms import CannedAnswerForm
from assistant.extensions import db
from assistant.models import CHAT_ROLES, CannedAnswer, Conversation, Role
from assistant.web.auth import roles_required
from assistant.web.forms import ActionForm

blueprint = Blueprint("canned", __name__, url_prefix="/console/canned",
                      template_folder="templates", cli_group="canned")
QUERY_LENGTH = 100


@blueprint.get("/")
@roles_required(Role.ADMIN)
def index() -> str:
    """Every canned answer by code, with its usage count and when it was last edited."""
    answers = db.session.scalars(select(CannedAnswer).order_by(CannedAnswer.code)).all()
    return render_template("console/canned_index.html", answers=answers)


@blueprint.route("/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new() -> Any:
    """Create a canned answer."""
    return _save(CannedAnswerForm(), None)


@blueprint.route("/<int:answer_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit(answer_id: int) -> Any:
    """Change a canned answer's code, title or texts."""
    answer = db.get_or_404(CannedAnswer, answer_id)
    return _save(CannedAnswerForm(obj=answer), answer)


def _save(form: CannedAnswerForm, answer: Optional[CannedAnswer]) -> Any:
    """Validate and save (new when ``answer`` is None); the form again with errors if not."""
    if form.validate_on_submit():
        taken = canned.code_taken(form.code.data or "", answer.id if answer else None)
        if taken is None:
            fields = form.answer_fields()
            if answer is None:
                canned.create(fields, current_user)
            else:
                canned.edit(answer, fields, current_user)
            flash(f"Saved /{fields['code']}.", "info")
            unknown = canned.unknown_variables(fields["text_en"], fields["text_th"])
            if unknown:
                flash("Not a known variable, so it stays as written: "
                      + ", ".join(f"{{{name}}}" for name in unknown) + ". Known variables: "
                      + ", ".join(f"{{{name}}}" for name in canned.VARIABLES) + ".", "warning")
            return redirect(url_for("canned.index"))
        form.code.errors.append(f"/{taken.code} is already the code of “{taken.title}”.")
    if request.method == "POST":
        flash("Not saved: please correct the marked fields.", "error")
    page = render_template("console/canned_edit.html", form=form, answer=answer,
                           action=ActionForm(), variables=canned.VARIABLES)
    return page, 400 if request.method == "POST" else 200


@blueprint.post("/<int:answer_id>/delete")
@roles_required(Role.ADMIN)
def delete(answer_id: int) -> Response:
    """Delete a canned answer (the audit log keeps its texts)."""
    answer = db.get_or_404(CannedAnswer, answer_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    code = answer.code
    canned.delete(answer, current_user)
    flash(f"Deleted /{code}.", "info")
    return redirect(url_for("canned.index"))


@blueprint.get("/search.json")
@roles_required(*CHAT_ROLES)
def search_json() -> Any:
    """Answers matching ``q``, rendered for the chat given as ``conversation``, best first."""
    chat = db.session.get(Conversation, request.args.get("conversation", ""))
    if chat is None:
        return jsonify(error="No conversation with this id."), 404
    found = canned.search(request.args.get("q", "")[:QUERY_LENGTH])
    return jsonify(language=chat.language, any=bool(found) or canned.any_answer(), answers=[
        {"id": answer.id, "code": answer.code, "title": answer.title,
         "text": canned.render(answer, chat, current_user)} for answer in found])


@blueprint.post("/<int:answer_id>/used")
@roles_required(*CHAT_ROLES)
def used(answer_id: int) -> Any:
    """Count one use: the reply box calls this when a reply with the answer in it is sent."""
    count = canned.count_usage(answer_id)
    if count is None:
        abort(404)
    return jsonify(id=answer_id, usage_count=count)


@blueprint.cli.command("seed")
@click.option("--once", is_flag=True,
              help="Only if this database never had them (what `make migrate` runs), so "
                   "answers an admin deleted stay deleted.")
def seed(once: bool) -> None:
    """Add the suggested canned answers (greeting, hold, office hours, ...) that are missing."""
    if once and canned.ever_seeded():
        click.echo("canned answers were seeded before: nothing added")
        return
    added = canned.seed()
    for code in added:
        click.echo(f"added /{code}")
    click.echo(f"{len(added)} canned answer(s) added")
