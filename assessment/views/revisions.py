"""Provincial officials' page for corrected definitions: the revised framework versions, re-scoring the
submitted and accepted assessments on the latest revision (kept beside the counted results), and adopting
a re-score (docs/definitions.md, "Correcting a definition in production")."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assessment.exceptions import DomainError
from assessment.forms.review import AdoptRescoreForm, RescoreCohortForm
from assessment.models import Rescore
from assessment.permissions import require_official
from assessment.selectors.revisions import RESCORES_SHOWN, revised_versions
from assessment.services import revisions as services
from questionnaires.text import pick


def _require_province(request: HttpRequest) -> None:
    if not require_official(request).is_province:
        raise PermissionDenied


def _page(
    request: HttpRequest, *, adopt_forms: dict[int, AdoptRescoreForm] | None = None, status: int = 200
) -> HttpResponse:
    versions = revised_versions()
    adopt_forms = adopt_forms or {}
    rows: list[dict[str, Any]] = [
        {
            "version": item,
            "title": pick(item.title),
            "form": RescoreCohortForm(
                initial={"target": f"{item.framework}@{item.version}"}, auto_id=f"id_%s_{index}"
            ),
            "rescores": [
                {
                    "rescore": rescore,
                    "form": adopt_forms.get(rescore.pk) or AdoptRescoreForm(auto_id=f"id_%s_{rescore.pk}"),
                }
                for rescore in item.rescores
            ],
        }
        for index, item in enumerate(versions)
    ]
    return render(
        request, "assessment/revisions.html", {"rows": rows, "shown": RESCORES_SHOWN}, status=status
    )


@login_required
@require_GET
def revisions_overview(request: HttpRequest) -> HttpResponse:
    _require_province(request)
    return _page(request)


@login_required
@require_POST
def revisions_rescore(request: HttpRequest) -> HttpResponse:
    _require_province(request)
    form = RescoreCohortForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("revisions_overview")
    framework, version = form.cleaned_data["target"]
    try:
        report = services.cohort_rescore(
            framework=framework, version=version, user=request.user, year=form.cleaned_data["year"]
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _(
                "已按第%(revision)s版修订重新计分 %(count)s 份评估（%(unscorable)s 份因答案不符合新修订未能计分）。"
                "统计分析仍以原结果为准，直至逐一采用。"
            )
            % {
                "revision": report.revision,
                "count": len(report.rescored),
                "unscorable": len(report.unscorable),
            },
        )
    return redirect("revisions_overview")


@login_required
@require_POST
def rescore_adopt(request: HttpRequest, pk: int) -> HttpResponse:
    _require_province(request)
    try:
        rescore = Rescore.objects.get(pk=pk)
    except Rescore.DoesNotExist:
        raise Http404 from None
    form = AdoptRescoreForm(request.POST, auto_id=f"id_%s_{pk}")
    if not form.is_valid():
        return _page(request, adopt_forms={pk: form}, status=400)
    try:
        services.rescore_adopt(rescore=rescore, user=request.user, reason=form.cleaned_data["reason"])
    except DomainError as error:
        form.add_error(None, str(error.message))
        return _page(request, adopt_forms={pk: form}, status=400)
    messages.success(request, _("已采用按新修订重新计分的结果；原结果保留备查。"))
    return redirect("revisions_overview")
