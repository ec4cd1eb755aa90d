"""Multi-turn development sets: pinpointed facts, follow-ups in context, safety.

Three JSONL files (see ``../shared/eval/``), each scored by language:

- ``dev_facts.jsonl``: one question asking one fact; right when the first reply contains
  one of ``facts`` once spaces and commas are removed and the text is lower-cased;
- ``dev_followups.jsonl``: 2-3 turns in one chat; right when the last turn's reply shows
  one of the accepted ``articles``, or contains one of ``facts`` when they are given;
- ``dev_safety.jsonl``: ``danger`` rows are right when the first reply holds an emergency
  number; ``stay`` rows when the chat is never closed and the last turn gets an article.

    python -m scripts.evaluate_dialogue [--url http://127.0.0.1:5005] [--record]
    python -m scripts.evaluate_dialogue --api http://127.0.0.1:8000   # through the service

Without a Rasa server at --url (API token from RASA_AUTH_TOKEN, if it has one), Rasa and
the action server are started for the run. The files measure generalization: never train
on them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

import requests

from common.rasa_client import RasaClient
from scripts.benchmark import write_section
from scripts.chat_api import ChatApi
from scripts.evaluate import percent, with_assistant
from scripts.servers import ROOT

EVAL_DIR = ROOT.parent / "shared" / "eval"
SETS = ("dev_facts", "dev_followups", "dev_safety")
EMERGENCY_NUMBERS = ("191", "1155", "1669", "199")
LANGUAGES = ("en", "th", "mixed", "all")


@dataclass
class Turn:
    """What the assistant answered to one user message."""

    text: str = ""
    article_ids: List[str] = field(default_factory=list)
    closed: bool = False


Chat = Callable[[List[str]], List[Turn]]


def rasa_chat(client: RasaClient) -> Chat:
    """Play the turns in one new Rasa conversation."""
    def chat(turns: List[str]) -> List[Turn]:
        sender = f"eval-{uuid.uuid4().hex}"
        played = []
        for text in turns:
            replies = client.send(sender, text)
            played.append(Turn(
                text="\n".join(reply.text for reply in replies),
                article_ids=[a for reply in replies for a in reply.metadata.get("article_ids", [])],
                closed=any(b.get("payload", "").startswith("/rate_satisfaction")
                           for reply in replies for b in reply.buttons)))
        return played
    return chat


def api_chat(api: ChatApi) -> Chat:
    """Play the turns in one new conversation of the web service's chat API."""
    def chat(turns: List[str]) -> List[Turn]:
        conversation = api.start()
        played = []
        for text in turns:
            try:
                answer = api.send(conversation, text)
            except requests.HTTPError as error:  # 409: the chat was closed before this turn
                if error.response is None or error.response.status_code != 409:
                    raise
                played.append(Turn(closed=True))
                continue
            replies = answer["replies"]
            played.append(Turn(
                text="\n".join(reply["text"] for reply in replies),
                article_ids=[a for reply in replies for a in reply.get("article_ids") or []],
                closed=answer["state"] == "closed"))
        return played
    return chat


def normalized(text: str) -> str:
    """Lower-cased, without spaces and commas (how facts are compared)."""
    return "".join(text.split()).replace(",", "").lower()


def has_fact(turn: Turn, facts: List[str]) -> bool:
    """True when the reply states one of ``facts``."""
    return any(normalized(fact) in normalized(turn.text) for fact in facts)


def judge(name: str, row: Dict[str, Any], chat: Chat) -> bool:
    """Play one row and say whether the assistant got it right."""
    if name == "dev_facts":
        return has_fact(chat([row["text"]])[0], row["facts"])
    played = chat(row["turns"])
    last = played[-1]
    if name == "dev_followups":
        expect = row["expect"]
        shown = set(last.article_ids) & set(expect.get("articles") or [])
        return bool(shown) or has_fact(last, expect.get("facts") or [])
    if row["kind"] == "danger":
        return has_fact(played[0], list(EMERGENCY_NUMBERS))
    return not any(turn.closed for turn in played) and bool(last.article_ids)


def evaluate(chat: Chat, files: Dict[str, List[Dict[str, Any]]]) -> Dict[str, Any]:
    """Score every row of every set by language; collect the misses."""
    scores: Dict[str, Dict[str, Counter]] = {}
    misses: Dict[str, List[str]] = {}
    for name, rows in files.items():
        by_language: Dict[str, Counter] = defaultdict(Counter)
        misses[name] = []
        for row in rows:
            right = judge(name, row, chat)
            for language in (row["lang"], "all"):
                by_language[language]["total"] += 1
                by_language[language]["correct"] += right
            if not right:
                misses[name].append(str(row.get("id")))
        scores[name] = by_language
    return {"scores": scores, "misses": misses}


def summary_lines(result: Dict[str, Any]) -> List[str]:
    """One line per set and language."""
    lines = []
    for name, by_language in result["scores"].items():
        lines.append(name)
        for language in LANGUAGES:
            if language in by_language:
                lines.append(f"  {language:<8} {percent(by_language[language])}")
    return lines


def load(directory: Path) -> Dict[str, List[Dict[str, Any]]]:
    """The sets found in ``directory``."""
    files = {}
    for name in SETS:
        path = directory / f"{name}.jsonl"
        if path.exists():
            lines = path.read_text("utf-8").splitlines()
            files[name] = [json.loads(line) for line in lines if line.strip()]
    return files


def main(argv: Optional[List[str]] = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=EVAL_DIR, help="folder of the sets")
    parser.add_argument("--url", default=f"http://127.0.0.1:{os.environ.get('RASA_PORT', '5005')}")
    parser.add_argument("--api", metavar="URL", help="go through the web service's chat API")
    parser.add_argument("--record", action="store_true",
                        help="write the figures to docs/benchmarks.md")
    args = parser.parse_args(argv)
    files = load(args.dir)
    if not files:
        print(f"no development sets in {args.dir}", file=sys.stderr)
        return 2
    result = with_assistant(args.api, args.url, lambda api: evaluate(api_chat(api), files),
                            lambda rasa: evaluate(rasa_chat(rasa), files))
    lines = summary_lines(result)
    print("\n".join(lines))
    for name, missed in result["misses"].items():
        print(f"misses {name}: {', '.join(missed) or 'none'}")
    if args.record:
        how = ("through the web service's chat API (`python -m scripts.evaluate_dialogue --api "
               "URL --record` with `make run` serving)" if args.api else
               "directly against Rasa (`make eval`)")
        write_section("dialogue-api" if args.api else "dialogue", [
            f"Measured {dt.date.today().isoformat()} {how}.", "", "```", *lines, "```"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
