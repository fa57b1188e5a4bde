"""Download of the PDF improvement report (enterprise members and, for submitted assessments, officials)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from assessment.permissions import get_assessment_for_user
from assessment.scoring import ScoringInputError
from questionnaires.text import report_language
from reports.data import build_report_data
from reports.pdf import render_pdf


@login_required
@require_GET
def assessment_report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The report of one assessment as a PDF attachment; ?lang=en for the English report, ?annex=1 to
    add the full answer annex (the default is the manager's report)."""
    assessment = get_assessment_for_user(request.user, pk)
    lang = report_language(request.GET.get("lang"))
    try:
        pdf = render_pdf(build_report_data(assessment, lang=lang, annex=request.GET.get("annex") == "1"))
    except ScoringInputError:
        messages.error(request, _("该评估的答案暂时无法计分，请检查后再下载报告。"))
        return redirect("home")
    response = HttpResponse(pdf, content_type="application/pdf")
    # ASCII-only file name: the enterprise name stays inside the document.
    annex = "-annex" if request.GET.get("annex") == "1" else ""
    filename = f"report-{assessment.enterprise.uscc}-{assessment.year}-{lang}{annex}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
