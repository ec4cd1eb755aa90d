"""Load test of the scale-out profile, with one Rasa server killed and restarted mid-run.

    python -m scripts.load.run [--users 50] [--seconds 300] [--kill-after 120] [--record]

Starts the profile on fresh PostgreSQL databases (2 gunicorn workers, 2 Rasa servers
sharing trackers in PostgreSQL with a Redis lock store, 1 action server; loopback only),
runs locust headless (mixed English and Thai chats, ``scripts/load/locustfile.py``), kills
Rasa server 1 after ``--kill-after`` seconds and starts it again, then checks that the
service database holds every message the service acknowledged (by count and by content). Prints
p50/p95/p99, throughput and errors; ``--record`` writes them to docs/benchmarks.md. A
script, not a test: the figures depend on the machine. The client rate limit is lifted for
the run (every simulated user comes from 127.0.0.1).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import subprocess
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional, Sequence

import psycopg

from scripts.benchmark import write_section
from scripts.scale_databases import ADMIN
from scripts.scale_databases import main as create_databases
from scripts.servers import (
    MEASUREMENT_RATE_LIMITS,
    ROOT,
    SERVICE_BIN,
    RunningAssistant,
    assistant_servers,
    scale_profile_env,
    web_service,
)

OUT = ROOT / "var" / "load"


def _kill_and_restart(running: RunningAssistant, after: float, timeline: dict[str, float],
                      start: float) -> None:
    time.sleep(after)
    running.rasa_processes[0].kill()
    timeline["killed"] = time.monotonic() - start
    running.rasa_processes[0].wait()
    assert running.restart is not None
    running.restart(0)
    timeline["back"] = time.monotonic() - start


def run_locust(url: str, users: int, seconds: int, prefix: str,
               sent_file: Path) -> tuple[dict[str, str], list[dict[str, str]]]:
    """Run the chat users of ``locustfile.py`` against ``url`` for ``seconds``.

    Returns locust's aggregated row and its failures (files: var/load/``prefix``_*.csv).
    """
    subprocess.run(
        [str(SERVICE_BIN / "locust"), "-f", str(ROOT / "scripts/load/locustfile.py"),
         "--headless", "-u", str(users), "-r", "10", "-t", f"{seconds}s",
         "--host", url, "--csv", str(OUT / prefix), "--only-summary"],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), "LOAD_SENT_FILE": str(sent_file)},
        check=False, capture_output=True)
    with open(OUT / f"{prefix}_stats.csv", encoding="utf-8") as stats:
        total = next(row for row in csv.DictReader(stats) if row["Name"] == "Aggregated")
    path = OUT / f"{prefix}_failures.csv"
    if not path.exists():
        return total, []
    with open(path, encoding="utf-8") as failures:
        return total, list(csv.DictReader(failures))


def server_errors(failures: list[dict[str, str]]) -> int:
    """How many of locust's failures were 5xx answers."""
    return sum(int(row["Occurrences"]) for row in failures
               if any(f" {code}" in row["Error"] or row["Error"].startswith(str(code))
                      for code in range(500, 600)))


@contextmanager
def new_databases(label: str, kinds: Sequence[str]) -> Iterator[dict[str, str]]:
    """New PostgreSQL databases, one per kind (its name by kind), dropped afterwards."""
    names = {kind: f"{kind}_{label}_{uuid.uuid4().hex[:8]}" for kind in kinds}
    create_databases(list(names.values()))
    try:
        yield names
    finally:
        with psycopg.connect(ADMIN, autocommit=True) as admin:
            for name in names.values():
                admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@contextmanager
def scale_profile(label: str, rasa_servers: int = 2, workers: int = 2, **service_settings: str
                  ) -> Iterator[tuple[RunningAssistant, str, str]]:
    """The scale-out profile on new PostgreSQL databases, dropped afterwards.

    ``rasa_servers`` Rasa servers, ``workers`` gunicorn workers, the measurement rate limits
    plus ``service_settings``; yields the running servers, the service database URL and the
    service's URL.
    """
    with new_databases(label, ("service", "rasa")) as names:
        database = f"postgresql://postgres@127.0.0.1:5432/{names['service']}"
        rasa_env, service_env = scale_profile_env(names["rasa"])
        service_env.update(MEASUREMENT_RATE_LIMITS, **service_settings)
        with assistant_servers(rasa_servers=rasa_servers, endpoints="endpoints.scale.yml",
                               extra_env=rasa_env) as running, \
                web_service(running, database, workers=workers, extra_env=service_env) as url:
            yield running, database, url


def _stored_check(database: str, sent_file: Path) -> tuple[int, int]:
    sent = [line.rstrip("\n").split("\t", 1) for line in sent_file.read_text("utf-8").splitlines()]
    with psycopg.connect(database) as connection:
        stored = {(conversation, text) for conversation, text in connection.execute(
            "SELECT conversation_id, text FROM messages WHERE sender = 'user'")}
    missing = sum(1 for conversation, text in sent if (conversation, text) not in stored)
    return len(sent), missing


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the load test and print (and optionally record) the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=300)
    parser.add_argument("--kill-after", type=int, default=120)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    sent_file = OUT / "sent.txt"
    sent_file.write_text("", "utf-8")
    timeline: dict[str, float] = {}
    with scale_profile("load") as (running, database, url):
        start = time.monotonic()
        killer = threading.Thread(target=_kill_and_restart,
                                  args=(running, args.kill_after, timeline, start), daemon=True)
        killer.start()
        total, failures = run_locust(url, args.users, args.seconds, "stats", sent_file)
        killer.join(timeout=120)
        time.sleep(3)  # the last replies are stored
        sent, missing = _stored_check(database, sent_file)
    errors_5xx = server_errors(failures)
    lines = [
        f"Measured {dt.date.today().isoformat()} on {os.cpu_count()} CPUs: "
        f"`python -m scripts.load.run --users {args.users} --seconds {args.seconds} "
        f"--kill-after {args.kill_after}` (locust {args.users} users, loopback).", "",
        "| requests | failures | 5xx | p50 ms | p95 ms | p99 ms | requests/s |",
        "|---|---|---|---|---|---|---|",
        f"| {total['Request Count']} | {total['Failure Count']} | {errors_5xx} | "
        f"{total['50%']} | {total['95%']} | {total['99%']} | "
        f"{float(total['Requests/s']):.1f} |", "",
        f"Rasa server 1 killed at {timeline.get('killed', float('nan')):.0f} s and answering "
        f"again at {timeline.get('back', float('nan')):.0f} s. User messages acknowledged: "
        f"{sent}; missing from the service database: {missing}.",
    ]
    if failures:
        lines += ["", "Failures:", *[f"- {row['Method']} {row['Name']}: {row['Error']} "
                                     f"({row['Occurrences']})" for row in failures]]
    print("\n".join(lines))
    if args.record:
        write_section("load", lines)
    return 0 if missing == 0 and errors_5xx == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
