"""The central figures of each improvement plan, as the officials' plan analytics count them, stored on the
plan (Plan.figures) whenever the plan services change it and when its assessment is submitted.

Each action's figures are its step in the plan's sequence (docs/plan.md): the economics engine's
`combine` over the plan's counted actions in the plan's order, on the enterprise's answers, the factor
snapshot and the current prices (central estimate). Stored figures say which plan revision and which
prices (a digest of their content) they were computed on; figures of another revision or other prices
are stale and computed again when read (plan_figures_for), until `refresh_plan_figures` stores them.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, Case, F, IntegerField, Q, Value, When
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.db.models.lookups import Exact

from assessment.actions import load_catalog
from assessment.economics.engine import Baseline, combine
from assessment.economics.model import load_economics
from assessment.energy import energy_balance, energy_inputs_from_answers
from assessment.models import Answer, Assessment, Plan, PlanAction
from assessment.projection import COUNTED_STATUSES
from assessment.selectors.factors import default_factors

FIELDS = ("investment_wan", "annual_saving_wan", "co2_avoided_t")
# The assessment's JSON columns, not read with plan rows (compute_for reads the factor snapshot itself).
DEFERRED = (
    "plan__assessment__result",
    "plan__assessment__validated_result",
    "plan__assessment__factor_snapshot",
)


@dataclass(frozen=True)
class StepFigures:
    """One counted action's central figures in its plan (None: no such figure)."""

    investment_wan: float | None = None
    annual_saving_wan: float | None = None
    co2_avoided_t: float | None = None


def prices_digest(prices: Mapping[str, Any]) -> str:
    """A digest of a price snapshot's prices: stored figures computed on other prices are stale."""
    text = json.dumps(prices.get("prices") or {}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def compute_steps(
    rows: list[PlanAction],
    answers: dict[str, Any],
    factors: Mapping[str, Any] | None,
    prices: Mapping[str, Any],
    economics: Any,
) -> dict[str, StepFigures]:
    """Action code → its central figures in this plan, for the counted actions with money or CO₂
    figures (`rows`: one plan's catalog actions in plan order, with their assessment and enterprise;
    `factors`: the assessment's factor snapshot)."""
    counted = [row for row in rows if row.status in COUNTED_STATUSES]
    if not counted:
        return {}
    assessment = counted[0].plan.assessment
    factors = factors or default_factors()
    balance = energy_balance(inputs=energy_inputs_from_answers(answers), factors=factors)
    baseline = Baseline.from_answers(
        answers,
        factors=factors,
        prices=prices,
        size_class=assessment.enterprise.size_class,
        grid_factor_key=balance.grid_factor_key,
    )
    codes = [row.action_code for row in counted]
    combined = combine([economics.model(code) for code in codes], baseline, economics=economics, codes=codes)
    steps = {}
    for code, step in zip(codes, combined.steps, strict=True):
        figures = step.economics
        if figures.estimated:
            steps[code] = StepFigures(
                *(getattr(figures, name).mid if getattr(figures, name) else None for name in FIELDS)
            )
    return steps


def stored(steps: Mapping[str, StepFigures], *, revision: int, digest: str) -> dict[str, Any]:
    """The JSON kept in Plan.figures."""
    return {
        "revision": revision,
        "prices": digest,
        "actions": {code: [getattr(step, name) for name in FIELDS] for code, step in steps.items()},
    }


def is_fresh(plan: Plan, digest: str) -> bool:
    figures = plan.figures or {}
    return figures.get("revision") == plan.revision and figures.get("prices") == digest


def fresh_expression(digest: str, *, through: str = "") -> Case:
    """`is_fresh` in SQL: True when the plan's stored figures are of its revision and of the prices of
    `digest` (`through`: the path from the queried model to the plan, e.g. "plan__")."""
    stored_revision = Cast(KeyTextTransform("revision", f"{through}figures"), IntegerField())
    return Case(
        When(
            Q(**{f"{through}figures__prices": digest}) & Q(Exact(stored_revision, F(f"{through}revision"))),
            then=Value(True),
        ),
        default=Value(False),
        output_field=BooleanField(),
    )


def from_stored(figures: Mapping[str, Any]) -> dict[str, StepFigures]:
    return {code: StepFigures(*values) for code, values in (figures.get("actions") or {}).items()}


def catalog_rows(rows: Iterable[PlanAction]) -> dict[int, list[PlanAction]]:
    """The rows of catalog actions by plan id, in the order given."""
    known = {action.code for action in load_catalog().actions}
    by_plan: dict[int, list[PlanAction]] = defaultdict(list)
    for row in rows:
        if row.action_code in known:
            by_plan[row.plan_id].append(row)
    return by_plan


def compute_for(
    by_plan: Mapping[int, list[PlanAction]], prices: Mapping[str, Any]
) -> dict[int, dict[str, StepFigures]]:
    """The figures of these plans (their catalog rows in plan order, with plan, assessment and
    enterprise), computed: two queries (their assessments' answers and factor snapshots, which the
    rows' own query leaves out: most plans' figures are read, not computed)."""
    if not by_plan:
        return {}
    assessment_of = {plan_id: rows[0].plan.assessment_id for plan_id, rows in by_plan.items()}
    snapshots = dict(
        Assessment.objects.filter(pk__in=list(assessment_of.values())).values_list("pk", "factor_snapshot")
    )
    answers: dict[int, dict[str, Any]] = defaultdict(dict)
    for assessment_id, code, value in Answer.objects.filter(
        assessment_id__in=list(assessment_of.values())
    ).values_list("assessment_id", "question_code", "value"):
        if value is not None:
            answers[assessment_id][code] = value
    economics = load_economics()
    return {
        plan_id: compute_steps(
            rows, answers[assessment_of[plan_id]], snapshots.get(assessment_of[plan_id]), prices, economics
        )
        for plan_id, rows in by_plan.items()
    }


def plan_figures_for(
    by_plan: Mapping[int, list[PlanAction]], prices: Mapping[str, Any]
) -> dict[int, dict[str, StepFigures]]:
    """The figures of these plans: stored where fresh, computed for the others (two queries for their
    answers and factors, none when every plan's figures are fresh)."""
    digest = prices_digest(prices)
    found: dict[int, dict[str, StepFigures]] = {}
    stale: dict[int, list[PlanAction]] = {}
    for plan_id, rows in by_plan.items():
        plan = rows[0].plan
        if is_fresh(plan, digest):
            found[plan_id] = from_stored(plan.figures)
        else:
            stale[plan_id] = rows
    return {**found, **compute_for(stale, prices)}
