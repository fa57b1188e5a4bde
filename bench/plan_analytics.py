"""Officials' plan analytics at scale: CPU time and queries of the plan section (reports/plan_analytics.py)
with every plan's figures computed on the request (as before they were stored, and as now for stale
figures) and added up by the database from the stored figures (assessment/plan_figures.py); the same
stored figures added up in Python over every plan action (the previous way, `summarise`); the fill by
refresh_plan_figures; and a check that all give the same figures (floats to 6 decimals).

Runs against the database configured by DATABASE_URL after `manage.py setup_demo --enterprises N`: gives
`--plans` submitted assessments (latest years first) that have no plan a plan of three or four catalog
actions (bulk-created, without figures, in the statuses a plan has), measures, and removes those plans
again unless `--keep`. CPU time of this process (the machine may be loaded: wall time is not a figure), and wall time, which
includes the database server's work (the aggregation in SQL) and the wait for a core.

    .venv/bin/python bench/plan_analytics.py [--plans 5000] [--runs 3] [--keep] [--sheet]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from assessment.models import Assessment, Plan, PlanAction, User  # noqa: E402
from assessment.selectors.review import SubmissionFilters, submissions  # noqa: E402
from assessment.services.plan_figures import plan_figures_refresh  # noqa: E402
from reports.plan_analytics import comparable, plan_analytics, plan_records, plan_sheet_rows, summarise  # noqa: E402

ACTIONS = (
    "act.energy.efficient_motors",
    "act.energy.variable_speed_drives",
    "act.energy.rooftop_pv",
    "act.energy.green_power",
    "act.mgmt.green_body",
    "act.waste.sorting",
)
STATUSES = ("planned", "in_progress", "done", "planned", "dropped")


def make_plans(count: int) -> list[int]:
    """Plans of `count` submissions (of any year; deterministic actions and statuses)."""
    chosen = list(
        Assessment.objects.filter(status__in=("submitted", "accepted"), plan__isnull=True)
        .order_by("-year", "pk")
        .values_list("pk", flat=True)[:count]
    )
    if len(chosen) < count:
        sys.exit(f"Only {len(chosen)} submissions without a plan: seed more enterprises.")
    plans = Plan.objects.bulk_create([Plan(assessment_id=pk, revision=4) for pk in chosen])
    rows = []
    for index, plan in enumerate(plans):
        for position in range(3 + index % 2):
            code = ACTIONS[(index + position) % len(ACTIONS)]
            rows.append(
                PlanAction(
                    plan=plan,
                    action_code=code,
                    position=position,
                    status=STATUSES[(index + position) % len(STATUSES)],
                )
            )
    PlanAction.objects.bulk_create(rows, batch_size=2000)
    return [plan.pk for plan in plans]


def measure(label: str, runs: int, work):
    cpu, wall, queries, result = [], [], 0, None
    for _run in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started, wall_started = time.process_time(), time.perf_counter()
            result = work()
            cpu.append((time.process_time() - started) * 1000)
            wall.append((time.perf_counter() - wall_started) * 1000)
        queries = len(captured.captured_queries)
    print(
        f"{label:<62} CPU median {statistics.median(cpu):8.0f} ms (min {min(cpu):.0f}), "
        f"wall median {statistics.median(wall):.0f} ms (with the database's time), {queries} queries"
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--plans", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the plans made for the bench")
    parser.add_argument(
        "--sheet", action="store_true", help="also time the Excel sheet with computed figures"
    )
    args = parser.parse_args()
    official = User.objects.get(username="province_official")
    made = make_plans(args.plans)
    if connection.vendor == "postgresql":
        # Statistics of the new rows, as autovacuum's analyze gives them soon after: without them the
        # planner expects a few hundred plan actions and joins and groups them by nested loops and sorts.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE assessment_plan, assessment_planaction")
    try:
        filters = SubmissionFilters()
        print(f"{Plan.objects.count()} plans, {PlanAction.objects.count()} plan actions; province, all years")

        def section():
            return plan_analytics(user=official, filters=filters, lang="zh-hans")

        def in_python():
            scope = submissions(official, filters.for_analytics())
            return summarise(plan_records(scope), submissions=scope.count(), lang="zh-hans")

        def sheet():
            return plan_sheet_rows(plan_records(submissions(official, filters)))

        # No warm-up pass: it would compute every plan once more; the catalog's loading is in "before".
        Plan.objects.update(figures=None)
        before = measure("analytics plan section, figures computed (before)", args.runs, section)
        before_sheet = (
            measure("Excel plan sheet rows, figures computed (before)", 1, sheet) if args.sheet else None
        )
        measure("refresh_plan_figures (every plan, stored)", 1, plan_figures_refresh)
        after = measure("analytics plan section, stored figures, summed by the database", args.runs, section)
        python = measure("analytics plan section, stored figures, summed in Python", args.runs, in_python)
        after_sheet = measure("Excel plan sheet rows, stored figures (after)", 1, sheet)
        same = comparable(before) == comparable(after) == comparable(python) and (
            before_sheet is None or before_sheet == after_sheet
        )
        print(
            f"same figures before and after: {same} (plans {after.total.plans}, actions {after.total.counted})"
        )
        if not same:
            sys.exit(1)
    finally:
        if not args.keep:
            Plan.objects.filter(pk__in=made).delete()


if __name__ == "__main__":
    main()
