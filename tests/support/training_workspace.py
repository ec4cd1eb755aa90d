"""A small copy of the Rasa project for training tests: every intent, few examples, fewer
epochs, so a candidate trains in well under a minute."""

import re
import shutil
from pathlib import Path

from scripts.servers import ROOT

EXAMPLES_PER_BLOCK = 12
EPOCHS = 40


def _shorten_examples(text: str) -> str:
    """Keep the first examples of each intent block (lookups and synonyms stay whole)."""
    out, kept, in_intent = [], 0, False
    for line in text.splitlines(keepends=True):
        if re.match(r"^- (intent|lookup|synonym|regex):", line):
            in_intent, kept = line.startswith("- intent:"), 0
        if in_intent and line.lstrip().startswith("- ") and line.startswith("    "):
            kept += 1
            if kept > EXAMPLES_PER_BLOCK:
                continue
        out.append(line)
    return "".join(out)


def small_workspace(target: Path) -> Path:
    """config, domain, rules and stories as they are; NLU examples cut; held-out set and
    test stories copied."""
    for name in ("config.yml", "domain.yml", "endpoints.yml", "credentials.yml"):
        shutil.copy(ROOT / name, target / name)
    config = (target / "config.yml").read_text("utf-8")
    (target / "config.yml").write_text(re.sub(r"epochs: \d+", f"epochs: {EPOCHS}", config),
                                       "utf-8")
    shutil.copytree(ROOT / "nlu_data", target / "nlu_data")
    for path in (target / "nlu_data" / "nlu").rglob("*.yml"):
        path.write_text(_shorten_examples(path.read_text("utf-8")), "utf-8")
    shutil.copytree(ROOT / "tests" / "stories", target / "tests" / "stories")
    (target / "tests" / "nlu").mkdir(parents=True)
    shutil.copy(ROOT / "tests" / "nlu" / "held_out.yml", target / "tests" / "nlu")
    return target
