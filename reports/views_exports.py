"""Officials' exports of the filtered submissions (thin views).

CSV always streams. An Excel workbook of up to EXPORT_DIRECT_MAX_ROWS rows is built in the request; a
larger one needs a confirmation (POST) that queues a background job (reports.export_jobs), whose page
shows its progress, polled by static/js/job_progress.js, and links the file when it is ready.
Officials only (403 for everyone else); a job is seen only by the official who requested it (404).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assessment.exceptions import DomainError
from assessment.permissions import json_login_required, require_official
from assessment.selectors import review as selectors
from questionnaires.numbers import number_text
from reports import export_jobs
from reports.exports import csv_lines, export_filename, xlsx_tempfile
from reports.models import ExportJob

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {ExportJob.Format.XLSX: XLSX_TYPE, ExportJob.Format.CSV: "text/csv; charset=utf-8"}


@login_required
@require_GET
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The filtered submissions as CSV (streamed) or an Excel workbook: built here when small, otherwise a
    page that offers to build it in the background."""
    require_official(request)
    filters = selectors.filters_from(request.GET, user=request.user)
    assessments = selectors.submissions(request.user, filters)
    if fmt == "csv":
        response = StreamingHttpResponse(csv_lines(assessments), content_type=CONTENT_TYPES["csv"])
        response["Content-Disposition"] = (
            f'attachment; filename="{export_filename("submissions", filters, "csv")}"'
        )
    elif fmt == "xlsx":
        rows = assessments.count()
        if rows > settings.EXPORT_DIRECT_MAX_ROWS:
            return render(
                request,
                "reports/export_confirm.html",
                {"rows": rows, "filters": filters, "query_items": filters.without("sort").query_items()},
            )
        handle, _count = xlsx_tempfile(assessments)
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=export_filename("submissions", filters, "xlsx"),
            content_type=XLSX_TYPE,
        )
    else:
        raise Http404
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def export_job_create(request: HttpRequest) -> HttpResponse:
    require_official(request)
    try:
        job, created = export_jobs.export_job_create(user=request.user, params=request.POST)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("officials_export_jobs")
    if not created:
        messages.info(request, _("您已有一个导出正在进行，完成后可再开始新的导出。"))
    return redirect("officials_export_job", pk=job.pk)


@login_required
@require_GET
def export_job_list(request: HttpRequest) -> HttpResponse:
    require_official(request)
    return render(
        request,
        "reports/export_jobs.html",
        {
            "jobs": export_jobs.export_jobs_of(request.user),
            "retention_hours": settings.EXPORT_RETENTION_HOURS,
        },
    )


@login_required
@require_GET
def export_job(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    job = export_jobs.get_export_job_for_official(request.user, pk)
    others = [other for other in export_jobs.export_jobs_of(request.user) if other.pk != job.pk]
    return render(
        request, "reports/export_job.html", {"job": job, "status": job.shown_status(), "jobs": others}
    )


def _progress_text(job: ExportJob, status: str) -> str:
    if status == ExportJob.Status.RUNNING and job.rows_total and job.rows_done >= job.rows_total:
        return _("已写入全部 %(total)s 行，正在生成文件…") % {"total": number_text(job.rows_total, 0)}
    if status in (ExportJob.Status.RUNNING, ExportJob.Status.DONE):
        return _("已写入 %(done)s / %(total)s 行（%(percent)s%%）") % {
            "done": number_text(job.rows_done, 0),
            "total": number_text(job.rows_total, 0),
            "percent": job.percent,
        }
    if status == ExportJob.Status.QUEUED:
        return _("等待开始…")
    return _("导出失败。")


@json_login_required
@require_GET
def export_job_status(request: HttpRequest, pk: uuid.UUID) -> JsonResponse:
    """Progress for the job page's script: status, rows, percent, a sentence to show, the file's URL."""
    job = export_jobs.get_export_job_for_official(request.user, pk)
    status = job.shown_status()
    done = status == ExportJob.Status.DONE
    response = JsonResponse(
        {
            "status": status,
            "label": str(ExportJob.Status(status).label),
            "rows_done": job.rows_done,
            "rows_total": job.rows_total,
            "percent": job.percent,
            "text": _progress_text(job, status),
            "download_url": reverse("officials_export_job_download", args=[job.pk]) if done else None,
        }
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def export_job_download(request: HttpRequest, pk: uuid.UUID) -> FileResponse:
    job = export_jobs.get_export_job_for_official(request.user, pk)
    if job.status != ExportJob.Status.DONE or not job.file:
        raise Http404
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=job.filename, content_type=CONTENT_TYPES[job.format]
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def export_job_retry(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    job = export_jobs.get_export_job_for_official(request.user, pk)
    try:
        job = export_jobs.export_job_retry(job=job, user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("officials_export_job", pk=job.pk)
