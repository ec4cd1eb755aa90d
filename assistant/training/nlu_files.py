r"""Write annotated examples, new intents and test stories into Rasa's YAML files.

ruamel.yaml round trip: comments, order, anchors and literal blocks of the files stay as
trainers wrote them; only the new lines are added. Examples go to the language's folder
(``nlu_data/nlu/en|th|mixed``): into the file that already holds the intent, otherwise into
``from_conversations.yml`` there. Personal data is replaced by placeholders first.

Each example line is made by :mod:`assistant.training.markup` (one line, no markup of the
user's own, entities checked as Rasa reads them back).

All writes go through :func:`editing`: an exclusive lock of the workspace (``fcntl.flock``
on ``.training.lock``) around the read-modify-write, every file changed in memory first,
then written to a temporary file in its folder and renamed over the old one. A step that
fails leaves every file as it was: a new intent is written only with its example.
"""

from __future__ import annotations

import fcntl
import io
import os
import re
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Optional, Sequence

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString
from ruamel.yaml.util import load_yaml_guess_indent

from assistant.training.markup import AnnotationError, Span, example_line

NEW_FILE = "from_conversations.yml"
LOCK_FILE = ".training.lock"
INTENT_NAME = re.compile(r"^[a-z][a-z0-9_]{1,62}$")
LANGUAGE_FOLDERS = ("en", "th", "mixed")
NEW_FILE_MODE = 0o644
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

    def dumps(self) -> str:
        """The (changed) data as YAML text."""
        buffer = io.StringIO()
        _yaml(self.offset).dump(self.data, buffer)
        return buffer.getvalue()


def _temporary_copy(path: Path, text: str) -> Path:
    """``text`` in a new file next to ``path`` (flushed to disk, ``path``'s mode)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o7777 if path.exists() else NEW_FILE_MODE
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(name, mode)
    except BaseException:
        os.unlink(name)
        raise
    return Path(name)


class Edit:
    """The workspace's YAML files read and changed under its lock, written together."""

    def __init__(self, root: Path) -> None:
        """An edit of the workspace at ``root`` (resolved)."""
        self.root = root
        self._files: dict[Path, YamlFile] = {}
        self._changed: list[YamlFile] = []

    def open(self, path: Path, empty: Optional[CommentedMap] = None) -> YamlFile:
        """``path`` as this edit sees it (read once, changes included)."""
        key = path.resolve()
        if not key.is_relative_to(self.root):
            raise ValueError(f"{path} is outside the workspace {self.root}")
        if key not in self._files:
            self._files[key] = YamlFile(path, empty)
        return self._files[key]

    def save(self, file: YamlFile) -> None:
        """Write ``file`` when the edit ends without an error."""
        if file not in self._changed:
            self._changed.append(file)

    def commit(self) -> None:
        """Every changed file to a temporary file first, then each renamed over the old one."""
        staged: list[tuple[Path, Path]] = []
        try:
            for file in self._changed:
                staged.append((_temporary_copy(file.path, file.dumps()), file.path))
        except BaseException:
            for temporary, _ in staged:
                temporary.unlink(missing_ok=True)
            raise
        for temporary, path in staged:
            os.replace(temporary, path)
        for folder in {path.parent for _, path in staged}:  # the renames, on disk
            descriptor = os.open(folder, os.O_RDONLY)
            try:
                os.fsync(descriptor)
            finally:
                os.close(descriptor)


_edits = threading.local()


@contextmanager
def editing(root: Path) -> Iterator[Edit]:
    """Edit the workspace at ``root``: locked, written atomically when the block succeeds.

    The lock (``fcntl.flock`` on ``root/.training.lock``) excludes other threads and
    processes; an ``editing`` inside another of the same thread joins it, so the outermost
    block decides whether anything is written.
    """
    key = root.resolve()
    current: dict[Path, Edit] = _edits.__dict__.setdefault("current", {})
    if key in current:
        yield current[key]
        return
    with open(key / LOCK_FILE, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        current[key] = edit = Edit(key)
        try:
            yield edit
            edit.commit()
        finally:
            del current[key]
            fcntl.flock(lock, fcntl.LOCK_UN)


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


def _intent_file(edit: Edit, data_dir: Path, language: str,
                 intent: str) -> tuple[YamlFile, Optional[CommentedMap]]:
    """The file of the language folder holding ``intent`` (and its block), or the new file."""
    for path in example_files(data_dir, language):
        candidate = edit.open(path)
        block = _intent_block(candidate.data.get("nlu") or CommentedSeq(), intent)
        if block is not None:
            return candidate, block
    return edit.open(data_dir / "nlu" / language / NEW_FILE,
                     CommentedMap([("version", "3.1"), ("nlu", CommentedSeq())])), None


def add_example(data_dir: Path, language: str, intent: str, text: str,
                spans: Sequence[Span] = ()) -> tuple[Path, str]:
    """Add one example (personal data redacted) to ``intent``; returns (file, example line)."""
    if not INTENT_NAME.match(intent):
        raise AnnotationError(f"not an intent name: {intent!r}")
    line = example_line(text, spans)
    with editing(data_dir.parent) as edit:
        target, block = _intent_file(edit, data_dir, language, intent)
        if block is None:
            block = CommentedMap([("intent", intent), ("examples", LiteralScalarString(""))])
            target.data["nlu"].append(block)
        elif line in _examples(block):
            raise AnnotationError("this example is already in the training data")
        block["examples"] = LiteralScalarString(str(block.get("examples", "")) + f"- {line}\n")
        edit.save(target)
    return target.path, line


def known_intents(domain_file: Path) -> list[str]:
    """The intents of the domain, in file order."""
    return [str(name) for name in YamlFile(domain_file).data.get("intents") or []]


def _slot_is(name: str, value: Optional[str]) -> CommentedMap:
    return CommentedMap([("type", "slot"), ("name", name), ("value", value)])


def _answer(thai: str, english: str) -> list[CommentedMap]:
    """Thai when the user chose Thai, or chose nothing and writes Thai; English otherwise."""
    return [
        CommentedMap([("condition", [_slot_is("language_preference", "th")]), ("text", thai)]),
        CommentedMap([("condition", [_slot_is("language_preference", None),
                                     _slot_is("language", "th")]), ("text", thai)]),
        CommentedMap([("condition", [_slot_is("language_preference", "en")]),
                      ("text", english)]),
        CommentedMap([("text", english)]),
    ]


def add_intent(domain_file: Path, rules_dir: Path, intent: str, answers: dict[str, str]) -> None:
    """A new intent answered by ``utter_<intent>`` (English and Thai) through a rule.

    Inside an :func:`editing` block of the workspace the intent is written only when the
    whole block succeeds (with the example that introduces it).
    """
    if not INTENT_NAME.match(intent):
        raise AnnotationError(f"not an intent name: {intent!r}")
    if not all(answers.get(language, "").strip() for language in ("en", "th")):
        raise AnnotationError("a new intent needs its answer in English and in Thai")
    with editing(domain_file.parent) as edit:
        domain = edit.open(domain_file)
        if intent in domain.data["intents"]:
            raise AnnotationError(f"the intent {intent} already exists")
        rules = edit.open(rules_dir / NEW_FILE, CommentedMap([("version", "3.1"),
                                                              ("rules", CommentedSeq())]))
        domain.data["intents"].append(intent)
        domain.data["responses"][f"utter_{intent}"] = _answer(answers["th"].strip(),
                                                              answers["en"].strip())
        rules.data["rules"].append(CommentedMap([
            ("rule", f"answer {intent}"),
            ("steps", [CommentedMap([("intent", intent)]),
                       CommentedMap([("action", f"utter_{intent}")])])]))
        edit.save(domain)
        edit.save(rules)
