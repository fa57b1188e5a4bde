"""Provincial officials' page for corrected definitions: the revised framework versions, re-scoring the
submitted and accepted assessments on the latest revision (kept beside the counted results), and adopting
re-scores, ticked ones or all of a version with one reason (docs/definitions.md, "Correcting a definition in production")."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from assessment.exceptions import DomainError
from assessment.forms.review import AdoptRescoresForm, RescoreCohortForm
from assessment.permissions import require_official
from assessment.selectors.revisions import RESCORES_SHOWN, revised_versions
from assessment.services import revisions as services
from questionnaires.numbers import number_text
from questionnaires.text import pick


def _require_province(request: HttpRequest) -> None:
    if not require_official(request).is_province:
        raise PermissionDenied


def _auto_id(target: str) -> str:
    """Field ids unique to a version's section (several sections share the page)."""
    return "id_%s_" + re.sub(r"\W", "_", target)


def _page(request: HttpRequest, *, bound: AdoptRescoresForm | None = None, status: int = 200) -> HttpResponse:
    """The page; `bound` is a refused adoption form, shown again (ticks, reason, errors) in its section."""
    rows: list[dict[str, Any]] = []
    for index, item in enumerate(revised_versions()):
        target = f"{item.framework}@{item.version}"
        if bound is not None and bound.data.get("target") == target:
            adopt_form = bound
        else:
            adopt_form = AdoptRescoresForm(initial={"target": target}, auto_id=_auto_id(target))
        adopt_form.count_all(item.adoptable)
        ticked = set(getattr(adopt_form, "cleaned_data", {}).get("rescore") or [])
        rows.append(
            {
                "version": item,
                "title": pick(item.title),
                "form": RescoreCohortForm(initial={"target": target}, auto_id=f"id_%s_{index}"),
                "adopt_form": adopt_form,
                "rescores": [{"rescore": r, "ticked": r.pk in ticked} for r in item.rescores],
                "adoptable_shown": any(r.adopted_at is None and r.result is not None for r in item.rescores),
            }
        )
    if bound is not None and not any(row["adopt_form"] is bound for row in rows):
        # No section of that version (a stale or altered page): the errors as a page message.
        messages.error(request, " ".join(str(e) for errors in bound.errors.values() for e in errors))
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
                "统计分析仍以原结果为准，直至采用。"
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
def rescores_adopt(request: HttpRequest) -> HttpResponse:
    _require_province(request)
    form = AdoptRescoresForm(request.POST, auto_id=_auto_id(request.POST.get("target", "")))
    if not form.is_valid():
        return _page(request, bound=form, status=400)
    framework, version = form.cleaned_data["target"]
    try:
        report = services.rescores_adopt(
            framework=framework,
            version=version,
            user=request.user,
            reason=form.cleaned_data["reason"],
            rescore_ids=form.rescore_ids(),
        )
    except DomainError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return _page(request, bound=form, status=400)
    messages.success(
        request,
        ngettext(
            "已采用 %(count)s 份评估按新修订重新计分的结果；原结果保留备查。",
            "已采用 %(count)s 份评估按新修订重新计分的结果；原结果保留备查。",
            len(report.adopted),
        )
        % {"count": number_text(len(report.adopted), 0)},
    )
    for rescore, reason in report.refused:
        messages.warning(
            request,
            _("%(enterprise)s（%(year)s年度）未采用：%(reason)s")
            % {
                "enterprise": rescore.assessment.enterprise.name,
                "year": rescore.assessment.year,
                "reason": reason,
            },
        )
    return redirect("revisions_overview")
