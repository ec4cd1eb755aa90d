"""The five-level satisfaction question and the KPI computed from the answers.

The question's wording lives once, in Rasa's domain (``utter_ask_satisfaction``), so the
bot's goodbye and the service's own closes (end-chat button, staff close, inactivity) ask
exactly the same thing in English and Thai.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Dict, Iterable, List, Optional

from assistant.chat.domain import rasa_domain

RATING_PAYLOAD = re.compile(r'^/rate_satisfaction\{"satisfaction_level":\s*"?([1-5])"?\}$')
LEVELS = (5, 4, 3, 2, 1)  # 5 = Very Satisfied ... 1 = Very Dissatisfied
SATISFIED_OR_BETTER = 4
TARGET_PERCENT = 80


def _question_variations() -> List[Dict[str, Any]]:
    variations: List[Dict[str, Any]] = rasa_domain()["responses"]["utter_ask_satisfaction"]
    return variations


def question(language: str) -> Dict[str, Any]:
    """``{"text", "buttons"}`` of the satisfaction question in ``language`` (en or th)."""
    default: Optional[Dict[str, Any]] = None
    for variation in _question_variations():
        conditions = variation.get("condition") or []
        if not conditions:
            default = variation
        elif any(c.get("name") == "language" and c.get("value") == language for c in conditions):
            return {"text": variation["text"], "buttons": variation["buttons"]}
    assert default is not None, "domain.yml: utter_ask_satisfaction needs a default variation"
    return {"text": default["text"], "buttons": default["buttons"]}


@dataclass(frozen=True)
class Kpi:
    """Satisfaction rate: satisfied or better / all respondents x 100."""

    responses: int
    satisfied_or_better: int
    levels: Dict[int, int]
    rate_percent: Optional[Decimal]  # None when nobody answered
    target_percent: int = TARGET_PERCENT

    @property
    def met(self) -> Optional[bool]:
        """Whether the target is reached; None without responses."""
        return None if self.rate_percent is None else self.rate_percent >= self.target_percent


def kpi(levels: Iterable[int]) -> Kpi:
    """The KPI of these ratings (one per conversation), rounded half up to 2 decimals."""
    counts = {level: 0 for level in LEVELS}
    for level in levels:
        if level not in counts:
            raise ValueError(f"satisfaction level must be 1..5, got {level!r}")
        counts[level] += 1
    responses = sum(counts.values())
    satisfied = counts[5] + counts[4]
    return Kpi(responses, satisfied, counts, percent(satisfied, responses))


def percent(part: int, whole: int) -> Optional[Decimal]:
    """``part / whole x 100`` rounded half up to two decimals; None when ``whole`` is 0."""
    if not whole:
        return None
    return (Decimal(100 * part) / whole).quantize(Decimal("0.01"), ROUND_HALF_UP)


def level_labels(language: str) -> Dict[int, str]:
    """``{5: "Very Satisfied", ...}``: the button titles of the question in ``language``."""
    labels = {}
    for button in question(language)["buttons"]:
        match = RATING_PAYLOAD.match(button["payload"])
        assert match, f"domain.yml: not a rating payload: {button['payload']}"
        labels[int(match.group(1))] = button["title"]
    return labels
