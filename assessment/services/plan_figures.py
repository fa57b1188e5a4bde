"""Writes of the plans' stored figures (assessment/plan_figures.py): computed on the current prices and
kept on Plan.figures, tagged with the plan's revision and the prices' digest.

Run by the plan services after each change (inside their transaction), by assessment_submit (the answers
and factors the figures rest on are frozen then) and by `manage.py refresh_plan_figures` (every plan:
after loading prices or changing them in the admin, after an upgrade of the economics model or the
action catalog; setup_demo runs it).
"""

from __future__ import annotations

from collections.abc import Iterable

from assessment.models import Plan, PlanAction
from assessment.plan_figures import DEFERRED, catalog_rows, compute_for, prices_digest, stored
from assessment.selectors.prices import current_prices

BATCH = 500


def plan_figures_refresh(
    *, plan_ids: Iterable[int] | None = None, assessment_ids: Iterable[int] | None = None
) -> int:
    """Compute and store the figures of these plans (by plan or assessment id; neither: every plan) on
    the current prices, in batches of BATCH plans (four queries each: actions, answers, factors, the
    update); returns how many plans were written. Each plan's figures carry the revision read with its
    actions, so a change made meanwhile leaves them stale (computed when read), never wrong."""
    plans = Plan.objects.order_by("pk")
    if plan_ids is not None:
        plans = plans.filter(pk__in=list(plan_ids))
    if assessment_ids is not None:
        plans = plans.filter(assessment_id__in=list(assessment_ids))
    revisions = dict(plans.values_list("pk", "revision"))
    if not revisions:
        return 0
    prices = current_prices()
    digest = prices_digest(prices)
    ids = list(revisions)
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        rows = (
            PlanAction.objects.filter(plan_id__in=chunk)
            .select_related("plan__assessment__enterprise")
            .defer(*DEFERRED, "plan__figures")
            .order_by("plan_id", "position", "id")
        )
        by_plan = catalog_rows(rows)
        computed = compute_for(by_plan, prices)
        updated = [
            Plan(
                pk=plan_id,
                figures=stored(
                    computed.get(plan_id, {}),
                    revision=by_plan[plan_id][0].plan.revision
                    if by_plan.get(plan_id)
                    else revisions[plan_id],
                    digest=digest,
                ),
            )
            for plan_id in chunk
        ]
        Plan.objects.bulk_update(updated, ["figures"])
    return len(ids)
