"""questionnaires.logic: conditions, applicability and formulas (pure, no database)."""

from __future__ import annotations

import pytest

from questionnaires.logic import (
    FormulaError,
    condition_references,
    effective_answers,
    evaluate_condition,
    evaluate_formula,
    formula_references,
    industry_matches,
    is_applicable,
    resolve_answers,
)


def test_it_evaluates_each_comparison():
    answers = {"a": 5, "b": "x", "c": ["p", "q"], "d": True}
    assert evaluate_condition({"question": "a", "equals": 5}, answers)
    assert evaluate_condition({"question": "a", "not_equals": 4}, answers)
    assert evaluate_condition({"question": "b", "in": ["x", "y"]}, answers)
    assert evaluate_condition({"question": "a", "gt": 4}, answers)
    assert not evaluate_condition({"question": "a", "gt": 5}, answers)
    assert evaluate_condition({"question": "a", "ge": 5}, answers)
    assert evaluate_condition({"question": "a", "lt": 6}, answers)
    assert evaluate_condition({"question": "a", "le": 5}, answers)
    assert evaluate_condition({"question": "c", "equals": "q"}, answers)
    assert evaluate_condition({"question": "c", "not_equals": "r"}, answers)
    assert evaluate_condition({"question": "c", "in": ["r", "p"]}, answers)
    assert evaluate_condition({"question": "d", "equals": True}, answers)


def test_it_keeps_yes_no_apart_from_numbers():
    assert not evaluate_condition({"question": "d", "equals": 1}, {"d": True})
    assert not evaluate_condition({"question": "n", "equals": True}, {"n": 1})


def test_it_treats_unanswered_questions_as_failing_comparisons():
    assert not evaluate_condition({"question": "a", "equals": 1}, {})
    assert not evaluate_condition({"question": "a", "not_equals": 1}, {})
    assert not evaluate_condition({"question": "a", "gt": 0}, {"a": None})
    assert evaluate_condition({"question": "a", "answered": False}, {"a": ""})
    assert evaluate_condition({"question": "a", "answered": True}, {"a": 0})
    assert evaluate_condition({"not": {"question": "a", "equals": 1}}, {})


def test_it_combines_conditions():
    answers = {"a": 1, "b": 2}
    assert evaluate_condition({"all": [{"question": "a", "equals": 1}, {"question": "b", "gt": 1}]}, answers)
    assert not evaluate_condition(
        {"all": [{"question": "a", "equals": 1}, {"question": "b", "gt": 2}]}, answers
    )
    assert evaluate_condition({"any": [{"question": "a", "equals": 9}, {"question": "b", "gt": 1}]}, answers)
    assert evaluate_condition(None, answers)
    cond = {"all": [{"question": "a", "equals": 1}, {"not": {"any": [{"question": "b", "gt": 1}]}}]}
    assert condition_references(cond) == {"a", "b"}


def test_it_matches_industries_by_prefix():
    assert industry_matches("C1441", ["C14"])
    assert industry_matches("c14", ["C13", "C14"])
    assert not industry_matches("C14", ["C1441"])
    assert not industry_matches(None, ["C14"])


def test_it_decides_applicability_from_enterprise_and_answers():
    applies = {
        "industries": ["C13", "C14"],
        "size_classes": ["small", "micro"],
        "when": {"question": "boiler", "equals": True},
    }
    assert is_applicable(applies, {"boiler": True}, industry="C1411", size_class="small")
    assert not is_applicable(applies, {"boiler": True}, industry="C26", size_class="small")
    assert not is_applicable(applies, {"boiler": True}, industry="C14", size_class="large")
    assert not is_applicable(applies, {"boiler": False}, industry="C14", size_class="small")
    # Unknown enterprise facts exclude nothing.
    assert is_applicable(applies, {"boiler": True})
    assert is_applicable(None, {})


def test_it_drops_answers_of_questions_not_asked_transitively():
    definition = {
        "questions": [
            {"code": "a", "type": "yesno"},
            {"code": "b", "type": "yesno", "condition": {"question": "a", "equals": True}},
            {"code": "c", "type": "number", "condition": {"question": "b", "equals": True}},
        ]
    }
    assert effective_answers(definition, {"a": False, "b": True, "c": 3}) == {"a": False}
    assert effective_answers(definition, {"a": True, "b": True, "c": 3}) == {"a": True, "b": True, "c": 3}


def test_it_computes_formulas_safely():
    values = {"energy.reused_m3": 90, "energy.intake_m3": 10}
    formula = "{energy.reused_m3} / ({energy.reused_m3} + {energy.intake_m3}) * 100"
    assert evaluate_formula(formula, values) == pytest.approx(90.0)
    assert formula_references(formula) == {"energy.reused_m3", "energy.intake_m3"}
    assert evaluate_formula("min({a}, 3) + max(1, {b}, 2) - abs(-{a})", {"a": 5, "b": 7}) == 3 + 7 - 5
    assert evaluate_formula("-{a} * 2", {"a": 1.5}) == -3.0


def test_it_leaves_a_formula_missing_on_missing_input_or_division_by_zero():
    assert evaluate_formula("{a} / {b}", {"a": 1, "b": 0}) is None
    assert evaluate_formula("{a} + 1", {}) is None
    assert evaluate_formula("{a} + 1", {"a": "3"}) is None
    assert evaluate_formula("{a} + 1", {"a": True}) is None


@pytest.mark.parametrize(
    "formula",
    [
        "__import__('os')",
        "{a} ** 2",
        "{a}.real",
        "[1][0]",
        "pow({a}, 2)",
        "{a} if 1 else 2",
        "{a} // 2",
        "",
        "abs(1, 2)",
        "'text'",
    ],
)
def test_it_rejects_anything_outside_the_formula_language(formula):
    with pytest.raises(FormulaError):
        evaluate_formula(formula, {"a": 1})


def test_it_resolves_computed_questions_in_dependency_order():
    definition = {
        "questions": [
            {"code": "rate2", "type": "computed", "formula": "{rate} * 2"},
            {"code": "rate", "type": "computed", "formula": "{x} / {y} * 100"},
            {"code": "calc.share", "type": "computed", "calculator": "calc.share"},
            {"code": "x", "type": "number"},
            {"code": "y", "type": "number"},
        ]
    }
    resolved = resolve_answers(definition, {"x": 1, "y": 4}, calculator={"calc.share": 12.5})
    assert resolved == {"x": 1, "y": 4, "rate": 25.0, "rate2": 50.0, "calc.share": 12.5}


def test_it_keeps_an_override_of_a_computed_question():
    definition = {"questions": [{"code": "rate", "type": "computed", "formula": "{x} * 2"}]}
    assert resolve_answers(definition, {"x": 1, "rate": 7})["rate"] == 7
    assert "rate" not in resolve_answers(definition, {"rate": None})
    assert "rate" not in resolve_answers(
        {"questions": [{"code": "rate", "type": "computed", "calculator": "k"}]}, {}
    )


def test_it_rejects_formula_cycles():
    definition = {
        "questions": [
            {"code": "a", "type": "computed", "formula": "{b}"},
            {"code": "b", "type": "computed", "formula": "{a}"},
        ]
    }
    with pytest.raises(FormulaError):
        resolve_answers(definition, {})
