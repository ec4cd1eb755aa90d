"""Retrain and gate: validate, train a candidate, compare it, activate it unless it regresses.

A run first pulls the trainers' files from the database (``shared_files``), so whichever
host's worker runs it trains on every host's edits.

A candidate is evaluated against the active model and activated only if no overall or
per-language figure drops by more than the margin. A run goes queued -> running ->
activated | refused | failed, with its current step and a log in ``TrainingRun`` (the
console shows them as they change). The console queues a run as a ``train`` job; the worker
process (``flask jobs work``) runs it, never a web process. Activation keeps the file in
``models/`` and either publishes it for every Rasa server to pull (``model_store``: the
scale-out profile, several hosts) or loads it into the running Rasa server through its HTTP
API (``PUT /model``, one machine; the newest file in ``models/`` is what ``rasa run`` loads
after a restart). Either way the old model answers until the new one is ready. Earlier
models stay, for rollback.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path
from typing import Optional

import requests
from flask import current_app
from sqlalchemy import select

from assistant import jobs
from assistant.extensions import db
from assistant.models import Job, TrainingRun, TrainingStatus, User, as_utc, utcnow
from assistant.rasa import current_rasa
from assistant.records import audit
from assistant.training import model_store, shared_files
from assistant.training.evaluation import (
    EvaluationError,
    compare,
    evaluate,
    rasa_command,
    regressions,
)
from assistant.training.workspace import Workspace, workspace

ACTIVE_STATES = (TrainingStatus.QUEUED, TrainingStatus.RUNNING)
LOG_LIMIT = 20000
# A run still "running" after this long was cut off (the service stopped): it no longer
# blocks new runs.
STALE_AFTER = dt.timedelta(hours=2)
JOB_KIND = "train"
JOB_LANE = "training"  # one training run at a time, however many workers


class TrainingError(RuntimeError):
    """A run cannot start (another one is running) or a model cannot be activated."""


def active_model(space: Workspace) -> Optional[Path]:
    """The model the Rasa servers serve, as a file in ``models/``.

    With a model server it is the published one, written to ``models/`` when this host never
    had it (trained on another host); otherwise the one the running Rasa server loaded.
    """
    if model_store.pulled():
        return model_store.local_copy(space.models)
    loaded = current_rasa().model_loaded()
    if not loaded:
        return None
    path = Path(loaded)
    if not path.is_absolute():
        path = space.models / path.name
    return path if path.exists() else None


def models(space: Workspace) -> list[Path]:
    """Trained models kept in ``models/``, newest first."""
    return sorted(space.models.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime, reverse=True)


def margin() -> float:
    """The app's gate margin in percentage points (``TRAINING_MARGIN``)."""
    return float(current_app.config["TRAINING_MARGIN"])


def start(user: Optional[User], margin_points: Optional[float] = None,
          background: bool = True) -> TrainingRun:
    """Queue a run: a ``train`` job for the worker process when ``background``, else run it here.

    The run and its job are stored in one transaction; the worker (``flask jobs work``) runs
    training jobs one at a time (lane ``training``), and runs a job again if it was killed
    during it.
    """
    points = margin() if margin_points is None else margin_points
    busy = db.session.scalar(select(TrainingRun).where(TrainingRun.status.in_(ACTIVE_STATES)))
    if busy is not None and as_utc(busy.created_at) < utcnow() - STALE_AFTER:
        busy.status = TrainingStatus.FAILED
        busy.step = "interrupted (the service stopped during the run)"
    elif busy is not None:
        raise TrainingError(f"training run {busy.id} is still {busy.status}")
    run = TrainingRun(user_id=user.id if user else None, status=TrainingStatus.QUEUED,
                      step="queued")
    db.session.add(run)
    db.session.flush()
    audit.record(user, "training started", f"run {run.id}", margin=points)
    if background:
        jobs.enqueue(JOB_KIND, {"run": run.id, "margin": points}, lane=JOB_LANE, commit=False)
    db.session.commit()
    if not background:
        execute(run.id, points)
    return run


def run_job(job: Job) -> None:
    """The worker's handler of ``train`` jobs: execute the run (again, if it was cut off)."""
    execute(int(job.payload["run"]), float(job.payload["margin"]))


class _Progress:
    """Writes a run's step and log to the database as they happen."""

    def __init__(self, run: TrainingRun) -> None:
        self.run = run

    def step(self, text: str) -> None:
        self.run.step = text
        self.log(f"== {text}")

    def log(self, text: str) -> None:
        if text:
            self.run.log = (self.run.log + text + "\n")[-LOG_LIMIT:]
            db.session.commit()


def execute(run_id: int, points: float) -> TrainingRun:
    """Validate, train, evaluate both models, gate, activate; never raises for a bad run."""
    run = db.session.get(TrainingRun, run_id)
    assert run is not None
    if run.status not in ACTIVE_STATES:
        return run  # finished already (a job run again after its end was recorded)
    space = workspace()
    progress = _Progress(run)
    if run.status == TrainingStatus.RUNNING:
        progress.log("== the previous attempt was cut off (the worker stopped); starting again")
    run.status = TrainingStatus.RUNNING
    try:
        progress.step("reading the trainers' latest files from the database")
        for path in shared_files.pull(space):
            progress.log(f"updated {path}")
        progress.step("validating the training data (rasa data validate)")
        rasa_command(["data", "validate", "--fail-on-warnings", "--data", "nlu_data",
                      "--domain", "domain.yml", "--config", "config.yml"], space.root,
                     progress.log)
        progress.step("training the candidate (rasa train)")
        candidates = space.root / "var" / "candidates"
        candidates.mkdir(parents=True, exist_ok=True)
        name = f"candidate-{run.id}-{dt.datetime.now():%Y%m%d-%H%M%S}"
        rasa_command(["train", "--data", "nlu_data", "--domain", "domain.yml", "--config",
                      "config.yml", "--out", str(candidates), "--fixed-model-name", name],
                     space.root, progress.log)
        candidate = candidates / f"{name}.tar.gz"
        run.candidate = str(candidate)
        baseline = active_model(space)
        run.baseline = str(baseline) if baseline else None
        progress.step("evaluating the candidate")
        candidate_figures = evaluate(candidate, space.root, progress.log)
        baseline_figures = {}
        if baseline is not None:
            progress.step(f"evaluating the active model {baseline.name}")
            baseline_figures = evaluate(baseline, space.root, progress.log)
        changes = compare(baseline_figures, candidate_figures)
        worse = regressions(changes, points)
        run.evaluation = {"margin": points, "candidate": candidate_figures,
                          "baseline": baseline_figures,
                          "regressions": [f"{c.suite} {c.part}: {c.baseline} -> {c.candidate}"
                                          for c in worse]}
        if worse:
            run.status, run.step = TrainingStatus.REFUSED, "refused: the candidate regresses"
        else:
            progress.step("activating the candidate")
            activate(candidate, None, run)
            run.status, run.step = TrainingStatus.ACTIVATED, "activated"
    except (EvaluationError, TrainingError, OSError) as error:
        run.status, run.step = TrainingStatus.FAILED, f"failed: {error}"
    run.finished_at = utcnow()
    audit.record(run.user, f"training {run.status}", f"run {run.id}",
                 candidate=run.candidate, baseline=run.baseline)
    db.session.commit()
    return run


def activate(model: Path, user: Optional[User], run: Optional[TrainingRun] = None) -> Path:
    """Serve ``model`` now and after restarts.

    With a model server (``model_store.pulled()``) it is published for every Rasa server to
    pull; otherwise it is loaded with ``PUT /model`` and is the newest file in ``models/``.
    """
    space = workspace()
    if not model.exists():
        raise TrainingError(f"no model file {model}")
    kept = model
    if model.parent != space.models:
        space.models.mkdir(exist_ok=True)
        kept = space.models / model.name
        shutil.move(str(model), kept)
        if run is not None:
            run.candidate = str(kept)
    os.utime(kept)  # newest: a restarted `rasa run --model models` loads it
    if model_store.pulled():
        model_store.publish(kept)  # every Rasa server pulls it within its pull interval
    else:
        try:
            current_rasa().load_model(str(kept.resolve()))
        except requests.RequestException as error:
            raise TrainingError(f"Rasa did not load {kept.name}: {error}") from error
    audit.record(user or (run.user if run else None), "model activated", kept.name,
                 run=run.id if run else None)
    db.session.commit()
    return kept
