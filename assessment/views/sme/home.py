"""The SME journey's start: the home page's assessments block, starting an assessment, its entry point."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessment.exceptions import DomainError
from assessment.forms.answers import StartAssessmentForm
from assessment.models import Assessment, Membership, RevisionNotice
from assessment.permissions import (
    get_assessment_for_member,
    get_assessment_for_user,
    get_enterprise_for_member,
    membership_of,
)
from assessment.presentation import level_text
from assessment.selectors import assessments as selectors
from assessment.selectors.enterprises import enterprise_members
from assessment.selectors.rating import rating_schemes
from assessment.selectors.review import result_definition
from assessment.selectors.revisions import open_notices
from assessment.services import assessments as services
from assessment.services import revisions as revision_services
from assessment.views.sme.common import resume_target, return_notice, revision_notices, safe_next
from questionnaires.frameworks import selectable_families, short_title
from questionnaires.text import active_language, pick


def _framework_choices() -> list[tuple[str, str]]:
    """The families an enterprise may choose, in page order (questionnaires/families.yaml)."""
    return [(family.code, pick(family.choice)) for family in selectable_families()]


def short_framework_title(framework: str) -> str:
    return short_title(framework, active_language())


def _result_summary(
    result: dict[str, Any] | None, schemes: dict[tuple[str, str], dict[str, Any]]
) -> list[dict[str, Any]]:
    """Per framework: short name, score, level worded as on the results page, veto failed (from the
    stored result; a stored label such as an old green-factory tier is not shown)."""
    lang = active_language()
    return [
        {
            "title": short_framework_title(item["framework"]),
            "score": item.get("score"),
            "level": level_text(
                item,
                result_definition(item["framework"], str(item.get("version", ""))),
                scheme=schemes.get((item["framework"], str(item.get("version", "")))),
                lang=lang,
            ).text,
            "veto_failed": not (item.get("veto") or {}).get("passed", True),
        }
        for item in (result or {}).get("frameworks") or []
    ]


def sme_assessments_context(
    membership: Membership, start_form: StartAssessmentForm | None = None
) -> dict[str, Any]:
    """Keys the SME home page's assessments block needs (added to the foundation's home context)."""
    assessments = selectors.enterprise_assessments(membership.enterprise)
    notices = open_notices(a.pk for a in assessments)
    schemes = rating_schemes() if any(a.result for a in assessments) else {}
    for assessment in assessments:
        assessment.summary = _result_summary(assessment.result, schemes)
        # What a corrected definition changed for a draft moved to its new revision.
        assessment.open_revision_notices = revision_notices(notices.get(assessment.pk, []))
        # The reviewer's note and commented questions, where the enterprise starts its day.
        assessment.return_notice = (
            return_notice(selectors.assessment_page(assessment))
            if assessment.status == Assessment.Status.RETURNED
            else None
        )
    taken = {a.year for a in assessments}
    years = [year for year in services.assessment_years() if year not in taken]
    form = start_form or StartAssessmentForm(
        years=years, frameworks=_framework_choices(), initial={"year": timezone.localdate().year - 1}
    )
    return {"assessments": assessments, "start_form": form, "start_years": years}


def sme_home_context(membership: Membership) -> dict[str, object]:
    """Context of the SME home page: the enterprise, its members and its assessments."""
    return {
        "membership": membership,
        "enterprise": membership.enterprise,
        "members": enterprise_members(membership.enterprise),
        "is_manager": membership.role == Membership.Role.MANAGER,
        **sme_assessments_context(membership),
    }


@login_required
@require_POST
def assessment_start(request: HttpRequest) -> HttpResponse:
    enterprise = get_enterprise_for_member(request.user)
    membership = request.user.membership
    context = sme_assessments_context(membership)
    form = StartAssessmentForm(request.POST, years=context["start_years"], frameworks=_framework_choices())
    if form.is_valid():
        try:
            assessment = services.assessment_create(
                enterprise=enterprise,
                year=form.cleaned_data["year"],
                frameworks=form.cleaned_data["frameworks"],
                user=request.user,
                prefill=form.cleaned_data["prefill"],
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        else:
            messages.success(request, _("已创建 %(year)s 年度评估。") % {"year": assessment.year})
            return redirect("assessment_detail", pk=assessment.pk)
    page = {**sme_home_context(membership), **sme_assessments_context(membership, form)}
    return render(request, "assessment/home_sme.html", page, status=400)


@login_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An assessment's entry point: where this person last edited (else the first page), or its results
    once submitted."""
    assessment = get_assessment_for_user(request.user, pk)
    membership = membership_of(request.user)
    if (
        not assessment.is_editable
        or membership is None
        or membership.enterprise_id != assessment.enterprise_id
    ):
        return redirect("assessment_results", pk=assessment.pk)
    sections = selectors.build_sections(selectors.assessment_definitions(assessment))
    if not sections:
        raise Http404
    return redirect(resume_target(assessment, request.user, sections))


@login_required
@require_POST
def revision_notice_dismiss(request: HttpRequest, pk: int, notice_pk: int) -> HttpResponse:
    """A member has read what a corrected definition changed: the notice is no longer shown."""
    assessment = get_assessment_for_member(request.user, pk)
    try:
        notice = RevisionNotice.objects.select_related("assessment").get(pk=notice_pk, assessment=assessment)
    except RevisionNotice.DoesNotExist:
        raise Http404 from None
    revision_services.revision_notice_dismiss(notice=notice, user=request.user)
    return redirect(safe_next(request, reverse("home")))
