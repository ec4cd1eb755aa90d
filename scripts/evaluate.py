"""Accuracy of the running assistant on the labelled development questions.

Each line of the JSONL file has ``text``, ``lang`` (en, th, mixed) and ``expect`` with
either ``topic`` (the topic of the answer, read from the reply metadata) or ``act`` (the
NLU intent, read from the conversation tracker). Every question goes to a fresh
conversation. Prints accuracy by language and by label, and the topic confusion.

    python -m scripts.evaluate [--questions FILE] [--url http://127.0.0.1:5005]
    python -m scripts.evaluate --api http://127.0.0.1:8000   # through the web service

Without a server answering at --url (default: RASA_PORT; its API token, if it has one, from
RASA_AUTH_TOKEN), Rasa and the action server are started for the run. The questions
measure generalization: never train on them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import uuid
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple, TypeVar

from common.rasa_client import RasaClient
from scripts.benchmark import write_section
from scripts.chat_api import ChatApi
from scripts.servers import ROOT, assistant_servers

DEFAULT_QUESTIONS = ROOT.parent / "shared" / "eval" / "dev_questions.jsonl"


Prediction = Tuple[Optional[str], Optional[str]]
Result = TypeVar("Result")


def with_assistant(api_url: Optional[str], rasa_url: str,
                   through_api: Callable[[ChatApi], Result],
                   through_rasa: Callable[[RasaClient], Result]) -> Result:
    """Run through the chat API at ``api_url``, or else the Rasa server at ``rasa_url``.

    Rasa and the action server are started for the run when none answers at ``rasa_url``.
    """
    if api_url:
        return through_api(ChatApi(api_url))
    running = RasaClient(rasa_url, auth_token=os.environ.get("RASA_AUTH_TOKEN", ""))
    if running.model_loaded():
        return through_rasa(running)
    with assistant_servers() as servers:
        return through_rasa(servers.rasa)


def predict_with_rasa(client: RasaClient) -> Callable[[str], Prediction]:
    """(topic of the answer, NLU intent) from Rasa directly, one conversation per question."""
    def predict(text: str) -> Prediction:
        sender = f"eval-{uuid.uuid4().hex}"
        replies = client.send(sender, text)
        topic = next((r.metadata["topic"] for r in replies if r.metadata.get("topic")), None)
        intent = (client.tracker(sender).get("latest_message") or {}).get("intent") or {}
        return topic, intent.get("name")
    return predict


def predict_with_api(api: ChatApi) -> Callable[[str], Prediction]:
    """(topic, intent) from the web service's chat API (the replies' fields)."""
    def predict(text: str) -> Prediction:
        replies = api.send(api.start(), text)["replies"]
        topic = next((r["topic"] for r in replies if r.get("topic")), None)
        return topic, replies[0]["intent"] if replies else None
    return predict


def evaluate(predict: Callable[[str], Prediction], rows: List[Dict[str, Any]]) -> Dict[str, Any]:
    """Score every row; return the figures and the misses."""
    by_language: Dict[str, Counter] = defaultdict(Counter)
    by_label: Dict[str, Counter] = defaultdict(Counter)
    confusion: Counter = Counter()
    misses = []
    for row in rows:
        topic, intent = predict(row["text"])
        expect = row["expect"]
        label, got = (expect["topic"], topic) if "topic" in expect else (expect["act"], intent)
        correct = got == label
        for counter in (by_language[row["lang"]], by_language["all"], by_label[label]):
            counter["total"] += 1
            counter["correct"] += correct
        if "topic" in expect and not correct:
            confusion[(label, got or f"none ({intent})")] += 1
        if not correct:
            misses.append({"id": row.get("id"), "text": row["text"], "expected": label,
                           "got": got, "intent": intent})
    return {"by_language": by_language, "by_label": by_label,
            "confusion": confusion, "misses": misses}


def percent(counter: Counter) -> str:
    """Accuracy as "95.0 % (38/40)"."""
    correct, total = counter["correct"], counter["total"]
    return f"{100 * correct / total:5.1f} % ({correct}/{total})"


def summary_lines(result: Dict[str, Any]) -> List[str]:
    """Accuracy by language and by label as text lines."""
    lines = ["Accuracy by language"]
    for language in ("en", "th", "mixed", "all"):
        if language in result["by_language"]:
            lines.append(f"  {language:<8} {percent(result['by_language'][language])}")
    lines.append("Accuracy by label")
    for label, counter in sorted(result["by_label"].items()):
        lines.append(f"  {label:<16} {percent(counter)}")
    return lines


def report(result: Dict[str, Any]) -> None:
    """Print the figures."""
    print("\n".join(summary_lines(result)))
    print("Topic confusion (expected -> answered)")
    for (expected, got), count in result["confusion"].most_common():
        print(f"  {expected:<16} -> {got}: {count}")
    print("Misses")
    for miss in result["misses"]:
        print(f"  {miss['id']}: {miss['text']!r} expected {miss['expected']}, "
              f"got {miss['got']} (intent {miss['intent']})")


def main(argv: Optional[List[str]] = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS)
    parser.add_argument("--url", default=f"http://127.0.0.1:{os.environ.get('RASA_PORT', '5005')}")
    parser.add_argument("--api", metavar="URL",
                        help="go through the web service's chat API at URL (e.g. "
                             "http://127.0.0.1:8000) instead of Rasa")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON too")
    parser.add_argument("--record", action="store_true",
                        help="write the figures to docs/benchmarks.md")
    args = parser.parse_args(argv)
    if not args.questions.exists():
        print(f"no question file at {args.questions}", file=sys.stderr)
        return 2
    lines = args.questions.read_text("utf-8").splitlines()
    rows = [json.loads(line) for line in lines if line.strip()]
    result = with_assistant(args.api, args.url,
                            lambda api: evaluate(predict_with_api(api), rows),
                            lambda rasa: evaluate(predict_with_rasa(rasa), rows))
    report(result)
    if args.record:
        misses = ", ".join(f"{m['id']} ({m['expected']} -> {m['got']})" for m in result["misses"])
        path = ("through the web service's chat API (`python -m scripts.evaluate --api URL "
                "--record` with `make run` serving)" if args.api else
                "directly against Rasa (`make eval`, i.e. `python -m scripts.evaluate --record`)")
        write_section("eval-api" if args.api else "eval", [
            f"Measured {dt.date.today().isoformat()} {path}, {len(rows)} questions.",
            "", "```", *summary_lines(result), "```", "", f"Misses: {misses or 'none'}.",
        ])
    if args.json:
        summary = {k: dict(v) for k, v in result["by_language"].items()}
        print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
