"""Engine-wide behaviour: validation, assessments and the maturity profile, what-if, reproducibility."""

from __future__ import annotations

import json

import pytest

from assessment.scoring import (
    EnterpriseFacts,
    ScoringInputError,
    maturity_profile,
    score_assessment,
    score_framework,
    simulate,
    validate_answers,
)
from assessment.scoring.engine import step_for
from tests.assessment.scoring_fixtures import (
    clean_production,
    cp_worked_example_answers,
    gf25_full_answers,
    green_factory_2025,
    sme_answers,
    sme_digital,
)


def three_frameworks():
    return [green_factory_2025(), clean_production(), sme_digital()]


def all_answers():
    return {**gf25_full_answers(), **cp_worked_example_answers(), **sme_answers()}


@pytest.mark.parametrize(
    ("code", "value", "kind"),
    [
        ("gft.q.nope", 1, "unknown_code"),
        ("gft.q.intensity", "3.0", "wrong_type"),
        ("gft.q.intensity", True, "wrong_type"),
        ("gft.q.intensity", -1, "out_of_range"),
        ("gft.q.platform", 13, "out_of_range"),
        ("gft.q.renewable", 100.5, "out_of_range"),  # percentage: 0–100 by default
        ("gft.q.saving", "all", "unknown_option"),
        ("gft.q.saving", ["one"], "wrong_type"),
        ("gft.q.measures", ["a", "x"], "unknown_option"),
        ("gft.q.measures", ["none", "a"], "exclusive_combined"),
        ("gft.q.measures", "a", "wrong_type"),
        ("gft.q.lawful", "yes", "wrong_type"),
        ("gft.q.reuse_rate", "high", "wrong_type"),
    ],
)
def test_it_names_the_code_of_every_invalid_answer(code, value, kind):
    problems = validate_answers(green_factory_2025(), {code: value})
    assert [(problem.code, problem.kind) for problem in problems] == [(code, kind)]
    assert str(problems[0]).startswith(f"{code}: ")


@pytest.mark.parametrize(
    ("value", "kind"),
    [(0, "out_of_range"), (5, "out_of_range"), (True, "wrong_type"), (2.5, "wrong_type")],
)
def test_it_checks_levels(value, kind):
    problems = validate_answers(sme_digital(), {"dgt.s01": value})
    assert [(p.code, p.kind) for p in problems] == [("dgt.s01", kind)]


def test_it_checks_products_and_per_product_answers():
    definition = clean_production()
    bad_sum = [{"name": "A", "share": 60}, {"name": "B", "share": 30}]
    assert [p.kind for p in validate_answers(definition, {"cpt.q.products": bad_sum})] == ["shares_sum"]
    assert [p.kind for p in validate_answers(definition, {"cpt.q.products": "A, B"})] == ["wrong_type"]
    products = [{"name": "A", "share": 60}, {"name": "B", "share": 40}]
    unknown = validate_answers(definition, {"cpt.q.products": products, "cpt.q.energy": {"A": 1, "C": 2}})
    assert [(p.code, p.kind) for p in unknown] == [("cpt.q.energy", "unknown_option")]
    negative = validate_answers(definition, {"cpt.q.products": products, "cpt.q.energy": {"A": -1, "B": 2}})
    assert [(p.code, p.kind) for p in negative] == [("cpt.q.energy", "out_of_range")]
    assert validate_answers(definition, {"cpt.q.products": products, "cpt.q.energy": {"A": 1, "B": 2}}) == []


def test_it_accepts_none_as_unanswered():
    assert validate_answers(green_factory_2025(), {"gft.q.intensity": None}) == []


def test_it_knows_codes_of_every_framework_of_an_assessment():
    assert validate_answers(three_frameworks(), all_answers()) == []
    problems = validate_answers(three_frameworks(), {**all_answers(), "zzz.q": 1})
    assert [(p.code, p.kind) for p in problems] == [("zzz.q", "unknown_code")]


def test_it_raises_one_exception_type_listing_the_problems():
    with pytest.raises(ScoringInputError) as error:
        score_framework(
            definition=green_factory_2025(), answers={"gft.q.intensity": "x", "gft.q.saving": "y"}
        )
    assert {p.code for p in error.value.problems} == {"gft.q.intensity", "gft.q.saving"}
    assert "gft.q.intensity" in str(error.value)
    with pytest.raises(ScoringInputError):
        score_assessment(definitions=three_frameworks(), answers={"zzz.q": 1})


def test_it_rejects_an_unknown_method():
    with pytest.raises(ScoringInputError, match="unknown scoring method"):
        score_framework(definition={**green_factory_2025(), "method": "astrology"}, answers={})


def test_it_scores_an_assessment_with_a_combined_profile():
    result = score_assessment(definitions=three_frameworks(), answers=all_answers())
    assert [r.framework for r in result.frameworks] == ["gf_test", "cp_test", "dig_test"]
    profile = result.profile
    assert [item["score"] for item in profile["frameworks"]] == [100.0, 76.33, 100.0]
    # Green index: mean of green factory 100 and clean production 76.33 = 88.17; digital 100.
    assert profile["green"]["index"] == 88.17
    assert profile["green"]["step"]["code"] == "leading"
    assert profile["overall"] == {"index": 94.08, "step": profile["overall"]["step"], "partial": False}
    assert profile["overall"]["step"]["step"] == 5
    assert profile["lagging"] is None
    assert len(profile["steps"]) == 5
    assert result.missing == []


def test_it_points_out_the_lagging_side():
    answers = {**all_answers(), "dgt.q.cloud": False, "dgt.q.talent": 1, "dgt.q.quality": "down"}
    # Digital 100 − 21 − 22.5 − 13 = 43.5; green 88.17.
    profile = score_assessment(definitions=three_frameworks(), answers=answers).profile
    assert profile["digital"] == {
        "index": 43.5,
        "step": {"step": 3, "code": "developing", "label": {"zh": "提升", "en": "Developing"}},
    }
    assert profile["lagging"] == "digital"


@pytest.mark.parametrize(
    ("index", "step"),
    [(0, 1), (19.99, 1), (20, 2), (39.994, 2), (39.995, 3), (40, 3), (60, 4), (80, 5), (100, 5)],
)
def test_it_bands_the_maturity_steps_by_20_points(index, step):
    assert step_for(index)["step"] == step


def test_it_marks_a_profile_of_one_side_partial():
    result = score_framework(definition=sme_digital(), answers=sme_answers())
    profile = maturity_profile([result])
    assert profile["green"] is None and profile["overall"]["partial"] is True


def test_it_simulates_a_change_with_deltas_per_framework_and_dimension():
    answers = {**gf25_full_answers(), "gft.q.intensity": 3.0, "gft.q.equipment": 0, "gft.q.saving": "one"}
    simulation = simulate(definition=green_factory_2025(), answers=answers, changes={"gft.q.intensity": 2.2})
    delta = simulation.deltas[0]
    assert delta["score_before"] == 71.24  # 100 − 20 − 5 − 3.76
    assert delta["score_after"] == 75.0
    assert delta["delta"] == pytest.approx(3.7647, abs=1e-4)
    assert (delta["level_before"]["code"], delta["level_after"]["code"]) == ("3star", "4star")
    assert delta["level_changed"] is True and delta["level_up"] is True
    energy = next(d for d in delta["dimensions"] if d["code"] == "gft.energy")
    assert energy["delta"] == pytest.approx(3.7647, abs=1e-4)
    assert all(d["delta"] == 0 for d in delta["dimensions"] if d["code"] != "gft.energy")
    assert simulation.total_gain == pytest.approx(3.7647, abs=1e-4)


def test_it_simulates_across_frameworks_and_removes_an_answer_set_to_none():
    simulation = simulate(definitions=three_frameworks(), answers=all_answers(), changes={"cpt.q.mgmt": None})
    deltas = {d["framework"]: d for d in simulation.deltas}
    assert deltas["gf_test"]["delta"] == 0
    assert deltas["cp_test"]["delta"] < 0
    assert simulation.after.missing == ["cpt.q.mgmt"]


def test_it_reuses_a_baseline_when_ranking_many_changes():
    baseline = score_assessment(definitions=three_frameworks(), answers=all_answers())
    simulation = simulate(
        definitions=three_frameworks(),
        answers=all_answers(),
        changes={"cpt.q.mgmt": "mlead"},
        baseline=baseline,
    )
    assert simulation.before is baseline
    # Management at Ⅰ: Y_Ⅰ = 15 + 42 + 28 = 85 with the limiting indicator at Ⅰ.
    assert {d["framework"]: d["level_after"]["code"] for d in simulation.deltas}["cp_test"] == "I"


def test_it_recomputes_calculator_values_in_a_simulation():
    definition = green_factory_2025()
    question = next(q for q in definition["questions"] if q["code"] == "gft.q.reuse_rate")
    del question["formula"]
    question["calculator"] = "calc.water_reuse_rate"
    answers = {key: value for key, value in gf25_full_answers().items() if key != "gft.q.reused_m3"}
    answers.update({"gft.q.reused_m3": 75, "gft.q.intake_m3": 25})  # 75 %: half of the 10 points

    def calculator(values):
        return {
            "calc.water_reuse_rate": values["gft.q.reused_m3"]
            / (values["gft.q.reused_m3"] + values["gft.q.intake_m3"])
            * 100
        }

    simulation = simulate(
        definition=definition, answers=answers, changes={"gft.q.reused_m3": 225}, calculator=calculator
    )
    assert simulation.deltas[0]["score_before"] == 95.0
    assert simulation.deltas[0]["score_after"] == 100.0


def test_it_reproduces_a_stored_result_exactly():
    result = score_assessment(
        definitions=three_frameworks(), answers=all_answers(), enterprise=EnterpriseFacts("C14")
    )
    stored = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    again = score_assessment(
        definitions=three_frameworks(), answers=all_answers(), enterprise=EnterpriseFacts("C14")
    )
    assert again.to_dict() == stored


def test_it_compiles_a_definition_once_per_content():
    from assessment.scoring import compile_definition

    definition = green_factory_2025()
    assert compile_definition(definition) is compile_definition(definition)
    assert compile_definition(green_factory_2025()) is compile_definition(definition)


def test_it_reads_enterprise_facts_from_a_model_like_object():
    class Enterprise:
        industry_division = "C14"
        industry_class = "1441"
        size_class = "small"

    assert EnterpriseFacts.from_enterprise(Enterprise()) == EnterpriseFacts("C1441", "small")


def test_it_hands_out_results_that_callers_may_change_without_touching_later_ones():
    first = score_assessment(definitions=three_frameworks(), answers=all_answers()).to_dict()
    for framework in first["frameworks"]:
        for item in [*framework["indicators"], *framework["dimensions"]]:
            item["title"]["zh"] = "changed"
        framework["indicators"][0]["rule"]["zh"] = "changed"
        if framework["level"]:
            framework["level"]["label"]["zh"] = "changed"
    first["profile"]["steps"][0]["label"]["zh"] = "changed"
    second = score_assessment(definitions=three_frameworks(), answers=all_answers()).to_dict()
    assert "changed" not in json.dumps(second, ensure_ascii=False)
