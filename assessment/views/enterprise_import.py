"""Officials' bulk import of enterprises (thin views): the upload page with the template, the preview of a
list with every row's problems, and the confirmation. Officials only (403); an uploaded list is seen only by
the official who uploaded it (404). Rules and writes: assessment.services.enterprise_import."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessment import enterprise_list
from assessment.exceptions import DomainError
from assessment.forms.enterprise_import import EnterpriseImportUploadForm
from assessment.permissions import get_enterprise_import_for_official, require_official
from assessment.selectors.enterprises import recent_enterprise_imports
from assessment.services.enterprise_import import (
    enterprise_import_check,
    enterprise_import_confirm,
    enterprise_import_upload,
)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PREVIEW_VALID_ROWS = 200  # valid rows listed on the preview (all are counted and imported)
PREVIEW_ERRORS = 500  # problems listed on the preview (all are counted)


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
    batch = get_enterprise_import_for_official(request, pk)
    context: dict[str, object] = {"batch": batch}
    if batch.confirmed_at is None:
        check = enterprise_import_check(rows=batch.rows, official=request.user.official)
        context.update(
            check=check,
            valid_rows=check.valid[:PREVIEW_VALID_ROWS],
            more_valid=max(0, len(check.valid) - PREVIEW_VALID_ROWS),
            errors=check.errors[:PREVIEW_ERRORS],
            more_errors=max(0, len(check.errors) - PREVIEW_ERRORS),
        )
    return render(request, "assessment/enterprise_import_preview.html", context)


@login_required
@require_POST
def enterprise_import_confirm_view(request: HttpRequest, pk: str) -> HttpResponse:
    batch = get_enterprise_import_for_official(request, pk)
    try:
        batch = enterprise_import_confirm(
            batch=batch, user=request.user, fingerprint=request.POST.get("fingerprint", "")
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("已导入 %(count)s 家企业，并向其管理员发出了邀请邮件。") % {"count": batch.created_count},
        )
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
