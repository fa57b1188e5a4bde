"""Server time and queries of one improvement-plan change (median and p95), as the page script sends it.

Runs the whole Django stack in-process (middleware, session, view, service, projection, templates,
database) with the test client, against the database configured by DATABASE_URL, after
`manage.py setup_demo`: the demo SME manager's latest accepted assessment gets a plan of three actions
(two with money figures), then each run changes the status of one of them (planned ↔ in progress) and
gets back the redrawn projection and rows as JSON. Budget: 150 ms a change (issue 16). Wall time and
the process's CPU time are both printed: on a loaded machine read the CPU time.

    .venv/bin/python bench/plan.py [--runs 30]

The plan is removed again at the end (its audit entries stay, like any change's).
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
os.environ.setdefault("AXES_ENABLED", "false")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from assessment.models import Assessment, Plan, PlanAction, User  # noqa: E402
from assessment.services.plans import plan_action_add  # noqa: E402

BUDGET_MS = 150.0
ACTIONS = ("act.energy.efficient_motors", "act.energy.variable_speed_drives", "act.waste.sorting")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    user = User.objects.get(username="sme_manager")
    assessment = (
        Assessment.objects.filter(enterprise__memberships__user=user, status="accepted")
        .order_by("-year")
        .first()
    )
    if assessment is None:
        sys.exit("No accepted assessment of the demo SME manager: run `manage.py setup_demo` first.")
    Plan.objects.filter(assessment=assessment).delete()
    for code in ACTIONS:
        plan_action_add(assessment=assessment, user=user, code=code)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    url = reverse("assessment_plan", args=[assessment.pk])
    statuses = ("in_progress", "planned")

    def change(index: int):
        row = PlanAction.objects.get(plan__assessment=assessment, action_code=ACTIONS[0])
        return client.post(
            url,
            {"op": "update", "code": ACTIONS[0], "revision": row.revision, "status": statuses[index % 2]},
            HTTP_ACCEPT="application/json",
        )

    change(1)  # warm: definition and catalog caches, templates
    queries: list[str] = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = change(0)
    assert response.status_code == 200 and response.json()["ok"], response.content[:300]
    walls, cpus = [], []
    for index in range(args.runs):
        wall, cpu = time.perf_counter(), time.process_time()
        response = change(index + 1)
        cpus.append((time.process_time() - cpu) * 1000)
        walls.append((time.perf_counter() - wall) * 1000)
        assert response.status_code == 200 and response.json()["ok"]
    Plan.objects.filter(assessment=assessment).delete()
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = float("nan")
    print(
        f"plan change (status of one of {len(ACTIONS)} actions, JSON with projection and rows), {args.runs} runs"
    )
    print(f"  database: {connection.vendor}; load average {load:.1f}; queries per change: {len(queries)}")
    print(f"  wall: median {statistics.median(walls):.1f} ms, p95 {percentile(walls, 0.95):.1f} ms")
    print(f"  CPU:  median {statistics.median(cpus):.1f} ms, p95 {percentile(cpus, 0.95):.1f} ms")
    print(
        f"  budget {BUDGET_MS:.0f} ms: {'met' if statistics.median(cpus) <= BUDGET_MS else 'NOT met'} (CPU median)"
    )
    if os.environ.get("BENCH_SHOW_QUERIES"):
        print("\n".join(q[:140] for q in queries))


if __name__ == "__main__":
    main()
