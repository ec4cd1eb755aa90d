"""A/B latency of two running Rasa servers: REST p95 measured in alternating rounds.

    python -m scripts.compare_latency http://127.0.0.1:5005 http://127.0.0.1:5105 [--rounds 8]
    python -m scripts.compare_latency --api http://127.0.0.1:8000 http://127.0.0.1:5005

With ``--api``, A is the web service's chat API (each sentence into a conversation created
before the timing) and B the Rasa server behind it: the API p95 / REST p95 ratio.

Serve two commits at once (each its own Rasa and action server, started as in the README),
then name them A and B. Each round times ``--requests`` new conversations per language on A
and on B, in turns (A first in even rounds, B first in odd ones), with the sentences of
``make bench``; the machine's drift then touches both alike. Prints each round's p95 and,
per language, the median p95 of A and of B and the median ratio A/B with its range.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import uuid
from functools import partial
from typing import Callable, Dict, List, Optional

from common.rasa_client import RasaClient
from scripts.benchmark import SENTENCES, new_api_conversation, timed
from scripts.chat_api import ChatApi


def rest_p95(client: RasaClient, sentences: List[str], count: int) -> float:
    """p95 (ms) of Rasa's REST channel over ``count`` new conversations."""
    return timed(lambda text: client.send(f"ab-{uuid.uuid4().hex}", text), sentences,
                 count)["p95"]


def api_p95(api: ChatApi, sentences: List[str], count: int) -> float:
    """p95 (ms) of the service's chat API, one new conversation per sentence."""
    return timed(new_api_conversation(api, count), sentences, count)["p95"]


def main(argv: Optional[List[str]] = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api", action="store_true", help="A is a web service's chat API")
    parser.add_argument("a", help="URL of Rasa A (of the web service with --api)")
    parser.add_argument("b", help="URL of Rasa B")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--requests", type=int, default=100, help="per language and round")
    args = parser.parse_args(argv)
    rasa_b = RasaClient(args.b)
    measure: Dict[str, Callable[[List[str], int], float]] = {
        "A": (partial(api_p95, ChatApi(args.a)) if args.api
              else partial(rest_p95, RasaClient(args.a))),
        "B": partial(rest_p95, rasa_b),
    }
    p95: Dict[str, Dict[str, List[float]]] = {lang: {"A": [], "B": []} for lang in SENTENCES}
    for round_ in range(args.rounds):
        order = ("A", "B") if round_ % 2 == 0 else ("B", "A")
        for language, sentences in SENTENCES.items():
            for name in order:
                p95[language][name].append(measure[name](sentences, args.requests))
            print(f"round {round_} {language}: A {p95[language]['A'][-1]:.1f} ms, "
                  f"B {p95[language]['B'][-1]:.1f} ms", flush=True)
    for language, by_server in p95.items():
        ratios = [a / b for a, b in zip(by_server["A"], by_server["B"], strict=True)]
        print(f"{language}: p95 median A {statistics.median(by_server['A']):.1f} ms, "
              f"B {statistics.median(by_server['B']):.1f} ms; A/B median "
              f"{statistics.median(ratios):.3f} (min {min(ratios):.3f}, max {max(ratios):.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
