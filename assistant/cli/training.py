"""``flask training ...``: retrain and gate from the command line, list models, roll back."""

from __future__ import annotations

from typing import Optional

import click
from flask.cli import AppGroup

from assistant.extensions import db
from assistant.models import TrainingStatus
from assistant.training import model_store, pipeline
from assistant.training.workspace import workspace


@click.group(cls=AppGroup)
def training() -> None:
    """Retrain, evaluate, gate, activate and roll back models."""


@training.command("run")
@click.option("--margin", type=float, default=None,
              help="largest drop (percentage points) a candidate may show "
                   "(default: TRAINING_MARGIN, 2)")
def run(margin: Optional[float]) -> None:
    """Validate, train, evaluate against the active model; activate unless it regresses."""
    try:
        result = pipeline.start(None, margin_points=margin, background=False)
    except pipeline.TrainingError as error:
        raise click.ClickException(str(error)) from error
    click.echo(result.log)
    for line in (result.evaluation or {}).get("regressions", []):
        click.echo(f"regression: {line}")
    click.echo(f"run {result.id}: {result.status} ({result.step})")
    if result.status != TrainingStatus.ACTIVATED:
        raise SystemExit(1)


@training.command("models")
def models() -> None:
    """Models kept in models/, newest first; the active one is marked."""
    space = workspace()
    active = pipeline.active_model(space)
    for model in pipeline.models(space):
        click.echo(f"{'*' if active and model.name == active.name else ' '} {model.name}")


@training.command("publish")
@click.option("--once", is_flag=True, help="only when no model is published yet")
def publish(once: bool) -> None:
    """Publish the newest model in models/ for the Rasa servers to pull (a first start)."""
    if once and model_store.published() is not None:
        return
    kept = pipeline.models(workspace())
    if not kept:
        raise click.ClickException("no model in models/: train one first (make train)")
    model_store.publish(kept[0])
    db.session.commit()
    click.echo(f"{kept[0].name} is published")


@training.command("activate")
@click.argument("name")
def activate(name: str) -> None:
    """Serve the kept model NAME now (rollback), without restarting Rasa."""
    space = workspace()
    model = next((m for m in pipeline.models(space) if m.name == name), None)
    if model is None:
        raise click.ClickException(f"no model {name} in {space.models}")
    try:
        pipeline.activate(model, None)
    except pipeline.TrainingError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{name} is active")
