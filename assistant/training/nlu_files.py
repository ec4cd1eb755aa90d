r"""Write annotated examples, new intents and test stories into Rasa's YAML files.

ruamel.yaml round trip: comments, order, anchors and literal blocks of the files stay as
trainers wrote them; only the new lines are added. Examples go to the language's folder
(``nlu_data/nlu/en|th|mixed``): into the file that already holds the intent, otherwise into
``from_conversations.yml`` there. Personal data is replaced by placeholders first.

Each example line is made by :mod:`assistant.training.markup` (one line, no markup of the
user's own, entities checked as Rasa reads them back).

All writes go through :func:`editing`: the edit lock across hosts (``shared_files``) and
the workspace's lock on this host (``disk.locked``) around the read-modify-write, the
trainers' latest files pulled from the database first, every file changed in memory, then
stored in the database and written to disk together (``disk.replacing``). A step that fails
leaves every file as it was, in the database and on disk: a new intent is written only with
its example. Without a Flask application (the YAML layer used on its own) there is no
database: the files on disk are all there is.
"""

from __future__ import annotations

import io
import re
import threading
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any, Iterator, Optional, Sequence

from flask import has_app_context
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString
from ruamel.yaml.util import load_yaml_guess_indent

from assistant.extensions import db
from assistant.models import User
from assistant.training import disk, shared_files
from assistant.training.markup import AnnotationError, Span, example_line
from assistant.training.workspace import Workspace

NEW_FILE = "from_conversations.yml"
INTENT_NAME = re.compile(r"^[a-z][a-z0-9_]{1,62}$")
LANGUAGE_FOLDERS = ("en", "th", "mixed")


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


class Edit:
    """The workspace's YAML files read and changed under its lock, written together."""

    def __init__(self, root: Path, user: Optional[User], shared: bool) -> None:
        """An edit of ``root`` (resolved) by ``user`` (None: a command); stored when ``shared``."""
        self.root = root
        self.user = user
        self.shared = shared
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
        """Every changed file staged on disk, stored and committed, then renamed into place.

        The commit stores whatever else the session holds with the files (audit events).
        """
        texts = {file.path: file.dumps() for file in self._changed}
        with disk.replacing(texts):
            if self.shared:
                shared_files.push(Workspace(self.root), texts, self.user)
                db.session.commit()


_edits = threading.local()


@contextmanager
def editing(root: Path, user: Optional[User] = None) -> Iterator[Edit]:
    """Edit the workspace at ``root``: locked, written atomically when the block succeeds.

    The locks exclude other hosts (with a database), threads and processes; an ``editing``
    inside another of the same thread joins it, so the outermost block decides whether
    anything is written, and whose edit it is (``user``). With a database the edit commits
    the session: whatever the block added to it (audit events, reviews) is stored with it.
    """
    key = root.resolve()
    current: dict[Path, Edit] = _edits.__dict__.setdefault("current", {})
    if key in current:
        yield current[key]
        return
    shared = has_app_context()  # a database to share the files through
    with shared_files.editing_lock() if shared else nullcontext(), disk.locked(key):
        if shared:
            shared_files.pull(Workspace(key))
        current[key] = edit = Edit(key, user, shared)
        try:
            yield edit
            edit.commit()
        finally:
            del current[key]


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
