"""Background exports for officials: queueing a job, running it, its progress, who may see it, retention.

A job (`ExportJob`, the row behind the progress page) is created by the request (`export_job_create`); once
the transaction commits, the task `reports.tasks.build_export` is enqueued through Django's Tasks API and
whoever runs it (`manage.py db_worker` in production, the request itself with the immediate backend)
claims the job with a conditional UPDATE (queued -> running), so a task delivered twice builds it once.
While rows are written, `rows_done` and the heartbeat are updated once per chunk of 1,000 rows; a running
job whose heartbeat is older than STALE_AFTER is shown as failed (its worker died) and can be retried.

Writes: export_job_create, export_job_retry, export_job_run, export_jobs_fail_stale, export_jobs_purge.
Reads: export_jobs_of, get_export_job_for_official (the access helper: requester only, and only while
the requester's jurisdiction still covers the job's scope; 404 otherwise).
"""

from __future__ import annotations

import logging
import tempfile
import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assessment.background import update_when_unlocked
from assessment.exceptions import DomainError
from assessment.permissions import official_profile_of
from assessment.selectors.review import filters_from, submissions
from reports.exports import export_filename, write_csv, write_xlsx
from reports.models import STALE_AFTER, ExportJob

if TYPE_CHECKING:
    from assessment.models import User

logger = logging.getLogger(__name__)
RECENT = 20


def export_jobs_of(user: User, *, limit: int = RECENT) -> QuerySet[ExportJob]:
    """The user's most recent export jobs, newest first."""
    return ExportJob.objects.filter(requested_by=user).order_by("-created_at")[:limit]


def get_export_job_for_official(user: User, pk: uuid.UUID) -> ExportJob:
    """A job the user may see: 403 for a non-official; 404 unless the user requested it and their
    jurisdiction still covers its scope (a city official moved to another city loses the old files)."""
    profile = official_profile_of(user)
    if profile is None:
        raise PermissionDenied
    job = ExportJob.objects.filter(pk=pk, requested_by=user).first()
    if job is None or (profile.city_code and job.scope_city != profile.city_code):
        raise Http404
    return job


def _active_job(user: User) -> ExportJob | None:
    jobs = ExportJob.objects.filter(
        requested_by=user, status__in=(ExportJob.Status.QUEUED, ExportJob.Status.RUNNING)
    )
    return next((job for job in jobs if not job.is_stale()), None)


@transaction.atomic
def export_job_create(
    *, user: User, params: Mapping[str, Any], fmt: str = ExportJob.Format.XLSX
) -> tuple[ExportJob, bool]:
    """Queue an export of the user's submissions matching `params` (its task is enqueued once the
    transaction commits); returns (job, created). A user with an export still in progress gets that one back (a double
    click or a second tab does not start another). Expired exports are deleted on the way."""
    if official_profile_of(user) is None:
        raise DomainError(_("只有主管部门用户可以导出。"))
    if fmt not in ExportJob.Format.values:
        raise DomainError(_("不支持的导出格式。"))
    # Two simultaneous requests of one user (double click, two tabs) take turns here, so the second
    # finds the first one's job instead of starting another (a row lock; SQLite serialises writers).
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    active = _active_job(user)
    if active is not None:
        return active, False
    filters = filters_from(params, user=user)
    job = ExportJob.objects.create(
        requested_by=user,
        parameters=dict(filters.without("sort").query_items()),
        scope_city=filters.city,
        format=fmt,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        filename=export_filename("submissions", filters, fmt),
    )
    export_jobs_purge()
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job, True


@transaction.atomic
def export_job_retry(*, job: ExportJob, user: User) -> ExportJob:
    """A new job with the same parameters for a failed (or interrupted) one; the old one is kept, failed."""
    if job.shown_status() != ExportJob.Status.FAILED:
        raise DomainError(_("只有失败的导出可以重试。"))
    if job.status != ExportJob.Status.FAILED:
        _fail(job.pk, _("导出进程已中断。"))
    new_job, _created = export_job_create(user=user, params=job.parameters, fmt=job.format)
    return new_job


def _enqueue(job_id: uuid.UUID) -> None:
    """Hand the job to the task backend; a backend that refuses it (unreachable queue, misconfiguration)
    fails the job with a message instead of leaving it queued for ever."""
    from reports.tasks import build_export

    try:
        build_export.enqueue(str(job_id))
    except Exception as error:
        logger.exception("export job %s could not be queued", job_id)
        _fail(job_id, _("导出任务无法排队：%(error)s") % {"error": f"{type(error).__name__}: {error}"})


def _update(job_id: uuid.UUID, **fields: Any) -> None:
    """Record progress or the outcome (retried while a SQLite reader holds the table)."""
    update_when_unlocked(ExportJob.objects.filter(pk=job_id), heartbeat_at=timezone.now(), **fields)


def _fail(job_id: uuid.UUID, message: str) -> None:
    _update(job_id, status=ExportJob.Status.FAILED, error=message[:2000], finished_at=timezone.now())


def export_job_run(job_id: uuid.UUID) -> ExportJob | None:
    """Build the job's file if it is still queued (None if someone else has claimed it or it is gone).

    The stored parameters are cleaned again and scoped to the requester's jurisdiction as it is now;
    rows are written in chunks, each recorded as progress. Any error marks the job failed with a message."""
    now = timezone.now()
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.QUEUED).update(
        status=ExportJob.Status.RUNNING, started_at=now, heartbeat_at=now
    )
    if not claimed:
        return None
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    try:
        with translation.override(job.language):
            count = _build(job)
    except Exception as error:
        logger.exception("export job %s failed", job_id)
        message = error.message if isinstance(error, DomainError) else f"{type(error).__name__}: {error}"
        with translation.override(job.language):
            _fail(job_id, str(message))
    else:
        _update(
            job_id,
            status=ExportJob.Status.DONE,
            file=job.file.name,
            rows_done=count,
            rows_total=count,
            finished_at=timezone.now(),
        )
    job.refresh_from_db()
    return job


def _build(job: ExportJob) -> int:
    user = job.requested_by
    if official_profile_of(user) is None:
        raise DomainError(_("申请人已不是主管部门用户。"))
    filters = filters_from(job.parameters, user=user)
    assessments = submissions(user, filters)
    _update(job.pk, rows_total=assessments.count(), scope_city=filters.city)

    def progress(done: int) -> None:
        _update(job.pk, rows_done=done)

    with tempfile.NamedTemporaryFile(suffix=f".{job.format}") as handle:
        if job.format == ExportJob.Format.XLSX:
            count = write_xlsx(assessments, handle.name, progress=progress)
        else:
            with open(handle.name, "w", encoding="utf-8", newline="") as text:
                count = write_csv(assessments, text, progress=progress)
        _update(job.pk, rows_done=count)
        with open(handle.name, "rb") as built:
            job.file.save(job.filename, File(built), save=False)
    return count


def export_jobs_fail_stale(now: datetime | None = None) -> int:
    """Mark running jobs without a heartbeat for STALE_AFTER as failed (their process died)."""
    now = now or timezone.now()
    return ExportJob.objects.filter(
        status=ExportJob.Status.RUNNING, heartbeat_at__lt=now - STALE_AFTER
    ).update(status=ExportJob.Status.FAILED, error=_("导出进程已中断。"), finished_at=now)


def export_jobs_purge(now: datetime | None = None, *, orphans: bool = False) -> int:
    """Delete jobs (and their files) created more than EXPORT_RETENTION_HOURS ago; returns how many.
    `orphans`: also delete files under exports/ that no job refers to (e.g. left by a deleted user)."""
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.EXPORT_RETENTION_HOURS)
    expired = list(ExportJob.objects.filter(created_at__lt=cutoff).values_list("pk", "file"))
    for _pk, name in expired:
        if name:
            default_storage.delete(name)
    ExportJob.objects.filter(pk__in=[pk for pk, _name in expired]).delete()
    if orphans and default_storage.exists("exports"):
        known = set(ExportJob.objects.exclude(file="").values_list("file", flat=True))
        for name in default_storage.listdir("exports")[1]:
            path = f"exports/{name}"
            if path not in known and default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
    return len(expired)
