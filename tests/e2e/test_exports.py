"""An official's large Excel export in real Chromium: the confirmation, the job page whose script polls the
progress (the database task backend's worker, run in a thread of the test process, builds the file), the
download link when it is done, the file, and no console errors (a CSP violation would be one)."""

from __future__ import annotations

import io
import re
import threading
import time

import pytest
from django.db import connections
from django_tasks_db.management.commands.db_worker import Worker
from openpyxl import load_workbook

from reports import export_jobs
from reports.models import ExportJob
from tests.builders import make_submitted
from tests.e2e.test_journey import login
from tests.factories import EnterpriseFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
ROWS = 6


def start_worker(max_tasks: int = 1) -> threading.Thread:
    """`manage.py db_worker`'s worker loop in a thread (signals are the main thread's): it polls the task
    table every 0.1 s and stops after `max_tasks` tasks."""
    worker = Worker(
        queue_names=["default"],
        interval=0.1,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id="e2e-worker",
        excluded_queue_names=[],
    )

    def run() -> None:
        try:
            worker.run()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, name="db-worker", daemon=True)
    thread.start()
    return thread


def test_it_builds_a_large_export_in_the_background_and_offers_the_file(
    live_server, shipped_versions, city_official, new_context, console_errors, settings, monkeypatch
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    settings.EXPORT_DIRECT_MAX_ROWS = 2
    for number in range(ROWS):
        enterprise = EnterpriseFactory(name=f"哈尔滨导出测试{number}有限公司", city_code="230100")
        make_submitted(shipped_versions, enterprise=enterprise)
    write_xlsx = export_jobs.write_xlsx

    def slow_write_xlsx(assessments, target, *, progress=None):
        # Slow enough that the page sees the job unfinished and its script has to poll.
        def slow_progress(done: int) -> None:
            time.sleep(0.4)
            progress(done)

        slow_progress(0)
        return write_xlsx(assessments, target, progress=slow_progress)

    monkeypatch.setattr(export_jobs, "write_xlsx", slow_write_xlsx)
    monkeypatch.setattr("reports.exports.CHUNK", 1)

    base = live_server.url
    page = new_context().new_page()
    login(page, base, "city_official")
    page.goto(f"{base}/reports/analytics/?year=2025")
    page.click("text=导出 Excel")
    assert f"所选范围有 {ROWS} 份评估" in page.inner_text("#main")
    page.click("text=开始后台导出")
    page.wait_for_url(re.compile(r"/reports/exports/[0-9a-f-]+/$"))
    assert page.locator("#export-download").count() == 0
    assert page.locator("#export-progress").count() == 1
    assert ExportJob.objects.get().status == ExportJob.Status.QUEUED  # no worker yet
    worker = start_worker()

    page.wait_for_selector("#export-download", timeout=60_000)
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.DONE and job.rows_done == job.rows_total == ROWS
    assert page.get_attribute("#export-progress", "value") == str(ROWS)
    with page.expect_download() as download:
        page.click("#export-download")
    assert download.value.suggested_filename == job.filename
    with open(download.value.path(), "rb") as handle:
        workbook = load_workbook(io.BytesIO(handle.read()), read_only=True)
    assert len(list(workbook["汇总"].iter_rows(values_only=True))) == 1 + ROWS

    page.goto(f"{base}/reports/exports/")
    assert job.filename in page.inner_text("#export-jobs")
    worker.join(timeout=30)
    assert not worker.is_alive()
    assert console_errors == []
