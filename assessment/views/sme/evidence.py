"""Evidence files of an assessment: upload, download through the access check, removal."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
)
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessment.confirmations import evidence_removal
from assessment.exceptions import DomainError
from assessment.forms.answers import EvidenceForm
from assessment.models import Evidence
from assessment.permissions import (
    get_assessment_for_member,
    get_assessment_for_user,
)
from assessment.selectors import assessments as selectors
from assessment.services import assessments as services
from assessment.views.confirm import action_done, confirmation_page, is_confirmed
from assessment.views.sme.common import safe_next
from questionnaires.text import pick


@login_required
@require_POST
def evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_assessment_for_member(request.user, pk)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.evidence_add(
                assessment=assessment,
                user=request.user,
                question_code=form.cleaned_data["question"],
                upload=form.cleaned_data["file"],
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("佐证材料已上传。"))
    else:
        messages.error(request, _("请选择要上传的文件。"))
    return redirect(safe_next(request, reverse("assessment_detail", args=[assessment.pk])))


@login_required
@require_GET
def evidence_download(request: HttpRequest, pk: int, evidence_pk: int) -> FileResponse:
    """Serve an evidence file to those who may see its assessment, as a download under its own name."""
    assessment = get_assessment_for_user(request.user, pk)
    evidence = get_object_or_404(Evidence, pk=evidence_pk, assessment=assessment)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    # Files stored before names were matched to their type get the type's extension here too.
    filename = services.evidence_filename(evidence.original_name, evidence.content_type)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=filename or f"{evidence.original_name.rsplit('.', 1)[0]}.bin",
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def evidence_delete(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    """GET (or POST without `confirm`): what deleting the file does, to confirm; POST with `confirm`:
    delete it. `return_to` (query or form) is the page to come back to."""
    assessment = get_assessment_for_member(request.user, pk)
    evidence = get_object_or_404(Evidence, pk=evidence_pk, assessment=assessment)
    back = safe_next(request, reverse("assessment_detail", args=[assessment.pk]))
    if not is_confirmed(request):
        question = ""
        if evidence.question_code:
            index = selectors.question_index(selectors.assessment_definitions(assessment))
            question = pick(index.get(evidence.question_code, {}).get("text")) or ""
        confirmation = evidence_removal(
            evidence, question_text=question, return_to=back, editable=assessment.is_editable
        )
        return confirmation_page(request, confirmation)
    try:
        services.evidence_remove(evidence=evidence, user=request.user)
    except DomainError as error:
        return action_done(request, error.message, back, ok=False)
    return action_done(request, _("已删除佐证材料 %(name)s。") % {"name": evidence.original_name}, back)
