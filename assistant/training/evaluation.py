"""Evaluate a trained model with Rasa's own test commands and compare two models.

Suites: the held-out NLU set (``tests/nlu/held_out.yml``, never trained on), the test
stories (``tests/stories/``) and, where present, the development questions
(``../shared/eval/dev_questions.jsonl``, topics as ``ask_<topic>``). Each suite gives its
accuracy overall, per language (English, Thai, code-mixed) and per intent (F1).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

import yaml
from flask import current_app, has_app_context

from assistant.settings import ROOT
from nlu.language import detect_language

RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
DEV_QUESTIONS = ROOT.parent / "shared" / "eval" / "dev_questions.jsonl"
HELD_OUT = Path("tests") / "nlu" / "held_out.yml"
MIN_LANGUAGE_EXAMPLES = 3
DEFAULT_TIMEOUT_SECONDS = 1800.0  # per command; the app's TRAINING_TIMEOUT_SECONDS wins
Log = Callable[[str], None]


class EvaluationError(RuntimeError):
    """A Rasa command failed."""


@dataclass
class SuiteResult:
    """Accuracy of one model on one suite."""

    correct: int
    total: int
    languages: dict[str, list[int]] = field(default_factory=dict)  # language -> [correct, total]
    intents: dict[str, float] = field(default_factory=dict)  # intent or action -> F1

    @property
    def accuracy(self) -> float:
        """Percentage correct (0 for an empty suite)."""
        return 100.0 * self.correct / self.total if self.total else 0.0


def language_of(text: str) -> str:
    """``en``, ``th`` or ``mixed`` for per-language figures."""
    guess = detect_language(text)
    if guess is None:
        return "en"
    return "mixed" if guess.mixed else guess.language


def rasa_executable() -> str:
    """The rasa a run calls (``TRAINING_RASA``; Rasa's own venv unless configured)."""
    if has_app_context():
        return str(current_app.config.get("TRAINING_RASA") or RASA)
    return str(RASA)


def timeout_seconds() -> float:
    """How long one rasa command may run (``TRAINING_TIMEOUT_SECONDS``)."""
    if has_app_context():
        return float(current_app.config.get("TRAINING_TIMEOUT_SECONDS",
                                             DEFAULT_TIMEOUT_SECONDS))
    return DEFAULT_TIMEOUT_SECONDS


def rasa_command(arguments: list[str], cwd: Path, log: Log) -> None:
    """Run ``rasa ...`` in ``cwd``; the end of its output goes to ``log``.

    A command still running after ``timeout_seconds()`` is killed with the processes it
    started, and the run fails.
    """
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false",
           "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONWARNINGS": "ignore"}
    limit = timeout_seconds()
    with subprocess.Popen([rasa_executable(), *arguments], cwd=cwd, env=env, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          start_new_session=True) as process:
        try:
            output, _ = process.communicate(timeout=limit)
            timed_out = False
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            output, _ = process.communicate()
            timed_out = True
    lines = [line for line in output.splitlines() if "Warning" not in line and line.strip()]
    log("\n".join(lines[-15:]))
    name = " ".join(arguments[:2])
    if timed_out:
        raise EvaluationError(f"rasa {name} timed out after {limit:g} s")
    if process.returncode != 0:
        raise EvaluationError(f"rasa {name} failed (exit {process.returncode})")


def dev_questions_file(target: Path) -> Optional[Path]:
    """The development questions as a Rasa NLU test file, or None where the set is absent."""
    if not DEV_QUESTIONS.exists():
        return None
    by_intent: dict[str, list[str]] = {}
    for line in DEV_QUESTIONS.read_text("utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            expect = item["expect"]
            intent = f"ask_{expect['topic']}" if "topic" in expect else expect["act"]
            by_intent.setdefault(intent, []).append(item["text"].replace("\n", " "))
    nlu = [{"intent": intent, "examples": "".join(f"- {text}\n" for text in texts)}
           for intent, texts in by_intent.items()]
    target.write_text(yaml.safe_dump({"version": "3.1", "nlu": nlu}, allow_unicode=True),
                      "utf-8")
    return target


def nlu_suite(model: Path, test_file: Path, cwd: Path, log: Log) -> SuiteResult:
    """``rasa test nlu`` on ``test_file``."""
    with tempfile.TemporaryDirectory() as out:
        rasa_command(["test", "nlu", "--nlu", str(test_file), "--model", str(model),
                      "--out", out, "--successes", "--no-plot"], cwd, log)
        rows: list[dict[str, Any]] = []
        for name in ("intent_successes.json", "intent_errors.json"):
            path = Path(out, name)
            if path.exists():
                rows += json.loads(path.read_text("utf-8"))
        report = json.loads(Path(out, "intent_report.json").read_text("utf-8"))
    result = SuiteResult(0, 0)
    for row in rows:
        right = row["intent"] == (row.get("intent_prediction") or {}).get("name")
        counts = result.languages.setdefault(language_of(row["text"]), [0, 0])
        counts[0] += right
        counts[1] += 1
        result.correct += right
        result.total += 1
    result.intents = {name: round(100 * values["f1-score"], 1) for name, values in report.items()
                      if isinstance(values, dict) and "f1-score" in values and " avg" not in name}
    return result


def story_suite(model: Path, stories: Path, cwd: Path, log: Log) -> SuiteResult:
    """``rasa test core`` on the test stories: stories without a wrong prediction."""
    with tempfile.TemporaryDirectory() as out:
        rasa_command(["test", "core", "--stories", str(stories), "--model", str(model),
                      "--out", out, "--no-plot"], cwd, log)
        report = json.loads(Path(out, "story_report.json").read_text("utf-8"))
    stories_result = report["conversation_accuracy"]
    return SuiteResult(
        stories_result["correct"], stories_result["total"],
        intents={name: round(100 * values["f1-score"], 1) for name, values in report.items()
                 if isinstance(values, dict) and "f1-score" in values and " avg" not in name})


def evaluate(model: Path, root: Path, log: Log) -> dict[str, dict[str, Any]]:
    """Every suite for ``model``, as plain data (stored with the training run)."""
    results: dict[str, SuiteResult] = {}
    held_out = root / HELD_OUT
    if held_out.exists():
        log(f"held-out NLU set: {model.name}")
        results["held_out"] = nlu_suite(model, held_out, root, log)
    if (root / "tests" / "stories").exists():
        log(f"test stories: {model.name}")
        results["stories"] = story_suite(model, root / "tests" / "stories", root, log)
    with tempfile.TemporaryDirectory() as scratch:
        dev = dev_questions_file(Path(scratch) / "dev.yml")
        if dev is not None:
            log(f"development questions: {model.name}")
            results["dev"] = nlu_suite(model, dev, root, log)
    return {name: asdict(result) for name, result in results.items()}


@dataclass(frozen=True)
class Change:
    """One compared figure: suite, what (all, a language or an intent), before and after."""

    suite: str
    part: str
    baseline: float
    candidate: float
    gating: bool

    @property
    def delta(self) -> float:
        """Candidate minus baseline, in percentage points."""
        return round(self.candidate - self.baseline, 1)


def _accuracy(correct: int, total: int) -> float:
    return round(100.0 * correct / total, 1) if total else 0.0


def compare(baseline: dict[str, dict[str, Any]],
            candidate: dict[str, dict[str, Any]]) -> list[Change]:
    """Figures of both models side by side; overall and per-language ones gate."""
    changes = []
    for suite, after in candidate.items():
        before = baseline.get(suite)
        if before is None:
            continue
        changes.append(Change(suite, "all", _accuracy(before["correct"], before["total"]),
                              _accuracy(after["correct"], after["total"]), True))
        for language, (correct, total) in sorted(after["languages"].items()):
            old = before["languages"].get(language)
            if old and total >= MIN_LANGUAGE_EXAMPLES:
                changes.append(Change(suite, language, _accuracy(*old),
                                      _accuracy(correct, total), True))
        for intent in sorted(set(after["intents"]) | set(before["intents"])):
            changes.append(Change(suite, intent, before["intents"].get(intent, 0.0),
                                  after["intents"].get(intent, 0.0), False))
    return changes


def regressions(changes: list[Change], margin: float) -> list[Change]:
    """Gating figures where the candidate is worse than the baseline by more than ``margin``."""
    return [change for change in changes if change.gating and change.delta < -margin]
