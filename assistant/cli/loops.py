"""Commands that run once, or again every N seconds as a background process (Procfile).

A repeating job that several hosts run takes its lock first (``assistant/job_lock.py``):
one host runs each round, the others skip it.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Callable, Optional

import click
from flask import current_app

from assistant import job_lock
from assistant.extensions import db
from assistant.models import utcnow

EVERY = click.option("--every", type=click.IntRange(min=0), default=0,
                     help="repeat every N seconds (0: once)")
# A round another host ran less than this share of --every ago is not due here.
DUE_SHARE = 0.9


def repeat(every: int, step: Callable[[], None], lock: Optional[str] = None) -> None:
    """Run ``step`` once, or every ``every`` seconds, each time in a fresh session.

    With ``lock``, a round runs only while this process holds that job's lock (on
    PostgreSQL; another host holding it means this round is skipped).

    When repeating, a round that fails (the database briefly away, a locked row ...) is
    logged and rolled back, and the next round comes as usual: one error never ends the
    process (the supervisor would restart it, losing the round).
    """
    while True:
        try:
            _round(step, lock, every)
        except Exception:
            if not every:
                raise
            current_app.logger.exception("this round failed; next one in %s s", every)
            _roll_back()
        finally:
            db.session.remove()
        if not every:
            return
        time.sleep(every)


def ran_recently(last: Optional[dt.datetime], every: int) -> bool:
    """Whether a round at ``last`` (by any host) makes this one of every ``every`` s early.

    For jobs that must not run more often across hosts than on one (the probe, the
    source watch). Run once by hand (``every`` 0), a job always runs.
    """
    if last is None or not every:
        return False
    if last.tzinfo is None:  # SQLite gives back naive UTC times
        last = last.replace(tzinfo=dt.timezone.utc)
    return utcnow() - last < dt.timedelta(seconds=every * DUE_SHARE)


def _round(step: Callable[[], None], lock: Optional[str], every: int) -> None:
    if lock is None:
        step()
        return
    with job_lock.held(lock) as mine:
        if mine:
            step()
        elif every:
            current_app.logger.info("%s: another runner has this round", lock)
        else:
            click.echo(f"{lock}: another runner is at work; nothing done here")


def _roll_back() -> None:
    """End the failed round's transaction; a dead connection is replaced next round."""
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the session is discarded right after anyway
        current_app.logger.exception("rollback failed")
