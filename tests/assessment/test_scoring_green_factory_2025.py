"""Green factory 2025 scoring: linear rule, qualitative rules, tiers, veto, renormalisation (no database)."""

from __future__ import annotations

import pytest

from assessment.scoring import EnterpriseFacts, green_code_percentile, score_framework
from tests.assessment.scoring_fixtures import gf25_full_answers, green_factory_2025


def score(answers, enterprise=None):
    return score_framework(definition=green_factory_2025(), answers=answers, enterprise=enterprise)


def indicator(result, code):
    return next(item for item in result.indicators if item.code == code)


def test_it_reproduces_the_domain_worked_example_4_24():
    # docs/provenance.md §2: lower-is-better, weight 8, leading 2.2, benchmark 3.9, actual 3.0 → 8 × 0.9 / 1.7 = 4.24.
    result = score({"gft.q.intensity": 3.0})
    item = indicator(result, "gft.energy.intensity")
    assert round(item.earned, 2) == 4.24
    assert result.to_dict()["score"] == 4.24
    assert item.gap == {
        "zh": "将单位产值综合能耗从 3 降至 2.2 tce/万元，可得 +3.76 分",
        "en": "lower energy intensity from 3 to 2.2 tce/万元 for +3.76 points",
    }
    assert "2.2" in item.rule["en"] and "3.9" in item.rule["en"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [(3.9, 0.0), (4.5, 0.0), (2.2, 8.0), (1.0, 8.0), (3.05, 4.0)],
)
def test_it_scores_lower_is_better_between_benchmark_and_leading(value, expected):
    assert indicator(score({"gft.q.intensity": value}), "gft.energy.intensity").earned == pytest.approx(
        expected
    )


@pytest.mark.parametrize(("value", "expected"), [(0, 0.0), (4, 3.0), (8, 6.0), (12, 6.0)])
def test_it_scores_higher_is_better_clamped_to_the_weight(value, expected):
    assert indicator(score({"gft.q.platform": value}), "gft.energy.platform").earned == pytest.approx(
        expected
    )


def test_it_gives_no_gap_at_full_points():
    assert indicator(score({"gft.q.intensity": 2.2}), "gft.energy.intensity").gap is None


def test_it_uses_sector_values_for_the_enterprise_industry():
    # C26 values: benchmark 5.0, leading 3.0 → 8 × (5 − 4) / 2 = 4.
    result = score({"gft.q.intensity": 4.0}, EnterpriseFacts(industry="C2611", size_class="small"))
    item = indicator(result, "gft.energy.intensity")
    assert item.earned == pytest.approx(4.0)
    assert "C26" in item.rule["zh"]
    assert indicator(score({"gft.q.intensity": 4.0}), "gft.energy.intensity").earned == 0.0


def test_it_scores_every_indicator_at_full_points_to_100_and_five_stars():
    result = score(gf25_full_answers())
    assert result.to_dict()["score"] == 100.0
    assert result.level["code"] == "5star"
    assert result.level["provisional"] is True
    assert result.missing == []
    assert [d.to_dict()["percent"] for d in result.dimensions] == [100.0, 100.0, 100.0]


@pytest.mark.parametrize(
    ("changes", "total", "tier"),
    [
        ({"gft.q.equipment": 1}, 90.0, "5star"),  # exactly on the five-star minimum
        ({"gft.q.measures": ["a"]}, 88.0, "4star"),
        ({"gft.q.equipment": 0, "gft.q.saving": "one"}, 75.0, "4star"),  # exactly 75
        ({"gft.q.equipment": 0, "gft.q.saving": "one", "gft.q.intensity": 2.3}, 74.53, "3star"),
        ({"gft.q.equipment": 0, "gft.q.measures": ["none"]}, 60.0, "3star"),  # exactly 60
        ({"gft.q.equipment": 0, "gft.q.measures": ["none"], "gft.q.intensity": 2.3}, 59.53, None),
    ],
)
def test_it_rates_tiers_on_their_boundaries(changes, total, tier):
    result = score({**gf25_full_answers(), **changes})
    assert result.to_dict()["score"] == total
    assert (result.level or {}).get("code") == tier


def test_it_lists_a_failed_veto_item_and_still_shows_the_score():
    result = score({**gf25_full_answers(), "gft.q.lawful": False})
    assert result.score == pytest.approx(100.0)
    assert result.veto["passed"] is False
    assert [item["code"] for item in result.veto["failed"]] == ["gft.pre.lawful"]
    assert result.level is None
    assert result.details["tier"]["code"] == "5star"
    assert result.details["tier_withheld"] is True


def test_it_does_not_pass_an_unanswered_veto_item():
    answers = gf25_full_answers()
    del answers["gft.q.lawful"]
    result = score(answers)
    assert result.veto == {"passed": False, "failed": [], "unanswered": ["gft.q.lawful"]}
    assert "gft.q.lawful" in result.missing


def test_it_renormalises_weights_when_an_indicator_does_not_apply():
    # No boiler: boiler efficiency leaves; reuse and saving share the dimension's 30 points (15 each).
    answers = {**gf25_full_answers(), "gft.q.has_boiler": False, "gft.q.reused_m3": 75, "gft.q.intake_m3": 25}
    del answers["gft.q.boiler_eff"]
    result = score(answers)
    boiler = indicator(result, "gft.resource.boiler")
    assert boiler.status == "not_applicable" and boiler.available == 0
    reuse = indicator(result, "gft.resource.reuse")
    assert reuse.available == pytest.approx(15.0)
    assert reuse.earned == pytest.approx(7.5)  # reuse rate 75 % is half way from 60 to 90
    assert result.dimension("gft.resource").max == 30
    assert result.score == pytest.approx(92.5)


def test_it_ignores_the_answer_to_a_question_that_is_not_asked():
    answers = {**gf25_full_answers(), "gft.q.has_boiler": False, "gft.q.boiler_eff": 10}
    result = score(answers)
    assert indicator(result, "gft.resource.boiler").status == "not_applicable"
    assert result.score == pytest.approx(100.0)


def test_it_reports_missing_answers_as_missing_never_as_silent_zero():
    answers = gf25_full_answers()
    del answers["gft.q.platform"]
    result = score(answers)
    item = indicator(result, "gft.energy.platform")
    assert (item.status, item.earned, item.available) == ("missing", 0.0, 6.0)
    assert result.missing == ["gft.q.platform"]
    assert result.score == pytest.approx(94.0)


def test_it_leaves_a_computed_rate_missing_when_its_inputs_are():
    answers = gf25_full_answers()
    del answers["gft.q.intake_m3"]
    result = score(answers)
    assert indicator(result, "gft.resource.reuse").status == "missing"
    assert result.missing == ["gft.q.intake_m3", "gft.q.reuse_rate"]


def test_it_keeps_an_override_of_a_computed_value():
    result = score(
        {**gf25_full_answers(), "gft.q.reused_m3": 1, "gft.q.intake_m3": 99, "gft.q.reuse_rate": 90}
    )
    assert indicator(result, "gft.resource.reuse").earned == pytest.approx(10.0)


def test_it_explains_single_options_with_the_next_and_the_top_option():
    item = indicator(score({"gft.q.saving": "none", "gft.q.has_boiler": True}), "gft.resource.saving")
    assert item.earned == 0.0
    assert item.gap["zh"] == "达到「选项one」可得 +5 分；最高档「选项several」+10 分"


def test_it_sums_multiple_options_capped_at_the_weight():
    assert indicator(score({"gft.q.measures": ["a", "b", "c"]}), "gft.clean.measures").earned == 20.0
    item = indicator(score({"gft.q.measures": ["a"]}), "gft.clean.measures")
    assert item.earned == 8.0
    assert item.gap["en"] == "add 'option b', 'option c' for +12 points"


@pytest.mark.parametrize(("count", "points"), [(0, 0.0), (1, 10.0), (2, 10.0), (2.5, 20.0), (7, 20.0)])
def test_it_scores_bands_on_their_bounds(count, points):
    assert indicator(score({"gft.q.equipment": count}), "gft.clean.equipment").earned == points


def test_it_explains_the_next_band():
    item = indicator(score({"gft.q.equipment": 1}), "gft.clean.equipment")
    assert item.gap["en"] == "bring advanced equipment to > 2 for +10 points"


def test_it_scores_yes_no_and_explains_a_no():
    item = indicator(score({"gft.q.enms": False}), "gft.energy.system")
    assert (item.earned, item.status) == (0.0, "scored")
    assert item.gap["en"] == "achieve 'energy management system' for +8 points"
    assert indicator(score({"gft.q.enms": True}), "gft.energy.system").earned == 8.0


@pytest.mark.parametrize(
    ("higher", "equal", "others", "grade", "rank"),
    [
        (0, 0, 19, "A+", 1),  # rank 1 of 20 = top 5 %
        (1, 0, 19, "A", 2),  # 10 %
        (0, 3, 19, "A+", 1),  # ties share the better rank
        (6, 0, 19, "A", 7),  # 35 % exactly
        (7, 0, 19, "B", 8),  # 40 %
        (11, 0, 19, "B", 12),  # 60 % exactly
        (12, 0, 19, None, 13),  # 65 %
    ],
)
def test_it_grades_the_green_code_among_the_cohort(higher, equal, others, grade, rank):
    cohort = [90.0] * higher + [70.0] * equal + [50.0] * (others - higher - equal)
    code = green_code_percentile(70.0, cohort)
    assert (code["code"], code["rank"], code["cohort_size"]) == (grade, rank, 20)


def test_it_gives_no_green_code_without_a_cohort():
    assert green_code_percentile(90.0, []) is None


def test_it_keeps_an_undecided_indicator_as_missing_instead_of_renormalising():
    # Whether there is a boiler is unanswered: boiler efficiency keeps its 10 points and is missing.
    answers = gf25_full_answers()
    del answers["gft.q.has_boiler"]
    del answers["gft.q.boiler_eff"]
    result = score(answers)
    boiler = indicator(result, "gft.resource.boiler")
    assert (boiler.status, boiler.earned, boiler.available) == ("missing", 0.0, 10.0)
    assert indicator(result, "gft.resource.reuse").available == 10.0
    assert result.score == pytest.approx(90.0)
    assert result.missing == ["gft.q.has_boiler"]


def with_alternatives():
    """Energy intensity as a parent of two alternatives chosen by whether a limit standard applies."""
    definition = green_factory_2025()
    energy = definition["dimensions"][0]["indicators"]
    energy[0] = {
        "code": "gft.energy.intensity",
        "title": {"zh": "能耗强度", "en": "energy intensity"},
        "weight": 8,
        "children": [
            {
                **energy[0],
                "code": "gft.energy.intensity.per_output",
                "weight": 4,
                "applies": {"when": {"question": "gft.q.has_limit", "equals": False}},
            },
            {
                "code": "gft.energy.intensity.per_product",
                "title": {"zh": "单位产品能耗", "en": "per product"},
                "weight": 4,
                "applies": {"when": {"question": "gft.q.has_limit", "equals": True}},
                "rule": {"type": "yesno", "question": "gft.q.meets_grade1"},
            },
        ],
    }
    definition["questions"] += [
        {"code": "gft.q.has_limit", "type": "yesno", "text": {"zh": "x", "en": "x"}},
        {
            "code": "gft.q.meets_grade1",
            "type": "yesno",
            "text": {"zh": "y", "en": "y"},
            "condition": {"question": "gft.q.has_limit", "equals": True},
        },
    ]
    return definition


def test_it_gives_the_applicable_alternative_the_parent_weight():
    answers = {**gf25_full_answers(), "gft.q.has_limit": True, "gft.q.meets_grade1": True}
    result = score_framework(definition=with_alternatives(), answers=answers)
    per_product = indicator(result, "gft.energy.intensity.per_product")
    assert (per_product.available, per_product.earned, per_product.parent) == (
        8.0,
        8.0,
        "gft.energy.intensity",
    )
    assert indicator(result, "gft.energy.intensity.per_output").status == "not_applicable"
    assert result.score == pytest.approx(100.0)


def test_it_keeps_undecided_alternatives_missing_with_the_parent_weight():
    result = score_framework(definition=with_alternatives(), answers=gf25_full_answers())
    alternatives = [i for i in result.indicators if i.parent == "gft.energy.intensity"]
    assert [(i.status, i.available) for i in alternatives] == [("missing", 4.0), ("missing", 4.0)]
    assert result.score == pytest.approx(92.0)
    assert result.missing == ["gft.q.has_limit"]
