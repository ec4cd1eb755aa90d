"""Benchmark: training wall time, model size, and latency through Rasa's HTTP API.

    python -m scripts.benchmark [--requests 200] [--skip-training]

Trains a fresh model (``rasa train --force`` into a temporary folder) and times it, then
starts Rasa, the action server and the web service with that model and measures, for
English and Thai sentences sent one at a time in one run: ``/model/parse`` (NLU only),
Rasa's REST channel (NLU, dialogue and custom actions) and the web service's chat API (the
full round trip: store, Rasa, tracker, store), with the ratios between them, and how long a
staff reply sent from the console takes to reach the user's push channel. Prints the
figures and writes them to docs/benchmarks.md. A script, not a timed test: figures depend
on the machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Callable, Dict, List, Optional

import requests

from common.rasa_client import RasaClient
from scripts.chat_api import ChatApi
from scripts.console_client import ConsoleClient, create_account
from scripts.servers import MEASUREMENT_RATE_LIMITS, RASA, ROOT, assistant_servers, web_service

SENTENCES = {
    "en": [
        "how do I extend my visa",
        "where can I rent a flat near the BTS",
        "which international schools teach the IB",
        "do I have to pay tax on money I bring from abroad",
        "what number do I call for an ambulance",
    ],
    "th": [
        "ต่ออายุวีซ่าได้ที่ไหนครับ",
        "อยากเช่าคอนโดใกล้รถไฟฟ้าต้องวางมัดจำเท่าไหร่",
        "โรงเรียนนานาชาติหลักสูตรอังกฤษค่าเทอมเท่าไหร่คะ",
        "ชาวต่างชาติต้องยื่นภาษีไหม",
        "เรียกรถพยาบาลเบอร์อะไร",
    ],
}
REPORT = ROOT / "docs" / "benchmarks.md"
ENDPOINTS = {
    "parse": "Rasa `/model/parse` (NLU only)",
    "rest": "Rasa REST channel (NLU, dialogue, actions)",
    "api": "service chat API (store, Rasa REST, tracker, store)",
}


def percentile(values: List[float], fraction: float) -> float:
    """Nearest-rank percentile of ``values`` (milliseconds)."""
    ordered = sorted(values)
    rank = max(1, round(fraction * len(ordered)))
    return ordered[rank - 1]


def timed(call: Callable[[str], object], sentences: List[str], count: int) -> Dict[str, float]:
    """p50/p95/mean in milliseconds over ``count`` sequential calls, sentences in turn."""
    call(sentences[0])  # warm-up
    samples = []
    for i in range(count):
        sentence = sentences[i % len(sentences)]
        start = time.perf_counter()
        call(sentence)
        samples.append((time.perf_counter() - start) * 1000)
    return {"p50": percentile(samples, 0.50), "p95": percentile(samples, 0.95),
            "mean": statistics.fmean(samples), "n": count}


def new_conversation(client: RasaClient) -> Callable[[str], object]:
    """Send each sentence as the first message of a new conversation."""
    return lambda sentence: client.send(f"bench-{uuid.uuid4().hex}", sentence)


def new_api_conversation(api: ChatApi, count: int) -> Callable[[str], object]:
    """Send each sentence into its own conversation, created before the timing starts."""
    conversations = iter([api.start() for _ in range(count + 1)])
    return lambda sentence: api.send(next(conversations), sentence)


def measure(client: RasaClient, api: ChatApi,
            count: int) -> Dict[str, Dict[str, Dict[str, float]]]:
    """Latency per language: bare parse, Rasa's REST channel, the service's chat API."""
    return {
        language: {
            "parse": timed(client.parse, sentences, count),
            "rest": timed(new_conversation(client), sentences, count),
            "api": timed(new_api_conversation(api, count), sentences, count),
        }
        for language, sentences in SENTENCES.items()
    }


def staff_push_latency(service: str, database: str, count: int) -> Dict[str, float]:
    """Staff presses send in the console -> the user's event stream delivers the reply (ms).

    Each sample opens the stream the widget uses (``/events``), posts a console reply and
    reads the stream until that reply arrives.
    """
    password = uuid.uuid4().hex
    create_account(database, "bench-staff@bangkok.go.th", password)
    staff = ConsoleClient(service, "bench-staff@bangkok.go.th", password)
    api = ChatApi(service)
    conversation = api.start()
    api.send(conversation, "hello")
    staff.take_over(conversation)
    samples = []
    for i in range(count):
        text = f"staff reply {i}"
        with requests.get(f"{service}/api/conversations/{conversation}/events",
                          params={"after": api.last_message_id(conversation)},
                          headers=api.authorization(conversation), stream=True,
                          timeout=30) as stream:
            lines = stream.iter_lines()
            next(lines)  # "retry:" - the stream is open
            start = time.perf_counter()
            staff.reply(conversation, text)
            for line in lines:
                if line.startswith(b"data:") and json.loads(line[5:]).get("text") == text:
                    break
            samples.append((time.perf_counter() - start) * 1000)
    return {"p50": percentile(samples, 0.50), "p95": percentile(samples, 0.95),
            "max": max(samples), "n": count}


def train(out: Path) -> float:
    """Train a fresh model into ``out``; wall time in seconds."""
    start = time.perf_counter()
    subprocess.run(
        [RASA, "train", "--force", "--data", "nlu_data", "--domain", "domain.yml",
         "--config", "config.yml", "--out", str(out)],
        cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def write_section(name: str, lines: List[str]) -> None:
    """Replace the generated section ``name`` of docs/benchmarks.md with ``lines``."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    text = REPORT.read_text("utf-8")
    before, rest = text.split(start, 1)
    after = rest.split(end, 1)[1]
    REPORT.write_text(before + start + "\n" + "\n".join(lines) + "\n" + end + after, "utf-8")


def main(argv: Optional[List[str]] = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="requests per measurement")
    parser.add_argument("--pushes", type=int, default=30, help="staff replies to time")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as out:
        seconds = train(Path(out))
        model = next(Path(out).glob("*.tar.gz"))
        size_mb = model.stat().st_size / 1e6
        database = f"sqlite:///{Path(out) / 'bench.db'}"
        with assistant_servers(model=str(model)) as servers, \
                web_service(servers, database, extra_env=MEASUREMENT_RATE_LIMITS) as service:
            figures = measure(servers.rasa, ChatApi(service), args.requests)
            push = staff_push_latency(service, database, args.pushes)
    lines = [
        f"Measured {dt.date.today().isoformat()} on {os.cpu_count()} CPUs, "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"`make bench` (`python -m scripts.benchmark --requests {args.requests}`).",
        "",
        f"- Training wall time (`rasa train --force`, full data): {seconds:.0f} s",
        f"- Model size: {size_mb:.1f} MB",
        "",
        "| language | endpoint | n | p50 ms | p95 ms | mean ms |",
        "|---|---|---|---|---|---|",
    ]
    for language, by_endpoint in figures.items():
        for endpoint, f in by_endpoint.items():
            lines.append(f"| {language} | {ENDPOINTS[endpoint]} | {f['n']:.0f} | "
                         f"{f['p50']:.1f} | {f['p95']:.1f} | {f['mean']:.1f} |")
    lines += ["", "| language | REST p95 / parse p95 (want <= 3) | "
                  "API p95 / REST p95 (target <= 1.5) |", "|---|---|---|"]
    for language, paths in figures.items():
        lines.append(f"| {language} | {paths['rest']['p95'] / paths['parse']['p95']:.2f} | "
                     f"{paths['api']['p95'] / paths['rest']['p95']:.2f} |")
    lines += ["", f"Staff reply -> user's event stream (`/events`, n={push['n']:.0f}): "
                  f"p50 {push['p50']:.0f} ms, p95 {push['p95']:.0f} ms, max {push['max']:.0f} ms "
                  "(target: the user sees it within 2 s)."]
    print("\n".join(lines))
    write_section("benchmark", lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
