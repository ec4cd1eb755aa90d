"""KPI formula and the satisfaction question's wording."""

from decimal import Decimal

import pytest

from assistant.chat.satisfaction import kpi, question


def test_kpi_hand_computed():
    result = kpi([5, 5, 4, 3, 1, 2])
    assert (result.responses, result.satisfied_or_better) == (6, 3)
    assert result.rate_percent == Decimal("50.00") and result.met is False
    assert result.levels == {5: 2, 4: 1, 3: 1, 2: 1, 1: 1}


def test_kpi_rounds_half_up_to_two_decimals():
    assert kpi([5, 4, 1]).rate_percent == Decimal("66.67")
    assert kpi([5] * 4 + [1] * 1).rate_percent == Decimal("80.00")
    assert kpi([5] * 4 + [1]).met is True


def test_no_responses_no_rate():
    result = kpi([])
    assert result.rate_percent is None and result.met is None and result.responses == 0


def test_invalid_level_is_refused():
    with pytest.raises(ValueError):
        kpi([6])


def test_question_in_both_languages_has_five_levels_from_5_to_1():
    for language, first in (("en", "Very Satisfied"), ("th", "พึงพอใจมาก")):
        asked = question(language)
        assert asked["buttons"][0]["title"] == first
        levels = [b["payload"][-2] for b in asked["buttons"]]
        assert levels == ["5", "4", "3", "2", "1"]
