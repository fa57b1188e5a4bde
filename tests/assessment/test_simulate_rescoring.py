"""A what-if with a baseline re-scores only the frameworks a change touches: proved equal to a full re-score.

simulate(baseline=...) keeps the baseline's result for every framework none of whose questions changed
(with fixed calculator outputs). Here every action of the shipped catalog, applied to the demo dairy's
answers (and to a weaker plant's), and random changes drawn by hypothesis give exactly what scoring the
changed answers from scratch gives, on the shipped definitions and without a database.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessment.actions import load_catalog
from assessment.energy import calculator_outputs, energy_balance, energy_inputs_from_answers
from assessment.recommendations import current_values, target_value
from assessment.scoring import EnterpriseFacts, ScoringInputError, score_assessment, simulate
from assessment.selectors.factors import default_factors
from questionnaires.loader import resolved_definitions

DEMO_ANSWERS = Path(__file__).resolve().parents[2] / "reports" / "demo_answers.json"
FACTS = EnterpriseFacts(industry="C14", size_class="small")
BY_KEY = {(d["framework"], d["version"]): d for d in resolved_definitions() if d.get("kind") == "framework"}
SETS = {
    "generic": [
        BY_KEY[key]
        for key in (("clean_production_generic", "2025"), ("green_factory", "2025"), ("sme_digital", "2024"))
    ],
    "paper": [
        BY_KEY[key]
        for key in (("clean_production_paper", "2025"), ("green_factory", "2018"), ("sme_digital", "2024"))
    ],
}
FACTORS = default_factors()


def outputs_of(answers: dict[str, Any]) -> dict[str, float]:
    """The energy calculator's outputs for the answers (a function of the answers, as in the app)."""
    return calculator_outputs(energy_balance(inputs=energy_inputs_from_answers(answers), factors=FACTORS))


def questions_of(definitions: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {q["code"]: q for d in definitions for q in d["questions"]}


def dairy(definitions: list[dict[str, Any]], *, weak: bool = False) -> dict[str, Any]:
    """The demo dairy's answers to these frameworks; `weak`: every yes turned no, every level down to 1."""
    known = questions_of(definitions)
    answers = json.loads(DEMO_ANSWERS.read_text(encoding="utf-8"))["answers"]
    answers = {code: value for code, value in answers.items() if code in known}
    if weak:
        for code, value in answers.items():
            kind = known[code]["type"]
            if kind == "yesno" and value is True:
                answers[code] = False
            elif kind == "level":
                answers[code] = 1
    return answers


def full_rescore(definitions, answers, changes, calculator) -> dict[str, Any]:
    changed = {**answers, **changes}
    for code, value in changes.items():
        if value is None:
            changed.pop(code)
    outputs = calculator(changed) if callable(calculator) else calculator
    return score_assessment(
        definitions=definitions, answers=changed, enterprise=FACTS, calculator=outputs
    ).to_dict()


def catalog_changes(
    definitions: list[dict[str, Any]], answers: dict[str, Any], before
) -> list[dict[str, Any]]:
    """Each catalog action's changes as recommend() computes them (applicable or not to this industry)."""
    questions = questions_of(definitions)
    values = current_values(answers, before)
    found = []
    for action in load_catalog().actions:
        changes = {}
        for effect in action.effects:
            if effect.question in questions:
                met, target = target_value(effect, values.get(effect.question), questions[effect.question])
                if not met:
                    changes[effect.question] = target
        if changes:
            found.append(changes)
    return found


@pytest.mark.parametrize("calculator_kind", ["mapping", "function"])
@pytest.mark.parametrize("weak", [False, True])
@pytest.mark.parametrize("set_name", sorted(SETS))
def test_it_gives_every_catalog_action_the_result_of_a_full_rescore(set_name, weak, calculator_kind):
    definitions = SETS[set_name]
    answers = dairy(definitions, weak=weak)
    calculator = outputs_of(answers) if calculator_kind == "mapping" else outputs_of
    before = score_assessment(
        definitions=definitions, answers=answers, enterprise=FACTS, calculator=calculator
    )
    all_changes = catalog_changes(definitions, answers, before)
    assert len(all_changes) >= 20
    partial = 0
    for changes in all_changes:
        simulation = simulate(
            definitions=definitions,
            answers=answers,
            changes=changes,
            enterprise=FACTS,
            calculator=calculator,
            baseline=before,
        )
        assert simulation.after.to_dict() == full_rescore(definitions, answers, changes, calculator), changes
        without_baseline = simulate(
            definitions=definitions, answers=answers, changes=changes, enterprise=FACTS, calculator=calculator
        )
        assert simulation.deltas == without_baseline.deltas
        partial += sum(
            new is old for new, old in zip(simulation.after.frameworks, before.frameworks, strict=True)
        )
    if calculator_kind == "mapping":
        assert partial > len(all_changes)  # most actions leave at least one framework as it was


def test_it_reuses_the_baseline_only_for_frameworks_the_change_does_not_touch():
    definitions = SETS["generic"]
    answers = dairy(definitions)
    calculator = outputs_of(answers)
    before = score_assessment(
        definitions=definitions, answers=answers, enterprise=FACTS, calculator=calculator
    )
    digital = next(q["code"] for q in BY_KEY[("sme_digital", "2024")]["questions"] if q["type"] == "level")
    simulation = simulate(
        definitions=definitions,
        answers=answers,
        changes={digital: 4},
        enterprise=FACTS,
        calculator=calculator,
        baseline=before,
    )
    reused = [new is old for new, old in zip(simulation.after.frameworks, before.frameworks, strict=True)]
    assert reused == [True, True, False]  # clean production and green factory kept, SME digital re-scored
    with_function = simulate(
        definitions=definitions,
        answers=answers,
        changes={digital: 4},
        enterprise=FACTS,
        calculator=outputs_of,
        baseline=before,
    )
    # A calculator function may change computed values: frameworks with computed questions are re-scored.
    assert not any(
        new is old for new, old in zip(with_function.after.frameworks, before.frameworks, strict=True)
    )


def _value(question: dict[str, Any]) -> st.SearchStrategy:
    kind = question["type"]
    if kind == "yesno":
        return st.booleans()
    if kind == "single":
        return st.sampled_from([o["code"] for o in question["options"]] + ["not-an-option"])
    if kind == "multiple":
        return st.lists(st.sampled_from([o["code"] for o in question["options"]]), unique=True, min_size=1)
    if kind == "level":
        return st.integers(0, 5)
    if kind in ("number", "percentage", "computed"):
        return st.floats(-10, 10_000, allow_nan=False)
    if kind == "products":
        return st.sampled_from(
            [[{"name": "A", "share": 70}, {"name": "B", "share": 30}], [{"name": "A", "share": 100}]]
        )
    return st.text(max_size=3)


@st.composite
def what_ifs(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    set_name = draw(st.sampled_from(sorted(SETS)))
    questions = sorted(questions_of(SETS[set_name]).values(), key=lambda q: q["code"])
    chosen = draw(st.lists(st.sampled_from(questions), min_size=1, max_size=4, unique_by=lambda q: q["code"]))
    return set_name, {q["code"]: draw(st.one_of(st.none(), _value(q))) for q in chosen}


@given(what_ifs(), st.booleans())
def test_it_matches_a_full_rescore_for_any_change(what_if, weak):
    set_name, changes = what_if
    definitions = SETS[set_name]
    answers = dairy(definitions, weak=weak)
    calculator = outputs_of(answers)
    before = score_assessment(
        definitions=definitions, answers=answers, enterprise=FACTS, calculator=calculator
    )
    try:
        expected = full_rescore(definitions, answers, changes, calculator)
    except ScoringInputError as error:
        with pytest.raises(ScoringInputError) as raised:
            simulate(
                definitions=definitions,
                answers=answers,
                changes=changes,
                enterprise=FACTS,
                calculator=calculator,
                baseline=before,
            )
        assert raised.value.problems == error.problems
        return
    simulation = simulate(
        definitions=definitions,
        answers=answers,
        changes=changes,
        enterprise=FACTS,
        calculator=calculator,
        baseline=before,
    )
    assert simulation.after.to_dict() == expected
