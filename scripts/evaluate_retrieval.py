"""Retrieval accuracy on the article question file: top-1 and top-3 by language.

    python -m scripts.evaluate_retrieval [--record] [--misses]

Every question in ``tests/knowledge/retrieval_questions.yml`` names the article that answers
it. The questions were written from the article titles only, not from their text. Each is
ranked against the whole knowledge base, first with no topic (retrieval alone) and then
within the topic of the expected article, as the assistant does once the NLU has predicted
the topic. ``--record`` writes the table to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

import yaml

from knowledge import KnowledgeBase
from knowledge.live import LiveKnowledgeBase
from scripts.benchmark import write_section

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "tests" / "knowledge" / "retrieval_questions.yml"
LANGUAGES = ("en", "th")


@dataclass(frozen=True)
class Question:
    """A user question and the article that answers it."""

    article: str
    language: str
    text: str


@dataclass
class Score:
    """Top-1 and top-3 hits over a number of questions."""

    total: int = 0
    top1: int = 0
    top3: int = 0

    def percent(self, hits: int) -> float:
        """``hits`` as a percentage of the questions (0 when there are none)."""
        return 100.0 * hits / self.total if self.total else 0.0


def load_questions(path: Path = QUESTIONS) -> list[Question]:
    """The questions of the file, in file order."""
    entries = yaml.safe_load(path.read_text("utf-8")) or []
    return [Question(entry["article"], language, text)
            for entry in entries for language in LANGUAGES
            for text in entry.get(language) or ()]


def evaluate(base: KnowledgeBase, questions: Sequence[Question], with_topic: bool,
             misses: Optional[list[str]] = None) -> dict[str, Score]:
    """Scores per language (and "all") for ranking with or without the expected topic."""
    scores = {language: Score() for language in (*LANGUAGES, "all")}
    for question in questions:
        expected = base.get(question.article)
        if expected is None:
            raise KeyError(f"question for unknown article {question.article!r}")
        ranked = [hit.article.id for hit in
                  base.rank(question.text, expected.topic if with_topic else None)[:3]]
        for key in (question.language, "all"):
            scores[key].total += 1
            scores[key].top1 += ranked[:1] == [question.article]
            scores[key].top3 += question.article in ranked
        if misses is not None and ranked[:1] != [question.article]:
            misses.append(f"{question.article} <- {question.text!r}: got {ranked}")
    return scores


def report(base: KnowledgeBase, questions: Sequence[Question]) -> list[str]:
    """A Markdown table of both ways of ranking."""
    lines = [f"Measured {dt.date.today().isoformat()}: {len(questions)} questions about "
             f"{len({q.article for q in questions})} of {len(base.articles)} articles, "
             "`make kb-eval` (`python -m scripts.evaluate_retrieval`).", "",
             "| ranking | language | questions | top-1 % | top-3 % |", "|---|---|---|---|---|"]
    for with_topic, label in ((False, "whole knowledge base"),
                              (True, "within the expected topic")):
        for language, score in evaluate(base, questions, with_topic).items():
            lines.append(f"| {label} | {language} | {score.total} | "
                         f"{score.percent(score.top1):.1f} | {score.percent(score.top3):.1f} |")
    return lines


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Print the table (and the misses with ``--misses``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", action="store_true", help="write docs/benchmarks.md")
    parser.add_argument("--misses", action="store_true", help="list the top-1 misses")
    args = parser.parse_args(argv)
    base = LiveKnowledgeBase().current()
    questions = load_questions()
    lines = report(base, questions)
    print("\n".join(lines))
    if args.misses:
        misses: list[str] = []
        evaluate(base, questions, with_topic=False, misses=misses)
        print("\n".join(["", "Top-1 misses (whole knowledge base):", *misses]))
    if args.record:
        write_section("retrieval", lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
