"""``flask jobs ...``: the worker process that runs long work off the request path."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from assistant import jobs as queue
from assistant.channels import line_webhook
from assistant.cli.loops import EVERY, repeat
from assistant.training import pipeline

# What the worker runs, by job kind.
HANDLERS: dict[str, queue.Handler] = {
    pipeline.JOB_KIND: pipeline.run_job,
    line_webhook.JOB_KIND: line_webhook.handle_job,
}


@click.group(cls=AppGroup)
def jobs() -> None:
    """Background jobs (training runs, LINE events) kept in the jobs table."""


@jobs.command("work")
@EVERY
def work(every: int) -> None:
    """Run queued jobs (and jobs a stopped worker left), until none is left; then wait."""
    name = queue.worker_name()

    def step() -> None:
        ran = queue.work(HANDLERS, name)
        if ran or not every:
            click.echo(f"ran {ran} job(s)")
    repeat(every, step)
