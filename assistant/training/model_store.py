"""The accepted model, kept in the database for the Rasa servers of every host to pull.

With a model server (``MODEL_SERVER_TOKEN`` set: the scale-out profile, several hosts) an
accepted model is published here and each Rasa server pulls it from ``GET /api/model``
(``models:`` in ``endpoints.scale.yml``): nobody pushes a file path to a server, and a
server that was down loads the accepted model when it starts. One row holds the newest;
earlier models stay in ``models/`` of the host that trained them, for rollback.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Optional

from flask import current_app
from sqlalchemy import delete, select

from assistant.extensions import db
from assistant.models import PublishedModel


def pulled() -> bool:
    """True when the Rasa servers pull the accepted model from the service."""
    return bool(current_app.config["MODEL_SERVER_TOKEN"])


def publish(model: Path) -> PublishedModel:
    """Make ``model`` the one the Rasa servers pull (replacing the previous one)."""
    data = model.read_bytes()
    db.session.execute(delete(PublishedModel))
    published = PublishedModel(name=model.name, sha256=hashlib.sha256(data).hexdigest(),
                               data=data)
    db.session.add(published)
    db.session.flush()
    return published


def published() -> Optional[PublishedModel]:
    """The accepted model (its bytes are read only when used), or None before the first."""
    return db.session.scalar(select(PublishedModel).order_by(PublishedModel.id.desc()).limit(1))


def local_copy(folder: Path) -> Optional[Path]:
    """The accepted model as a file in ``folder`` (written there if missing), or None.

    A model's file name is unique (trained models are named by run and time), so a file of
    that name is that model.
    """
    model = published()
    if model is None:
        return None
    path = folder / model.name
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.partial")
        partial.write_bytes(model.data)
        partial.replace(path)
    return path
