"""Reads of the improvement plan."""

from __future__ import annotations

from dataclasses import dataclass, field

from assessment.models import Assessment, Plan, PlanAction
from assessment.projection import PlannedAction


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
        return [PlannedAction(r.action_code, r.status, r.quarter, r.position) for r in self.actions]


def plan_rows(assessment: Assessment) -> PlanRows:
    """The assessment's plan and its actions in plan order, with who last changed each (two queries)."""
    plan = Plan.objects.filter(assessment=assessment).first()
    if plan is None:
        return PlanRows(None)
    actions = list(plan.actions.select_related("updated_by").order_by("position", "id"))
    return PlanRows(plan, actions)
