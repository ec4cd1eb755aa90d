"""Rasa's domain.yml as the web service reads it: intents and response texts."""

from functools import lru_cache
from typing import Any, Dict, FrozenSet

import yaml

from assistant.settings import ROOT


@lru_cache(maxsize=1)
def rasa_domain() -> Dict[str, Any]:
    """The parsed domain.yml (read once)."""
    domain: Dict[str, Any] = yaml.safe_load((ROOT / "domain.yml").read_text("utf-8"))
    return domain


def intents() -> FrozenSet[str]:
    """Intent names a button payload may name."""
    return frozenset(rasa_domain()["intents"])


def entities() -> FrozenSet[str]:
    """Entity names a button payload may set."""
    return frozenset(name if isinstance(name, str) else next(iter(name))
                     for name in rasa_domain().get("entities") or [])
