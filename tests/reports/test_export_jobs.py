"""Background exports: the threshold between a direct download and a job, a job's life (queued, running
with progress, done or failed, interrupted and retried), its status endpoint, who may see and download
it, retention, and the real database task worker (`manage.py db_worker`) on the test database. Tasks run
at once (the immediate backend of the test settings) unless a test says otherwise."""

from __future__ import annotations

import io
import json
import threading
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from assessment import background
from assessment.models import Assessment, OfficialProfile
from reports import export_jobs, exports
from reports.models import ExportJob
from tests.builders import make_submitted, run_db_worker
from tests.factories import EnterpriseFactory

HOSTILE = "=cmd|' /C calc'!A0"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EXPORT_DIRECT_MAX_ROWS = 2


DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def submissions(shipped_versions, enterprise, other_enterprise):
    hostile = EnterpriseFactory(name=HOSTILE, city_code="230100", industry_division="C13")
    harbin_2 = EnterpriseFactory(name="哈尔滨北方乳业有限公司", city_code="230100", industry_division="C14")
    return [
        make_submitted(shipped_versions, enterprise=enterprise),
        make_submitted(shipped_versions, enterprise=hostile, status=Assessment.Status.ACCEPTED),
        make_submitted(shipped_versions, enterprise=harbin_2),
        make_submitted(shipped_versions, enterprise=other_enterprise),
    ]


def start(client, user, django_capture_on_commit_callbacks, **params):
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("officials_export_job_create"), params)
    assert response.status_code == 302
    return ExportJob.objects.get(pk=response.url.rstrip("/").split("/")[-1]), response


def summary_rows(job: ExportJob) -> list[tuple]:
    with job.file.open("rb") as handle:
        workbook = load_workbook(io.BytesIO(handle.read()), read_only=True)
    return list(workbook["汇总"].iter_rows(values_only=True))[1:]


def job_for(user, **fields) -> ExportJob:
    fields.setdefault("filename", "submissions-230100-all-20261205-0900.xlsx")
    fields.setdefault("scope_city", "230100")
    return ExportJob.objects.create(requested_by=user, **fields)


# --- threshold --------------------------------------------------------------------------------------------------


def test_it_downloads_a_small_workbook_directly(client, submissions, other_city_official):
    client.force_login(other_city_official)  # 齐齐哈尔: one row, below the threshold of 2
    response = client.get(reverse("officials_export", args=["xlsx"]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert not ExportJob.objects.exists()


def test_it_offers_a_background_job_above_the_threshold(client, submissions, city_official):
    client.force_login(city_official)
    response = client.get(reverse("officials_export", args=["xlsx"]), {"year": "2025", "city": "230200"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "所选范围有 3 份评估" in page
    assert reverse("officials_export_job_create") in page
    # The city official's own city, whatever the request said.
    assert 'name="city" value="230100"' in page and 'name="year" value="2025"' in page
    assert not ExportJob.objects.exists()


def test_csv_streams_whatever_the_size(client, submissions, province_official):
    client.force_login(province_official)
    response = client.get(reverse("officials_export", args=["csv"]))
    assert response.status_code == 200 and response.streaming
    assert not ExportJob.objects.exists()


# --- a job's life -------------------------------------------------------------------------------------------------


def test_a_job_goes_from_queued_through_running_to_done(
    client, submissions, city_official, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(exports, "CHUNK", 1)  # progress after every row
    seen: list[tuple[str, int, int]] = []
    update = export_jobs._update

    def spy(job_id, **fields):
        update(job_id, **fields)
        job = ExportJob.objects.get(pk=job_id)
        seen.append((job.status, job.rows_done, job.rows_total))

    monkeypatch.setattr(export_jobs, "_update", spy)
    job, response = start(
        client, city_official, django_capture_on_commit_callbacks, year="2025", city="230200"
    )
    assert response.url == reverse("officials_export_job", args=[job.pk])
    assert ("running", 0, 3) in seen and ("running", 1, 3) in seen and ("running", 2, 3) in seen
    assert job.status == ExportJob.Status.DONE
    assert job.rows_done == job.rows_total == 3
    assert job.started_at <= job.finished_at and job.error == ""
    assert job.parameters == {"city": "230100", "year": "2025"} and job.scope_city == "230100"
    assert job.file.name.startswith("exports/") and job.filename not in job.file.name
    rows = summary_rows(job)
    assert {row[2] for row in rows} == {"哈尔滨市"}
    names = [row[0] for row in rows]
    assert "'" + HOSTILE in names and HOSTILE not in names  # neutralised in background files too


def test_a_job_is_scoped_to_the_jurisdiction_when_it_runs(submissions, city_official):
    job = job_for(city_official, parameters={"city": "230200"}, scope_city="230200")
    export_jobs.export_job_run(job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and job.scope_city == "230100"
    assert {row[2] for row in summary_rows(job)} == {"哈尔滨市"}


def test_a_job_runs_once(submissions, province_official):
    job = job_for(province_official, scope_city="")
    assert export_jobs.export_job_run(job.pk).status == ExportJob.Status.DONE
    assert export_jobs.export_job_run(job.pk) is None


def test_a_failure_is_recorded_and_can_be_retried(
    client, submissions, city_official, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(export_jobs, "write_xlsx", broken)
    job, _response = start(client, city_official, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED
    assert "No space left on device" in job.error and job.finished_at is not None and not job.file
    page = client.get(reverse("officials_export_job", args=[job.pk])).content.decode()
    assert "No space left on device" in page and reverse("officials_export_job_retry", args=[job.pk]) in page
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("officials_export_job_retry", args=[job.pk]))
    retried = ExportJob.objects.exclude(pk=job.pk).get()
    assert response.url == reverse("officials_export_job", args=[retried.pk])
    assert retried.status == ExportJob.Status.DONE and retried.rows_done == 3
    assert ExportJob.objects.get(pk=job.pk).status == ExportJob.Status.FAILED


def test_a_job_of_an_official_who_lost_the_role_fails(submissions, city_official):
    job = job_for(city_official)
    OfficialProfile.objects.filter(user=city_official).delete()
    export_jobs.export_job_run(job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and "主管部门" in job.error


def test_an_interrupted_job_shows_as_failed_and_can_be_retried(
    client, submissions, city_official, django_capture_on_commit_callbacks
):
    stale = timezone.now() - timedelta(minutes=10)
    job = job_for(
        city_official, status=ExportJob.Status.RUNNING, rows_total=3, rows_done=1, heartbeat_at=stale
    )
    client.force_login(city_official)
    status = client.get(reverse("officials_export_job_status", args=[job.pk])).json()
    assert status["status"] == "failed" and status["download_url"] is None
    page = client.get(reverse("officials_export_job", args=[job.pk])).content.decode()
    assert "导出进程已中断" in page and reverse("officials_export_job_retry", args=[job.pk]) in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("officials_export_job_retry", args=[job.pk]))
    assert ExportJob.objects.get(pk=job.pk).status == ExportJob.Status.FAILED
    assert ExportJob.objects.filter(status=ExportJob.Status.DONE).count() == 1


def test_a_running_job_cannot_be_retried_and_a_second_request_gets_it_back(
    client, submissions, city_official, settings
):
    settings.TASKS = DUMMY  # enqueued, never run
    client.force_login(city_official)
    first = client.post(reverse("officials_export_job_create"))
    second = client.post(reverse("officials_export_job_create"), {"year": "2024"})
    assert first.url == second.url and ExportJob.objects.count() == 1
    job = ExportJob.objects.get()
    response = client.post(reverse("officials_export_job_retry", args=[job.pk]), follow=True)
    assert "只有失败的导出可以重试" in response.content.decode()
    assert ExportJob.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_requests_of_one_official_start_one_job(city_official, settings):
    """Two requests at the same instant (a double click reaching two server threads): the row lock makes
    the second wait for the first's commit and get its job back. PostgreSQL only (SQLite serialises)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent writers (PostgreSQL)")
    settings.TASKS = DUMMY
    barrier = threading.Barrier(4)
    results: list[tuple[str, bool]] = []
    errors: list[BaseException] = []

    def request() -> None:
        try:
            barrier.wait()
            job, created = export_jobs.export_job_create(user=city_official, params={})
            results.append((str(job.pk), created))
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=request) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert ExportJob.objects.count() == 1
    assert len({pk for pk, _created in results}) == 1 and sum(created for _pk, created in results) == 1


# --- the status endpoint and the pages ----------------------------------------------------------------------------


def test_the_status_endpoint_reports_progress(client, city_official):
    job = job_for(city_official, status=ExportJob.Status.RUNNING, rows_total=2000, rows_done=500)
    client.force_login(city_official)
    response = client.get(reverse("officials_export_job_status", args=[job.pk]))
    assert response["Content-Type"] == "application/json"
    assert {part.strip() for part in response["Cache-Control"].split(",")} == {"no-store", "private"}
    assert response.json() == {
        "status": "running",
        "label": "正在导出",
        "rows_done": 500,
        "rows_total": 2000,
        "percent": 25,
        "text": "已写入 500 / 2,000 行（25%）",  # grouped for reading; the counts above stay plain numbers
        "download_url": None,
    }
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.DONE, rows_done=2000)
    data = client.get(reverse("officials_export_job_status", args=[job.pk]), HTTP_ACCEPT_LANGUAGE="en").json()
    assert data["percent"] == 100
    assert data["download_url"] == reverse("officials_export_job_download", args=[job.pk])


def test_the_status_endpoint_answers_401_after_logout(client, city_official):
    job = job_for(city_official)
    response = client.get(reverse("officials_export_job_status", args=[job.pk]))
    assert response.status_code == 401 and json.loads(response.content)["login"] is True


def test_the_job_page_polls_with_a_static_script_and_has_a_reload_link(client, city_official):
    job = job_for(city_official, status=ExportJob.Status.RUNNING, rows_total=4000, rows_done=1000)
    client.force_login(city_official)
    page = client.get(reverse("officials_export_job", args=[job.pk])).content.decode()
    assert 'src="/static/js/job_progress.js"' in page and "<script>" not in page
    assert 'max="4000" value="1000"' in page  # the progress element's values stay plain numbers
    assert "1,000 / 4,000" in page  # its text groups them
    assert reverse("officials_export_job_status", args=[job.pk]) in page
    assert "<noscript>" in page and f'href="{reverse("officials_export_job", args=[job.pk])}"' in page


def test_the_list_shows_the_officials_recent_exports_only(client, city_official, province_official):
    mine = job_for(city_official, filename="mine-230100.xlsx")
    job_for(province_official, filename="theirs-230000.xlsx", scope_city="")
    client.force_login(city_official)
    page = client.get(reverse("officials_export_jobs")).content.decode()
    assert "mine-230100.xlsx" in page and "theirs-230000.xlsx" not in page
    assert reverse("officials_export_job", args=[mine.pk]) in page


# --- who may see and download a job --------------------------------------------------------------------------------


@pytest.fixture
def done_job(city_official):
    job = job_for(city_official, status=ExportJob.Status.DONE, rows_total=1, rows_done=1)
    job.file.save("x.xlsx", ContentFile(b"PK-workbook"), save=True)
    return job


def test_the_requester_downloads_the_file_under_its_name(client, city_official, done_job):
    client.force_login(city_official)
    response = client.get(reverse("officials_export_job_download", args=[done_job.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{done_job.filename}"'
    assert (
        response["Content-Type"] == exports_type() and b"".join(response.streaming_content) == b"PK-workbook"
    )


def exports_type() -> str:
    return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.mark.parametrize("persona", ["other_city_official", "province_official"])
@pytest.mark.parametrize(
    "name",
    [
        "officials_export_job",
        "officials_export_job_status",
        "officials_export_job_download",
    ],
)
def test_other_officials_get_404_for_a_job(request, client, done_job, persona, name):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse(name, args=[done_job.pk])).status_code == 404


def test_a_city_official_cannot_see_the_provinces_job(client, city_official, province_official):
    job = job_for(province_official, scope_city="")
    client.force_login(city_official)
    assert client.get(reverse("officials_export_job", args=[job.pk])).status_code == 404


def test_an_official_moved_to_another_city_loses_the_old_files(client, city_official, done_job):
    OfficialProfile.objects.filter(user=city_official).update(city_code="230200")
    client.force_login(city_official)
    assert client.get(reverse("officials_export_job_download", args=[done_job.pk])).status_code == 404


def test_enterprise_users_get_403(client, sme_manager, done_job):
    client.force_login(sme_manager)
    assert client.get(reverse("officials_export_job", args=[done_job.pk])).status_code == 403
    assert client.get(reverse("officials_export_jobs")).status_code == 403


def test_an_unfinished_job_has_nothing_to_download(client, city_official):
    job = job_for(city_official, status=ExportJob.Status.RUNNING)
    client.force_login(city_official)
    assert client.get(reverse("officials_export_job_download", args=[job.pk])).status_code == 404


# --- enqueueing, housekeeping and retention ----------------------------------------------------------------------


def test_the_task_is_enqueued_after_the_commit_with_the_job_id(
    client, submissions, city_official, settings, django_capture_on_commit_callbacks
):
    from django_tasks import default_task_backend

    settings.TASKS = DUMMY
    client.force_login(city_official)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(reverse("officials_export_job_create"))
    job = ExportJob.objects.get()
    assert default_task_backend.results == [] and len(callbacks) == 1  # nothing before the commit
    callbacks[0]()
    [result] = default_task_backend.results
    assert result.task.module_path == "reports.tasks.build_export" and result.args == [str(job.pk)]
    assert ExportJob.objects.get().status == ExportJob.Status.QUEUED  # waits for a worker however long


def test_a_job_the_backend_refuses_is_failed_with_a_message(
    client, submissions, city_official, django_capture_on_commit_callbacks, monkeypatch
):
    from reports import tasks

    def unreachable(*args, **kwargs):
        raise ConnectionError("queue unreachable")

    monkeypatch.setattr(type(tasks.build_export), "enqueue", unreachable)
    job, _response = start(client, city_official, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and "queue unreachable" in job.error


def test_the_task_marks_interrupted_exports_failed_and_deletes_expired_ones(
    submissions, city_official, province_official, settings
):
    from reports.tasks import build_export

    dead = job_for(
        province_official,
        scope_city="",
        status=ExportJob.Status.RUNNING,
        heartbeat_at=timezone.now() - timedelta(minutes=5),
    )
    expired = job_for(
        city_official,
        status=ExportJob.Status.DONE,
        created_at=timezone.now() - timedelta(hours=settings.EXPORT_RETENTION_HOURS + 1),
    )
    job = job_for(city_official)
    result = build_export.enqueue(str(job.pk))
    assert result.return_value == ExportJob.Status.DONE
    dead.refresh_from_db()
    assert dead.status == ExportJob.Status.FAILED and "中断" in dead.error
    assert not ExportJob.objects.filter(pk=expired.pk).exists()
    assert build_export.enqueue(str(job.pk)).return_value is None  # delivered twice: built once


def test_expired_exports_and_orphan_files_are_deleted(city_official, done_job, settings):
    old = job_for(
        city_official, status=ExportJob.Status.DONE, created_at=timezone.now() - timedelta(hours=200)
    )
    old.file.save("old.xlsx", ContentFile(b"old"), save=True)
    orphan = default_storage.save("exports/orphan.xlsx", ContentFile(b"orphan"))
    later = timezone.now() + timedelta(hours=settings.EXPORT_RETENTION_HOURS - 1)
    assert export_jobs.export_jobs_purge(later) == 1
    assert not default_storage.exists(old.file.name) and default_storage.exists(orphan)
    assert list(ExportJob.objects.all()) == [done_job]
    export_jobs.export_jobs_purge(
        timezone.now() + timedelta(hours=settings.EXPORT_RETENTION_HOURS + 1), orphans=True
    )
    assert not default_storage.exists(orphan) and not default_storage.exists(done_job.file.name)
    assert not ExportJob.objects.exists()


def test_the_purge_command_deletes_expired_exports_and_fails_interrupted_ones(
    city_official, province_official, done_job, settings
):
    ExportJob.objects.filter(pk=done_job.pk).update(
        created_at=timezone.now() - timedelta(hours=settings.EXPORT_RETENTION_HOURS + 1)
    )
    dead = job_for(
        province_official,
        scope_city="",
        status=ExportJob.Status.RUNNING,
        heartbeat_at=timezone.now() - timedelta(minutes=5),
    )
    out = io.StringIO()
    call_command("purge_exports", stdout=out)
    assert "1 expired deleted, 1 interrupted marked failed" in out.getvalue()
    assert not default_storage.exists(done_job.file.name)
    assert list(ExportJob.objects.values_list("pk", "status")) == [(dead.pk, ExportJob.Status.FAILED)]


# --- the real database worker -------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_builds_the_job(client, shipped_versions, enterprise, city_official, settings):
    """The production path: the request stores the job and a task row (django-tasks-db); `manage.py
    db_worker` in batch mode claims the task and builds the file on its own connection."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE
    make_submitted(shipped_versions, enterprise=enterprise)
    make_submitted(shipped_versions, enterprise=enterprise, year=2024)
    make_submitted(shipped_versions, enterprise=EnterpriseFactory(city_code="230100"))
    client.force_login(city_official)
    response = client.post(reverse("officials_export_job_create"))
    job = ExportJob.objects.get()
    assert response.url == reverse("officials_export_job", args=[job.pk])
    assert job.status == ExportJob.Status.QUEUED
    task_row = DBTaskResult.objects.get()
    assert task_row.status == "READY" and task_row.task_path == "reports.tasks.build_export"

    run_db_worker()
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE, job.error
    assert job.rows_done == job.rows_total == 3
    assert len(summary_rows(job)) == 3
    task_row.refresh_from_db()
    assert task_row.status == "SUCCESSFUL" and task_row.return_value == "done"


def test_labels_are_kept_per_language_for_workers_exporting_in_another_language():
    from django.utils import translation

    with translation.override("en"):
        english = exports.labels()
    with translation.override("zh-hans"):
        chinese = exports.labels()
    with translation.override("en"):
        assert exports.labels() is english
    assert english.statuses["submitted"] != chinese.statuses["submitted"]
    assert chinese.statuses["submitted"] == "已提交"


def test_a_job_writes_in_the_language_it_was_requested_in(submissions, city_official):
    job = job_for(city_official, language="en")
    export_jobs.export_job_run(job.pk)
    job.refresh_from_db()
    with job.file.open("rb") as handle:
        workbook = load_workbook(io.BytesIO(handle.read()), read_only=True)
    assert workbook.sheetnames[0] == "Summary"
    header = next(workbook["Summary"].iter_rows(values_only=True))
    assert header[0] == "Enterprise name"
    assert {row[2] for row in list(workbook["Summary"].iter_rows(values_only=True))[1:]} == {"Harbin"}


def test_a_csv_job_writes_the_same_rows_as_the_streamed_csv(submissions, city_official):
    job = job_for(city_official, format=ExportJob.Format.CSV, filename="submissions.csv")
    export_jobs.export_job_run(job.pk)
    job.refresh_from_db()
    with job.file.open("rb") as handle:
        text = handle.read().decode("utf-8")
    streamed = "".join(exports.csv_lines(Assessment.objects.filter(enterprise__city_code="230100")))
    assert job.status == ExportJob.Status.DONE and job.rows_done == 3 and job.file.name.endswith(".csv")
    assert text == streamed and text.startswith("\ufeff")


def test_progress_is_recorded_again_when_sqlite_reports_the_table_briefly_locked(
    submissions, province_official, monkeypatch
):
    job = job_for(province_official, scope_city="")
    update, calls = background.QuerySet.update, []

    def locked_twice(queryset, **fields):
        calls.append(fields)
        if queryset.model is ExportJob and len(calls) <= 2:
            raise background.OperationalError("database table is locked: reports_exportjob")
        return update(queryset, **fields)

    monkeypatch.setattr(background.QuerySet, "update", locked_twice)
    monkeypatch.setattr(background.time, "sleep", lambda seconds: None)
    export_jobs._update(job.pk, rows_done=7)
    assert ExportJob.objects.get(pk=job.pk).rows_done == 7
    assert len(calls) == 3

    monkeypatch.setattr(background, "LOCKED_RETRIES", 2)
    calls.clear()
    with pytest.raises(background.OperationalError):
        export_jobs._update(job.pk, rows_done=8)
