"""Write annotated examples, new intents and test stories into Rasa's YAML files.

ruamel.yaml round trip: comments, order, anchors and literal blocks of the files stay as
trainers wrote them; only the new lines are added. Examples go to the language's folder
(``nlu_data/nlu/en|th|mixed``): into the file that already holds the intent, otherwise into
``from_conversations.yml`` there. Personal data is replaced by placeholders first.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional, Sequence

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString
from ruamel.yaml.util import load_yaml_guess_indent

from assistant.records.pii import redact

NEW_FILE = "from_conversations.yml"
INTENT_NAME = re.compile(r"^[a-z][a-z0-9_]{1,62}$")
LANGUAGE_FOLDERS = ("en", "th", "mixed")


class AnnotationError(ValueError):
    """An annotation that cannot be written (bad span, intent name, duplicate ...)."""


@dataclass(frozen=True)
class Span:
    """An entity over ``text[start:end]``."""

    start: int
    end: int
    entity: str


def _yaml(offset: int) -> YAML:
    yaml = YAML()  # round trip
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=offset + 2, offset=offset)
    yaml.representer.add_representer(
        type(None), lambda rep, _: rep.represent_scalar("tag:yaml.org,2002:null", "null"))
    return yaml


class YamlFile:
    """A YAML file loaded for a round trip: written back in its own indentation style."""

    def __init__(self, path: Path, empty: Optional[CommentedMap] = None) -> None:
        """Load ``path``, or start from ``empty`` when it does not exist yet."""
        self.path = path
        if path.exists() or empty is None:
            text = path.read_text("utf-8")
            _, _, offset = load_yaml_guess_indent(text)
            self.offset = offset or 0
            self.data: Any = _yaml(self.offset).load(text)
        else:
            self.offset, self.data = 0, empty

    def save(self) -> None:
        """Write the (changed) data back."""
        buffer = io.StringIO()
        _yaml(self.offset).dump(self.data, buffer)
        self.path.write_text(buffer.getvalue(), "utf-8")


def annotated(text: str, spans: Sequence[Span]) -> str:
    """Rasa's inline entity syntax: ``[Bang Rak](district)``; spans must not overlap."""
    result, position = [], 0
    for span in sorted(spans, key=lambda s: s.start):
        if span.start < position or not 0 <= span.start < span.end <= len(text):
            raise AnnotationError("entity spans must lie inside the text and not overlap")
        if not re.fullmatch(r"[a-z_]+", span.entity):
            raise AnnotationError(f"not an entity name: {span.entity!r}")
        result += [text[position:span.start], f"[{text[span.start:span.end]}]({span.entity})"]
        position = span.end
    result.append(text[position:])
    return "".join(result)


def _examples(block: CommentedMap) -> list[str]:
    return [line[2:].strip() for line in str(block.get("examples", "")).splitlines()
            if line.startswith("- ")]


def _intent_block(nlu: CommentedSeq, intent: str) -> Optional[CommentedMap]:
    return next((item for item in nlu if item.get("intent") == intent), None)


def example_files(data_dir: Path, language: str) -> list[Path]:
    """The NLU files of a language folder, sorted."""
    if language not in LANGUAGE_FOLDERS:
        raise AnnotationError(f"unknown language folder {language!r}")
    return sorted((data_dir / "nlu" / language).glob("*.yml"))


def add_example(data_dir: Path, language: str, intent: str, text: str,
                spans: Sequence[Span] = ()) -> tuple[Path, str]:
    """Add one example (personal data redacted) to ``intent``; returns (file, example line)."""
    if not INTENT_NAME.match(intent):
        raise AnnotationError(f"not an intent name: {intent!r}")
    clean = redact(text.strip())
    if clean != text.strip() and spans:
        raise AnnotationError("the text holds personal data: mark entities after redaction")
    if not clean or "\n" in clean:
        raise AnnotationError("an example is one non-empty line")
    line = annotated(clean, spans)
    target, block = None, None
    for path in example_files(data_dir, language):
        candidate = YamlFile(path)
        block = _intent_block(candidate.data.get("nlu") or CommentedSeq(), intent)
        if block is not None:
            target = candidate
            break
    if target is None:
        target = YamlFile(data_dir / "nlu" / language / NEW_FILE,
                          CommentedMap([("version", "3.1"), ("nlu", CommentedSeq())]))
        block = CommentedMap([("intent", intent), ("examples", LiteralScalarString(""))])
        target.data["nlu"].append(block)
    assert block is not None
    if line in _examples(block):
        raise AnnotationError("this example is already in the training data")
    block["examples"] = LiteralScalarString(str(block.get("examples", "")) + f"- {line}\n")
    target.save()
    return target.path, line


def known_intents(domain_file: Path) -> list[str]:
    """The intents of the domain, in file order."""
    return [str(name) for name in YamlFile(domain_file).data.get("intents") or []]


def _slot_is(name: str, value: Optional[str]) -> CommentedMap:
    return CommentedMap([("type", "slot"), ("name", name), ("value", value)])


def add_intent(domain_file: Path, rules_dir: Path, intent: str, answers: dict[str, str]) -> None:
    """A new intent answered by ``utter_<intent>`` (English and Thai) through a rule.

    The answer's variations follow the domain's pattern: Thai when the user chose Thai, or
    chose nothing and writes Thai; English otherwise.
    """
    if not INTENT_NAME.match(intent):
        raise AnnotationError(f"not an intent name: {intent!r}")
    if not all(answers.get(language, "").strip() for language in ("en", "th")):
        raise AnnotationError("a new intent needs its answer in English and in Thai")
    domain = YamlFile(domain_file)
    if intent in domain.data["intents"]:
        raise AnnotationError(f"the intent {intent} already exists")
    domain.data["intents"].append(intent)
    thai, english = answers["th"].strip(), answers["en"].strip()
    domain.data["responses"][f"utter_{intent}"] = [
        CommentedMap([("condition", [_slot_is("language_preference", "th")]), ("text", thai)]),
        CommentedMap([("condition", [_slot_is("language_preference", None),
                                     _slot_is("language", "th")]), ("text", thai)]),
        CommentedMap([("condition", [_slot_is("language_preference", "en")]),
                      ("text", english)]),
        CommentedMap([("text", english)]),
    ]
    domain.save()
    rules = YamlFile(rules_dir / NEW_FILE, CommentedMap([("version", "3.1"),
                                                         ("rules", CommentedSeq())]))
    rules.data["rules"].append(CommentedMap([
        ("rule", f"answer {intent}"),
        ("steps", [CommentedMap([("intent", intent)]),
                   CommentedMap([("action", f"utter_{intent}")])])]))
    rules.save()
