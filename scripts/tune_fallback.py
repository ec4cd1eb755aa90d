"""Measure the NLU fallback threshold on held-out training data (never the dev questions).

    python -m scripts.tune_fallback [--fraction 0.8] [--config config.yml] [--no-record]

Splits nlu_data's examples (stratified by intent, fixed seed), trains an NLU-only model on
the training part, parses the held-out part and reports, for each candidate threshold: how
many held-out messages would be answered with the right intent, answered with a wrong one
(the costly case) or sent to the fallback; and the same once the fallback action's
retrieval check (actions/fallback.py) has answered the messages whose best article lies in
one of the two likeliest topics. Writes the table to docs/benchmarks.md.
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

from actions.articles import knowledge_base
from actions.fallback import confirmed_by_retrieval
from knowledge.topics import intent_for_topic, topic_for_intent
from scripts.benchmark import write_section
from scripts.servers import RASA, ROOT

THRESHOLDS = (0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)  # 0.0: plain accuracy
FALLBACK = "nlu_fallback"


def split_and_train(work: Path, fraction: float, config: Path) -> Tuple[Path, Path]:
    """Held-out file and NLU model trained on the rest."""
    subprocess.run(
        [RASA, "data", "split", "nlu", "-u", "nlu_data/nlu", "--training-fraction",
         str(fraction), "--random-seed", "7", "--out", str(work)],
        cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
    )
    subprocess.run(
        [RASA, "train", "nlu", "--nlu", str(work / "training_data.yml"), "--config",
         str(config), "--out", str(work / "models")],
        cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    return work / "test_data.yml", next((work / "models").glob("*.tar.gz"))


Row = Tuple[str, str, float, Optional[str]]


async def predictions(model: Path, held_out: Path) -> List[Row]:
    """Predictions for each held-out example.

    Each row: expected intent, best intent and its confidence, and the intent the fallback's
    retrieval check would answer with (None if it would not).
    """
    from rasa.shared.nlu.training_data.loading import load_data

    agent = Agent.load(str(model))
    rows = []
    for example in load_data(str(held_out)).intent_examples:
        parsed = await agent.parse_message(example.get("text"))
        ranking = [r for r in parsed["intent_ranking"] if r["name"] != FALLBACK]
        topics = [t for t in (topic_for_intent(r["name"]) for r in ranking) if t]
        hit = confirmed_by_retrieval(knowledge_base().rank(example.get("text")), topics)
        confirmed = intent_for_topic(hit.article.topic) if hit else None
        best = ranking[0]
        rows.append((example.get("intent"), best["name"], float(best["confidence"]), confirmed))
    return rows


def outcome(expected: str, predicted: Optional[str]) -> str:
    """"right", "wrong" or "fallback" (no prediction)."""
    if predicted is None:
        return "fallback"
    return "right" if predicted == expected else "wrong"


def table(rows: List[Row]) -> List[str]:
    """Markdown table: right / wrong / fallback shares per threshold.

    Without and with the fallback action's retrieval check.
    """
    lines = [
        "| threshold | right | wrong | fallback | with retrieval check: right | wrong | fallback |",
        "|---|---|---|---|---|---|---|",
    ]
    for threshold in THRESHOLDS:
        plain: Dict[str, int] = {"right": 0, "wrong": 0, "fallback": 0}
        checked: Dict[str, int] = dict(plain)
        for expected, predicted, confidence, confirmed in rows:
            confident = confidence >= threshold
            plain[outcome(expected, predicted if confident else None)] += 1
            checked[outcome(expected, predicted if confident else confirmed)] += 1
        cells = [f"{100 * counts[key] / len(rows):.1f} %"
                 for counts in (plain, checked) for key in ("right", "wrong", "fallback")]
        lines.append(f"| {threshold:.1f} | " + " | ".join(cells) + " |")
    return lines


def main(argv: Optional[List[str]] = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fraction", type=float, default=0.8)
    parser.add_argument("--config", type=Path, default=ROOT / "config.yml",
                        help="pipeline to measure (compare alternatives on the same split)")
    parser.add_argument("--no-record", action="store_true", help="do not write the docs")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as work:
        held_out, model = split_and_train(Path(work), args.fraction, args.config.resolve())
        rows = asyncio.run(predictions(model, held_out))
    lines = [
        f"{len(rows)} held-out examples ({100 * (1 - args.fraction):.0f} % of nlu_data, "
        "stratified by intent, seed 7); `python -m scripts.tune_fallback`.",
        "",
        *table(rows),
    ]
    print("\n".join(lines))
    if not args.no_record:
        write_section("fallback", lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
