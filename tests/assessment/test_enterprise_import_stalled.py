"""A large list whose background task stopped (a dead worker, none running) is shown as stalled after
IMPORT_STALLED_MINUTES without progress, with a 重试 button: the uploader queues the task again (audited);
a second click, a list still progressing or one imported already queue nothing; a confirmation queued
twice creates each enterprise once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

from assessment.exceptions import DomainError
from assessment.models import AuditEvent, Enterprise, EnterpriseImport, Invitation
from assessment.services.enterprise_import import enterprise_import_retry
from tests.assessment.test_enterprise_import import a_row, csv_bytes, upload
from tests.assessment.test_enterprise_import_background import DATABASE_TASKS

CHECK = "assessment.tasks.check_enterprise_import"
CONFIRM = "assessment.tasks.confirm_enterprise_import"


@pytest.fixture
def background(settings):
    settings.TASKS = DATABASE_TASKS
    settings.IMPORT_DIRECT_MAX_ROWS = 3
    settings.IMPORT_STALLED_MINUTES = 15


def a_worker_dies(batch: EnterpriseImport, *, minutes: int = 20) -> None:
    """The worker took the list's queued task and died: the task is gone from the queue, and the list
    has made no progress for `minutes`."""
    DBTaskResult.objects.all().delete()
    EnterpriseImport.objects.filter(pk=batch.pk).update(
        progressed_at=timezone.now() - dt.timedelta(minutes=minutes)
    )


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a request as if its transaction committed: the tasks it queues are queued."""

    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return run


def run_queued() -> None:
    """What the worker does with the queued tasks, in order, in this test's transaction (the batch worker,
    tests.builders.run_db_worker, closes PostgreSQL's connection under a test's transaction here)."""
    for result in DBTaskResult.objects.order_by("enqueued_at", "id"):
        import_string(result.task_path).call(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
        result.delete()


def queued(path: str) -> int:
    return DBTaskResult.objects.filter(task_path=path).count()


def test_a_list_whose_check_stopped_shows_as_stalled_and_the_uploader_retries_it(
    background, client, province_official, committed
):
    client.force_login(province_official)
    response = committed(upload, client, csv_bytes([a_row(n) for n in range(1, 6)]))
    assert queued(CHECK) == 1
    batch = EnterpriseImport.objects.get()
    status_url = reverse("enterprise_import_status", args=[batch.pk])
    retry = reverse("enterprise_import_retry", args=[batch.pk])
    assert not client.get(status_url).json()["stalled"]
    # Within the documented time: still shown as working, and a retry queues nothing.
    a_worker_dies(batch, minutes=10)
    assert "js/job_progress.js" in client.get(response.url).content.decode()
    page = client.get(committed(client.post, retry).url).content.decode()
    assert "仍在进行，无需重试" in page and not queued(CHECK)

    a_worker_dies(batch, minutes=20)
    assert client.get(status_url).json()["stalled"]  # the polling page reloads into the stalled one
    page = client.get(response.url).content.decode()
    assert "后台任务停滞" in page and "超过 15 分钟没有进展" in page and f'action="{retry}"' in page
    assert "js/job_progress.js" not in page  # no polling: the page would reload for ever
    assert "正在校验（停滞，可重试）" in client.get(reverse("enterprise_import")).content.decode()

    page = client.get(committed(client.post, retry).url).content.decode()
    assert "已重新提交后台任务" in page and "js/job_progress.js" in page
    committed(client.post, retry)  # a second click: the list is progressing again, nothing more queued
    assert queued(CHECK) == 1
    event = AuditEvent.objects.get(action="enterprise.import_retry")
    assert event.actor == province_official and event.detail["status"] == "checking"
    assert event.detail["import"] == str(batch.pk)

    run_queued()
    batch.refresh_from_db()
    assert (batch.status, batch.rows_checked, batch.check_result["valid_count"]) == ("ready", 5, 5)


def test_a_retried_confirmation_creates_each_enterprise_once(
    background, client, province_official, committed
):
    client.force_login(province_official)
    response = committed(upload, client, csv_bytes([a_row(n) for n in range(1, 6)]))
    run_queued()
    page = client.get(response.url).content.decode()
    fingerprint = page.split('name="fingerprint" value="')[1].split('"')[0]
    committed(
        client.post,
        reverse("enterprise_import_confirm", args=[EnterpriseImport.objects.get().pk]),
        {"fingerprint": fingerprint},
    )
    batch = EnterpriseImport.objects.get()
    assert batch.status == "confirming" and queued(CONFIRM) == 1
    # The worker was only slow, not dead: its task is still queued when the official retries.
    EnterpriseImport.objects.filter(pk=batch.pk).update(progressed_at=timezone.now() - dt.timedelta(hours=1))
    committed(client.post, reverse("enterprise_import_retry", args=[batch.pk]))
    assert queued(CONFIRM) == 2
    run_queued()  # both confirmations run: the second finds the list imported
    batch.refresh_from_db()
    assert (batch.status, batch.created_count) == ("done", 5)
    assert Enterprise.objects.count() == 5 and Invitation.objects.count() == 5
    assert AuditEvent.objects.filter(action="enterprise.import").count() == 5
    # Imported: never stalled, and a retry is refused.
    EnterpriseImport.objects.filter(pk=batch.pk).update(progressed_at=timezone.now() - dt.timedelta(hours=1))
    batch.refresh_from_db()
    assert not batch.is_stalled
    with pytest.raises(DomainError) as refused:
        enterprise_import_retry(batch=batch, user=province_official)
    assert refused.value.code == "import_done" and not queued(CONFIRM)


def test_a_list_checked_in_the_request_or_failed_is_never_stalled(background, province_official, settings):
    settings.IMPORT_DIRECT_MAX_ROWS = 1000
    small = EnterpriseImport.objects.create(uploaded_by=province_official, filename="small.csv", row_count=5)
    failed = EnterpriseImport.objects.create(
        uploaded_by=province_official, filename="big.csv", in_background=True, status="failed"
    )
    EnterpriseImport.objects.update(created_at=timezone.now() - dt.timedelta(days=1))
    for batch in (small, failed):
        batch.refresh_from_db()
        assert not batch.is_stalled
        with pytest.raises(DomainError):
            enterprise_import_retry(batch=batch, user=province_official)
    assert not AuditEvent.objects.filter(action="enterprise.import_retry").exists()
