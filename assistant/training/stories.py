"""Turn a real conversation into a Rasa test story (``tests/stories/from_conversations.yml``).

The steps come from Rasa's own tracker of the conversation: each user message with the
intent Rasa predicted (or the one a trainer chose in the review inbox), and each action the
bot ran. User text is redacted (``assistant.records.pii``) before it is written. A turn whose intent
the trainer corrected keeps the bot's original actions: read the story before relying on it.
User text is written as plain training text (``markup.training_text``: one line, no entity
markup of its own); the file is changed as every training file is (``nlu_files.editing``:
locked, stored in the database for every host, written atomically).
"""

from __future__ import annotations

from typing import Any, Mapping

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString

from assistant.training.markup import training_text
from assistant.training.nlu_files import NEW_FILE, editing
from assistant.training.workspace import Workspace

SKIPPED_ACTIONS = {"action_listen", "action_session_start", "action_unlikely_intent"}


def steps_from_tracker(events: list[dict[str, Any]],
                       corrected: Mapping[str, str]) -> list[CommentedMap]:
    """Story steps: user turns (text + intent) and the actions that followed them."""
    steps: list[CommentedMap] = []
    for event in events:
        if event.get("event") == "user":
            text = str(event.get("text") or "")
            intent = corrected.get(text) or (event.get("parse_data") or {}).get(
                "intent", {}).get("name")
            if not intent:
                continue
            written = "" if text.startswith("/") else training_text(text)
            if not written:  # a button payload (the intent is the message), or no words
                steps.append(CommentedMap([("intent", intent)]))
            else:
                steps.append(CommentedMap([("user", LiteralScalarString(written + "\n")),
                                           ("intent", intent)]))
        elif event.get("event") == "action" and event.get("name") not in SKIPPED_ACTIONS:
            if steps:  # actions before the first user message belong to the session start
                steps.append(CommentedMap([("action", event["name"])]))
    return steps


def save_test_story(space: Workspace, name: str, steps: list[CommentedMap]) -> str:
    """Append a story to the test stories; returns the file's path in the workspace."""
    if not any("intent" in step for step in steps):
        raise ValueError("the conversation has no user message Rasa understood")
    with editing(space.root) as edit:
        stories = edit.open(space.test_stories / NEW_FILE,
                            CommentedMap([("version", "3.1"), ("stories", CommentedSeq())]))
        if any(story.get("story") == name for story in stories.data["stories"]):
            raise ValueError(f"a test story named {name!r} exists already")
        stories.data["stories"].append(CommentedMap([("story", name), ("steps", steps)]))
        edit.save(stories)
    return space.relative(space.test_stories / NEW_FILE)
