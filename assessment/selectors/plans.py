"""Reads of the improvement plan."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assessment.models import Answer, Assessment, Plan, PlanAction
from assessment.projection import PlannedAction, PlanProjection, project_plan
from assessment.recommendations import Recommendations, recommend
from assessment.scoring import EnterpriseFacts
from assessment.selectors.assessments import (
    Evaluation,
    answer_values,
    assessment_definitions,
    assessment_factors,
    evaluate,
)
from assessment.selectors.prices import current_prices


@dataclass
class PlanRows:
    plan: Plan | None
    actions: list[PlanAction] = field(default_factory=list)

    @property
    def revision(self) -> int:
        return self.plan.revision if self.plan else 0

    @property
    def codes(self) -> list[str]:
        return [row.action_code for row in self.actions]

    def planned(self) -> list[PlannedAction]:
        """The rows as the sequence rule takes them (assessment/projection.py)."""
        return [
            PlannedAction(r.action_code, r.status, r.quarter, r.position, r.owner, r.note)
            for r in self.actions
        ]


def plan_rows(assessment: Assessment) -> PlanRows:
    """The assessment's plan and its actions in plan order, with who last changed each (two queries)."""
    plan = Plan.objects.filter(assessment=assessment).first()
    if plan is None:
        return PlanRows(None)
    actions = list(plan.actions.select_related("updated_by").order_by("position", "id"))
    return PlanRows(plan, actions)


@dataclass
class PlanInputs:
    """What the projection of an assessment's plan reads: its definitions, answers, factors, prices and the
    current scores (self-assessed answers; computed values from the energy calculator)."""

    definitions: list[dict[str, Any]]
    answers: dict[str, Any]
    facts: EnterpriseFacts
    factors: dict[str, Any]
    prices: dict[str, Any]
    evaluation: Evaluation

    def project(self, codes: list[str]) -> PlanProjection | None:
        """The projection of `codes` in this order (None when the answers cannot be scored)."""
        if self.evaluation.result is None:
            return None
        return project_plan(
            definitions=self.definitions,
            answers=self.answers,
            enterprise=self.facts,
            factors=self.factors,
            prices=self.prices,
            codes=codes,
            before=self.evaluation.result,
            calculator=self.evaluation.outputs,
        )

    def recommendations(self) -> Recommendations | None:
        """The recommended actions of these answers, ranked (None when the answers cannot be scored)."""
        if self.evaluation.result is None:
            return None
        return recommend(
            definitions=self.definitions,
            answers=self.answers,
            enterprise=self.facts,
            before=self.evaluation.result,
            calculator=self.evaluation.outputs,
        )


def plan_inputs(assessment: Assessment) -> PlanInputs:
    """The projection's inputs in a fixed number of queries (versions, answers, factors, prices)."""
    definitions = assessment_definitions(assessment)
    answers = answer_values(Answer.objects.filter(assessment=assessment).only("question_code", "value"))
    factors = assessment_factors(assessment)
    evaluation = evaluate(
        definitions=definitions,
        answers=answers,
        enterprise=assessment.enterprise,
        factors=factors,
        checks=False,
    )
    return PlanInputs(
        definitions=definitions,
        answers=evaluation.answers,
        facts=EnterpriseFacts.from_enterprise(assessment.enterprise),
        factors=factors,
        prices=current_prices(),
        evaluation=evaluation,
    )


def planned_actions(assessment: Assessment) -> list[PlannedAction]:
    """The plan's actions as plain data, in the plan's order (one query; empty without a plan)."""
    rows = PlanAction.objects.filter(plan__assessment=assessment).order_by("position", "id")
    return [PlannedAction(r.action_code, r.status, r.quarter, r.position, r.owner, r.note) for r in rows]
