"""Officials' pages and exports on a large database; prints server times and export memory.

    DATABASE_URL=postgresql://... .venv/bin/python manage.py seed_demo --enterprises 20000
    DATABASE_URL=postgresql://... .venv/bin/python bench/officials.py [--repeat 7] [--serial] [--only TEXT]

Server time is measured in-process with Django's test client (no network, no browser): the whole
request through middleware, view, queries and template. The analytics page and the queue are fetched
as the province official (every city) and as a city official, without filters and with typical ones.
The Excel export of every submitted row runs in a child process per size (5,000 rows and all rows) so
its peak resident memory (ru_maxrss) is its own; memory that does not grow with the row count is the
point. Budgets (issue 8): pages ≤ 500 ms, export of all rows ≤ 60 s. Figures go to
docs/performance.md under "## Officials".
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from assessment.models import Assessment, User  # noqa: E402
from assessment.selectors.review import REVIEW_STATUSES  # noqa: E402

PAGE_BUDGET_MS = 500
EXPORT_BUDGET_S = 60


def _backend_cpu() -> float:
    """CPU seconds used so far by this connection's PostgreSQL backend (Linux /proc; 0 elsewhere). Parallel
    workers a query starts are other processes: run with --serial to have all of a query's CPU here."""
    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _time_page(client: Client, url: str, repeat: int, cold: bool = False) -> dict[str, float]:
    """`cold`: the cache is emptied before each request (analytics computed, as after a data change);
    otherwise the warm-up request fills it and the timed ones are served from it. Besides the wall clock,
    the CPU of the request: this process's (Django, the driver) plus the database backend's, as a mean
    over the timed requests (the kernel counts the backend's in 10 ms ticks)."""
    client.get(url)  # warm: definitions cached per process, as in a running server
    times = []
    cpu = 0.0
    for _ in range(repeat):
        if cold:
            cache.clear()
        before = time.process_time() + _backend_cpu()
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        cpu += time.process_time() + _backend_cpu() - before
        assert response.status_code == 200, (url, response.status_code)
    if cold:
        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return {
        "median": statistics.median(times),
        "max": max(times),
        "queries": len(queries),
        "cpu": cpu / repeat * 1000,
    }


def _time_refresh(repeat: int) -> None:
    """What a submission or decision adds to keep the pre-aggregated analytics current: the refresh of
    one assessment's groups (rolled back), and a full rebuild (as after a bulk load; rolled back)."""
    from django.db import transaction

    from assessment.services.analytics import analytics_rebuild, analytics_refresh

    ids = list(
        Assessment.objects.filter(status__in=REVIEW_STATUSES)
        .order_by("?")
        .values_list("pk", flat=True)[:repeat]
    )
    times = []
    for pk in ids:
        with transaction.atomic():
            started = time.perf_counter()
            analytics_refresh(assessment_ids=[pk])
            times.append((time.perf_counter() - started) * 1000)
            transaction.set_rollback(True)
    print(
        f"aggregate refresh of one assessment: median {statistics.median(times):7.1f} ms  max {max(times):7.1f} ms"
    )
    with transaction.atomic():
        started = time.perf_counter()
        rows = analytics_rebuild()
        print(f"aggregate rebuild: {time.perf_counter() - started:6.1f} s ({rows} rows)")
        transaction.set_rollback(True)


def _export_child(rows: int) -> None:
    """Child mode: export the first `rows` submitted assessments, print JSON with time and peak RSS."""
    from reports.exports import write_xlsx

    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    ids = Assessment.objects.filter(status__in=REVIEW_STATUSES).order_by("pk").values_list("pk", flat=True)
    last = ids[min(rows, len(ids)) - 1] if rows else None
    queryset = Assessment.objects.filter(status__in=REVIEW_STATUSES)
    if last is not None:
        queryset = queryset.filter(pk__lte=last)
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
        started = time.perf_counter()
        count = write_xlsx(queryset, handle.name)
        seconds = time.perf_counter() - started
        size = Path(handle.name).stat().st_size
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "rows": count,
                "seconds": seconds,
                "base_rss_mb": base_rss / 1024,
                "peak_rss_mb": peak / 1024,
                "bytes": size,
            }
        )
    )


def _export(rows: int) -> dict[str, float]:
    output = subprocess.run(
        [sys.executable, __file__, "--export-child", str(rows)], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--export-child", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--no-export", action="store_true")
    parser.add_argument("--no-pages", action="store_true")
    parser.add_argument("--only", default="", help="only the pages whose label contains this text")
    parser.add_argument(
        "--serial",
        action="store_true",
        help="no parallel query workers (PostgreSQL), so that the CPU column holds all of a query's CPU",
    )
    args = parser.parse_args()
    if args.export_child is not None:
        _export_child(args.export_child)
        return
    if args.serial:  # libpq passes it to every connection this process opens (none is open yet)
        os.environ["PGOPTIONS"] = "-c max_parallel_workers_per_gather=0"

    total = Assessment.objects.filter(status__in=REVIEW_STATUSES).count()
    years = list(Assessment.objects.values_list("year", flat=True).distinct().order_by("-year"))
    print(f"database: {connection.vendor}; submitted/returned/accepted assessments: {total}; years {years}")
    latest = years[0] if years else ""
    province = User.objects.get(username="province_official")
    city = User.objects.get(username="city_official")
    pages = [
        ("province", "analytics, no filter", province, "/reports/analytics/"),
        ("province", f"analytics, {latest}", province, f"/reports/analytics/?year={latest}"),
        (
            "province",
            f"analytics, {latest}, C14, small",
            province,
            f"/reports/analytics/?year={latest}&industry=C14&size=small",
        ),
        ("city 230100", "analytics, no filter", city, "/reports/analytics/"),
        ("province", "analytics, every year", province, "/reports/analytics/?year="),
        (
            "province",
            f"analytics, {latest}, SME digital",
            province,
            f"/reports/analytics/?year={latest}&framework=sme_digital",
        ),
        # Level and text search are not aggregate columns: a level that keeps few assessments is computed
        # from their live rows, one that keeps most from the aggregates less the live rows of the others;
        # a text search from the live rows.
        (
            "province",
            f"analytics, {latest}, gf star3",
            province,
            f"/reports/analytics/?year={latest}&framework=green_factory&level=star3",
        ),
        (
            "province",
            f"analytics, {latest}, level none",
            province,
            f"/reports/analytics/?year={latest}&level=none",
        ),
        (
            "province",
            f"analytics, {latest}, text (live)",
            province,
            f"/reports/analytics/?year={latest}&q=%E4%B9%B3%E4%B8%9A",
        ),
        # Every other filter of the page (issue 18: each within budget at 20,000 enterprises).
        *[
            (
                "province",
                f"analytics, {latest}, {label}",
                province,
                f"/reports/analytics/?year={latest}&{query}",
            )
            for label, query in (
                ("level L2 (about half)", "level=L2"),
                ("level L1", "level=L1"),
                ("SME digital L3", "framework=sme_digital&level=L3"),
                ("clean production II", "framework=clean_production_generic&level=II"),
                ("status accepted", "status=accepted"),
                ("returned included", "returned=1"),
                ("size medium", "size=medium"),
                ("city Daqing", "city=230600"),
                ("text 有限 (every enterprise)", "q=%E6%9C%89%E9%99%90"),
                ("text 机械 (thousands)", "q=%E6%9C%BA%E6%A2%B0"),
            )
        ],
        ("province", f"regional PDF, {latest}", province, f"/reports/regional.pdf?year={latest}"),
        ("province", "queue, no filter", province, "/review/"),
        ("province", "queue, submitted, by score", province, "/review/?status=submitted&sort=-score"),
        ("province", "queue, text search", province, "/review/?q=%E4%B9%B3%E4%B8%9A"),
        (
            "province",
            "queue, green factory star3, page 5",
            province,
            "/review/?framework=green_factory&level=star3&page=5",
        ),
        ("city 230100", "queue, no filter", city, "/review/"),
        ("province", "queue, level L2 (about half)", province, "/review/?level=L2"),
        ("province", "queue, text 有限 (every enterprise)", province, "/review/?q=%E6%9C%89%E9%99%90"),
        ("province", "queue, text 机械, page 3", province, "/review/?q=%E6%9C%BA%E6%A2%B0&page=3"),
        ("province", "queue, Daqing, C14, small", province, "/review/?city=230600&industry=C14&size=small"),
    ]
    results = []
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with override_settings(ALLOWED_HOSTS=["*"]):
        if args.no_pages:
            pages = []
        pages = [page for page in pages if args.only in page[1]]
        client = Client()
        for who, label, user, url in pages:
            client.force_login(user)
            # Analytics is cached (reports.analytics.official_analytics): timed with the cache emptied
            # before each request (computed) and served from the cache (repeated request, same data).
            cached = "analytics" in url or "regional" in url
            modes = [(" (computed)", True), (" (cached)", False)] if cached else [("", False)]
            for suffix, cold in modes:
                figures = _time_page(client, url, args.repeat, cold=cold)
                results.append((who, label + suffix, figures))
                flag = "" if figures["median"] <= PAGE_BUDGET_MS else "  OVER BUDGET"
                print(
                    f"{who:12} {label + suffix:40} median {figures['median']:7.1f} ms  "
                    f"max {figures['max']:7.1f} ms  CPU {figures['cpu']:7.1f} ms  {figures['queries']:2d} queries{flag}"
                )
        if pages:
            _time_refresh(args.repeat)
    if args.no_export:
        return
    for rows in sorted({min(5000, total), total}):
        figures = _export(rows)
        flag = "" if figures["seconds"] <= EXPORT_BUDGET_S else "  OVER BUDGET"
        print(
            f"xlsx export {figures['rows']:6d} rows: {figures['seconds']:6.1f} s, peak RSS {figures['peak_rss_mb']:6.1f} MB "
            f"(after start-up {figures['base_rss_mb']:.1f} MB), {figures['bytes'] / 1e6:.1f} MB file{flag}"
        )


if __name__ == "__main__":
    main()
