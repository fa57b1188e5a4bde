"""Officials' review pages: the queue of submissions and the review of one assessment.

Thin views: officials only (403 for everyone else), objects through the access helpers (404 outside the
jurisdiction), one service per POST, a message and a redirect.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import BoundField
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assessment.exceptions import DomainError
from assessment.forms.answers import initial_value
from assessment.forms.review import (
    DecisionForm,
    ReviewCommentForm,
    ValidateAnswerForm,
    WithdrawValidationForm,
)
from assessment.models import Assessment
from assessment.permissions import get_assessment_for_user, require_official
from assessment.presentation import level_text, revision_lines, stored_level_text
from assessment.selectors import review as selectors
from assessment.selectors.assessments import question_index
from assessment.selectors.rating import rating_schemes
from assessment.selectors.revisions import revision_states
from assessment.services import review as services
from questionnaires.definition import iter_indicators
from questionnaires.question_types import display_value, is_by_evidence, question_type
from questionnaires.text import active_language, pick


def display_answer(question: Mapping[str, Any] | None, value: Any) -> str:
    """An answer as a reviewer reads it: option texts, yes/no, levels, numbers with their unit."""
    return display_value(question, value, active_language())


@login_required
@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    require_official(request)
    filters = selectors.filters_from(request.GET, user=request.user)
    queue = selectors.review_queue(user=request.user, filters=filters, page=request.GET.get("page") or 1)
    context = selectors.filter_choices(user=request.user, filters=filters)
    schemes = rating_schemes()
    lang = active_language()

    def level_wording(r: Any) -> str:
        # As the results page words it: never a stored code, a tier only from a configured scheme.
        return stored_level_text(
            selectors.result_definition(r.framework, r.version),
            r.level,
            score=r.score,
            veto_failed=r.veto_failed,
            scheme=schemes.get((r.framework, r.version)),
            lang=lang,
        )

    rows = [
        {
            "assessment": assessment,
            "results": [_counted_result(pair, level_wording) for pair in _result_pairs(assessment)],
            "validated": any(r.validated for r in assessment.framework_results.all()),
            "self_assessed_index": _differing_index(assessment.total_score, assessment.counted_score),
        }
        for assessment in queue.rows
    ]
    sort_columns = [
        ("name", _("企业")),
        ("city", _("地市")),
        ("", _("行业 / 规模")),
        ("year", _("年度")),
        ("", _("各框架得分与等级")),
        ("score", _("综合指数")),
        ("submitted", _("提交时间")),
        ("status", _("状态")),
    ]
    context.update(queue=queue, rows=rows, sort_columns=sort_columns)
    return render(request, "assessment/review_queue.html", context)


def _differing_index(self_assessed: float | None, counted: float | None) -> float | None:
    """The self-assessed composite index where it reads differently from the counted one, else None."""
    if self_assessed is None or counted is None or round(self_assessed, 1) == round(counted, 1):
        return None
    return self_assessed


def _result_pairs(assessment: Assessment) -> list[tuple[Any, Any]]:
    """Per framework (prefetched, in order): (the counted result, the self-assessed one). The counted one
    is the row analytics and the level filter count: validated where a reviewer validated answers."""
    by_framework: dict[str, dict[bool, Any]] = {}
    for result in assessment.framework_results.all():
        by_framework.setdefault(result.framework, {})[result.validated] = result
    pairs = []
    for results in by_framework.values():
        self_assessed = results.get(False)
        counted = next((r for r in results.values() if r.in_analytics), None) or results.get(True)
        pairs.append((counted or self_assessed, self_assessed))
    return pairs


def _counted_result(pair: tuple[Any, Any], level_wording: Any) -> dict[str, Any]:
    """A queue cell: the counted score and level; the self-assessed level beside it where it differs."""
    counted, self_assessed = pair
    level = level_wording(counted)
    own_level = level_wording(self_assessed) if self_assessed is not None else level
    return {
        "title": selectors.short_title(counted.framework),
        "result": counted,
        "level": level,
        "self_assessed_level": own_level if counted.validated and own_level != level else "",
    }


def _question_rows(page: selectors.ReviewPage) -> list[dict[str, Any]]:
    """Every answered (or commented, validated, evidenced) question once, in questionnaire order."""
    comments = page.page.comments_by_question()
    evidence: dict[str, list[Any]] = {}
    for item in page.page.evidence:
        evidence.setdefault(item.question_code, []).append(item)
    seen: set[str] = set()
    groups = []
    for section in page.page.sections:
        rows = []
        for question in section.questions:
            code = question["code"]
            if code in seen:
                continue
            answer = page.page.answers.get(code)
            validated = page.validated.get(code)
            if answer is None and validated is None and code not in comments and code not in evidence:
                continue
            seen.add(code)
            rows.append(
                {
                    "code": code,
                    "text": pick(question.get("text")),
                    "type": question.get("type"),
                    "by_evidence": is_by_evidence(question),
                    "value_field": _value_field(question, validated, answer),
                    "answer": display_answer(question, answer.value if answer else None),
                    "raw": answer.value if answer else None,
                    "override_reason": answer.override_reason if answer else "",
                    "proposed": bool(answer and answer.proposed and answer.value is not None),
                    "validated": validated,
                    "validated_display": display_answer(question, validated.value) if validated else "",
                    "comments": comments.get(code, []),
                    "evidence": evidence.get(code, []),
                }
            )
        if rows:
            title = pick(section.title)
            if section.framework_title:
                title = f"{pick(section.framework_title)} · {title}"
            groups.append({"key": section.key, "title": title, "rows": rows})
    return groups


def _value_field(question: Mapping[str, Any], validated: Any, answer: Any) -> BoundField | None:
    """The enterprise form's field for a validated value (options, levels, yes/no), set to the validated
    value, else to the enterprise's answer to start from; None for a question whose value is typed."""
    qtype = question_type(question)
    field = qtype.review_field(question, active_language()) if qtype else None
    if field is None:
        return None
    field.label = _("核定值")
    form = forms.Form(
        auto_id=f"v-{question['code']}-%s",
        initial={
            "value": initial_value(question, (validated or answer).value) if validated or answer else None
        },
    )
    form.fields["value"] = field
    return form["value"]


def _framework_rows(page: selectors.ReviewPage) -> list[dict[str, Any]]:
    """Per framework: self-assessed and validated score, level, veto and dimension percents side by side."""
    assessment = page.assessment
    validated = {f["framework"]: f for f in (assessment.validated_result or {}).get("frameworks") or []}
    titles = _titles(page)
    definitions = {d["framework"]: d for d in page.page.definitions}
    schemes = rating_schemes()
    revisions = revision_states(assessment)
    rows = []
    for item in (assessment.result or {}).get("frameworks") or []:
        other = validated.get(item["framework"])
        definition = definitions.get(item["framework"], {})
        scheme = schemes.get((item["framework"], str(item.get("version"))))
        # Indicators whose weight, benchmark or rule is provisional: marked for officials.
        provisional = {
            ind["code"]
            for ind in iter_indicators(definition)
            if ind.get("provisional") or (ind.get("rule") or {}).get("provisional")
        }
        other_dims = {d["code"]: d for d in (other or {}).get("dimensions") or []}
        other_indicators = {i["code"]: i for i in (other or {}).get("indicators") or []}
        rows.append(
            {
                "framework": item["framework"],
                "title": titles.get(item["framework"], item["framework"]),
                "version": item["version"],
                "score": item["score"],
                "level": level_text(item, definition, scheme=scheme, lang=active_language()).text,
                "veto_failed": [pick(v.get("title")) for v in (item.get("veto") or {}).get("failed") or []],
                # Which revision of a corrected definition it was scored on, and any re-score beside it.
                "revision_lines": (
                    revision_lines(revisions[item["framework"]], active_language())
                    if item["framework"] in revisions
                    else []
                ),
                "validated": other,
                "validated_level": (
                    level_text(other, definition, scheme=scheme, lang=active_language()).text if other else ""
                ),
                "dimensions": [
                    {
                        "title": pick(d.get("title")),
                        "score": d["score"],
                        "max": d["max"],
                        "percent": d.get("percent"),
                        "validated": other_dims.get(d["code"]),
                    }
                    for d in item.get("dimensions") or []
                ],
                "indicators": [
                    {
                        "code": i["code"],
                        "title": pick(i.get("title")),
                        "earned": i["earned"],
                        "available": i["available"],
                        "status": i["status"],
                        "limiting": i.get("limiting"),
                        "provisional": i["code"] in provisional or i.get("parent") in provisional,
                        "validated": other_indicators.get(i["code"]),
                    }
                    for i in item.get("indicators") or []
                    if i.get("status") != "not_applicable"
                ],
            }
        )
    return rows


def _titles(page: selectors.ReviewPage) -> dict[str, str]:
    return {d["framework"]: pick(d.get("title")) for d in page.page.definitions}


@login_required
@require_GET
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_official(request)
    assessment = get_assessment_for_user(request.user, pk)
    return _render_detail(request, assessment)


def _render_detail(
    request: HttpRequest, assessment: Assessment, *, status: int = 200, **forms: Any
) -> HttpResponse:
    page = selectors.review_page(assessment)
    returned_event, changes = selectors.changes_since_return(page)
    questions = question_index(page.page.definitions)
    for event in page.events:  # the audit trail names questions by their text, not their code
        code = (event.detail or {}).get("question") if isinstance(event.detail, Mapping) else None
        event.question_title = pick((questions.get(code) or {}).get("text")) or code or ""
    context = {
        "returned_event": returned_event,
        "changes_since_return": [
            {
                "code": c.code,
                "text": pick((questions.get(c.code) or {}).get("text")) or c.code,
                "before": display_answer(questions.get(c.code), c.before),
                "after": display_answer(questions.get(c.code), c.after),
            }
            for c in changes
        ],
        "assessment": assessment,
        "enterprise": assessment.enterprise,
        "page": page,
        "frameworks": _framework_rows(page),
        "groups": _question_rows(page),
        "general_comments": page.page.comments_by_question().get("", []),
        "under_review": assessment.status == Assessment.Status.SUBMITTED,
        # Values validated before the latest submission were made on answers since changed by the SME.
        "validated_before_resubmission": any(
            assessment.submitted_at and v.created_at < assessment.submitted_at
            for v in page.validated.values()
        ),
        "decision_form": forms.get("decision_form") or DecisionForm(),
        "comment_form": forms.get("comment_form") or ReviewCommentForm(),
        "validate_form": forms.get("validate_form"),
        "report_url": reverse("assessment_report_pdf", args=[assessment.pk]),
    }
    return render(request, "assessment/review_detail.html", context, status=status)


def _back(assessment: Assessment, anchor: str = "") -> HttpResponse:
    return redirect(reverse("review_detail", args=[assessment.pk]) + (f"#{anchor}" if anchor else ""))


@login_required
@require_POST
def review_comment(request: HttpRequest, pk: int) -> HttpResponse:
    require_official(request)
    assessment = get_assessment_for_user(request.user, pk)
    form = ReviewCommentForm(request.POST)
    if form.is_valid():
        try:
            services.review_comment_add(
                assessment=assessment,
                reviewer=request.user,
                text=form.cleaned_data["text"],
                question_code=form.cleaned_data["question_code"],
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("审核意见已保存。"))
    else:
        messages.error(request, _("请填写审核意见。"))
    return _back(
        assessment, f"q-{form.data.get('question_code', '')}" if form.data.get("question_code") else ""
    )


def _refused(questions: Mapping[str, Mapping[str, Any]], code: str, reason: str) -> str:
    """Why a validated value was not saved, naming the question as the page shows it (not its code)."""
    question = questions.get(code)
    text = pick(question.get("text"), get_language() or "zh-hans") if question else ""
    return _("核定值未保存（%(question)s）：%(reason)s") % {
        "question": Truncator(text).chars(60) or code,
        "reason": reason,
    }


@login_required
@require_POST
def review_validate(request: HttpRequest, pk: int) -> HttpResponse:
    require_official(request)
    assessment = get_assessment_for_user(request.user, pk)
    questions = question_index(selectors.review_page(assessment).page.definitions)
    form = ValidateAnswerForm(request.POST, questions=questions)
    if form.is_valid():
        try:
            services.review_validate_answer(
                assessment=assessment,
                reviewer=request.user,
                code=form.cleaned_data["code"],
                value=form.cleaned_data.get("parsed_value"),
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            messages.error(request, _refused(questions, form.cleaned_data["code"], str(error.message)))
        else:
            messages.success(request, _("核定值已保存，审核后得分已重新计算。"))
    else:
        errors = _("；").join(str(e) for errors in form.errors.values() for e in errors)
        messages.error(request, _refused(questions, form.data.get("code", ""), errors))
    return _back(assessment, f"q-{form.data.get('code', '')}")


@login_required
@require_POST
def review_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    require_official(request)
    assessment = get_assessment_for_user(request.user, pk)
    form = WithdrawValidationForm(request.POST)
    if form.is_valid():
        try:
            services.review_validation_withdraw(
                assessment=assessment,
                reviewer=request.user,
                code=form.cleaned_data["code"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("核定值已撤销。"))
    else:
        messages.error(request, _("请说明撤销理由。"))
    return _back(assessment, f"q-{form.data.get('code', '')}")


@login_required
@require_POST
def review_decide(request: HttpRequest, pk: int) -> HttpResponse:
    require_official(request)
    assessment = get_assessment_for_user(request.user, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.review_decide(
                assessment=assessment,
                reviewer=request.user,
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data["note"],
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            if form.cleaned_data["decision"] == services.ACCEPT:
                messages.success(request, _("已审核通过，并已通知企业。"))
            else:
                messages.success(request, _("已退回企业修改，并已通知企业。"))
            return _back(assessment)
    return _render_detail(request, assessment, status=400, decision_form=form)
