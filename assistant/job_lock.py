"""One runner at a time across hosts: a PostgreSQL advisory lock per periodic job.

Several hosts run the same background processes (closer, mailer, retention, probe, source
watch). Each round first takes the job's session advisory lock
(``pg_try_advisory_lock`` on a key derived from the job's name, the same on every host):
the host that gets it runs the round, any other skips that round and tries again at its
next one. The lock is held on a connection of its own, outside the round's transactions
(which commit as they go), and released at the end of the round; a runner that dies
releases it with its connection, so another host takes over at its next round.

On SQLite (one machine, one process of each kind) there is nothing to share: the lock is
always granted. The job worker needs no lock: it claims each job row with a conditional
``UPDATE`` (``assistant/jobs.py``), so several workers share the jobs. See
docs/operations.md, "Background jobs across hosts".

:func:`waited` is the blocking kind, for work that must happen rather than be skipped (an
edit of the shared training data): it waits for the lock, up to a timeout.
"""

from __future__ import annotations

import hashlib
from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError

from assistant.extensions import db

LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's error code when lock_timeout ran out


def lock_key(name: str) -> int:
    """The advisory lock key of job ``name``: a signed 64-bit number, stable across hosts."""
    digest = hashlib.sha256(f"bangkok-expat-assistant:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextmanager
def held(name: str) -> Iterator[bool]:
    """Whether this process got job ``name``'s lock (False: another runner has it now).

    The lock is released when the block ends, whatever happens in it.
    """
    if db.engine.dialect.name != "postgresql":
        yield True
        return
    key = lock_key(name)
    connection = db.engine.connect()
    got = False
    try:
        got = bool(connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}))
        connection.commit()  # a session lock outlives the transaction; nothing stays open
        yield got
    finally:
        if got:
            _release(connection, key)
        connection.close()


class LockTimeout(RuntimeError):
    """Another host held the lock for longer than the caller would wait."""


@contextmanager
def waited(name: str, timeout_seconds: float) -> Iterator[None]:
    """Hold lock ``name`` for the block, waiting for it up to ``timeout_seconds``.

    ``pg_advisory_lock`` waits; ``lock_timeout``, set for this transaction only (so the
    pooled connection keeps its default), makes PostgreSQL give up after the timeout, raised
    here as :class:`LockTimeout`. On SQLite the block runs at once, as with :func:`held`.
    """
    if db.engine.dialect.name != "postgresql":
        yield
        return
    key = lock_key(name)
    connection = db.engine.connect()
    try:
        try:
            connection.execute(text("SELECT set_config('lock_timeout', :wait, true)"),
                               {"wait": f"{max(1, round(timeout_seconds * 1000))}ms"})
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
            connection.commit()  # the session lock stays; the timeout setting ends here
        except OperationalError as error:
            connection.rollback()
            if getattr(error.orig, "sqlstate", None) != LOCK_NOT_AVAILABLE:
                raise
            raise LockTimeout(f"{name} stayed locked for {timeout_seconds:g} s (busy elsewhere): "
                              "try again") from error
        try:
            yield
        finally:
            _release(connection, key)
    finally:
        connection.close()


def _release(connection: Connection, key: int) -> None:
    """Unlock; if that fails the connection is discarded, which ends the lock too."""
    try:
        connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
        connection.commit()
    except Exception:  # noqa: BLE001 - never back into the pool still holding the lock
        connection.invalidate()
