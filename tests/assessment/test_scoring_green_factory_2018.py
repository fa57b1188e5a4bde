"""Green factory 2018 scoring: mandatory items, optional points, category weights, veto (no database)."""

from __future__ import annotations

import pytest

from assessment.scoring import score_framework
from tests.assessment.scoring_fixtures import gf18_all_yes, green_factory_2018


def score(changes):
    return score_framework(definition=green_factory_2018(), answers={**gf18_all_yes(), **changes})


def test_it_scores_all_requirements_met_to_100_and_met():
    result = score({})
    assert result.to_dict()["score"] == 100.0
    assert result.level["code"] == "met"
    assert result.details["mandatory_failed"] == []


def test_it_reports_an_unmet_mandatory_item_and_withholds_the_level():
    # Building earns 12 of 20; infrastructure (12 + 10) / 30 × 20 = 14.67; management 80.
    result = score({"g18.q.b_law": False})
    assert result.to_dict()["score"] == 94.67
    assert result.level["code"] == "not_met"
    assert [item["question"] for item in result.details["mandatory_failed"]] == ["g18.q.b_law"]
    assert result.details["not_met_because"] == ["mandatory"]
    building = next(item for item in result.indicators if item.code == "g18.infra.building")
    assert building.gap["zh"].startswith("落实「g18.q.b_law」")


def test_it_adds_optional_points_without_failing():
    # (14 + 10) / 30 × 20 = 16 → total 96.
    result = score({"g18.q.b_new": False})
    assert result.to_dict()["score"] == 96.0
    assert result.level["code"] == "met"
    assert result.dimension("g18.infra").to_dict()["score"] == 16.0


@pytest.mark.parametrize(
    ("changes", "total", "level"),
    [
        ({"g18.q.ems": False}, 60.0, "met"),  # management 10 / 20 × 80 = 40: exactly the pass score
        ({"g18.q.ems": False, "g18.q.b_decor": False}, 58.0, "not_met"),  # infrastructure (17 + 10) / 30 × 20
    ],
)
def test_it_applies_the_provincial_pass_score_on_its_boundary(changes, total, level):
    result = score(changes)
    assert result.to_dict()["score"] == total
    assert result.level["code"] == level


def test_it_fails_the_veto_and_still_shows_the_score():
    result = score({"g18.q.lawful": False})
    assert result.score == pytest.approx(100.0)
    assert result.veto["passed"] is False
    assert result.level["code"] == "not_met"
    assert result.details["not_met_because"] == ["veto"]


def test_it_lists_unanswered_requirement_items_as_missing():
    answers = gf18_all_yes()
    del answers["g18.q.b_sep"]
    result = score_framework(definition=green_factory_2018(), answers=answers)
    building = next(item for item in result.indicators if item.code == "g18.infra.building")
    assert building.status == "missing"
    assert building.earned == pytest.approx(17 / 30 * 20)
    assert result.missing == ["g18.q.b_sep"]
