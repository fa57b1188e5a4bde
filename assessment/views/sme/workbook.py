"""Filling offline in Excel (docs/workbook.md): the workbook page (download, upload), the preview of an
upload and its confirmation. Permissions as for filling: members of the enterprise, editable statuses."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessment.exceptions import DomainError
from assessment.models import Assessment, WorkbookUpload
from assessment.permissions import get_assessment_for_member
from assessment.selectors import assessments as selectors
from assessment.selectors.workbook import workbook_bytes
from assessment.services.workbook import workbook_upload_apply, workbook_upload_store
from assessment.views.sme.common import section_url
from assessment.workbook import MAX_UPLOAD_BYTES
from questionnaires.question_types import display_value
from questionnaires.text import active_language, pick, report_language

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _editable(request: HttpRequest, pk: int) -> Assessment | None:
    """The member's assessment if it can still be changed (None: a message is added, the caller redirects)."""
    assessment = get_assessment_for_member(request.user, pk)
    if not assessment.is_editable:
        messages.error(request, _("该评估已提交，答案已锁定，不能再修改。"))
        return None
    return assessment


@login_required
@require_http_methods(["GET", "POST"])
def assessment_workbook(request: HttpRequest, pk: int) -> HttpResponse:
    """The workbook page: download the workbook (Chinese or English), upload it back (POST)."""
    assessment = _editable(request, pk)
    if assessment is None:
        return redirect("assessment_results", pk=pk)
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("workbook")
        if upload is None:
            error = _("请选择要上传的工作簿文件（.xlsx）。")
        elif upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
            error = _("文件过大（超过 %(mb)s MB）。请上传本评估下载的工作簿。") % {
                "mb": MAX_UPLOAD_BYTES // (1024 * 1024)
            }
        else:
            try:
                stored = workbook_upload_store(
                    assessment=assessment, user=request.user, data=upload.read(MAX_UPLOAD_BYTES + 1)
                )
            except DomainError as problem:
                error = str(problem.message)
            else:
                return redirect("assessment_workbook_preview", pk=assessment.pk, upload=stored.pk)
    return render(
        request,
        "assessment/workbook.html",
        {"assessment": assessment, "error": error, "max_mb": MAX_UPLOAD_BYTES // (1024 * 1024)},
        status=200,
    )


@login_required
@require_GET
def assessment_workbook_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The assessment's workbook (.xlsx) with its current answers; ?lang=en for English."""
    assessment = _editable(request, pk)
    if assessment is None:
        return redirect("assessment_results", pk=pk)
    lang = report_language(request.GET.get("lang"))
    response = HttpResponse(workbook_bytes(assessment, lang=lang, user=request.user), content_type=XLSX)
    # ASCII-only file name: the enterprise name is inside the workbook.
    filename = f"assessment-{assessment.enterprise.uscc}-{assessment.year}-{lang}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _upload(request: HttpRequest, assessment: Assessment, upload_pk: int) -> WorkbookUpload:
    """The person's own upload of this assessment (404 otherwise: another member's preview is theirs)."""
    try:
        return WorkbookUpload.objects.get(pk=upload_pk, assessment=assessment, user=request.user)
    except WorkbookUpload.DoesNotExist:
        raise Http404 from None


def _preview_context(
    assessment: Assessment, upload: WorkbookUpload, choices: dict[str, str | None] | None = None
) -> dict[str, Any]:
    page = selectors.assessment_page(assessment)
    questions = selectors.question_index(page.definitions)
    lang = active_language()

    def shown(code: str, value: Any) -> str:
        return display_value(questions.get(code), value, lang, blank=_("（空）"))

    def describe(item: dict[str, Any]) -> dict[str, Any]:
        code = item.get("code", "")
        section = selectors.section_of_question(page.sections, code)
        answer = page.answers.get(code)
        return {
            **item,
            "text": pick((questions.get(code) or {}).get("text")) or "",
            "url": section_url(assessment, section.key, code) if section else "",
            "old": shown(code, answer.value if answer else None),
            "new": shown(code, item.get("value")),
            "base": shown(code, item.get("base")),
            "by": str(answer.updated_by) if answer and answer.updated_by else "",
            "at": answer.updated_at if answer else None,
            "choice": (choices or {}).get(code),
        }

    payload = upload.payload or {}
    return {
        "assessment": assessment,
        "upload": upload,
        "changes": [describe(item) for item in payload.get("changes", [])],
        "conflicts": [describe(item) for item in payload.get("conflicts", [])],
        "errors": [describe(item) for item in payload.get("errors", [])],
        "unchanged": payload.get("unchanged", 0),
    }


@login_required
@require_GET
def assessment_workbook_preview(request: HttpRequest, pk: int, upload: int) -> HttpResponse:
    """What an upload would change: every change (old → new), every error with its cell, conflicts."""
    assessment = _editable(request, pk)
    if assessment is None:
        return redirect("assessment_results", pk=pk)
    stored = _upload(request, assessment, upload)
    return render(request, "assessment/workbook_preview.html", _preview_context(assessment, stored))


@login_required
@require_POST
def assessment_workbook_confirm(request: HttpRequest, pk: int, upload: int) -> HttpResponse:
    """Apply a previewed upload (`resolve-<code>` = mine | theirs for each conflict), all or nothing."""
    assessment = _editable(request, pk)
    if assessment is None:
        return redirect("assessment_results", pk=pk)
    stored = _upload(request, assessment, upload)
    conflicts = [item["code"] for item in (stored.payload or {}).get("conflicts", [])]
    choices = {code: request.POST.get(f"resolve-{code}") for code in conflicts}
    try:
        count = workbook_upload_apply(
            upload=stored,
            user=request.user,
            keep_mine={code for code, choice in choices.items() if choice == "mine"},
            keep_theirs={code for code, choice in choices.items() if choice == "theirs"},
        )
    except DomainError as error:
        messages.error(request, error.message)
        if error.code in ("changed", "invalid", "applied"):
            return redirect("assessment_workbook", pk=assessment.pk)
        context = _preview_context(assessment, stored, choices)
        return render(request, "assessment/workbook_preview.html", context)
    messages.success(request, _("已从工作簿保存 %(count)s 个答案。") % {"count": count})
    return redirect("assessment_review", pk=assessment.pk)
