"""Console pages for article reviews: the "Needs review" queue and confirming an article."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from assistant.chat import reviews
from assistant.console.forms import ReviewForm
from assistant.console.knowledge import EDIT_ROLES, article_or_404
from assistant.web.auth import roles_required
from common.thai_calendar import bangkok_today, english_date
from knowledge.articles import ArticleError
from knowledge.topics import TOPIC_TITLES

blueprint = Blueprint("reviews", __name__, url_prefix="/console/knowledge",
                      template_folder="templates")


@blueprint.get("/needs-review")
@roles_required(*EDIT_ROLES)
def queue() -> str:
    """Articles due for review with their reasons, the longest unreviewed first."""
    return render_template("console/needs_review.html", due=reviews.needing_review(),
                           form=ReviewForm(), topics=TOPIC_TITLES,
                           interval=reviews.REVIEW_INTERVAL_DAYS)


@blueprint.post("/<article_id>/review")
@roles_required(*EDIT_ROLES)
def confirm(article_id: str) -> Response:
    """Confirm the article reviewed against its sources today (with the optional note)."""
    article = article_or_404(article_id)
    form = ReviewForm()
    if not form.validate_on_submit():
        flash("Not confirmed: " + "; ".join(e for errors in form.errors.values()
                                            for e in errors), "error")
    else:
        try:
            reviews.confirm(article, current_user, form.note.data or "")
        except ArticleError as error:
            flash(f"Not confirmed: {error}. Correct the article in the editor first.", "error")
        else:
            flash(f"Confirmed “{article.title['en']}”: the assistant now says “Last reviewed: "
                  f"{english_date(bangkok_today())}”.", "info")
    return redirect(url_for("reviews.queue"))
