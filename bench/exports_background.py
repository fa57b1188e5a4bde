"""Background Excel exports on a large database: time to finish, progress as the page sees it, the
status endpoint's response time while a job runs, and the resident memory of the process running it.

    DATABASE_URL=postgresql://... .venv/bin/python manage.py seed_demo --enterprises 5000
    DATABASE_URL=postgresql://... .venv/bin/python bench/exports_background.py [--jobs 3]

Runs in one process: the province official's request (Django's test client) creates the job and its task
(the database task backend), the `db_worker` loop of django-tasks-db runs it in a thread of this process,
and the official's status endpoint is polled every 0.5 s while it runs. Resident memory (VmRSS from /proc/self/status) is
sampled at each poll; several jobs one after another show whether memory grows with rows or with jobs.
Figures go to docs/performance.md under "## Officials" ("Background exports").
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")

import django

django.setup()

from django.db import connection, connections  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402
from django_tasks_db.management.commands.db_worker import Worker  # noqa: E402

from assessment.models import User  # noqa: E402
from reports.models import ExportJob  # noqa: E402


def rss_mb(field: str = "VmRSS") -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def start_worker() -> threading.Thread:
    """The database task worker's loop (as `manage.py db_worker` runs it) for one task, in a thread."""
    worker = Worker(
        queue_names=["default"],
        interval=0.1,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=1,
        worker_id="bench-worker",
        excluded_queue_names=[],
    )

    def run() -> None:
        try:
            worker.run()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def run_job(client: Client, params: dict[str, str]) -> dict[str, float]:
    worker = start_worker()
    started = time.perf_counter()
    response = client.post(reverse("officials_export_job_create"), params)
    assert response.status_code == 302, response.status_code
    job_id = response.url.rstrip("/").split("/")[-1]
    status_url = reverse("officials_export_job_status", args=[job_id])
    polls, samples, rss = [], [], []
    while True:
        time.sleep(0.5)
        asked = time.perf_counter()
        data = client.get(status_url).json()
        polls.append((time.perf_counter() - asked) * 1000)
        rss.append(rss_mb())
        samples.append((time.perf_counter() - started, data["rows_done"], data["rows_total"], data["status"]))
        if data["status"] in ("done", "failed"):
            break
    worker.join(timeout=60)
    job = ExportJob.objects.get(pk=job_id)
    assert job.status == ExportJob.Status.DONE, job.error
    first_rows = next((t for t, done, _total, _s in samples if done > 0), None)
    all_rows = next((t for t, done, total, _s in samples if total and done >= total), None)
    return {
        "rows": job.rows_total,
        "seconds": (job.finished_at - job.created_at).total_seconds(),
        "first_progress_s": first_rows or 0.0,
        "rows_written_s": all_rows or 0.0,
        "polls": len(polls),
        "poll_median_ms": statistics.median(polls),
        "poll_max_ms": max(polls),
        "rss_max_mb": max(rss),
        "bytes": job.file.size,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=3, help="province-wide jobs, one after another")
    args = parser.parse_args()
    province = User.objects.get(username="province_official")
    city = User.objects.get(username="city_official")
    print(
        f"database: {connection.vendor}; runner: db_worker loop in a thread; start-up RSS {rss_mb():.1f} MB"
    )
    with override_settings(ALLOWED_HOSTS=["*"]):
        client = Client()
        runs = [("province, all years", province, {})] * args.jobs + [("city 230100, all years", city, {})]
        for label, user, params in runs:
            client.force_login(user)
            figures = run_job(client, params)
            print(
                f"{label:24} {figures['rows']:6d} rows: done in {figures['seconds']:5.1f} s "
                f"(first progress {figures['first_progress_s']:.1f} s, all rows written {figures['rows_written_s']:.1f} s), "
                f"{figures['bytes'] / 1e6:.1f} MB; status endpoint median {figures['poll_median_ms']:.1f} ms "
                f"max {figures['poll_max_ms']:.1f} ms over {figures['polls']} polls; "
                f"RSS max {figures['rss_max_mb']:.1f} MB (process peak so far {rss_mb('VmHWM'):.1f} MB)"
            )
    for job in ExportJob.objects.filter(requested_by__in=[province, city]):
        job.file.delete(save=False)
        job.delete()


if __name__ == "__main__":
    main()
