"""``flask visits remind``: the reminder e-mail the day before each confirmed visit.

The ``reminders`` process of both Procfiles runs it every 10 minutes; each visit gets its
reminder once (``assistant.chat.visits.send_reminders``), whatever runs it.
"""

from __future__ import annotations

import click
from flask.cli import AppGroup

from assistant.chat import visits as store
from assistant.cli.loops import EVERY, repeat


@click.group(cls=AppGroup)
def visits() -> None:
    """Visits to the center."""


@visits.command("remind")
@EVERY
def remind(every: int) -> None:
    """Queue the reminder (with the .ics) of each confirmed visit of tomorrow, once."""
    def step() -> None:
        queued = store.send_reminders()
        if queued or not every:
            click.echo(f"queued {queued} visit reminder(s)")
    repeat(every, step)
