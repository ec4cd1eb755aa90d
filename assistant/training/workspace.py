"""Where the Rasa project that trainers change lives (``TRAINING_ROOT``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import current_app


@dataclass(frozen=True)
class Workspace:
    """The files ``rasa train`` and ``rasa test`` read, and where models go."""

    root: Path

    @property
    def data(self) -> Path:
        """``nlu_data/``: NLU examples, lookups, rules and stories."""
        return self.root / "nlu_data"

    @property
    def domain(self) -> Path:
        """``domain.yml``."""
        return self.root / "domain.yml"

    @property
    def config(self) -> Path:
        """``config.yml``."""
        return self.root / "config.yml"

    @property
    def rules(self) -> Path:
        """Rules folder (new intents get their rule here)."""
        return self.data / "rules"

    @property
    def test_stories(self) -> Path:
        """Test stories checked by ``rasa test`` (``tests/stories/``)."""
        return self.root / "tests" / "stories"

    @property
    def models(self) -> Path:
        """Trained models; the newest activated one is what Rasa serves."""
        return self.root / "models"

    def relative(self, path: Path) -> str:
        """``path`` relative to the workspace, for messages and the audit log."""
        return str(path.relative_to(self.root))


def workspace() -> Workspace:
    """The app's training workspace."""
    return Workspace(Path(current_app.config["TRAINING_ROOT"]))
