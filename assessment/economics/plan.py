"""The action plan of one set of answers: energy balance, scoring, recommendations and their figures.

Pure (no ORM): the report (reports/data.py), the results page and `manage.py action_plan` call it with
what they have read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from assessment.economics.engine import ActionPlan, action_plan
from assessment.economics.model import EconomicsModel
from assessment.economics.prices import QUANTITY_QUESTIONS
from assessment.energy import calculator_outputs, energy_balance, energy_inputs_from_answers
from assessment.recommendations import Recommendations, recommend
from assessment.scoring import EnterpriseFacts


def has_energy_answers(answers: Mapping[str, Any]) -> bool:
    """Whether any energy or water quantity was answered (the economics need at least one)."""
    return any(answers.get(code) not in (None, "") for code in QUANTITY_QUESTIONS.values())


def plan_for_answers(
    *,
    definitions: list[dict[str, Any]],
    answers: Mapping[str, Any],
    enterprise: EnterpriseFacts,
    factors: Mapping[str, Any],
    prices: Mapping[str, Any],
    recommendations: Recommendations | None = None,
    economics: EconomicsModel | None = None,
) -> ActionPlan:
    """The recommended actions of these answers with what each costs, saves and pays back."""
    balance = energy_balance(inputs=energy_inputs_from_answers(answers), factors=factors)
    if recommendations is None:
        recommendations = recommend(
            definitions=definitions,
            answers=answers,
            enterprise=enterprise,
            calculator=calculator_outputs(balance),
        )
    return action_plan(
        recommendations=recommendations,
        answers=answers,
        factors=factors,
        prices=prices,
        size_class=enterprise.size_class,
        economics=economics,
        grid_factor_key=balance.grid_factor_key,
    )
