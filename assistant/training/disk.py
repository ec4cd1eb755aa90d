"""The workspace on disk: its lock, and files replaced all together or not at all.

The lock is ``fcntl.flock`` on ``.training.lock`` in the workspace: it excludes the other
threads and processes of this host (across hosts, see ``shared_files``). A thread that holds
it may take it again (the inner block joins the outer one). A write puts every new text in a
temporary file next to its file (flushed, the old file's mode), then renames each over the
old one and flushes the folders: a reader sees each file whole, before or after.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Mapping

LOCK_FILE = ".training.lock"
NEW_FILE_MODE = 0o644

_held = threading.local()


@contextmanager
def locked(root: Path) -> Iterator[None]:
    """Hold the lock of the workspace at ``root`` for the block (waits for it)."""
    key = root.resolve()
    roots: set[Path] = _held.__dict__.setdefault("roots", set())
    if key in roots:
        yield
        return
    with open(key / LOCK_FILE, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        roots.add(key)
        try:
            yield
        finally:
            roots.discard(key)
            fcntl.flock(lock, fcntl.LOCK_UN)


def _temporary_copy(path: Path, text: str) -> Path:
    """``text`` in a new file next to ``path`` (flushed to disk, ``path``'s mode)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o7777 if path.exists() else NEW_FILE_MODE
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(name, mode)
    except BaseException:
        os.unlink(name)
        raise
    return Path(name)


@contextmanager
def replacing(texts: Mapping[Path, str]) -> Iterator[None]:
    """Write ``texts`` ({file: new text}) when the block succeeds; nothing if it fails.

    Every temporary file is written before the block runs (a full disk fails here, before
    the block did anything); the renames follow the block.
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for path, text in texts.items():
            staged.append((_temporary_copy(path, text), path))
        yield
    except BaseException:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise
    for temporary, path in staged:
        os.replace(temporary, path)
    for folder in {path.parent for _, path in staged}:  # the renames, on disk
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def write_all(texts: Mapping[Path, str]) -> None:
    """Replace every file of ``texts`` ({file: new text}) with its new text."""
    with replacing(texts):
        pass


def read_text(path: Path) -> str | None:
    """The file's text, or None when there is no such file."""
    try:
        return path.read_text("utf-8")
    except FileNotFoundError:
        return None
