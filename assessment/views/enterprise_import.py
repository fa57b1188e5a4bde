"""Officials' bulk import of enterprises (thin views): the upload page with the template, the preview of a
list with every row's problems, and the confirmation. Officials only (403); an uploaded list is seen only by
the official who uploaded it (404). Rules and writes: assessment.services.enterprise_import.

A list checked and imported in the background (more than IMPORT_DIRECT_MAX_ROWS rows) has the same page:
while a task works on it, the page shows its progress, polled by static/js/job_progress.js (JSON from
enterprise_import_status), or refreshed by hand without JavaScript; a list without progress for
IMPORT_STALLED_MINUTES is shown as stalled, with a button to queue its task again."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessment import enterprise_list
from assessment.exceptions import DomainError
from assessment.forms.enterprise_import import EnterpriseImportUploadForm
from assessment.models import EnterpriseImport
from assessment.permissions import get_enterprise_import_for_official, json_login_required, require_official
from assessment.selectors.enterprises import enterprise_import_valid_count, recent_enterprise_imports
from assessment.services.enterprise_import import (
    enterprise_import_confirm,
    enterprise_import_confirm_later,
    enterprise_import_current_preview,
    enterprise_import_retry,
    enterprise_import_upload,
)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WORKING = (EnterpriseImport.Status.CHECKING, EnterpriseImport.Status.CONFIRMING)


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_import(request: HttpRequest) -> HttpResponse:
    profile = require_official(request)
    form = EnterpriseImportUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                batch = enterprise_import_upload(
                    user=request.user,
                    filename=upload.name,
                    # Beyond the limit, its first bytes are enough for the message.
                    data=upload.read(settings.IMPORT_MAX_BYTES + 1),
                    size=upload.size,
                )
            except DomainError as error:
                form.add_domain_error(error)
            else:
                return redirect("enterprise_import_preview", pk=batch.pk)
        status = 400
    context = {
        "form": form,
        "profile": profile,
        "columns": enterprise_list.COLUMNS,
        "imports": recent_enterprise_imports(request.user),
    }
    return render(request, "assessment/enterprise_import.html", context, status=status)


@login_required
@require_GET
def enterprise_import_preview(request: HttpRequest, pk: str) -> HttpResponse:
    """The list's page: progress while a background task works on it, else the preview or the outcome."""
    batch = get_enterprise_import_for_official(request, pk)
    context: dict[str, object] = {
        "batch": batch,
        "working": batch.status in WORKING and not batch.is_stalled,
        "stalled": batch.is_stalled,
        "stalled_minutes": settings.IMPORT_STALLED_MINUTES,
        "progress_text": _progress_text(batch),
        "percent": _percent(batch),
    }
    if batch.status == EnterpriseImport.Status.READY:
        preview = enterprise_import_current_preview(batch=batch, official=request.user.official)
        context.update(
            preview=preview,
            more_valid=preview.valid_count - len(preview.valid),
            more_errors=preview.error_count - len(preview.errors),
        )
    return render(request, "assessment/enterprise_import_preview.html", context)


def _percent(batch: EnterpriseImport) -> int:
    return min(100, batch.rows_checked * 100 // batch.row_count) if batch.row_count else 0


def _progress_text(batch: EnterpriseImport) -> str:
    if batch.status == EnterpriseImport.Status.CHECKING:
        if not batch.rows_checked:
            return _("等待开始…")
        return _("已校验 %(done)s / %(total)s 行（%(percent)s%%）") % {
            "done": batch.rows_checked,
            "total": batch.row_count,
            "percent": _percent(batch),
        }
    if batch.status == EnterpriseImport.Status.CONFIRMING:
        count = enterprise_import_valid_count(batch)
        return _("正在建立 %(count)s 家企业并发出邀请…") % {"count": count}
    return str(batch.get_status_display())


@json_login_required
@require_GET
def enterprise_import_status(request: HttpRequest, pk: str) -> JsonResponse:
    """Progress for the list page's script: status, rows checked, percent, a sentence to show."""
    batch = get_enterprise_import_for_official(request, pk)
    response = JsonResponse(
        {
            "status": batch.status,
            "label": str(batch.get_status_display()),
            "rows_done": batch.rows_checked if batch.status == EnterpriseImport.Status.CHECKING else 0,
            "rows_total": batch.row_count if batch.status == EnterpriseImport.Status.CHECKING else 0,
            "percent": _percent(batch),
            "text": _progress_text(batch),
            "stalled": batch.is_stalled,
        }
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def enterprise_import_confirm_view(request: HttpRequest, pk: str) -> HttpResponse:
    batch = get_enterprise_import_for_official(request, pk)
    fingerprint = request.POST.get("fingerprint", "")
    try:
        if batch.in_background:  # the list's page shows the progress, then the outcome
            batch = enterprise_import_confirm_later(batch=batch, user=request.user, fingerprint=fingerprint)
        else:
            batch = enterprise_import_confirm(batch=batch, user=request.user, fingerprint=fingerprint)
            messages.success(
                request,
                _("已导入 %(count)s 家企业，并向其管理员发出了邀请邮件。") % {"count": batch.created_count},
            )
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("enterprise_import_preview", pk=batch.pk)


@login_required
@require_POST
def enterprise_import_retry_view(request: HttpRequest, pk: str) -> HttpResponse:
    """Queue again the background task of a stalled list (the uploader only)."""
    batch = get_enterprise_import_for_official(request, pk)
    try:
        batch = enterprise_import_retry(batch=batch, user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已重新提交后台任务，页面会显示其进度。"))
    return redirect("enterprise_import_preview", pk=batch.pk)


@login_required
@require_GET
def enterprise_import_template(request: HttpRequest, fmt: str) -> HttpResponse:
    require_official(request)
    if fmt == "xlsx":
        content, content_type = enterprise_list.template_xlsx(), XLSX_TYPE
    elif fmt == "csv":
        content, content_type = enterprise_list.template_csv(), "text/csv; charset=utf-8"
    else:
        raise Http404
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="enterprise-list-template.{fmt}"'
    return response
