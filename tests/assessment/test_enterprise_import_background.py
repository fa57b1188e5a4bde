"""Officials' bulk import at scale: the confirmation's bounded number of queries (bulk inserts and one
e-mail task for the list), a code registered at the last instant, and a list of more than
IMPORT_DIRECT_MAX_ROWS rows checked and imported by background tasks (its page: progress, preview, outcome;
the database task backend as in production, and the immediate one as under DEBUG)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from assessment.exceptions import DomainError
from assessment.models import AuditEvent, Enterprise, EnterpriseImport, Invitation
from assessment.services.enterprise_import import (
    enterprise_import_check,
    enterprise_import_confirm,
    enterprise_import_run_check,
    enterprise_import_run_confirm,
    enterprise_import_upload,
)
from tests.assessment.test_enterprise_import import a_row, code, csv_bytes, upload
from tests.builders import run_db_worker
from tests.factories import EnterpriseFactory

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Whatever the number of rows on PostgreSQL; on SQLite, whose bulk inserts Django splits at 999
# parameters, about 40 at 1,000 rows.
QUERY_BOUND = 60


def confirmation_queries(official, rows: int, django_capture_on_commit_callbacks) -> int:
    batch = enterprise_import_upload(
        user=official, filename="list.csv", data=csv_bytes([a_row(n) for n in range(rows)])
    )
    fingerprint = enterprise_import_check(rows=batch.rows, official=official.official).fingerprint
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        batch = enterprise_import_confirm(batch=batch, user=official, fingerprint=fingerprint)
    assert batch.created_count == rows
    return len(queries)


def test_it_confirms_ten_and_a_thousand_rows_within_the_same_number_of_queries(
    province_official, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_TASKS
    settings.IMPORT_DIRECT_MAX_ROWS = 10_000
    ten = confirmation_queries(province_official, 10, django_capture_on_commit_callbacks)
    Enterprise.objects.all().delete()
    thousand = confirmation_queries(province_official, 1000, django_capture_on_commit_callbacks)
    print(f"confirmation queries: {ten} for 10 rows, {thousand} for 1,000 rows")
    assert ten <= QUERY_BOUND and thousand <= QUERY_BOUND, (ten, thousand)
    if connection.vendor == "postgresql":
        assert thousand == ten
    # One e-mail task per list, not per enterprise: its invitations, all of them.
    tasks = DBTaskResult.objects.filter(task_path="assessment.tasks.send_invitation_emails")
    assert [len(task.args_kwargs["args"][0]) for task in tasks.order_by("enqueued_at")] == [10, 1000]
    assert Invitation.objects.count() == 1000  # those of the ten went with their enterprises
    assert AuditEvent.objects.filter(action="enterprise.import").count() == 1010


def test_it_names_a_code_registered_by_a_concurrent_sign_up_and_writes_nothing(
    province_official, monkeypatch
):
    batch = enterprise_import_upload(
        user=province_official, filename="list.csv", data=csv_bytes([a_row(n) for n in range(1, 6)])
    )
    fingerprint = enterprise_import_check(rows=batch.rows, official=province_official.official).fingerprint
    original = enterprise_import_check

    def check_then_sign_up(**kwargs):
        result = original(**kwargs)
        EnterpriseFactory(uscc=code(4))  # a sign-up commits between the import's check and its insert
        return result

    monkeypatch.setattr("assessment.services.enterprise_import.enterprise_import_check", check_then_sign_up)
    with pytest.raises(DomainError) as raised:
        enterprise_import_confirm(batch=batch, user=province_official, fingerprint=fingerprint)
    assert raised.value.code == "import_race"
    assert code(4) in str(raised.value.message) and "没有写入任何数据" in str(raised.value.message)
    assert not Enterprise.objects.exclude(uscc=code(4)).exists()
    assert not Invitation.objects.exists() and not AuditEvent.objects.exists()
    batch.refresh_from_db()
    assert batch.status == EnterpriseImport.Status.READY and batch.confirmed_at is None


@pytest.mark.django_db(transaction=True)
def test_it_checks_and_imports_a_large_list_in_the_background(client, province_official, settings):
    settings.TASKS = DATABASE_TASKS
    settings.IMPORT_DIRECT_MAX_ROWS = 3
    client.force_login(province_official)
    rows = [a_row(n) for n in range(1, 6)] + [a_row(6, city="上海市")]
    response = upload(client, csv_bytes(rows))
    batch = EnterpriseImport.objects.get()
    assert response.url == reverse("enterprise_import_preview", args=[batch.pk])
    assert (batch.status, batch.in_background) == (EnterpriseImport.Status.CHECKING, True)
    page = client.get(response.url).content.decode()
    assert "正在校验" in page and "等待开始…" in page and "js/job_progress.js" in page
    assert f'href="{response.url}">刷新进度' in page  # without JavaScript
    assert 'name="fingerprint"' not in page
    status = client.get(reverse("enterprise_import_status", args=[batch.pk])).json()
    assert (status["status"], status["rows_total"]) == ("checking", 6)

    run_db_worker()
    batch.refresh_from_db()
    assert (batch.status, batch.rows_checked) == (EnterpriseImport.Status.READY, 6)
    page = client.get(response.url).content.decode()
    assert 'id="rows-valid">5<' in page and 'id="rows-rejected">1<' in page
    assert 'data-row="7"' in page and "不是黑龙江省的地市" in page  # the file's row 7: cell-referenced
    assert "js/job_progress.js" not in page
    fingerprint = page.split('name="fingerprint" value="')[1].split('"')[0]
    assert not Enterprise.objects.exists()

    confirm = reverse("enterprise_import_confirm", args=[batch.pk])
    client.post(confirm, {"fingerprint": fingerprint})
    client.post(confirm, {"fingerprint": fingerprint})  # a double click queues nothing more
    assert DBTaskResult.objects.filter(task_path="assessment.tasks.confirm_enterprise_import").count() == 1
    page = client.get(response.url).content.decode()
    assert "正在建立 5 家企业并发出邀请" in page and not Enterprise.objects.exists()

    run_db_worker()
    batch.refresh_from_db()
    assert (batch.status, batch.created_count, batch.rejected_count) == ("done", 5, 1)
    assert Enterprise.objects.count() == 5 and Invitation.objects.count() == 5
    assert len(mail.outbox) == 5  # the worker ran the invitations' task too
    page = client.get(response.url).content.decode()
    assert "建立了 5 家企业" in page
    assert client.get(reverse("enterprise_import_status", args=[batch.pk])).json()["status"] == "done"


def test_it_runs_the_tasks_at_once_under_debug(
    client, province_official, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_DIRECT_MAX_ROWS = 3  # the test settings are the DEBUG ones: the immediate backend
    client.force_login(province_official)
    with_on_commit = django_capture_on_commit_callbacks
    with with_on_commit(execute=True):
        response = upload(client, csv_bytes([a_row(n) for n in range(1, 6)]))
    page = client.get(response.url).content.decode()
    assert 'id="rows-valid">5<' in page
    fingerprint = page.split('name="fingerprint" value="')[1].split('"')[0]
    with with_on_commit(execute=True):
        response = client.post(
            reverse("enterprise_import_confirm", args=[EnterpriseImport.objects.get().pk]),
            {"fingerprint": fingerprint},
        )
    assert "建立了 5 家企业" in client.get(response.url).content.decode()
    assert Enterprise.objects.count() == 5 and len(mail.outbox) == 5


def test_a_background_confirmation_that_finds_the_list_changed_shows_the_new_preview_with_the_reason(
    province_official, settings, django_capture_on_commit_callbacks, client
):
    settings.IMPORT_DIRECT_MAX_ROWS = 3
    with django_capture_on_commit_callbacks(execute=True):
        batch = enterprise_import_upload(
            user=province_official, filename="list.csv", data=csv_bytes([a_row(n) for n in range(1, 6)])
        )
    batch.refresh_from_db()
    fingerprint = batch.check_result["fingerprint"]
    EnterpriseImport.objects.filter(pk=batch.pk).update(status=EnterpriseImport.Status.CONFIRMING)
    EnterpriseFactory(uscc=code(2))  # registered after the preview was stored
    with django_capture_on_commit_callbacks(execute=True):
        batch = enterprise_import_run_confirm(batch.pk, fingerprint)
    assert batch.status == EnterpriseImport.Status.READY and "发生了变化" in batch.message
    assert batch.check_result["valid_count"] == 4 and Enterprise.objects.count() == 1
    client.force_login(province_official)
    page = client.get(reverse("enterprise_import_preview", args=[batch.pk])).content.decode()
    assert "发生了变化" in page and 'id="rows-valid">4<' in page and "系统中已有该统一社会信用代码" in page


def test_a_background_check_that_fails_says_why(province_official, settings, monkeypatch, client):
    settings.TASKS = DATABASE_TASKS
    settings.IMPORT_DIRECT_MAX_ROWS = 3

    def broken(**kwargs):
        raise ValueError("disk full")

    monkeypatch.setattr("assessment.services.enterprise_import.enterprise_import_check", broken)
    batch = enterprise_import_upload(
        user=province_official, filename="list.csv", data=csv_bytes([a_row(n) for n in range(1, 6)])
    )
    batch = enterprise_import_run_check(batch.pk)
    assert batch.status == EnterpriseImport.Status.FAILED and "disk full" in batch.message
    client.force_login(province_official)
    page = client.get(reverse("enterprise_import_preview", args=[batch.pk])).content.decode()
    assert "没有导入任何企业" in page and "disk full" in page
