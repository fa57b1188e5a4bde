"""Answers last year's improvement plan proposes: confirm or reject one (docs/plan.md, "Follow-through")."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessment.exceptions import DomainError
from assessment.permissions import get_assessment_for_member
from assessment.services import followup as services
from assessment.views.sme.common import safe_next


@login_required
@require_POST
def proposal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """`confirm` or `reject` (the question's code as the value): write the proposed answer through the
    answer service, or keep this year's answer and stop proposing it."""
    assessment = get_assessment_for_member(request.user, pk)
    confirm, reject = request.POST.get("confirm"), request.POST.get("reject")
    try:
        if confirm:
            services.proposal_confirm(assessment=assessment, user=request.user, code=confirm)
            messages.success(request, _("已按上年改进计划更新答案。"))
        elif reject:
            services.proposal_reject(assessment=assessment, user=request.user, code=reject)
            messages.success(request, _("已保留原答案，不再建议该值。"))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(safe_next(request, reverse("assessment_review", args=[assessment.pk])))
