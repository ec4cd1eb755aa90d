"""``flask probe``: the availability probe (a look at the service every minute, stored).

``--url`` (``PROBE_URL``; default ``PUBLIC_URL``, itself by default
``http://127.0.0.1:$PORT``) is the service as its users reach it.
"""

from __future__ import annotations

from typing import Optional

import click
from flask import current_app
from flask.cli import with_appcontext

from assistant.chat import probe as availability
from assistant.cli.loops import EVERY, repeat


@click.command("probe")
@click.option("--url", envvar="PROBE_URL", help="the service to look at (default: PUBLIC_URL)")
@EVERY
@with_appcontext
def probe(url: Optional[str], every: int) -> None:
    """Check /api/health and one real question end to end; store the result."""
    base_url = url or str(current_app.config["PUBLIC_URL"])

    def step() -> None:
        result = availability.look(base_url)
        if not result.ok or not every:
            answered = f" (answer in {result.latency_ms} ms)" if result.latency_ms else ""
            said = "ok" if result.ok else f"FAILED {result.failed_part}: {result.detail}"
            click.echo(said + answered)
    repeat(every, step)
