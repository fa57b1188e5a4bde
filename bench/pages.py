"""Server time of the SME journey's largest fill page and of one autosave (median and p95).

Runs the whole Django stack in-process (middleware, session, views, templates, database) with the test
client, against the database configured by DATABASE_URL, after `manage.py setup_demo` (or migrate,
load_questionnaires, load_factors, seed_demo): it uses the demo SME manager's draft.

    .venv/bin/python bench/pages.py [--runs 50]

The autosave writes the same answer back each time and restores the original value at the end.
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

from assessment.models import Answer, Assessment, User  # noqa: E402
from assessment.selectors.assessments import assessment_definitions, build_sections  # noqa: E402

AUTOSAVE_CODE = "energy.grid_electricity_kwh"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def timed(call, runs: int) -> tuple[list[float], int]:
    call()  # warm: definition cache, templates
    times = []
    queries: list[str] = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    # An execute wrapper, not CaptureQueriesContext: each request resets the connection's query log.
    with connection.execute_wrapper(count):
        call()
    for _ in range(runs):
        start = time.perf_counter()
        response = call()
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    if os.environ.get("BENCH_SHOW_QUERIES"):
        print("\n".join(q[:120] for q in queries))
    return times, len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    user = User.objects.get(username="sme_manager")
    draft = (
        Assessment.objects.filter(enterprise__memberships__user=user, status__in=["draft", "returned"])
        .order_by("-year")
        .first()
    )
    if draft is None:
        sys.exit("No draft of the demo SME manager: run `manage.py setup_demo` (or seed_demo) first.")
    sections = build_sections(assessment_definitions(draft))
    largest = max(sections, key=lambda section: len(section.questions))
    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    page_url = reverse("assessment_fill", args=[draft.pk, largest.key])
    page_times, page_queries = timed(lambda: client.get(page_url), args.runs)

    saved = Answer.objects.filter(assessment=draft, question_code=AUTOSAVE_CODE).first()
    value = str(saved.value) if saved and saved.value is not None else "1000000"
    autosave_url = reverse("assessment_autosave", args=[draft.pk])
    payload = {"question": AUTOSAVE_CODE, AUTOSAVE_CODE: value}
    try:
        save_times, save_queries = timed(lambda: client.post(autosave_url, payload), args.runs)
    finally:
        if saved is not None:
            Answer.objects.filter(pk=saved.pk).update(
                value=saved.value,
                prefilled=saved.prefilled,
                updated_by=saved.updated_by,
                updated_at=saved.updated_at,
            )
        else:
            Answer.objects.filter(assessment=draft, question_code=AUTOSAVE_CODE).delete()

    engine = connection.vendor
    print(f"database: {engine}; draft {draft.pk} ({draft.year}), {args.runs} runs each")
    print(
        f"largest fill page ({largest.key}, {len(largest.questions)} questions): "
        f"median {statistics.median(page_times):.1f} ms, p95 {percentile(page_times, 0.95):.1f} ms, "
        f"{page_queries} queries"
    )
    print(
        f"autosave of one answer: median {statistics.median(save_times):.1f} ms, "
        f"p95 {percentile(save_times, 0.95):.1f} ms, {save_queries} queries"
    )


if __name__ == "__main__":
    main()
