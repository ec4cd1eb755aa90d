"""``flask training ...``: retrain and gate, list models, roll back, the stored files.

``flask training files ...`` lists, exports and clears the trainers' files stored in the
database (``assistant.training.shared_files``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import click
from flask.cli import AppGroup

from assistant.extensions import db
from assistant.models import TrainingStatus
from assistant.training import model_store, pipeline, shared_files
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


@training.group("files")
def files() -> None:
    """The trainers' files stored in the database (every host's console edits)."""


@files.command("list")
def list_files() -> None:
    """Path, revision, last saved (when, by whom), and whether a release holds the copy."""
    for row in shared_files.stored():
        by = row.updated_by.email if row.updated_by else "-"
        state = "in a release" if row.base_sha256 == row.sha256 else "not in a release yet"
        click.echo(f"{row.path}  r{row.revision}  {row.updated_at:%Y-%m-%d %H:%M}  {by}  "
                   f"{state}")


@files.command("export")
@click.option("--to", "target", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="the checkout to write into (default: TRAINING_ROOT)")
@click.option("--force", is_flag=True,
              help="also overwrite files the checkout changed since the stored copy's base")
def export(target: Optional[Path], force: bool) -> None:
    """Write the stored files into the checkout, for a release to commit them to git."""
    done = shared_files.export(target or workspace().root, force)
    for path in done.written:
        click.echo(f"written    {path}")
    for path in done.unchanged:
        click.echo(f"unchanged  {path}")
    for path in done.conflicts:
        click.echo(f"CONFLICT   {path}: changed in the checkout and by trainers; merge by "
                   "hand (or --force, then read git diff)")
    if done.conflicts:
        raise SystemExit(1)


@files.command("clear")
def clear() -> None:
    """Drop the stored files a deployed release holds (exported, unchanged since)."""
    for path in shared_files.clear():
        click.echo(f"cleared  {path}")
