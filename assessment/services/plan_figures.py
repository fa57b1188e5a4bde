"""Writes of the plans' stored figures (assessment/plan_figures.py): computed on the current prices and
kept on Plan.figures, tagged with the plan's revision and the prices' digest.

Run by the plan services after each change (inside their transaction), by assessment_submit (the answers
and factors the figures rest on are frozen then), by the task `refresh_plan_figures` (the stale plans:
queued once a change of a price set or a price commits, wherever it is made: the admin, load_prices) and
by `manage.py refresh_plan_figures` (every plan: after an upgrade of the economics model or the action
catalog; setup_demo runs it).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from assessment.models import Plan, PlanAction
from assessment.plan_figures import (
    DEFERRED,
    catalog_rows,
    compute_for,
    fresh_expression,
    prices_digest,
    stored,
)
from assessment.selectors.prices import current_prices

BATCH = 500


def plan_figures_refresh(
    *,
    plan_ids: Iterable[int] | None = None,
    assessment_ids: Iterable[int] | None = None,
    stale_only: bool = False,
) -> int:
    """Compute and store the figures of these plans (by plan or assessment id; neither: every plan;
    `stale_only`: only those whose stored figures are not of their revision and the current prices) on
    the current prices, in batches of BATCH plans (four queries each: actions, answers, factors, the
    update); returns how many plans were written. Each plan's figures carry the revision read with its
    actions, so a change made meanwhile leaves them stale (computed when read), never wrong."""
    prices = current_prices()
    digest = prices_digest(prices)
    plans = Plan.objects.order_by("pk")
    if plan_ids is not None:
        plans = plans.filter(pk__in=list(plan_ids))
    if assessment_ids is not None:
        plans = plans.filter(assessment_id__in=list(assessment_ids))
    if stale_only:
        plans = plans.annotate(fresh=fresh_expression(digest)).filter(fresh=False)
    revisions = dict(plans.values_list("pk", "revision"))
    if not revisions:
        return 0
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


class _QueueRefresh:
    """The on-commit callback queuing the refresh task; `done` once called (a test's captured callbacks
    stay in the connection's list after running)."""

    done = False

    def __call__(self) -> None:
        from assessment.tasks import refresh_plan_figures

        self.done = True
        refresh_plan_figures.enqueue()


def plan_figures_refresh_later() -> None:
    """Queue the task that stores the stale plans' figures again once the current transaction commits
    (at once outside one): after a change of the prices they rest on. Queued once per transaction,
    however many prices it changes (an admin page saving a set and its prices)."""
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        isinstance(callback, _QueueRefresh) and not callback.done
        for _savepoints, callback, _robust in connection.run_on_commit
    ):
        return
    transaction.on_commit(_QueueRefresh())


def price_changed(sender: type, **kwargs: Any) -> None:
    """Receiver of post_save and post_delete of PriceSet and Price (connected in assessment.apps): the
    plans' stored figures rest on the default set's prices."""
    if kwargs.get("raw"):  # loaddata: fixtures, not an edit
        return
    plan_figures_refresh_later()
