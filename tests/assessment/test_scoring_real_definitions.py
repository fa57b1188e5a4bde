"""The engine on the shipped definition files (questionnaires/definitions/), read without a database."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessment.scoring import EnterpriseFacts, score_assessment, score_framework, validate_answers
from questionnaires.loader import resolved_definitions
from tests.builders import SME_WORKED_EXAMPLE

# Six scenarios at level 2, three of them constrained (product design, marketing, production control).
LEVEL_TWO_SCENARIOS = {
    "dig24.scenario.product_design": 2,
    "dig24.scenario.marketing": 2,
    "dig24.scenario.production_control": 2,
    "dig24.scenario.process_design": 2,
    "dig24.scenario.after_sales": 2,
    "dig24.scenario.planning_scheduling": 2,
}

DEFINITIONS = {
    f"{d['framework']}@{d['version']}": d for d in resolved_definitions() if d.get("kind") == "framework"
}


def test_it_ships_a_definition_for_every_method():
    assert {d["method"] for d in DEFINITIONS.values()} == {
        "green_factory_2025",
        "green_factory_2018",
        "clean_production",
        "sme_digital_2024",
    }


def test_it_reproduces_the_domain_sme_digital_example_53_275():
    result = score_framework(definition=DEFINITIONS["sme_digital@2024"], answers=SME_WORKED_EXAMPLE)
    assert result.score == pytest.approx(53.275)
    assert result.to_dict()["score"] == 53.28  # two decimals, half up
    assert [round(d.score, 6) for d in result.dimensions] == [25.15, 13.125, 15.0]
    # No scenario rated: the score alone gives no level (docs/provenance.md §4: 二级 only with the scenario conditions).
    assert result.level["code"] == "none"


def test_it_gives_the_sme_example_level_two_once_the_scenario_conditions_hold():
    answers = {**SME_WORKED_EXAMPLE, **LEVEL_TWO_SCENARIOS}
    assert score_framework(definition=DEFINITIONS["sme_digital@2024"], answers=answers).level["code"] == "L2"
    answers["dig24.scenario.production_control"] = 1  # only two constrained scenarios at level 2 now
    result = score_framework(definition=DEFINITIONS["sme_digital@2024"], answers=answers)
    assert result.level["code"] == "L1"
    assert result.details["next_level"]["code"] == "L2"


def test_it_shows_the_green_factory_score_when_a_veto_item_fails():
    answers = {"mgmt.lawful_compliant": False, "mgmt.energy_management_system": True}
    result = score_framework(definition=DEFINITIONS["green_factory@2025"], answers=answers)
    assert "gf25.pre.lawful" in [item["code"] for item in result.veto["failed"]]
    assert result.level is None


def _value(question: dict[str, Any]) -> st.SearchStrategy:
    kind = question["type"]
    if kind == "yesno":
        return st.booleans()
    if kind == "single":
        return st.sampled_from([o["code"] for o in question["options"]])
    if kind == "multiple":
        plain = [o["code"] for o in question["options"] if not o.get("exclusive")]
        exclusive = [[o["code"]] for o in question["options"] if o.get("exclusive")]
        return st.one_of(st.lists(st.sampled_from(plain), unique=True, min_size=1), *map(st.just, exclusive))
    if kind == "level":
        return st.integers(1, 4)
    if kind in ("number", "percentage"):
        low = question.get("min", 0)
        high = question.get("max", 100 if kind == "percentage" else low + 10_000)
        return st.floats(low, high, allow_nan=False)
    if kind == "products":
        return st.just([{"name": "A", "share": 70}, {"name": "B", "share": 30}])
    if kind == "text":
        return st.text(max_size=5)
    if kind == "computed":
        return st.floats(0, 100, allow_nan=False)  # an override
    return st.none()


def answers_for(definitions: list[dict[str, Any]]) -> st.SearchStrategy:
    questions = {q["code"]: q for d in definitions for q in d["questions"] if q["type"] != "file"}
    return st.fixed_dictionaries(
        {},
        optional={
            code: st.none() if q["type"] == "computed" and not q.get("formula") else _value(q)
            for code, q in questions.items()
        },
    )


ALL = list(DEFINITIONS.values())


@given(answers=answers_for(ALL), industry=st.sampled_from([None, "C13", "C22", "C2211", "C26"]))
def test_it_keeps_every_shipped_framework_within_bounds_and_reproducible(answers, industry):
    answers = {code: value for code, value in answers.items() if value is not None}
    enterprise = EnterpriseFacts(industry=industry, size_class="small")
    result = score_assessment(definitions=ALL, answers=answers, enterprise=enterprise)
    for framework in result.frameworks:
        assert 0 <= framework.score <= 100
        for indicator in framework.indicators:
            assert -1e-9 <= indicator.earned <= indicator.available + 1e-9
        for dimension in framework.dimensions:
            assert -1e-9 <= dimension.score <= dimension.max + 1e-9
    stored = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    assert score_assessment(definitions=ALL, answers=answers, enterprise=enterprise).to_dict() == stored


def test_it_scores_green_factory_2018_all_met_to_100_and_reports_an_unmet_mandatory_item():
    definition = DEFINITIONS["green_factory@2018"]
    answers = {q["code"]: True for q in definition["questions"] if q["type"] == "yesno"}
    result = score_framework(definition=definition, answers=answers)
    assert (result.to_dict()["score"], result.level["code"], result.missing) == (100.0, "met", [])
    mandatory = next(
        item["question"]
        for dimension in definition["dimensions"]
        for indicator in dimension["indicators"]
        for item in indicator["rule"]["items"]
        if item["kind"] == "mandatory"
    )
    failed = score_framework(definition=definition, answers={**answers, mandatory: False})
    assert failed.level["code"] == "not_met"
    assert [item["question"] for item in failed.details["mandatory_failed"]] == [mandatory]
    assert 0 < failed.score < 100


def _leaves(indicators):
    for indicator in indicators:
        yield from _leaves(indicator.get("children", [])) if indicator.get("children") else [indicator]


def best_clean_production_answers(definition):
    """Every indicator exactly on its level Ⅰ threshold (or the level Ⅰ option), every yes/no yes."""
    questions = {q["code"]: q for q in definition["questions"]}
    answers = {code: True for code, q in questions.items() if q["type"] == "yesno"}
    if "cpp.q.process_route" in questions:  # paper: a chemical pulp mill (the recovered-paper line leaves)
        answers["cpp.q.process_route"] = "chemical_pulp"
    answers[definition["settings"]["products_question"]] = [{"name": "A", "share": 100}]
    calculator = {}
    for dimension in definition["dimensions"]:
        for indicator in _leaves(dimension["indicators"]):
            rule = indicator["rule"]
            question = questions.get(rule.get("question"), {})
            if rule["type"] != "levels":
                continue
            if "thresholds" in rule:
                if question.get("calculator"):
                    calculator[question["calculator"]] = rule["thresholds"]["I"]
                else:
                    answers[question["code"]] = rule["thresholds"]["I"]
            else:
                answers[question["code"]] = next(
                    o["code"] for o in question["options"] if o.get("cp_level") == "I"
                )
    return answers, calculator


@pytest.mark.parametrize("key", ["clean_production_generic@2025", "clean_production_paper@2025"])
def test_it_rates_a_clean_production_system_level_one_exactly_on_its_thresholds(key):
    definition = DEFINITIONS[key]
    answers, calculator = best_clean_production_answers(definition)
    result = score_framework(
        definition=definition,
        answers=answers,
        calculator=calculator,
        enterprise=EnterpriseFacts("C2221", "small"),
    )
    assert result.details["y"] == {"I": 100.0, "II": 100.0, "III": 100.0}
    assert result.level["code"] == "I"
    assert result.to_dict()["score"] == 100.0


def test_it_holds_the_generic_clean_production_level_at_two_by_a_limiting_indicator():
    definition = DEFINITIONS["clean_production_generic@2025"]
    answers, calculator = best_clean_production_answers(definition)
    answers["cpg.q.product_energy_grade"] = "grade2"  # limiting, weight 0.2 in a category of w 0.25
    result = score_framework(definition=definition, answers=answers, calculator=calculator)
    assert result.details["y"]["I"] == pytest.approx(95.0)
    assert result.level["code"] == "II"
    assert result.details["checks"][0]["limiting_below"] == ["cpg.resource.energy_per_product"]


# Emission margins (limit − annual mean) ÷ limit × 100 %: unbounded below, so one wide range everywhere.
MARGIN_INDICATORS = [
    (
        "green_factory@2025",
        "gf25.clean.air_pollutants",
        "gf25.q.air_pollutant_margin",
        "gf25.q.has_air_emission_points",
    ),
    (
        "clean_production_generic@2025",
        "cpg.pollution.air_emission_margin",
        "cpg.q.air_emission_margin",
        "cpg.q.has_air_stacks",
    ),
    (
        "clean_production_paper@2025",
        "cpp.pollution.water_pollutant_margin",
        "cpp.q.water_pollutant_margin",
        None,
    ),
]


@pytest.mark.parametrize(("key", "indicator_code", "question_code", "gate"), MARGIN_INDICATORS)
def test_it_accepts_and_scores_an_emission_margin_far_below_the_worst_threshold(
    key, indicator_code, question_code, gate
):
    definition = DEFINITIONS[key]
    question = next(q for q in definition["questions"] if q["code"] == question_code)
    assert (question["min"], question["max"]) == (-1000, 100)
    answers = {question_code: -150.0, **({gate: True} if gate else {})}  # annual mean 2.5 × the limit
    assert validate_answers(definition, answers, allow_unknown=True) == []
    result = score_framework(definition=definition, answers=answers)
    scored = next(item for item in result.indicators if item.code == indicator_code)
    assert scored.status == "scored"
    assert scored.earned == 0.0
    if definition["method"] == "clean_production":
        assert scored.cp_level == "none"


def _improved(rule: dict[str, Any], question: dict[str, Any]) -> Any:
    """The best answer for the indicator reading this question (None: nothing to improve simply)."""
    kind = question["type"]
    if kind == "yesno":
        return True
    if kind == "level":
        return 4
    if kind == "multiple":
        return [o["code"] for o in question["options"] if not o.get("exclusive")]
    if kind == "single":
        if rule["type"] == "levels":
            return next(o["code"] for o in question["options"] if o.get("cp_level") == "I")
        return max(question["options"], key=lambda o: o.get("points", 0))["code"]
    if kind in ("number", "percentage") and rule["type"] == "linear":
        return rule["leading"]
    if kind in ("number", "percentage") and rule["type"] == "levels":
        return rule["thresholds"]["I"]
    return None


@given(data=st.data(), key=st.sampled_from(sorted(DEFINITIONS)))
def test_it_never_lowers_a_shipped_framework_score_when_one_answer_improves(data, key):
    definition = DEFINITIONS[key]
    answers = {
        code: value for code, value in data.draw(answers_for([definition])).items() if value is not None
    }
    questions = {q["code"]: q for q in definition["questions"]}
    leaves = [leaf for d in definition["dimensions"] for leaf in _leaves(d["indicators"])]
    leaf = data.draw(st.sampled_from(leaves))
    rule = leaf["rule"]
    code = rule.get("question") or data.draw(st.sampled_from([item["question"] for item in rule["items"]]))
    better = _improved(rule, questions[code])
    if better is None or questions[code].get("per_product") and isinstance(answers.get(code), dict):
        return
    before = score_framework(definition=definition, answers=answers)
    after = score_framework(definition=definition, answers={**answers, code: better})
    assert after.score >= before.score - 1e-9
