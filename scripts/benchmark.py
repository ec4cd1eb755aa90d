"""Benchmark: training wall time, model size, and latency through Rasa's HTTP API.

    python -m scripts.benchmark [--requests 200] [--skip-training]

Trains a fresh model (``rasa train --force`` into a temporary folder) and times it, then
starts Rasa and the action server with that model and measures, for English and Thai
sentences sent one at a time: ``/model/parse`` latency (NLU only) and REST channel round
trips (NLU, dialogue and a custom action that searches the knowledge base). Prints the
figures and writes them to docs/benchmarks.md. A script, not a timed test: figures depend
on the machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
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

from assistant.rasa_client import RasaClient
from scripts.servers import RASA, ROOT, assistant_servers

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


def measure(client: RasaClient, count: int) -> Dict[str, Dict[str, Dict[str, float]]]:
    """Latency figures per language for parse and for full REST round trips."""
    return {
        language: {
            "parse": timed(client.parse, sentences, count),
            "rest": timed(new_conversation(client), sentences, count),
        }
        for language, sentences in SENTENCES.items()
    }


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
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as out:
        seconds = train(Path(out))
        model = next(Path(out).glob("*.tar.gz"))
        size_mb = model.stat().st_size / 1e6
        with assistant_servers(model=str(model)) as servers:
            figures = measure(servers.rasa, args.requests)
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
            name = "/model/parse" if endpoint == "parse" else "REST webhook (NLU + action)"
            lines.append(f"| {language} | {name} | {f['n']:.0f} | {f['p50']:.1f} | "
                         f"{f['p95']:.1f} | {f['mean']:.1f} |")
    print("\n".join(lines))
    write_section("benchmark", lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
