"""The ``flask`` commands of the service, one module per command group.

``flask users ...``, ``flask privacy ...``, ``flask conversations ...``, ``flask mail ...``,
``flask report``, ``flask demo-data``, ``flask training ...``, ``flask jobs work`` (the
worker), ``flask knowledge watch`` (the source watch), ``flask probe`` (the availability
probe), ``flask visits remind`` (reminders of visits to the center) (``flask canned seed``
comes with the console's canned-answers blueprint, ``flask db ...`` with Flask-Migrate).
"""

from __future__ import annotations

from flask import Flask

from assistant.cli.accounts import users
from assistant.cli.housekeeping import conversations, mail
from assistant.cli.jobs import jobs
from assistant.cli.knowledge import knowledge
from assistant.cli.privacy import privacy
from assistant.cli.probe import probe
from assistant.cli.reports import demo_data, report
from assistant.cli.training import training
from assistant.cli.visits import visits

COMMANDS = (users, privacy, conversations, mail, report, demo_data, training, jobs,
            knowledge, probe, visits)


def register(app: Flask) -> None:
    """Add the service's commands to ``app``'s CLI."""
    for command in COMMANDS:
        app.cli.add_command(command)
