"""Measure the NLU fallback threshold on held-out training data (never the dev questions).

    python -m scripts.tune_fallback [--fraction 0.8]

Splits nlu_data's examples (stratified by intent, fixed seed), trains an NLU-only model on
the training part, parses the held-out part and reports, for each candidate threshold: how
many held-out messages would be answered with the right intent, answered with a wrong one
(the costly case) or sent to the fallback. Writes the table to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from rasa.core.agent import Agent

from scripts.benchmark import write_section
from scripts.servers import RASA, ROOT

THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
FALLBACK = "nlu_fallback"


def split_and_train(work: Path, fraction: float) -> Tuple[Path, Path]:
    """Held-out file and NLU model trained on the rest."""
    subprocess.run(
        [RASA, "data", "split", "nlu", "-u", "nlu_data/nlu", "--training-fraction",
         str(fraction), "--random-seed", "7", "--out", str(work)],
        cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
    )
    subprocess.run(
        [RASA, "train", "nlu", "--nlu", str(work / "training_data.yml"), "--config",
         "config.yml", "--out", str(work / "models")],
        cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    return work / "test_data.yml", next((work / "models").glob("*.tar.gz"))


async def predictions(model: Path, held_out: Path) -> List[Tuple[str, str, float]]:
    """(expected intent, best non-fallback intent, its confidence) per held-out example."""
    from rasa.shared.nlu.training_data.loading import load_data

    agent = Agent.load(str(model))
    rows = []
    for example in load_data(str(held_out)).intent_examples:
        parsed = await agent.parse_message(example.get("text"))
        ranking = [r for r in parsed["intent_ranking"] if r["name"] != FALLBACK]
        rows.append((example.get("intent"), ranking[0]["name"], float(ranking[0]["confidence"])))
    return rows


def table(rows: List[Tuple[str, str, float]]) -> List[str]:
    """Markdown table: answered right / wrong / fallback share for each threshold."""
    lines = ["| threshold | right intent | wrong intent | fallback |", "|---|---|---|---|"]
    total = len(rows)
    for threshold in THRESHOLDS:
        counts: Dict[str, int] = {"right": 0, "wrong": 0, "fallback": 0}
        for expected, predicted, confidence in rows:
            key = "fallback" if confidence < threshold else (
                "right" if predicted == expected else "wrong")
            counts[key] += 1
        lines.append(f"| {threshold:.1f} | " + " | ".join(
            f"{100 * counts[k] / total:.1f} %" for k in ("right", "wrong", "fallback")) + " |")
    return lines


def main(argv: Optional[List[str]] = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fraction", type=float, default=0.8)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as work:
        held_out, model = split_and_train(Path(work), args.fraction)
        rows = asyncio.run(predictions(model, held_out))
    lines = [
        f"{len(rows)} held-out examples ({100 * (1 - args.fraction):.0f} % of nlu_data, "
        "stratified by intent, seed 7); `python -m scripts.tune_fallback`.",
        "",
        *table(rows),
    ]
    print("\n".join(lines))
    write_section("fallback", lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
