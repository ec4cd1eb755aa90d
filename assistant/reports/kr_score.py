"""The city's key result (KR) score of a period: two weighted parts and their total.

Default rule (settings ``KR_AVAILABILITY_WEIGHT``, ``KR_AVAILABILITY_TARGET``,
``KR_SATISFACTION_WEIGHT``, ``KR_SATISFACTION_TARGET``): part 1 scores 40 when availability
is at least 99 %, else 40 × availability / 99; part 2 scores 60 when the satisfaction KPI is
at least 80 %, else 60 × KPI / 80. Scores are rounded half up to two decimals; the total is
the sum of the two rounded parts. A part without data (no probe looks, no responses) is not
measured, and then neither is the total.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Optional

from flask import current_app

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Rule:
    """The weights of the two parts and the percentage each must reach for its full weight."""

    availability_weight: Decimal = Decimal(40)
    availability_target: Decimal = Decimal(99)
    satisfaction_weight: Decimal = Decimal(60)
    satisfaction_target: Decimal = Decimal(80)

    def __post_init__(self) -> None:
        """Refuse weights that are not positive and targets outside 0-100 %."""
        for weight in (self.availability_weight, self.satisfaction_weight):
            if weight <= 0:
                raise ValueError(f"a KR weight must be positive, got {weight}")
        for target in (self.availability_target, self.satisfaction_target):
            if not 0 < target <= 100:
                raise ValueError(f"a KR target is a percentage above 0 up to 100, got {target}")

    @property
    def maximum(self) -> Decimal:
        """The score of a period that reaches both targets."""
        return self.availability_weight + self.satisfaction_weight


@dataclass(frozen=True)
class Part:
    """One weighted part: its measured percentage (None: not measured) and its score."""

    measured: Optional[Decimal]
    weight: Decimal
    target: Decimal

    @property
    def met(self) -> Optional[bool]:
        """Whether the measured figure reaches the target; None when not measured."""
        return None if self.measured is None else self.measured >= self.target

    @property
    def score(self) -> Optional[Decimal]:
        """The full weight at or above the target, else weight × measured / target."""
        if self.measured is None:
            return None
        if self.met:
            return self.weight.quantize(CENT)
        return (self.weight * self.measured / self.target).quantize(CENT, ROUND_HALF_UP)


@dataclass(frozen=True)
class KrScore:
    """Part 1 (availability), part 2 (satisfaction) and the total of a period."""

    availability: Part
    satisfaction: Part
    maximum: Decimal

    @property
    def total(self) -> Optional[Decimal]:
        """Both parts' scores added; None when either part is not measured."""
        scores = (self.availability.score, self.satisfaction.score)
        if scores[0] is None or scores[1] is None:
            return None
        return scores[0] + scores[1]


def kr_score(availability: Optional[Decimal], satisfaction: Optional[Decimal],
             rule: Rule) -> KrScore:
    """The KR score of a period: ``availability`` % and the satisfaction KPI %."""
    return KrScore(Part(availability, rule.availability_weight, rule.availability_target),
                   Part(satisfaction, rule.satisfaction_weight, rule.satisfaction_target),
                   rule.maximum)


def current_rule() -> Rule:
    """The rule the service was configured with (``KR_RULE``)."""
    rule: Rule = current_app.config["KR_RULE"]
    return rule
