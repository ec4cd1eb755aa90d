"""Console pages for the knowledge base: search (all roles), edit and history (trainers, admins)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from assistant.chat import articles, reviews
from assistant.console import article_preview
from assistant.console.forms import ArticleForm, KnowledgeSearchForm
from assistant.models import CHAT_ROLES, Role
from assistant.web.auth import roles_required
from knowledge import Article
from knowledge.articles import ArticleError
from knowledge.topics import TOPIC_TITLES

blueprint = Blueprint("knowledge", __name__, url_prefix="/console/knowledge",
                      template_folder="templates")
EDIT_ROLES = (Role.TRAINER, Role.ADMIN)
ENTRY_POINT = "entry point"  # after a source's URL: its home page is the service itself


def article_or_404(article_id: str) -> Article:
    """The article with this id as the files are now; 404 when there is none."""
    article = articles.knowledge_base().get(article_id)
    if article is None:
        abort(404)
    return article


@blueprint.get("/")
@roles_required(*CHAT_ROLES, Role.TRAINER)
def index() -> str:
    """Search the articles in English or Thai; list them all without a query."""
    form = KnowledgeSearchForm(request.args)
    found = articles.search(form.q.data or "", limit=20)
    due = {item.article.id for item in reviews.needing_review()}
    return render_template("console/knowledge_index.html", form=form, found=found,
                           topics=TOPIC_TITLES, due=due,
                           can_edit=current_user.role in EDIT_ROLES)


def _source(line: str) -> dict[str, Any]:
    """A source line: "title | url", and "| entry point" when the home page is the service."""
    parts = [part.strip() for part in line.split("|")]
    entry_point = len(parts) > 2 and parts[-1] == ENTRY_POINT
    if entry_point:
        parts = parts[:-1]
    url = parts[-1]
    return {"title": " | ".join(parts[:-1]) or url, "url": url,
            **({"entry_point": True} if entry_point else {})}


def _draft(form: ArticleForm) -> articles.ArticleDraft:
    def listed(raw: str | None) -> list[str]:
        return [item.strip() for item in (raw or "").split(",") if item.strip()]

    sources = [_source(line) for line in (form.sources.data or "").splitlines() if line.strip()]
    return articles.ArticleDraft(
        title={"en": form.title_en.data or "", "th": form.title_th.data or ""},
        answer={"en": form.answer_en.data or "", "th": form.answer_th.data or ""},
        details={"en": (form.details_en.data or "").replace("\r\n", "\n"),
                 "th": (form.details_th.data or "").replace("\r\n", "\n")},
        keywords={"en": listed(form.keywords_en.data), "th": listed(form.keywords_th.data)},
        sources=sources, related=[item.strip() for item in form.related.data or []
                                  if item.strip()],
        reviewed=form.reviewed.data or dt.date.today(),
    )


def _form_data(article: Article) -> dict[str, Any]:
    draft = articles.ArticleDraft.of(article)
    data: dict[str, Any] = {"reviewed": draft.reviewed, "related": draft.related,
                            "sources": "\n".join(
                                f"{s['title']} | {s['url']}"
                                + (f" | {ENTRY_POINT}" if s.get("entry_point") else "")
                                for s in draft.sources)}
    for language in ("en", "th"):
        data[f"title_{language}"] = draft.title[language]
        data[f"answer_{language}"] = draft.answer[language]
        data[f"details_{language}"] = draft.details[language]
        data[f"keywords_{language}"] = ", ".join(draft.keywords[language])
    return data


def _related_choices(article: Article, chosen: list[str]) -> list[tuple[Article, bool]]:
    """Every other article and whether it is chosen.

    The chosen come first, in their order (the chat's buttons follow it), then the others
    by topic and title.
    """
    others = {a.id: a for a in articles.knowledge_base().articles if a.id != article.id}
    first = [others[i] for i in chosen if i in others]
    rest = sorted((a for a in others.values() if a not in first),
                  key=lambda a: (a.topic, a.title["en"]))
    return [(a, True) for a in first] + [(a, False) for a in rest]


def _edit_page(article: Article, form: ArticleForm) -> str:
    """The editor with the preview of the form as it stands."""
    return render_template("console/knowledge_edit.html", article=article, form=form,
                           preview=article_preview.preview(article, _draft(form)),
                           related=_related_choices(article, form.related.data or []),
                           topics=TOPIC_TITLES)


@blueprint.route("/<article_id>/edit", methods=["GET", "POST"])
@roles_required(*EDIT_ROLES)
def edit(article_id: str) -> Any:
    """Edit both languages, sources, related articles and the reviewed date.

    Saved only when valid; the Preview button (for browsers without script) saves nothing.
    """
    article = article_or_404(article_id)
    form = ArticleForm(data=_form_data(article)) if request.method == "GET" else ArticleForm()
    if request.method == "POST" and "preview" in request.form:
        return _edit_page(article, form)
    if form.validate_on_submit():
        try:
            articles.save_article(article, _draft(form), current_user)
        except ArticleError as error:
            flash(f"Not saved: {error}", "error")
        else:
            flash("Saved. The assistant uses the new text from the next question on.", "info")
            return redirect(url_for("knowledge.edit", article_id=article_id))
    elif request.method == "POST":
        flash("Not saved: please correct the marked fields.", "error")
    return _edit_page(article, form), 400 if request.method == "POST" else 200


@blueprint.post("/<article_id>/preview")
@roles_required(*EDIT_ROLES)
def preview(article_id: str) -> str:
    """The preview of the form as typed: the fragment the editor's script swaps in."""
    article = article_or_404(article_id)
    form = ArticleForm()
    return render_template("console/_article_preview.html",
                           preview=article_preview.preview(article, _draft(form)))


@blueprint.get("/<article_id>/history")
@roles_required(*EDIT_ROLES)
def history(article_id: str) -> str:
    """Who confirmed the article against its sources when, and who changed it when (the diff)."""
    article = article_or_404(article_id)
    changes = [(revision, articles.revision_diff(revision))
               for revision in articles.revisions(article_id)]
    return render_template("console/knowledge_history.html", article=article, changes=changes,
                           reviews=reviews.history(article_id))

