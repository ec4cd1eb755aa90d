"""How sure a satisfaction rate is, and when the page should warn that answers are too few.

The 95 % Wilson score interval of the share of respondents Satisfied or better.

Wilson, not the textbook ``p ± 1.96·√(p(1−p)/n)``: with few answers, or a rate near 100 %,
that one runs past 100 % or shrinks to nothing (12 of 12 gives "100 ± 0"); Wilson's stays
inside 0–100 % and is honest about small samples (12 of 12 gives 75.75–100 %).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Optional

Z_95 = 1.959963984540054  # the standard normal quantile of 97.5 %
# Below these the page says the figure cannot be judged yet.
FEW_RESPONSES = 30
LOW_RESPONSE_RATE = Decimal(20)


def _percent(share: float) -> Decimal:
    return Decimal(str(min(max(share, 0.0), 1.0) * 100)).quantize(Decimal("0.01"),
                                                                   ROUND_HALF_UP)


def wilson_interval(successes: int, total: int) -> Optional[tuple[Decimal, Decimal]]:
    """The 95 % interval of ``successes / total`` in percent (two decimals); None for 0."""
    if total <= 0:
        return None
    share, z2 = successes / total, Z_95 * Z_95
    denominator = 1 + z2 / total
    centre = (share + z2 / (2 * total)) / denominator
    half = Z_95 * math.sqrt(share * (1 - share) / total + z2 / (4 * total * total)) / denominator
    return _percent(centre - half), _percent(centre + half)


@dataclass(frozen=True)
class Confidence:
    """The interval and what the page warns about (nothing: an empty list)."""

    interval_95: Optional[tuple[Decimal, Decimal]]
    warnings: list[str]


def confidence(satisfied: int, responses: int,
               response_rate: Optional[Decimal]) -> Confidence:
    """How sure the rate of ``satisfied`` of ``responses`` is, with the period's response rate."""
    interval = wilson_interval(satisfied, responses)
    warnings = []
    if 0 < responses < FEW_RESPONSES and interval:
        warnings.append(f"Only {responses} answers: the true rate may be anywhere from "
                        f"{interval[0]} % to {interval[1]} %. Too few to judge the target.")
    if response_rate is not None and response_rate < LOW_RESPONSE_RATE:
        warnings.append(f"Only {response_rate} % of closed chats were rated (below "
                        f"{LOW_RESPONSE_RATE} %): those who answer may not speak for all users.")
    return Confidence(interval, warnings)
