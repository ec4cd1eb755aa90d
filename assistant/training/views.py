"""Trainer pages: review inbox, annotation, test stories, training runs, models, audit log."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import requests
from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from assistant.extensions import db
from assistant.job_lock import LockTimeout
from assistant.models import Message, MessageReview, ReviewOutcome, Role, TrainingRun
from assistant.rasa import current_rasa
from assistant.records import audit
from assistant.training import pipeline, shared_files
from assistant.training.audit_text import action_text, details_text
from assistant.training.evaluation import compare
from assistant.training.forms import AnnotationForm, InboxFilterForm, TrainingForm
from assistant.training.inbox import REASONS, in_inbox, inbox, prediction_for
from assistant.training.markup import AnnotationError, Span, example_line
from assistant.training.nlu_files import (
    YamlFile,
    add_example,
    add_intent,
    editing,
    known_intents,
)
from assistant.training.stories import save_test_story, steps_from_tracker
from assistant.training.workspace import workspace
from assistant.web.auth import roles_required
from assistant.web.forms import ActionForm
from nlu.language import detect_language
from nlu.segmentation import split_words

blueprint = Blueprint("training", __name__, url_prefix="/console/training",
                      template_folder="templates")
TRAINER_ROLES = (Role.TRAINER, Role.ADMIN)


@blueprint.before_request
def pull_training_data() -> None:
    """The pages read the files as every host's trainers left them (SHA-256 compared first)."""
    shared_files.pull(workspace())


@blueprint.get("/")
@roles_required(*TRAINER_ROLES)
def review_inbox() -> str:
    """Messages worth a look: unsure or not understood, unhappy or handed-off chats."""
    form = InboxFilterForm(request.args)
    items = inbox(form.reason.data or "", form.language.data or "", form.q.data or "",
                  bool(form.reviewed.data))
    return render_template("training/inbox.html", form=form, items=items, reasons=REASONS)


def _message(message_id: int) -> Message:
    """A message of the review inbox; any other id is not found."""
    message = db.session.get(Message, message_id)
    if message is None or not in_inbox(message):
        abort(404)
    return message


def _spans(raw: str) -> list[Span]:
    try:
        return [Span(int(s["start"]), int(s["end"]), str(s["entity"])) for s in json.loads(raw)]
    except (ValueError, TypeError, KeyError) as error:
        raise AnnotationError("the entity marks are not readable") from error


def _save_annotation(message: Message, form: AnnotationForm) -> str:
    """Write the example (and its new intent) in one locked edit: all of it or nothing."""
    space = workspace()
    intent = (form.new_intent.data or "").strip() or form.intent.data or ""
    spans = _spans(form.spans.data or "[]")
    example_line(message.text, spans)  # refused before anything is read for writing
    with editing(space.root, current_user):  # the files, audit events and review together
        if form.new_intent.data:
            add_intent(space.domain, space.rules, intent,
                       {"en": form.answer_en.data or "", "th": form.answer_th.data or ""})
            audit.record(current_user, "intent added", intent)
        elif intent not in known_intents(space.domain):
            raise AnnotationError(f"unknown intent {intent!r}")
        path, line = add_example(space.data, form.folder.data or "en", intent, message.text,
                                 spans)
        audit.record(current_user, "example added", space.relative(path), intent=intent,
                     example=line, message=message.id)
        db.session.add(MessageReview(message_id=message.id, user_id=current_user.id,
                                     outcome=ReviewOutcome.ANNOTATED, intent=intent))
    return f"Saved to {space.relative(path)}: {line}"


@blueprint.route("/messages/<int:message_id>", methods=["GET", "POST"])
@roles_required(*TRAINER_ROLES)
def annotate(message_id: int) -> Any:
    """Choose the right intent (or a new one) and mark entities; written to nlu_data/."""
    message = _message(message_id)
    space = workspace()
    form = AnnotationForm()
    intents = known_intents(space.domain)
    form.intent.choices = [(name, name) for name in intents]
    guess = detect_language(message.text)
    if request.method == "GET":
        form.folder.data = "mixed" if guess and guess.mixed else (guess.language if guess
                                                                  else "en")
        predicted, _ = prediction_for(message)
        if predicted in intents:  # a quick Save confirms the prediction, not the first intent
            form.intent.data = predicted
    status = 200
    if form.validate_on_submit():
        try:
            flash(_save_annotation(message, form), "info")
            return redirect(url_for("training.review_inbox"))
        except (AnnotationError, LockTimeout) as error:
            db.session.rollback()
            flash(f"Not saved: {error}", "error")
            status = 400
    elif request.method == "POST":
        flash("Not saved: please correct the marked fields.", "error")
        status = 400
    review = db.session.scalar(select(MessageReview).where(MessageReview.message_id == message.id))
    entities = known_entities(space.domain)
    return render_template("training/annotate.html", message=message, form=form,
                           tokens=split_words(message.text), context=message.conversation.messages,
                           review=review,
                           entities=entities, action=ActionForm()), status


def known_entities(domain_file: Path) -> list[str]:
    """Entities trainers may mark (the domain's, without the technical ones)."""
    names = [next(iter(item)) if isinstance(item, dict) else str(item)
             for item in YamlFile(domain_file).data.get("entities") or []]
    return [name for name in names
            if name not in ("language", "article_id", "satisfaction_level")]


@blueprint.post("/messages/<int:message_id>/dismiss")
@roles_required(*TRAINER_ROLES)
def dismiss(message_id: int) -> Response:
    """Mark as reviewed without adding it to the training data."""
    message = _message(message_id)
    if ActionForm().validate_on_submit() and db.session.scalar(
            select(MessageReview).where(MessageReview.message_id == message.id)) is None:
        db.session.add(MessageReview(message_id=message.id, user_id=current_user.id,
                                     outcome=ReviewOutcome.DISMISSED))
        db.session.commit()
    return redirect(url_for("training.review_inbox"))


@blueprint.post("/conversations/<conversation_id>/story")
@roles_required(*TRAINER_ROLES)
def make_story(conversation_id: str) -> Response:
    """Turn the conversation, as Rasa tracked it, into a test story."""
    if not ActionForm().validate_on_submit():
        abort(400)
    rasa = current_rasa()
    corrected = {m.text: str(r.intent) for m, r in db.session.execute(
        select(Message, MessageReview).join(MessageReview, MessageReview.message_id == Message.id)
        .where(Message.conversation_id == conversation_id, MessageReview.intent.is_not(None)))}
    space = workspace()
    name = f"conversation {conversation_id[:8]}"
    try:
        events = rasa.tracker(conversation_id).get("events") or []
        with editing(space.root, current_user):  # the story and its audit event together
            path = save_test_story(space, name, steps_from_tracker(events, corrected))
            audit.record(current_user, "test story added", path, story=name,
                         conversation=conversation_id)
    except (requests.RequestException, ValueError, LockTimeout) as error:
        db.session.rollback()
        flash(f"No test story made: {error}", "error")
    else:
        flash(f"Test story “{name}” added to {path}.", "info")
    return redirect(request.referrer or url_for("training.review_inbox"))


@blueprint.get("/runs")
@roles_required(*TRAINER_ROLES)
def runs() -> str:
    """Training runs, newest first, and the models kept for rollback."""
    space = workspace()
    history = list(db.session.scalars(select(TrainingRun).order_by(TrainingRun.id.desc())
                                      .limit(30)))
    return render_template("training/runs.html", runs=history, models=pipeline.models(space),
                           active=pipeline.active_model(space), form=TrainingForm(),
                           action=ActionForm(), margin=pipeline.margin())


@blueprint.post("/runs")
@roles_required(*TRAINER_ROLES)
def start_run() -> Response:
    """Validate, train, evaluate and gate in the background."""
    if not TrainingForm().validate_on_submit():
        abort(400)
    try:
        run = pipeline.start(current_user)
    except pipeline.TrainingError as error:
        flash(str(error), "error")
        return redirect(url_for("training.runs"))
    return redirect(url_for("training.run", run_id=run.id))


@blueprint.get("/runs/<int:run_id>")
@roles_required(*TRAINER_ROLES)
def run(run_id: int) -> str:
    """A run's progress, its evaluation side by side with the active model, and the gate."""
    found = db.get_or_404(TrainingRun, run_id)
    evaluation = found.evaluation or {}
    changes = compare(evaluation.get("baseline") or {}, evaluation.get("candidate") or {})
    return render_template("training/run.html", run=found, changes=changes,
                           evaluation=evaluation)


@blueprint.post("/models/<name>/activate")
@roles_required(*TRAINER_ROLES)
def activate(name: str) -> Response:
    """Serve an earlier (or any kept) model: rollback without a restart."""
    if not ActionForm().validate_on_submit():
        abort(400)
    space = workspace()
    model = next((m for m in pipeline.models(space) if m.name == name), None)
    if model is None:
        abort(404)
    try:
        pipeline.activate(model, current_user)
        flash(f"{name} is now active.", "info")
    except pipeline.TrainingError as error:
        flash(str(error), "error")
    return redirect(url_for("training.runs"))


@blueprint.get("/audit")
@roles_required(*TRAINER_ROLES)
def audit_log() -> str:
    """Who changed which example, intent, story, article or model, and when."""
    return render_template("training/audit.html", events=audit.recent(),
                           action_text=action_text, details_text=details_text)
