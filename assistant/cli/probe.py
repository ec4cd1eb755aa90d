"""``flask probe``: the availability probe (a look at the service every minute, stored).

``--url`` (``PROBE_URL``; default ``PUBLIC_URL``, itself by default
``http://127.0.0.1:$PORT``) is the service as its users reach it.

Across hosts there is one probe, not one per host: availability is what users see through
the load balancer (one host down while the others answer is no outage for them), and one
look per minute from every host would only repeat it. Each host's probe process takes the
probe's lock and looks only when no host looked in the last ``--every`` seconds (less a
tenth); if the host that has been looking dies, another's next round looks.
"""

from __future__ import annotations

from typing import Optional

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from assistant.chat import probe as availability
from assistant.cli.loops import EVERY, ran_recently, repeat
from assistant.extensions import db
from assistant.models import ProbeResult


@click.command("probe")
@click.option("--url", envvar="PROBE_URL", help="the service to look at (default: PUBLIC_URL)")
@EVERY
@with_appcontext
def probe(url: Optional[str], every: int) -> None:
    """Check /api/health and one real question end to end; store the result."""
    base_url = url or str(current_app.config["PUBLIC_URL"])

    def step() -> None:
        if ran_recently(db.session.scalar(select(func.max(ProbeResult.checked_at))), every):
            return
        result = availability.look(base_url)
        if not result.ok or not every:
            answered = f" (answer in {result.latency_ms} ms)" if result.latency_ms else ""
            said = "ok" if result.ok else f"FAILED {result.failed_part}: {result.detail}"
            click.echo(said + answered)
    repeat(every, step, lock="probe")
