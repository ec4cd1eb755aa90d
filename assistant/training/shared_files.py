"""The training data trainers change, kept in the database so that every host has it.

Each file trainers changed in the console (``nlu_data/...``, ``domain.yml``,
``tests/stories/...``) is stored whole in ``training_files``; the files on a host's disk are
a cache of those rows laid over the release's checkout. :func:`pull` brings a host's disk up
to date (the console's training pages before they read it, a training run before it
validates); an edit (``nlu_files.editing``) holds :func:`editing_lock` across hosts, pulls,
and stores what it changed with :func:`push` before it renames the files on disk.

A release folds the stored files into git: :func:`export` writes them into the release's
checkout (refusing a file the release changed too since the stored copy was made from it:
``base_sha256``), the release is committed and deployed, then :func:`clear` drops the rows
the release now holds. See docs/operations.md, "The training data".
"""

from __future__ import annotations

import hashlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Mapping, Optional

from sqlalchemy import delete, select

from assistant import job_lock
from assistant.extensions import db
from assistant.models import TrainingFile, User, utcnow
from assistant.training import disk
from assistant.training.workspace import Workspace

EDIT_LOCK = "training-data"  # the advisory lock of every edit, on every host
EDIT_WAIT_SECONDS = 30.0  # an edit waits this long for another host's edit to end


def sha256(text: Optional[str]) -> Optional[str]:
    """The SHA-256 (hex) of ``text`` as UTF-8; None for no file."""
    return None if text is None else hashlib.sha256(text.encode()).hexdigest()


def _file(root: Path, path: str) -> Path:
    """The file of stored ``path`` under ``root`` (a path leading out of it is refused)."""
    found = (root / path).resolve()
    if not found.is_relative_to(root.resolve()):
        raise ValueError(f"stored training file {path!r} is outside {root}")
    return found


def _differing(root: Path) -> list[str]:
    """The stored files whose text differs from ``root``'s copy (SHA-256 compared)."""
    return [path for path, stored in db.session.execute(
        select(TrainingFile.path, TrainingFile.sha256))
        if sha256(disk.read_text(_file(root, path))) != stored]


def pull(space: Workspace) -> list[str]:
    """Write every stored file whose text differs from the disk copy; their paths.

    Nothing differs (the usual case): no lock is taken and nothing is written.
    """
    if not _differing(space.root):
        return []
    with disk.locked(space.root):  # again under the lock: an edit may have just written
        paths = _differing(space.root)
        disk.write_all({_file(space.root, path): text for path, text in db.session.execute(
            select(TrainingFile.path, TrainingFile.text).where(TrainingFile.path.in_(paths)))})
    return sorted(paths)


@contextmanager
def editing_lock() -> Iterator[None]:
    """One edit of the training data at a time, across hosts (waits; see ``job_lock``)."""
    with job_lock.waited(EDIT_LOCK, EDIT_WAIT_SECONDS):
        yield


def push(space: Workspace, texts: Mapping[Path, str], user: Optional[User]) -> None:
    """Store the new ``texts`` ({file: text}) of the workspace; the caller commits.

    A file stored for the first time keeps the SHA-256 of its copy on disk then (the
    release's, as the edit has not renamed it yet) as its base.
    """
    for path, text in texts.items():
        name = path.resolve().relative_to(space.root.resolve()).as_posix()
        row = db.session.get(TrainingFile, name, populate_existing=True)
        if row is None:
            row = TrainingFile(path=name, base_sha256=sha256(disk.read_text(path)),
                               revision=0)
            db.session.add(row)
        if row.text == text:
            continue
        row.text, row.sha256, row.revision = text, str(sha256(text)), row.revision + 1
        row.updated_at, row.updated_by_id = utcnow(), user.id if user else None


def stored() -> list[TrainingFile]:
    """Every stored file, by path."""
    return list(db.session.scalars(select(TrainingFile).order_by(TrainingFile.path)))


@dataclass
class Export:
    """What :func:`export` did: files written, already there, and refused (both changed)."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)


def export(target: Path, force: bool = False) -> Export:
    """Write the stored files into the checkout at ``target``; commits the new bases.

    A file is written where the checkout still has the text the stored copy was made from
    (its base); where the checkout changed it too, it is a conflict and left alone unless
    ``force``. Each written (or already equal) file's base becomes its stored text: the
    release committed from ``target`` holds it, and :func:`clear` may drop it once deployed.
    """
    done, texts = Export(), {}
    with editing_lock(), disk.locked(target):
        for row in stored():
            now = sha256(disk.read_text(_file(target, row.path)))
            if now == row.sha256:
                done.unchanged.append(row.path)
            elif now == row.base_sha256 or force:
                texts[_file(target, row.path)] = row.text
                done.written.append(row.path)
            else:
                done.conflicts.append(row.path)
                continue
            row.base_sha256 = row.sha256
        with disk.replacing(texts):
            db.session.commit()
    return done


def clear() -> list[str]:
    """Drop the stored files a release holds (exported, not changed since); their paths."""
    folded = select(TrainingFile.path).where(TrainingFile.base_sha256 == TrainingFile.sha256)
    with editing_lock():  # no edit lands between the choice and the delete
        paths = sorted(db.session.scalars(folded))
        db.session.execute(delete(TrainingFile).where(TrainingFile.path.in_(paths)))
        db.session.commit()
    return paths
