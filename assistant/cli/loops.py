"""Commands that run once, or again every N seconds as a background process (Procfile)."""

from __future__ import annotations

import time
from typing import Callable

import click
from flask import current_app

from assistant.extensions import db

EVERY = click.option("--every", type=click.IntRange(min=0), default=0,
                     help="repeat every N seconds (0: once)")


def repeat(every: int, step: Callable[[], None]) -> None:
    """Run ``step`` once, or every ``every`` seconds, each time in a fresh session.

    When repeating, a round that fails (the database briefly away, a locked row ...) is
    logged and rolled back, and the next round comes as usual: one error never ends the
    process (the supervisor would restart it, losing the round).
    """
    while True:
        try:
            step()
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


def _roll_back() -> None:
    """End the failed round's transaction; a dead connection is replaced next round."""
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the session is discarded right after anyway
        current_app.logger.exception("rollback failed")
