"""Server time of the SME journey's fill pages and of one autosave (median and p95, wall clock and CPU).

Runs the whole Django stack in-process (middleware, session, views, templates, database) with the test
client, against the database configured by DATABASE_URL, after `manage.py setup_demo` (or migrate,
load_questionnaires, load_factors, seed_demo): it uses the demo SME manager's draft, and a fresh
enterprise's empty draft of every framework (created in a transaction that is rolled back at the end).

    .venv/bin/python bench/pages.py [--runs 50] [--profile 20] [--callgrind 5]

Pages: the largest fill page of the demo draft, and the page closest to 20 questions (the page the
side-by-side comparison with django-survey-and-report GETs) on the demo draft and on the fresh draft.
Besides wall-clock time, each request's CPU time of this process (time.process_time: the view, the
templates and, with SQLite, the database engine) is reported: on a shared machine the wall clock
mostly measures the wait for a core, CPU time much less so, and the number of Python function calls per
request (cProfile's count, of 5 requests) not at all. `--profile N` prints a cProfile of N GETs
of the ~20-question page of the fresh draft (the functions with the most own time). `--callgrind N`
instead counts the machine instructions of N GETs of that page (after 3 warm-ups) under
`valgrind --tool=callgrind`, instrumentation switched on only around them: a figure that does not
depend on the machine's load at all (valgrind must be installed; takes a few minutes); with
`--demo`, of the same page of the demo SME manager's draft (answers given, last year's plan).

The autosave writes the same answer back each time and restores the original value at the end.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("AXES_ENABLED", "false")
# As deployed (DEBUG off) unless the caller says otherwise; plain HTTP in-process, as the side-by-side
# bench (bench/peer_shapes.py) runs.
for _name, _value in {
    "DEBUG": "false",
    "SECRET_KEY": "bench-pages-" + "x" * 50,
    "ALLOWED_HOSTS": "localhost,127.0.0.1,testserver",
    "SECURE_SSL_REDIRECT": "false",
    "SESSION_COOKIE_SECURE": "false",
    "CSRF_COOKIE_SECURE": "false",
    "LOG_LEVEL": "ERROR",
}.items():
    os.environ.setdefault(_name, _value)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

# Without collectstatic's manifest, {% static %} joins STATIC_URL (as the test settings do).
override_settings(
    STORAGES={
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
).enable()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from assessment.models import Answer, Assessment, Enterprise, Membership, User  # noqa: E402
from assessment.selectors.assessments import assessment_definitions, build_sections  # noqa: E402
from assessment.services.assessments import assessment_create  # noqa: E402

AUTOSAVE_CODE = "energy.grid_electricity_kwh"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def python_calls(call, runs: int = 5) -> int:
    """Python function calls per call (cProfile's count): unlike any time, the same however busy the machine."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        call()
    profiler.disable()
    return round(pstats.Stats(profiler).total_calls / runs)


def timed(call, runs: int) -> tuple[list[float], list[float], int, int]:
    """Wall-clock and CPU milliseconds of `runs` calls after a warm one, the queries of one call and the
    Python function calls per call."""
    call()  # warm: definition cache, templates
    walls, cpus = [], []
    queries: list[str] = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    # An execute wrapper, not CaptureQueriesContext: each request resets the connection's query log.
    with connection.execute_wrapper(count):
        call()
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        response = call()
        cpus.append((time.process_time() - cpu) * 1000)
        walls.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    if os.environ.get("BENCH_SHOW_QUERIES"):
        print("\n".join(q[:120] for q in queries))
    return walls, cpus, len(queries), python_calls(call)


def line(label: str, walls: list[float], cpus: list[float], queries: int, calls: int) -> str:
    return (
        f"{label}: wall median {statistics.median(walls):.1f} ms, p95 {percentile(walls, 0.95):.1f} ms; "
        f"CPU median {statistics.median(cpus):.1f} ms, p95 {percentile(cpus, 0.95):.1f} ms; {queries} queries; "
        f"{calls:,} Python calls"
    )


def fresh_draft(like: Enterprise) -> tuple[User, Assessment]:
    """A new enterprise with the demo enterprise's facts, its manager and an empty draft of every framework."""
    user = User.objects.create_user(username="bench-pages-fresh")
    enterprise = Enterprise.objects.get(pk=like.pk)  # a copy: same city, industry, size and products
    enterprise.pk = None
    enterprise.name = "基准测试企业（页面）"
    enterprise.uscc = "91230100BENCHPAGE1"
    enterprise.save()
    Membership.objects.create(user=user, enterprise=enterprise, role=Membership.Role.MANAGER)
    draft = assessment_create(enterprise=enterprise, year=like_year(like), user=user, prefill=False)
    return user, draft


def like_year(enterprise: Enterprise) -> int:
    return (
        Assessment.objects.filter(enterprise=enterprise).order_by("-year").values_list("year", flat=True)[0]
    )


def fresh_page(like: Enterprise) -> tuple[Any, Client, str]:
    """The page closest to 20 questions of a fresh draft (fresh_draft), a client logged in as its
    manager, and the page's URL."""
    fresh_user, fresh = fresh_draft(like)
    sections = build_sections(assessment_definitions(fresh))
    near_20 = min(sections, key=lambda s: (abs(len(s.questions) - 20), -len(s.questions)))
    client = Client(SERVER_NAME="localhost")
    client.force_login(fresh_user)
    return near_20, client, reverse("assessment_fill", args=[fresh.pk, near_20.key])


CALLGRIND_OUT = "BENCH_PAGES_CALLGRIND_OUT"


def callgrind(runs: int, *, demo: bool = False) -> None:
    """Re-run this script under callgrind (instrumentation off), which counts only the `runs` GETs (of
    the fresh draft's ~20-question page, or with `demo` of the demo draft's)."""
    out = os.environ.get(CALLGRIND_OUT)
    if out is None:  # the parent: start valgrind, read its total
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "callgrind.out")
            command = ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}"]
            subprocess.run(
                [*command, sys.executable, __file__, "--callgrind", str(runs), *(["--demo"] if demo else [])],
                env={**os.environ, CALLGRIND_OUT: out},
                check=True,
                stderr=subprocess.DEVNULL,
            )
            totals = next(line for line in Path(out).read_text().splitlines() if line.startswith("totals:"))
        per_get = int(totals.split()[1]) / runs
        draft = "demo" if demo else "fresh"
        print(
            f"~20-question page, {draft} draft: {per_get / 1e6:.1f} million instructions per GET (callgrind, {runs} GETs)"
        )
        return
    user = User.objects.get(username="sme_manager")
    like = Assessment.objects.filter(enterprise__memberships__user=user).order_by("-year").first()
    with transaction.atomic():
        near_20, client, url = fresh_page(like.enterprise)
        if demo:
            client.force_login(user)
            url = reverse("assessment_fill", args=[like.pk, near_20.key])
        for _ in range(3):
            client.get(url)
        control = ["callgrind_control", "-i"]
        subprocess.run([*control, "on", str(os.getpid())], check=True, capture_output=True)
        for _ in range(runs):
            client.get(url)
        subprocess.run([*control, "off", str(os.getpid())], check=True, capture_output=True)
        transaction.set_rollback(True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument(
        "--profile", type=int, default=0, help="cProfile N GETs of the fresh ~20-question page"
    )
    parser.add_argument(
        "--callgrind", type=int, default=0, help="instructions of N GETs of the fresh ~20-question page"
    )
    parser.add_argument("--demo", action="store_true", help="--callgrind: the demo draft's page instead")
    args = parser.parse_args()
    if args.callgrind:
        callgrind(args.callgrind, demo=args.demo)
        return
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
    results = []
    page_url = reverse("assessment_fill", args=[draft.pk, largest.key])
    results.append(
        line(
            f"largest fill page, demo draft ({largest.key}, {len(largest.questions)} questions)",
            *timed(lambda: client.get(page_url), args.runs),
        )
    )

    with transaction.atomic():  # the fresh enterprise is rolled back at the end
        near_20, fresh_client, fresh_url = fresh_page(draft.enterprise)
        results.append(
            line(
                f"~20-question page, fresh draft ({near_20.key}, {len(near_20.questions)} questions)",
                *timed(lambda: fresh_client.get(fresh_url), args.runs),
            )
        )
        demo_url = reverse("assessment_fill", args=[draft.pk, near_20.key])
        results.append(
            line(
                f"~20-question page, demo draft ({near_20.key})",
                *timed(lambda: client.get(demo_url), args.runs),
            )
        )
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.profile):
                fresh_client.get(fresh_url)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("tottime").print_stats(40)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(60)
        transaction.set_rollback(True)

    saved = Answer.objects.filter(assessment=draft, question_code=AUTOSAVE_CODE).first()
    value = str(saved.value) if saved and saved.value is not None else "1000000"
    autosave_url = reverse("assessment_autosave", args=[draft.pk])
    payload = {"question": AUTOSAVE_CODE, AUTOSAVE_CODE: value}
    try:
        results.append(
            line("autosave of one answer", *timed(lambda: client.post(autosave_url, payload), args.runs))
        )
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

    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"database: {connection.vendor}; draft {draft.pk} ({draft.year}), {args.runs} runs each; load {load}"
    )
    print("\n".join(results))


if __name__ == "__main__":
    main()
