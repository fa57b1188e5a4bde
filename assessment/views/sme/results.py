"""Checking and submitting an assessment, and its results page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    HttpRequest,
    HttpResponse,
)
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessment import consistency
from assessment.exceptions import DomainError
from assessment.permissions import (
    get_assessment_for_member,
    get_assessment_for_user,
)
from assessment.presentation import level_text, revision_lines
from assessment.presentation_followup import follow_through_section
from assessment.selectors import assessments as selectors
from assessment.selectors.followup import follow_through
from assessment.selectors.rating import rating_schemes
from assessment.selectors.revisions import open_notices, revision_states
from assessment.services import assessments as services
from assessment.views import sme_context as present
from assessment.views.sme.common import (
    issue_rows,
    plan_proposal_rows,
    report_url,
    return_notice,
    revision_notices,
    section_url,
)
from assessment.views.sme.home import short_framework_title
from questionnaires.definition import provisional_items
from questionnaires.logic import is_answered
from questionnaires.question_types import takes_value
from questionnaires.text import active_language, pick


@login_required
def assessment_review(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_assessment_for_member(request.user, pk)
    if not assessment.is_editable:
        return redirect("assessment_results", pk=assessment.pk)
    page = selectors.assessment_page(assessment)
    evaluation = page.evaluate()
    energy = selectors.section_of_question(page.sections, selectors.CONFIRMED_WARNINGS)
    energy_url = section_url(assessment, energy.key, selectors.CONFIRMED_WARNINGS) if energy else ""
    questions = selectors.question_index(page.definitions)
    unanswered = [
        code
        for code in evaluation.asked
        if code in questions
        and takes_value(questions[code])
        and code not in evaluation.missing_required
        and code != selectors.CONFIRMED_WARNINGS
        and not is_answered(evaluation.answers.get(code))
    ]
    checks = consistency.implausible(
        page.definitions, evaluation.answers, selectors.previous_values(assessment)
    )
    context = {
        "frameworks": [
            _("%(title)s（%(version)s）") % {"title": pick(d.get("title")), "version": d.get("version", "")}
            for d in page.definitions
            if d.get("title")
        ],
        "unanswered_optional": len(unanswered),
        "checks": [{"message": pick(c.message), **issue_rows(page, [c.code])[0]} for c in checks],
        "assessment": assessment,
        "missing": issue_rows(page, evaluation.missing_required),
        "prefilled": issue_rows(page, evaluation.prefilled),
        "warnings": [{"message": pick(w["message"]), "url": energy_url} for w in evaluation.warnings],
        "energy_errors": [
            {
                "message": pick(e["message"]),
                "url": section_url(assessment, energy.key, e["field"]) if energy else "",
            }
            for e in evaluation.energy_errors
        ],
        "problems": [
            {"message": pick(p["message"]), **(issue_rows(page, [p["code"]])[0] if p.get("code") else {})}
            for p in evaluation.problems
        ],
        "can_submit": evaluation.can_submit,
        "overall": present.overall_progress(page.sections, evaluation),
        "general_comments": page.comments_by_question().get("", []),
        "return_notice": return_notice(page),
        "revision_notices": revision_notices(open_notices([assessment.pk]).get(assessment.pk, []), page),
        "first_section": page.sections[0] if page.sections else None,
        "plan_proposals": plan_proposal_rows(page),
    }
    return render(request, "assessment/review.html", context)


@login_required
@require_POST
def assessment_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_assessment_for_member(request.user, pk)
    try:
        services.assessment_submit(assessment=assessment, user=request.user)
    except DomainError as error:
        if error.code == "not_editable":
            # A second click or a colleague submitted already: show the result of the one submission.
            return redirect("assessment_results", pk=assessment.pk)
        messages.error(request, error.message)
        return redirect("assessment_review", pk=assessment.pk)
    messages.success(request, _("评估已提交，答案已锁定。"))
    return redirect("assessment_results", pk=assessment.pk)


def _ranked(page: selectors.AssessmentPage, evaluation: selectors.Evaluation):
    from assessment.recommendations import recommend
    from assessment.scoring import EnterpriseFacts

    return recommend(
        definitions=page.definitions,
        answers=evaluation.answers,
        enterprise=EnterpriseFacts.from_enterprise(page.assessment.enterprise),
        before=evaluation.result,
        calculator=evaluation.outputs,
    )


def _recommendations(
    page: selectors.AssessmentPage, evaluation: selectors.Evaluation, ranked: Any = None
) -> list[dict[str, Any]]:
    if evaluation.result is None:
        return []
    ranked = ranked or _ranked(page, evaluation)
    return [item.to_dict() for item in ranked.top(5)]


def _action_plan(
    request: HttpRequest, page: selectors.AssessmentPage, evaluation: selectors.Evaluation, ranked: Any
) -> dict[str, Any] | None:
    """The recommended actions with what each costs, saves and pays back, and the abatement curve (the
    same order and figures as the PDF report)."""
    from assessment.actions import load_catalog
    from assessment.economics import present as econ_present
    from assessment.economics.plan import plan_for_answers
    from assessment.scoring import EnterpriseFacts
    from assessment.selectors.prices import current_prices

    if evaluation.result is None:
        return None
    lang = active_language()
    plan = plan_for_answers(
        definitions=page.definitions,
        answers=evaluation.answers,
        enterprise=EnterpriseFacts.from_enterprise(page.assessment.enterprise),
        factors=page.factors,
        prices=current_prices(),
        recommendations=ranked,
    )
    view = request.GET.get("view", "ranked")
    if view not in econ_present.VIEW_LABELS:
        view = "ranked"
    catalog = load_catalog()
    texts = {q["code"]: q.get("text") for d in page.definitions for q in d.get("questions", [])}
    names = {
        d["framework"]: short_framework_title(d["framework"])
        for d in page.definitions
        if d.get("kind", "framework") == "framework"
    }
    titles = econ_present.item_titles(plan, lang)
    return {
        "rule": econ_present.ranking_rule(lang),
        "view": view,
        "views": [(key, pick(label)) for key, label in econ_present.VIEW_LABELS.items()],
        "rows": econ_present.plan_rows(
            plan,
            lang=lang,
            view=view,
            question_texts=texts,
            framework_names=names,
            cost_labels={key: value["label"] for key, value in catalog.effort_classes.items()},
            price_labels=econ_present.price_labels(plan),
        ),
        "prices": econ_present.price_notes(plan, lang),
        "mac": econ_present.mac_geometry(plan, lang=lang, titles=titles),
        "estimated": len(plan.estimated),
    }


@login_required
def assessment_results(request: HttpRequest, pk: int) -> HttpResponse:
    """Scores and levels, veto failures, radar, strengths and weakest indicators, recommended actions,
    change since the previous assessment; a live preview while the assessment is a draft."""
    assessment = get_assessment_for_user(request.user, pk)
    page = selectors.assessment_page(assessment)
    evaluation = None
    if assessment.result and not assessment.is_editable:
        result = assessment.result
    else:
        evaluation = page.evaluate()
        result = evaluation.result.to_dict() if evaluation.result else None
    recommendations = result.get("recommendations") if result and "recommendations" in result else None
    action_plan = None
    if result is not None:
        evaluation = evaluation or page.evaluate()
        ranked = _ranked(page, evaluation) if evaluation.result is not None else None
        if recommendations is None:
            recommendations = _recommendations(page, evaluation, ranked)
        action_plan = _action_plan(request, page, evaluation, ranked)
    follow = None
    if result is not None and evaluation is not None:
        follow_view = follow_through(assessment, evaluation=evaluation)
        if follow_view is not None:
            follow = follow_through_section(follow_view, active_language())
    previous = selectors.previous_assessment(assessment)
    changes = present.dimension_changes(result or {}, previous.result if previous else None)
    frameworks = []
    schemes = rating_schemes()
    revisions = revision_states(assessment)
    for item in (result or {}).get("frameworks") or []:
        strengths, weakest = present.strengths_and_weaknesses(item.get("indicators") or [])
        definition = next((d for d in page.definitions if d["framework"] == item["framework"]), {})
        wording = level_text(
            item,
            definition,
            scheme=schemes.get((item["framework"], str(item.get("version")))),
            lang=active_language(),
        )
        frameworks.append(
            {
                "data": item,
                "level_note": wording.note,
                "level_kind": wording.kind,
                "revision_lines": (
                    revision_lines(revisions[item["framework"]], active_language())
                    if item["framework"] in revisions
                    else []
                ),
                "has_provisional": bool(provisional_items(definition)),
                "title": pick(
                    next(
                        (d.get("title") for d in page.definitions if d["framework"] == item["framework"]), {}
                    )
                )
                or item["framework"],
                "level": wording.text,
                "radar": present.radar_chart(item.get("dimensions") or []),
                "dimensions": [
                    {**d, "title_text": pick(d.get("title")), "change": changes.get(d["code"])}
                    for d in item.get("dimensions") or []
                ],
                "veto_failed": [pick(v.get("title")) for v in (item.get("veto") or {}).get("failed") or []],
                "strengths": [{**i, "title_text": pick(i.get("title"))} for i in strengths],
                "weakest": [
                    {
                        **i,
                        "title_text": pick(i.get("title")),
                        "gap_text": pick(i.get("gap")) if i.get("gap") else "",
                    }
                    for i in weakest
                ],
            }
        )
    profile = (result or {}).get("profile") or {}
    context = {
        "assessment": assessment,
        "is_draft": assessment.is_editable,
        "result": result,
        "profile": profile,
        "overall_step": pick(((profile.get("overall") or {}).get("step") or {}).get("label")),
        "frameworks": frameworks,
        "recommendations": [
            {**r, "title_text": pick(r.get("title")), "horizon_text": r.get("horizon")}
            for r in recommendations or []
        ],
        "previous": previous,
        "action_plan": action_plan,
        "follow": follow,
        "reached_label": _("已达到计划值"),
        "report_url": report_url(assessment),
        # The question in words, never its internal code.
        "problems": [
            {"message": pick(p["message"]), **(issue_rows(page, [p["code"]])[0] if p.get("code") else {})}
            for p in (evaluation.problems if evaluation else [])
        ],
    }
    return render(request, "assessment/results.html", context)
