"""Capacity: chat turns per second per Rasa server, open event streams per push process.

    python -m scripts.load.capacity [--rates 1,2,4,8,12,16,20,24,32] [--seconds 40]
                                    [--streams 250,500,1000,2000,4000,6000] [--events 50]
                                    [--ports 5500-5599] [--record]

Chats: one Rasa server, one action server and the web service (2 gevent workers) on new
PostgreSQL databases with Redis (the scale-out profile with one Rasa server). Chat turns (a
user message POSTed through the public chat API and its reply; English and Thai questions as
in ``locustfile.py``, 3-6 per chat) arrive at a fixed rate, open loop: each is sent at its
scheduled time whatever the earlier ones are doing, and timed from that time. After a
warm-up, one step per rate; the run stops at the first step whose p95 is above 1 s or that
had an error (an HTTP error, no answer, or the apology sent when Rasa did not answer).

Streams: one gevent worker (a push process) on PostgreSQL and Redis, no Rasa. Event streams
are opened in steps up to each count (each its own chat and client address, reconnecting as
browsers do); at each step the worker's CPU is read over a quiet while, then a staff member
replies (console) to ``--events`` chats spread over the open streams, and each reply is
timed from its request to its arrival on the stream. Same stopping rule.

Prints the steps and the capacity figures (the highest step passed before the first that
failed); ``--record`` writes them to docs/benchmarks.md. ``--ports`` keeps every server
started here in that range (``SERVER_PORTS``). A script: the figures depend on the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import resource
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Callable, Optional, Sequence

import aiohttp
import requests

from scripts.benchmark import percentile, write_section
from scripts.console_client import ConsoleClient, create_account
from scripts.load.questions import QUESTIONS
from scripts.load.run import new_databases, scale_profile
from scripts.load.streams import HeldStreams, StreamTally
from scripts.servers import (
    MEASUREMENT_RATE_LIMITS,
    free_port,
    gunicorn_service,
    scale_profile_env,
)

TARGET_MS = 1000.0
WARM_UP_SECONDS = 20
# Seconds the worker's CPU is read with the streams open and no event.
QUIET_SECONDS = 15
# Seconds between two staff replies, and how long one may take to arrive.
EVENT_SPACING = 0.2
EVENT_TIMEOUT = 10.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Step:
    """One load level (turns per second, or open streams) and what it gave."""

    load: float
    latencies: list[float] = field(default_factory=list)  # milliseconds
    errors: list[str] = field(default_factory=list)
    cores: float = 0.0  # CPU cores used by Rasa, or by the push process
    web_cores: float = 0.0  # by the web workers (chat steps)
    busy: float = 0.0  # share of the machine's CPU time busy (every process)
    rss_mb: float = 0.0  # of the push process (stream steps)

    def p(self, fraction: float) -> float:
        """Latency percentile in milliseconds (infinite without any sample)."""
        return percentile(self.latencies, fraction) if self.latencies else float("inf")

    @property
    def passed(self) -> bool:
        """p95 at most 1 s and no error."""
        return not self.errors and self.p(0.95) <= TARGET_MS


def capacity(steps: Sequence[Step]) -> Optional[float]:
    """The highest load passed before the first failed step (None: the first failed)."""
    best = None
    for step in steps:
        if not step.passed:
            break
        best = step.load
    return best


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime, all threads


def _machine_ticks() -> tuple[int, int]:
    """(idle, total) CPU ticks of the whole machine."""
    ticks = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return ticks[3] + ticks[4], sum(ticks)


class CpuMeter:
    """CPU used by some processes, and by the whole machine, since it was made."""

    def __init__(self, pids: Sequence[int]) -> None:
        """Start counting for ``pids``."""
        self.pids = pids
        self.start = time.monotonic(), sum(map(_cpu_ticks, self.pids)), _machine_ticks()

    def read(self) -> tuple[float, float]:
        """(cores used by the processes, busy share of the machine) since the start."""
        wall, ticks, (idle, total) = self.start
        seconds = time.monotonic() - wall
        used = (sum(map(_cpu_ticks, self.pids)) - ticks) / CLOCK_TICKS
        now_idle, now_total = _machine_ticks()
        return used / seconds, 1 - (now_idle - idle) / max(1, now_total - total)


def rss_mb(pid: int) -> float:
    """Resident memory of process ``pid`` in MB."""
    line = next(line for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def gunicorn_workers(pid_file: Path) -> list[int]:
    """The worker processes of the gunicorn master whose pid is in ``pid_file``."""
    master = pid_file.read_text().strip()
    return [int(pid) for pid in
            Path(f"/proc/{master}/task/{master}/children").read_text().split()]


@dataclass
class _Chat:
    id: str
    turns: int = field(default_factory=lambda: random.randint(3, 6))


async def _new_chat(session: aiohttp.ClientSession, url: str) -> _Chat:
    async with session.post(f"{url}/api/conversations") as response:
        response.raise_for_status()
        return _Chat((await response.json())["id"])


async def _turn(session: aiohttp.ClientSession, url: str, idle: asyncio.Queue[_Chat],
                due: float, step: Step) -> None:
    """One chat turn sent at ``due`` (``time.perf_counter()``) and timed from then."""
    await asyncio.sleep(max(0.0, due - time.perf_counter()))
    error = None
    try:
        # A chat with no turn in flight; only when all are busy does a new one start here.
        chat = idle.get_nowait() if not idle.empty() else await _new_chat(session, url)
        text = f"{random.choice(QUESTIONS)} ref-{uuid.uuid4().hex[:10]}"
        async with session.post(f"{url}/api/conversations/{chat.id}/messages",
                                json={"text": text}) as response:
            body = await response.json() if response.status == 200 else {}
        if response.status != 200:
            error = f"HTTP {response.status}"
        elif body["state"] != "bot" or not body["replies"]:
            error = f"no answer from Rasa (state {body['state']})"
    except (aiohttp.ClientError, asyncio.TimeoutError) as failure:
        error = repr(failure)
    step.latencies.append((time.perf_counter() - due) * 1000)
    if error:
        step.errors.append(error)
        return
    chat.turns -= 1
    if chat.turns:
        idle.put_nowait(chat)


async def _chat_step(url: str, rate: float, seconds: float, step: Step) -> None:
    """``rate`` turns per second for ``seconds`` (chats started beforehand, untimed)."""
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0),
                                     timeout=timeout) as session:
        turns = max(1, round(rate * seconds))
        idle: asyncio.Queue[_Chat] = asyncio.Queue()
        for _ in range(turns // 3 + 1):
            idle.put_nowait(await _new_chat(session, url))
        start = time.perf_counter() + 0.5
        await asyncio.gather(*(_turn(session, url, idle, start + n / rate, step)
                               for n in range(turns)))


def measure_chats(rates: Sequence[float], seconds: float, pid_file: Path) -> list[Step]:
    """The chat steps on one Rasa server, up to the first failed one."""
    steps: list[Step] = []
    with scale_profile("capacity", rasa_servers=1,
                       GUNICORN_CMD_ARGS=f"--pid {pid_file}") as (running, _, url):
        asyncio.run(_chat_step(url, rates[0], WARM_UP_SECONDS, Step(rates[0])))
        rasa, web = [running.rasa_process.pid], gunicorn_workers(pid_file)
        for rate in rates:
            step, meter, web_meter = Step(rate), CpuMeter(rasa), CpuMeter(web)
            asyncio.run(_chat_step(url, rate, seconds, step))
            step.cores, step.busy = meter.read()
            step.web_cores = web_meter.read()[0]
            steps.append(step)
            print(f"{rate}/s: p50 {step.p(0.5):.0f} ms, p95 {step.p(0.95):.0f} ms, "
                  f"{len(step.errors)} errors, Rasa {step.cores:.2f} cores", flush=True)
            if not step.passed:
                break
    return steps


def _raise_open_files(needed: int) -> None:
    """Let this process and its children (the server) hold ``needed`` open files."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < needed:
        raise SystemExit(f"needs {needed} open files; the hard limit is {hard}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def _web_ready(url: str) -> bool:
    try:
        return requests.get(f"{url}/api/health", params={"scope": "web"}, timeout=3).ok
    except requests.RequestException:
        return False


def _console(errors: list[str], request: Callable[[], None]) -> bool:
    """Make one console request; a failed one is counted in ``errors``."""
    try:
        request()
        return True
    except requests.RequestException as error:
        errors.append(f"console request failed: {type(error).__name__}")
        return False


def _deliveries(staff: ConsoleClient, tally: StreamTally, count: int,
                offset: int) -> tuple[list[float], list[str]]:
    """Staff replies to ``count`` chats spread over the streams: delivery ms, and errors."""
    chats = [chat for chat, _ in tally.chats[offset::max(1, len(tally.chats) // count)]][:count]
    errors: list[str] = []
    taken = [chat for chat in chats if _console(errors, partial(staff.take_over, chat))]
    sent: dict[str, float] = {}
    start = time.perf_counter()
    for n, chat in enumerate(taken):
        time.sleep(max(0.0, start + n * EVENT_SPACING - time.perf_counter()))
        text = f"capacity check {uuid.uuid4().hex}"
        sent[text] = time.perf_counter()
        if not _console(errors, partial(staff.reply, chat, text)):
            del sent[text]
    deadline = time.perf_counter() + EVENT_TIMEOUT
    while time.perf_counter() < deadline and not all(text in tally.arrived for text in sent):
        time.sleep(0.1)
    latencies = [(tally.arrived[text] - at) * 1000 for text, at in sent.items()
                 if text in tally.arrived]
    missing = len(sent) - len(latencies)
    return latencies, errors + [f"event not delivered within {EVENT_TIMEOUT:.0f} s"] * missing


def measure_streams(counts: Sequence[int], events: int, pid_file: Path) -> list[Step]:
    """The stream steps on one gevent worker, up to the first failed one."""
    _raise_open_files(max(counts) + 1000)
    steps: list[Step] = []
    with new_databases("capacity", ("service",)) as names:
        database = f"postgresql://postgres@127.0.0.1:5432/{names['service']}"
        _, env = scale_profile_env(names["service"])  # Redis for push, as on every host
        env.update(MEASUREMENT_RATE_LIMITS, TRUSTED_PROXIES="1",
                   RASA_URLS=f"http://127.0.0.1:{free_port()}",  # none: staff replies only
                   GUNICORN_CMD_ARGS=f"--pid {pid_file} "
                                     f"--worker-connections {max(counts) + 500}")
        with gunicorn_service(database, env, workers=1, ready=_web_ready) as url:
            worker = gunicorn_workers(pid_file)
            password = uuid.uuid4().hex
            create_account(database, "capacity@bangkok.go.th", password)
            staff = ConsoleClient(url, "capacity@bangkok.go.th", password,
                                  timeout=EVENT_TIMEOUT)
            tally, held = StreamTally(), []
            try:
                for number, count in enumerate(counts):
                    errors_before, opened = len(tally.errors), len(tally.chats)
                    held.append(HeldStreams(url, count - opened, tally, first=opened))
                    step, meter = Step(count), CpuMeter(worker)
                    time.sleep(QUIET_SECONDS)
                    step.cores, step.busy = meter.read()
                    step.rss_mb = rss_mb(worker[0])
                    step.latencies, step.errors = _deliveries(staff, tally, events, number)
                    step.errors += tally.errors[errors_before:]
                    steps.append(step)
                    print(f"{count} streams: delivery p95 {step.p(0.95):.0f} ms, "
                          f"{len(step.errors)} errors, {step.rss_mb:.0f} MB, "
                          f"{step.cores:.2f} cores quiet", flush=True)
                    if not step.passed:
                        break
            finally:
                for streams in held:
                    streams.close()
    return steps


def _errors(steps: Sequence[Step]) -> list[str]:
    seen = sorted({error for step in steps for error in step.errors})
    return [f"- {error}" for error in seen[:10]]


def _figure(steps: Sequence[Step], unit: str) -> str:
    best = capacity(steps)
    if best is None:
        return f"Capacity: below the first step ({steps[0].load:g} {unit})."
    if steps[-1].passed:
        return f"Capacity: at least {best:g} {unit} (the highest step tried passed)."
    return f"Capacity: {best:g} {unit} (the next step, {steps[-1].load:g}, failed)."


def report(chats: Sequence[Step], streams: Sequence[Step], command: str) -> list[str]:
    """The figures as Markdown lines."""
    return [
        f"Measured {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} "
        f"CPUs shared by every process (servers, databases and the load generator): "
        f"`{command}`.", "",
        "Chat turns, open loop, on 1 Rasa server (1 action server, 2 gevent web workers, "
        "PostgreSQL, Redis):", "",
        "| turns/s | turns | errors | p50 ms | p95 ms | Rasa server CPU cores | "
        "web workers CPU cores | machine CPU busy |",
        "|---|---|---|---|---|---|---|---|",
        *[f"| {s.load:g} | {len(s.latencies)} | {len(s.errors)} | {s.p(0.5):.0f} | "
          f"{s.p(0.95):.0f} | {s.cores:.2f} | {s.web_cores:.2f} | {s.busy:.0%} |"
          for s in chats],
        "", _figure(chats, "chat turns/s per Rasa server at p95 <= 1 s, no error"),
        *_errors(chats), "",
        "Open event streams on 1 gevent worker (the push process; PostgreSQL, Redis), "
        "staff replies delivered to a sample of them:", "",
        "| open streams | events | errors | delivery p50 ms | delivery p95 ms | "
        "worker RSS MB | worker CPU cores, no event | machine CPU busy |",
        "|---|---|---|---|---|---|---|---|",
        *[f"| {s.load:g} | {len(s.latencies)} | {len(s.errors)} | {s.p(0.5):.0f} | "
          f"{s.p(0.95):.0f} | {s.rss_mb:.0f} | {s.cores:.2f} | {s.busy:.0%} |"
          for s in streams],
        "", _figure(streams, "open streams per push process at delivery p95 <= 1 s, no error"),
        *_errors(streams),
    ]


def _numbers(text: str) -> list[float]:
    return [float(n) for n in text.split(",")]


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Measure both, print (and optionally record) the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", type=_numbers, default=_numbers("1,2,4,8,12,16,20,24,32"),
                        help="chat turns per second, one step each")
    parser.add_argument("--seconds", type=float, default=40, help="per chat step")
    parser.add_argument("--streams", type=_numbers, help="open streams per step",
                        default=_numbers("250,500,1000,2000,4000,6000"))
    parser.add_argument("--events", type=int, default=50, help="staff replies per stream step")
    parser.add_argument("--ports", help="FIRST-LAST: the servers' ports (SERVER_PORTS)")
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args(argv)
    if args.ports:
        os.environ["SERVER_PORTS"] = args.ports
    with tempfile.TemporaryDirectory() as temporary:
        pid_file = Path(temporary) / "gunicorn.pid"
        chats = measure_chats(args.rates, args.seconds, pid_file)
        streams = measure_streams([int(n) for n in args.streams], args.events, pid_file)
    command = ("python -m scripts.load.capacity "
               f"--rates {','.join(f'{r:g}' for r in args.rates)} --seconds {args.seconds:g} "
               f"--streams {','.join(f'{n:g}' for n in args.streams)} --events {args.events}"
               + (f" --ports {args.ports}" if args.ports else ""))
    lines = report(chats, streams, command)
    print("\n".join(lines))
    if args.record:
        write_section("capacity", lines)
    return 0 if capacity(chats) is not None and capacity(streams) is not None else 1


if __name__ == "__main__":
    sys.exit(main())
