"""The audit log in words: action names and details as a person reads them."""

from __future__ import annotations

from typing import Any

ACTIONS = {"canned_create": "canned answer created", "canned_edit": "canned answer edited",
           "canned_delete": "canned answer deleted", "canned_seed": "canned answers added"}


def action_text(action: str) -> str:
    """An action as words (``canned_edit`` -> "canned answer edited")."""
    return ACTIONS.get(action, action.replace("_", " "))


def details_text(details: dict[str, Any]) -> list[str]:
    """One line per detail: ``name: value``; a change as ``name: "before" → "after"``."""
    lines = []
    for key, value in details.items():
        if key == "changes" and isinstance(value, dict):
            lines += [f"{_name(field)}: {_value(before)} → {_value(after)}"
                      for field, (before, after) in value.items()]
        else:
            lines.append(f"{_name(key)}: {_value(value)}")
    return lines


def _name(key: str) -> str:
    return key.replace("_", " ")


def _value(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(_value(item) for item in value) or "none"
    if isinstance(value, dict):
        return "; ".join(f"{_name(str(k))}: {_value(v)}" for k, v in value.items())
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, str):
        return f"“{value}”" if " " in value.strip() or len(value) > 30 else value
    return str(value)
