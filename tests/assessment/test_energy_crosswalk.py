"""Crosswalk: figures entered once in the energy calculator change the green-factory and clean-production
scores, through the calc.* questions both frameworks reference.

The shipped definition files are used (questionnaires/definitions/), with the shipped factor file.
Expected calc.* values are hand-computed from the factors named in the comments.
"""

from __future__ import annotations

import pytest

from assessment.energy import (
    calculator_outputs,
    energy_balance,
    energy_calculator,
    energy_inputs_from_answers,
)
from assessment.scoring import score_assessment, score_framework, simulate
from assessment.selectors.factors import default_factors
from questionnaires.loader import resolved_definitions

CP_ORDER = {None: -1, "none": 0, "III": 1, "II": 2, "I": 3}

# 1,000,000 kWh (coef.electricity 0.1229 → 122.9 tce; ef.grid.heilongjiang.2023 0.5229 → 522.9 t CO₂)
# + 500 t raw coal (coef.raw_coal 0.7143 → 357.15 tce; ef.raw_coal 1.742 → 871 t CO₂) = 480.05 tce, 1393.9 t.
ENERGY = {"energy.grid_electricity_kwh": 1_000_000, "energy.raw_coal_t": 500}


@pytest.fixture(scope="module")
def definitions() -> dict[str, dict]:
    return {definition["framework"]: definition for definition in resolved_definitions()}


def _score(definition: dict, answers: dict):
    balance = energy_balance(inputs=energy_inputs_from_answers(answers), factors=default_factors())
    assert balance.is_valid
    return score_framework(definition=definition, answers=answers, calculator=calculator_outputs(balance))


def _indicators_reading(result, code: str) -> list:
    return [
        ind
        for ind in result.to_dict()["indicators"]
        if code in ind["questions"] and ind["status"] == "scored"
    ]


def test_it_shares_the_calc_questions_with_both_frameworks(definitions):
    for framework in ("green_factory", "clean_production_generic"):
        codes = {q["code"] for q in definitions[framework]["questions"]}
        assert {
            "calc.energy_per_output",
            "calc.carbon_per_output",
            "calc.solid_waste_utilisation_rate",
        } <= codes
        computed = {
            q["code"]: q for q in definitions[framework]["questions"] if q["code"].startswith("calc.")
        }
        assert all(q["calculator"] == code for code, q in computed.items())


def test_it_changes_green_factory_scores_when_output_value_changes(definitions):
    gf = definitions["green_factory"]
    efficient = _score(gf, {**ENERGY, "energy.output_value_10k": 5600})
    wasteful = _score(gf, {**ENERGY, "energy.output_value_10k": 1400})
    # 480.05 tce ÷ 5600 万元 = 0.0857 and ÷ 1400 = 0.3429 tce/万元; 1393.9 t ÷ 5600 = 0.2489, ÷ 1400 = 0.9956
    (energy_a,) = _indicators_reading(efficient, "calc.energy_per_output")
    (energy_b,) = _indicators_reading(wasteful, "calc.energy_per_output")
    assert (energy_a["answer"], energy_b["answer"]) == (0.0857, 0.3429)
    assert energy_a["earned"] > energy_b["earned"]
    (carbon_a,) = _indicators_reading(efficient, "calc.carbon_per_output")
    (carbon_b,) = _indicators_reading(wasteful, "calc.carbon_per_output")
    assert (carbon_a["answer"], carbon_b["answer"]) == (0.2489, 0.9956)
    assert carbon_a["earned"] > carbon_b["earned"]
    assert efficient.score > wasteful.score


def test_it_changes_clean_production_levels_and_scores_when_output_value_changes(definitions):
    cp = definitions["clean_production_generic"]
    efficient = _score(cp, {**ENERGY, "energy.output_value_10k": 5600})
    wasteful = _score(cp, {**ENERGY, "energy.output_value_10k": 1400})
    for code in ("calc.energy_per_output", "calc.carbon_per_output"):
        (better,) = _indicators_reading(efficient, code)
        (worse,) = _indicators_reading(wasteful, code)
        assert CP_ORDER[better["cp_level"]] > CP_ORDER[worse["cp_level"]], code
    assert efficient.score > wasteful.score
    assert efficient.details["y"]["II"] > wasteful.details["y"]["II"]


def test_it_raises_both_frameworks_with_green_power_and_waste_utilisation(definitions):
    base = {
        **ENERGY,
        "energy.output_value_10k": 5600,
        "energy.solid_waste_generated_t": 300,
        "energy.solid_waste_utilised_t": 90,  # 30 %
    }
    improved = {
        **base,
        "energy.green_power_kwh": 1_000_000,  # 122.9 tce renewable of 480.05 = 25.60 %
        "energy.solid_waste_utilised_t": 285,  # 95 %
    }
    for framework in ("green_factory", "clean_production_generic"):
        before = _score(definitions[framework], base)
        after = _score(definitions[framework], improved)
        (waste_before,) = _indicators_reading(before, "calc.solid_waste_utilisation_rate")
        (waste_after,) = _indicators_reading(after, "calc.solid_waste_utilisation_rate")
        assert (waste_before["answer"], waste_after["answer"]) == (30.0, 95.0)
        assert waste_after["earned"] > waste_before["earned"], framework
        (carbon_before,) = _indicators_reading(before, "calc.carbon_per_output")
        (carbon_after,) = _indicators_reading(after, "calc.carbon_per_output")
        # Location-based scope 2 (docs/energy.md): green power does not lower the carbon indicator;
        # it raises the renewable share and lowers only the market-based scope 2.
        assert carbon_after["answer"] == carbon_before["answer"]
        assert after.score > before.score, framework


def test_it_feeds_a_whole_assessment_and_its_simulations_through_one_calculator(definitions):
    frameworks = [definitions["green_factory"], definitions["clean_production_generic"]]
    calculator = energy_calculator(default_factors())
    answers = {**ENERGY, "energy.output_value_10k": 1400}
    result = score_assessment(
        definitions=frameworks, answers=answers, calculator=calculator, allow_unknown=True
    )
    scores = {r.framework: r.score for r in result.frameworks}
    simulation = simulate(
        definitions=frameworks,
        answers=answers,
        changes={"energy.output_value_10k": 5600},
        calculator=calculator,
    )
    after = {r["framework"]: r["score"] for r in simulation.to_dict()["after"]["frameworks"]}
    assert after["green_factory"] > scores["green_factory"]
    assert after["clean_production_generic"] > scores["clean_production_generic"]
