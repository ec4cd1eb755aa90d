"""Chat latency while hundreds of widgets hold their event streams open (scale-out profile).

    python -m scripts.load.streams [--streams 500] [--users 20] [--seconds 60] [--rounds 3]
                                   [--record]

Starts the scale-out profile (2 gunicorn workers with the gevent worker, 2 Rasa servers, 1
action server, PostgreSQL and Redis; loopback only) behind one trusted proxy, then runs the
chat users of ``locustfile.py``: a warm-up, then ``--rounds`` times ``--seconds`` with no
streams and ``--seconds`` while a script holds ``--streams`` event streams open, each for its
own chat and from its own client address (sent as X-Forwarded-For, as the proxy would),
reconnecting with ``Last-Event-ID`` whenever a stream ends, as browsers do. Prints the p95s,
their ratio per round and its median (target <= 1.5) and every error (target: none);
``--record`` writes them to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Optional, Sequence

import aiohttp

from scripts.benchmark import write_section
from scripts.load.run import OUT, run_locust, scale_profile, server_errors

WARM_UP_SECONDS = 20
# New chats the script starts at the same time while it opens its streams.
OPENING_AT_ONCE = 20


@dataclass
class StreamTally:
    """What the held streams saw.

    ``chats``: the chat (id, access token) of each stream; ``arrived``: when
    (``time.perf_counter()``) each message text arrived on a stream.
    """

    opened: int = 0
    reconnects: int = 0
    errors: list[str] = field(default_factory=list)
    chats: list[tuple[str, str]] = field(default_factory=list)
    arrived: dict[str, float] = field(default_factory=dict)


def client_address(number: int) -> str:
    """A distinct documentation-range address for stream ``number``."""
    return f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}"


async def _hold(session: aiohttp.ClientSession, url: str, number: int, tally: StreamTally,
                stop: asyncio.Event, opening: asyncio.Semaphore) -> None:
    headers = {"X-Forwarded-For": client_address(number)}
    try:
        async with opening:  # widgets open over time, not all in the same millisecond
            async with session.post(f"{url}/api/conversations", headers=headers) as response:
                if response.status != 201:
                    tally.errors.append(f"stream {number}: new chat HTTP {response.status}")
                    return
                started = await response.json()
    except aiohttp.ClientError as error:
        tally.errors.append(f"stream {number}: new chat {error!r}")
        return
    chat, token = started["id"], started["access_token"]
    tally.chats.append((chat, token))
    last_id = ""
    first = True
    while not stop.is_set():
        try:
            async with session.get(f"{url}/api/conversations/{chat}/events",
                                   params={"access_token": token},  # as the widget sends it
                                   headers={**headers, "Last-Event-ID": last_id}) as response:
                if response.status != 200:
                    tally.errors.append(f"stream {number}: HTTP {response.status}")
                    await asyncio.sleep(5)
                    continue
                if first:
                    tally.opened, first = tally.opened + 1, False
                else:
                    tally.reconnects += 1
                message = False
                async for line in response.content:
                    if line.startswith(b"id: "):
                        last_id = line[4:].decode().strip()
                    elif line.startswith(b"event: "):
                        message = line.startswith(b"event: message")
                    elif message and line.startswith(b"data: "):
                        tally.arrived.setdefault(json.loads(line[6:])["text"],
                                                 time.perf_counter())
                    if stop.is_set():
                        return
        except aiohttp.ClientError as error:
            tally.errors.append(f"stream {number}: {error!r}")
            await asyncio.sleep(5)


async def _hold_all(url: str, numbers: range, tally: StreamTally, stop: asyncio.Event) -> None:
    connector = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=None, sock_read=60)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        opening = asyncio.Semaphore(OPENING_AT_ONCE)
        await asyncio.gather(*(_hold(session, url, n, tally, stop, opening) for n in numbers))


class HeldStreams:
    """``count`` event streams held open in a background thread until ``close()``.

    Stream ``n`` comes from client address ``n``, counted from ``first``.
    """

    def __init__(self, url: str, count: int, tally: StreamTally, first: int = 0) -> None:
        """Open the streams; returns once all are open (or failing)."""
        self.tally = tally
        opened_before = tally.opened
        self.loop = asyncio.new_event_loop()
        self.stop = asyncio.Event()
        self.thread = threading.Thread(target=self.loop.run_until_complete,
                                       args=(_hold_all(url, range(first, first + count),
                                                       self.tally, self.stop),),
                                       daemon=True)
        self.thread.start()
        while (tally.opened - opened_before < count and not tally.errors
               and self.thread.is_alive()):
            self.thread.join(timeout=1)

    def close(self) -> None:
        """Let every stream end and wait for the thread."""
        self.loop.call_soon_threadsafe(self.stop.set)
        self.thread.join(timeout=120)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run both phases and print (and optionally record) the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--streams", type=int, default=500)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=60, help="per phase")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    sent_file = OUT / "streams-sent.txt"
    quiet: list[dict[str, str]] = []
    busy: list[dict[str, str]] = []
    failures: list[dict[str, str]] = []
    tally = StreamTally()
    with scale_profile("streams", TRUSTED_PROXIES="1") as (_, _, url):
        run_locust(url, args.users, WARM_UP_SECONDS, "streams_warmup", sent_file)
        for round_ in range(args.rounds):  # alternating, so that drift hits both alike
            row, failed = run_locust(url, args.users, args.seconds, f"streams_none{round_}",
                                     sent_file)
            quiet.append(row)
            failures += failed
            held = HeldStreams(url, args.streams, tally)
            row, failed = run_locust(url, args.users, args.seconds, f"streams_held{round_}",
                                     sent_file)
            busy.append(row)
            failures += failed
            held.close()
    ratios = sorted(float(b["95%"]) / float(q["95%"]) for q, b in zip(quiet, busy, strict=True))
    ratio = ratios[len(ratios) // 2]
    errors = sum(int(row["Failure Count"]) for row in quiet + busy) + len(tally.errors)
    lines = [
        f"Measured {dt.date.today().isoformat()} on {os.cpu_count()} CPUs: "
        f"`python -m scripts.load.streams --streams {args.streams} --users {args.users} "
        f"--seconds {args.seconds} --rounds {args.rounds}` (scale-out profile, 2 gevent web "
        "workers, loopback).", "",
        "| round | phase | chat requests | failures | p50 ms | p95 ms | p99 ms |",
        "|---|---|---|---|---|---|---|",
        *[f"| {n + 1} | {name} | {row['Request Count']} | {row['Failure Count']} | "
          f"{row['50%']} | {row['95%']} | {row['99%']} |"
          for n, pair in enumerate(zip(quiet, busy, strict=True))
          for name, row in zip(("no streams", f"{args.streams} open streams"), pair, strict=True)],
        "",
        f"p95 with streams / p95 without, per round: {', '.join(f'{r:.2f}' for r in ratios)}"
        f" (median {ratio:.2f}; target <= 1.5). Streams opened: {tally.opened} "
        f"({args.streams} per round), reconnected after their end: {tally.reconnects}; "
        f"stream errors: {len(tally.errors)}; 5xx: {server_errors(failures)}.",
    ]
    lines += [f"- {error}" for error in tally.errors[:10]]
    print("\n".join(lines))
    if args.record:
        write_section("streams", lines)
    return 0 if errors == 0 and ratio <= 1.5 else 1


if __name__ == "__main__":
    sys.exit(main())
