"""SME digital 2024 scoring on a fixture: points, bands, multi-select, scenario level conditions."""

from __future__ import annotations

import pytest

from assessment.scoring import ScoringInputError, score_framework
from tests.assessment.scoring_fixtures import sme_answers, sme_digital


def score(answers):
    return score_framework(definition=sme_digital(), answers=answers)


def indicator(result, code):
    return next(item for item in result.indicators if item.code == code)


def test_it_scores_full_points_with_every_scenario_at_four_to_level_four():
    result = score(sme_answers())
    assert result.to_dict()["score"] == 100.0
    assert result.level["code"] == "L4"
    assert result.level["provisional"] is True
    assert [d.to_dict()["score"] for d in result.dimensions] == [50.0, 30.0, 20.0]
    assert result.details["next_level"] is None


def test_it_reaches_level_four_exactly_on_80():
    changes = {
        "dgt.q.quality": "flat",
        "dgt.q.energy": "flat",
        "dgt.q.talent": 3,
        "dgt.q.security": ["a", "b"],
    }
    result = score({**sme_answers(), **changes})
    assert result.to_dict()["score"] == 80.0
    assert result.level["code"] == "L4"


def test_it_needs_the_score_as_well_as_the_scenarios():
    result = score({**sme_answers(), "dgt.q.cloud": False})  # 79 points, every scenario at 4
    assert result.to_dict()["score"] == 79.0
    assert result.level["code"] == "L3"
    assert result.details["next_level"]["gap"]["en"] == "Level 4 needs: 1 more point"


def test_it_needs_enough_scenarios_at_the_level():
    result = score(sme_answers(scenario_levels=[4] * 9 + [3] * 7))  # 9 at level 4
    assert result.level["code"] == "L3"
    check = result.details["level_checks"][0]
    assert (check["code"], check["score_met"], check["scenarios"], check["met"]) == ("L4", True, 9, False)
    assert result.details["next_level"]["gap"]["zh"] == "达到四级需要：再有 1 个场景达到 4 级"


def test_it_needs_enough_constrained_scenarios_among_them():
    # 11 scenarios at level 4 but only 5 of them constrained (the first ten are constrained).
    result = score(sme_answers(scenario_levels=[3] * 5 + [4] * 11))
    check = result.details["level_checks"][0]
    assert (check["scenarios"], check["constrained"], check["met"]) == (11, 5, False)
    assert result.level["code"] == "L3"


def test_it_gives_no_level_below_the_lowest_conditions():
    result = score(sme_answers(scenario_levels=[1] * 5 + [2] * 11))  # only 5 constrained-or-not... at ≥ 1: 16
    assert result.level["code"] == "L2"
    low = score(
        {
            "dgt.q.network": ["none"],
            "dgt.q.devices": 10,
            "dgt.q.digital_devices": 0,
            "dgt.q.systems": "none",
            "dgt.q.security": ["none"],
            "dgt.q.cloud": False,
            "dgt.q.plan": "p1",
            "dgt.q.talent": 1,
            "dgt.q.energy": "up",
            "dgt.q.quality": "down",
            **{f"dgt.s{i:02d}": 1 for i in range(1, 17)},
        }
    )
    assert low.to_dict()["score"] == 1.5
    assert low.level["code"] == "none"
    assert low.details["next_level"]["code"] == "L1"


@pytest.mark.parametrize(("digital", "points"), [(1, 0.0), (2, 1.5), (4, 3.0), (5, 4.5), (6, 4.5), (10, 6.0)])
def test_it_bands_a_computed_rate_on_its_bounds(digital, points):
    result = score({**sme_answers(), "dgt.q.devices": 10, "dgt.q.digital_devices": digital})
    assert indicator(result, "dgt.base.digital").earned == points


def test_it_leaves_a_rate_over_zero_devices_missing():
    result = score({**sme_answers(), "dgt.q.devices": 0, "dgt.q.digital_devices": 0})
    assert indicator(result, "dgt.base.digital").status == "missing"
    assert result.missing == ["dgt.q.digital_rate"]


def test_it_sums_multi_select_points_and_scores_level_points():
    result = score({**sme_answers(), "dgt.q.network": ["a", "c"], "dgt.q.talent": 2})
    assert indicator(result, "dgt.base.network").earned == 4.0
    assert indicator(result, "dgt.mgmt.talent").earned == 7.5
    assert indicator(result, "dgt.mgmt.talent").gap["en"] == "reach level 3 for +7.5 points"


def test_it_rejects_an_exclusive_option_combined_with_others():
    with pytest.raises(ScoringInputError) as error:
        score({**sme_answers(), "dgt.q.network": ["none", "a"]})
    assert error.value.problems[0].code == "dgt.q.network"
    assert error.value.problems[0].kind == "exclusive_combined"


def test_it_lists_unrated_scenarios_as_missing_and_counts_them_at_no_level():
    answers = sme_answers()
    del answers["dgt.s01"]
    result = score(answers)
    assert "dgt.s01" in result.missing
    assert result.details["scenarios"][0]["level"] is None
    assert result.level["code"] == "L4"  # 15 at level 4, 9 constrained: still enough


def test_it_names_at_most_four_options_and_the_points_they_bring():
    definition = sme_digital()
    network = next(q for q in definition["questions"] if q["code"] == "dgt.q.network")
    network["options"][:4] = [{**option, "points": 1} for option in network["options"][:4]]
    network["options"][4:4] = [
        {"code": f"x{i}", "text": {"zh": f"x{i}", "en": f"x{i}"}, "points": 1} for i in range(4)
    ]
    result = score_framework(definition=definition, answers={**sme_answers(), "dgt.q.network": ["none"]})
    item = indicator(result, "dgt.base.network")
    assert item.gap["en"] == "add 'option a', 'option b', 'option c', 'option d' for +4 points"
