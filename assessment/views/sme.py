"""The SME journey: start an assessment, fill it page by page (autosave), review, submit, see results.

Thin views: access through assessment/permissions.py, reads through assessment/selectors/assessments.py,
writes through assessment/services/assessments.py; DomainError becomes a message or a field error.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessment import consistency
from assessment.exceptions import DomainError
from assessment.forms.answers import AnswerForm, EvidenceForm, StartAssessmentForm
from assessment.models import Assessment, Evidence, Membership
from assessment.permissions import (
    get_assessment_for_member,
    get_assessment_for_user,
    get_enterprise_for_member,
    json_login_required,
    membership_of,
)
from assessment.presentation import level_text
from assessment.selectors import assessments as selectors
from assessment.selectors.enterprises import enterprise_members
from assessment.selectors.rating import rating_schemes
from assessment.services import assessments as services
from assessment.views import sme_context as present
from questionnaires.definition import provisional_items
from questionnaires.frameworks import selectable_families, short_title
from questionnaires.logic import is_answered
from questionnaires.question_types import is_derived, takes_value
from questionnaires.text import pick


def _framework_choices() -> list[tuple[str, str]]:
    """The families an enterprise may choose, in page order (questionnaires/families.yaml)."""
    return [(family.code, pick(family.choice)) for family in selectable_families()]


def short_framework_title(framework: str) -> str:
    return short_title(framework, get_language() or "zh-hans")


def _result_summary(result: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Per framework: short name, score, level label, veto failed (from the stored result)."""
    return [
        {
            "title": short_framework_title(item["framework"]),
            "score": item.get("score"),
            "level": pick((item.get("level") or {}).get("label")),
            "veto_failed": not (item.get("veto") or {}).get("passed", True),
        }
        for item in (result or {}).get("frameworks") or []
    ]


def sme_assessments_context(
    membership: Membership, start_form: StartAssessmentForm | None = None
) -> dict[str, Any]:
    """Keys the SME home page's assessments block needs (added to the foundation's home context)."""
    assessments = selectors.enterprise_assessments(membership.enterprise)
    for assessment in assessments:
        assessment.summary = _result_summary(assessment.result)
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


def _section_url(assessment: Assessment, key: str, code: str | None = None) -> str:
    url = reverse("assessment_fill", args=[assessment.pk, key])
    return f"{url}#q-{code}" if code else url


def _report_url(assessment: Assessment) -> str | None:
    for name in ("report_pdf", "reports:pdf", "assessment_report_pdf"):
        try:
            return reverse(name, args=[assessment.pk])
        except NoReverseMatch:
            continue
    return None


def return_notice(page: selectors.AssessmentPage) -> dict[str, Any] | None:
    """What the reviewer said when returning the assessment: the decision note, who and when, the
    general comments, and each commented question (text, page, link) with its comments. None unless
    the assessment is returned."""
    assessment = page.assessment
    if assessment.status != Assessment.Status.RETURNED:
        return None
    by_question = page.comments_by_question()
    questions = selectors.question_index(page.definitions)
    items = []
    for code, comments in by_question.items():
        if not code:
            continue
        row = _issue_rows(page, [code])[0]
        items.append({**row, "comments": comments})
    order = {code: i for i, code in enumerate(questions)}
    items.sort(key=lambda item: order.get(item["code"], len(order)))
    return {
        "note": assessment.decision_note,
        "by": assessment.decided_by,
        "at": assessment.decided_at,
        "general": by_question.get("", []),
        "items": items,
    }


def resume_target(assessment: Assessment, user: Any, sections: list[selectors.Section]) -> str:
    """Where this person continues: the question they last saved, else the first page."""
    code = (
        assessment.answers.filter(updated_by=user)
        .order_by("-updated_at", "-id")
        .values_list("question_code", flat=True)
        .first()
    )
    section = selectors.section_of_question(sections, code) if code else None
    if section is None:
        return _section_url(assessment, sections[0].key)
    return _section_url(assessment, section.key, code)


# --- start ----------------------------------------------------------------------------------------------


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


# --- fill -----------------------------------------------------------------------------------------------


def _fill_context(
    request: HttpRequest,
    assessment: Assessment,
    page: selectors.AssessmentPage,
    section: selectors.Section,
    form: AnswerForm,
) -> dict[str, Any]:
    evaluation = page.evaluate(score=False)
    questions = selectors.question_index(page.definitions)
    titles = {d["framework"]: d.get("title") for d in page.definitions}
    rows = present.question_rows(
        section,
        form,
        page,
        evaluation,
        titles,
        selectors.question_frameworks_index(page.definitions),
        questions,
    )
    index = [s.key for s in page.sections].index(section.key)
    navigation = []
    for item in page.sections:
        group = pick(item.framework_title) if item.framework_title else ""
        if not navigation or navigation[-1]["group"] != group:
            navigation.append({"group": group, "items": []})
        navigation[-1]["items"].append(
            {
                "section": item,
                "title": pick(item.title),
                "progress": present.section_progress(item, evaluation),
                "current": item.key == section.key,
            }
        )
    general_comments = page.comments_by_question().get("", [])
    # Impossible combinations at their fields; the year-on-year warnings (a query for last year's
    # answers) come with the page script's first state refresh, so the page itself renders sooner.
    present.attach_checks(
        rows, consistency.impossible(page.definitions, evaluation.answers, section.codes).values()
    )
    present.attach_proposals(rows, assessment.enterprise)
    if assessment.status == Assessment.Status.RETURNED:
        present.attach_validated(rows, selectors.validated_answers(assessment))
    return {
        "return_notice": return_notice(page),
        "assessment": assessment,
        "section": section,
        "section_title": pick(section.title),
        "framework_title": pick(section.framework_title) if section.framework_title else "",
        # One notice per page when its questions rest on provisional figures (not a badge per question).
        "provisional_notice": any(q.get("provisional") for q in section.questions),
        "form": form,
        "rows": rows,
        "navigation": navigation,
        "progress": present.section_progress(section, evaluation),
        "overall": present.overall_progress(page.sections, evaluation),
        "previous_section": page.sections[index - 1] if index > 0 else None,
        "next_section": page.sections[index + 1] if index + 1 < len(page.sections) else None,
        "condition_inputs": present.condition_inputs([section], evaluation),
        "warnings": [pick(w["message"]) for w in evaluation.warnings] if section.kind == "energy" else [],
        "energy_errors": [pick(e["message"]) for e in evaluation.energy_errors]
        if section.kind == "energy"
        else [],
        "general_comments": general_comments,
        "evidence_form": EvidenceForm(),
        "editable": assessment.is_editable,
        "now": timezone.now().isoformat(),
        "prefilled_count": len(evaluation.prefilled),
        "prefilled_here": [row.code for row in rows if row.prefilled and row.asked],
    }


SEEN_SUFFIX = "__seen"


def _loaded_base(page: selectors.AssessmentPage, section: selectors.Section) -> str:
    """The page's answers as loaded ({code: [value, save time]}), posted back by the save button so
    that only what this person changed is written and a colleague's newer answer is not overwritten."""
    base = {}
    for question in section.questions:
        answer = page.answers.get(question["code"])
        base[question["code"]] = [
            answer.value if answer else None,
            answer.updated_at.isoformat() if answer else None,
        ]
    return json.dumps(base, ensure_ascii=False)


def _posted_base(request: HttpRequest) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """(values, save times) the page showed when loaded, or (None, None) when the POST carries none."""
    try:
        base = json.loads(request.POST.get("_base") or "null")
    except ValueError:
        return None, None
    if not isinstance(base, dict):
        return None, None
    loaded: dict[str, Any] = {}
    seen: dict[str, Any] = {}
    for code, item in base.items():
        if isinstance(item, list) and len(item) == 2:
            loaded[code] = item[0]
            seen[code] = _parse_since(item[1]) if isinstance(item[1], str) else None
    return loaded, seen


def _form_data(request: HttpRequest, form: AnswerForm, page: selectors.AssessmentPage, keep: set[str]) -> Any:
    """The POST for showing the page again: typed values of the fields in `keep` (refused or in
    conflict), the stored values for the others (a colleague's newer answer is not shown stale)."""
    from assessment.forms.answers import REASON_SUFFIX, initial_value

    data = request.POST.copy()
    for code, question in form.questions.items():
        if code in keep:
            continue
        answer = page.answers.get(code)
        shown = initial_value(question, answer.value if answer else None)
        data.setlist(
            code, [] if shown is None else [str(v) for v in shown] if isinstance(shown, list) else [shown]
        )
        if is_derived(question):
            data[code + REASON_SUFFIX] = answer.override_reason if answer else ""
    return data


@login_required
@require_http_methods(["GET", "POST"])
def assessment_fill(request: HttpRequest, pk: int, section: str) -> HttpResponse:
    """One page of questions. POST is the save button: only the fields this person changed since
    loading the page are written; invalid ones are shown again as typed with their message, and one
    a colleague changed meanwhile is shown with both values for the person to choose."""
    assessment = get_assessment_for_member(request.user, pk)  # officials read the results, not the form
    if not assessment.is_editable:
        return redirect("assessment_results", pk=assessment.pk)
    page = selectors.assessment_page(assessment)
    current = next((s for s in page.sections if s.key == section), None)
    if current is None:
        raise Http404
    values = page.values
    reasons = {code: a.override_reason for code, a in page.answers.items() if a.override_reason}
    conflicts: dict[str, services.AnswerConflict] = {}
    if request.method == "POST":
        form = AnswerForm(request.POST, questions=current.questions, answers=values, reasons=reasons)
        form.is_valid()
        cleaned, cleaned_reasons = form.answer_values()
        from assessment.forms.answers import REASON_SUFFIX

        posted_fields = set(request.POST.getlist("_present")) | {
            code for code in form.questions if code in request.POST or code + REASON_SUFFIX in request.POST
        }
        loaded, seen = _posted_base(request)
        plan = services.page_save_plan(
            posted=cleaned,
            present=posted_fields,
            loaded=loaded,
            current=values,
            posted_reasons=cleaned_reasons,
            current_reasons=reasons,
        )
        for code in request.POST.getlist("take"):  # "use the colleague's value": this field is not written
            plan.pop(code, None)
        try:
            outcome = services.answers_save(
                assessment=assessment,
                user=request.user,
                values=plan,
                override_reasons=cleaned_reasons,
                seen={code: seen.get(code) for code in plan if code in seen} if seen is not None else None,
            )
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("assessment_results", pk=assessment.pk)
        conflicts = outcome.conflicts
        if outcome.errors or conflicts:
            # Shown again with 200: the page is the answer (a 4xx page load is a console error in browsers).
            page = selectors.assessment_page(assessment)
            form = AnswerForm(
                _form_data(request, form, page, set(form.errors) | set(outcome.errors) | set(conflicts)),
                questions=current.questions,
                answers=page.values,
                reasons=reasons,
            )
            form.is_valid()
            for code, error in outcome.errors.items():
                form.add_error(code, str(error.message))
            if outcome.errors or form.errors:
                messages.error(request, _("部分答案未保存，请按提示修改。"))
            if conflicts:
                messages.warning(request, _("有答案在您编辑期间已被他人修改：请在题目处选择保留哪一个值。"))
        elif form.errors:
            messages.error(request, _("部分答案未保存，请按提示修改。"))
            page = selectors.assessment_page(assessment)
        else:
            messages.success(request, _("已保存。"))
            target = request.POST.get("next")
            if target == "next":
                index = [s.key for s in page.sections].index(current.key)
                if index + 1 < len(page.sections):
                    return redirect("assessment_fill", pk=assessment.pk, section=page.sections[index + 1].key)
                return redirect("assessment_review", pk=assessment.pk)
            return redirect("assessment_fill", pk=assessment.pk, section=current.key)
    else:
        form = AnswerForm(questions=current.questions, answers=values, reasons=reasons)
    context = _fill_context(request, assessment, page, current, form)
    context["base_json"] = _loaded_base(page, current)
    if conflicts:
        present.attach_conflicts(context["rows"], conflicts)
    return render(request, "assessment/fill_section.html", context)


def _seen_times(request: HttpRequest, codes: list[str]) -> dict[str, Any]:
    """Per question the save time of the answer the page script last saw (`<code>__seen`; empty: it saw
    none); questions sent without one are not checked (an older script)."""
    seen = {}
    for code in codes:
        key = code + SEEN_SUFFIX
        if key in request.POST:
            seen[code] = _parse_since(request.POST[key]) if request.POST[key] else None
    return seen


@json_login_required
@require_POST
def assessment_autosave(request: HttpRequest, pk: int) -> JsonResponse:
    """Save the answers the page script had queued, in one request (`question` repeated, then the same
    field names as the page form; `<code>__seen` is the save time of the answer the script last saw).
    Each question gets a result: saved, refused with its message, or in conflict with a colleague's
    newer answer (not overwritten; both values sent back for the person to choose). A fixed number of
    queries whatever the number of answers."""
    assessment = get_assessment_for_member(request.user, pk)
    codes = list(dict.fromkeys(code for code in request.POST.getlist("question") if code))
    if not codes:
        return JsonResponse({"ok": False, "question": "", "error": _("未知题目。"), "results": []})
    definitions = selectors.assessment_definitions(assessment)
    index = selectors.question_index(definitions)
    # A refused value is an answer to the request, not a failure of it: 200 with ok false and the
    # message for the field (a 4xx would be logged as an error in the browser console).
    results: dict[str, dict[str, Any]] = {
        code: {"ok": False, "question": code, "error": _("未知题目。")} for code in codes if code not in index
    }
    known = [code for code in codes if code in index]
    form = AnswerForm(request.POST, questions=[index[code] for code in known])
    form.is_valid()
    values, reasons = form.answer_values()
    from assessment.forms.answers import REASON_SUFFIX

    for code in known:
        messages_ = [str(m) for key in (code, code + REASON_SUFFIX) for m in form.errors.get(key, [])]
        if messages_:
            values.pop(code, None)
            results[code] = {"ok": False, "question": code, "error": "; ".join(messages_)}
    try:
        outcome = services.answers_save(
            assessment=assessment,
            user=request.user,
            values=values,
            override_reasons=reasons,
            seen=_seen_times(request, list(values)),
        )
    except DomainError as error:
        status = 409 if error.code == "not_editable" else 200
        return JsonResponse(
            {"ok": False, "question": codes[0] if codes else "", "error": str(error.message)}, status=status
        )
    for code, error in outcome.errors.items():
        results[code] = {"ok": False, "question": code, "error": str(error.message)}
    for code, conflict in outcome.conflicts.items():
        results[code] = {
            "ok": False,
            "question": code,
            "conflict": True,
            "error": _("%(name)s 已修改此题，请选择保留哪一个值。") % {"name": conflict.by or _("他人")},
            "theirs": conflict.theirs,
            "theirs_text": present.answer_text(index[code], conflict.theirs),
            "mine_text": present.answer_text(index[code], conflict.mine),
            "by": conflict.by,
            "at": conflict.at.isoformat(),
        }
    for code, answer in outcome.saved.items():
        results[code] = {
            "ok": True,
            "question": code,
            "value": answer.value,
            "saved_at": answer.updated_at.isoformat(),
        }
    ordered = [results[code] for code in codes if code in results]
    body: dict[str, Any] = {"ok": all(r["ok"] for r in ordered), "results": ordered}
    if len(ordered) == 1:
        body.update(ordered[0])  # one question: its result at the top level too
    return JsonResponse(body)


def _parse_since(text: str) -> Any:
    """The `since` parameter as an aware datetime, or None when absent or not a valid date and time
    (e.g. 30 February, which parse_datetime reports with ValueError) — never a server error."""
    try:
        since = parse_datetime(text[:64])
    except ValueError:
        return None
    if since is not None and timezone.is_naive(since):
        since = timezone.make_aware(since)
    return since


@json_login_required
@require_GET
def assessment_state(request: HttpRequest, pk: int) -> JsonResponse:
    """What the page script refreshes after saves: computed values and derivations, which questions
    are asked, energy warnings, progress, and answers other members changed since `since`."""
    assessment = get_assessment_for_member(request.user, pk)
    page = selectors.assessment_page(assessment)
    evaluation = page.evaluate(score=False)
    questions = selectors.question_index(page.definitions)
    section = next((s for s in page.sections if s.key == request.GET.get("section")), None)
    codes = section.codes if section else ()
    since = _parse_since(request.GET.get("since") or "")
    changes = []
    if since is not None:
        for answer in page.answers.values():
            if (
                answer.updated_at > since
                and answer.updated_by_id != request.user.pk
                and answer.question_code in codes
            ):
                changes.append(
                    {
                        "question": answer.question_code,
                        "value": answer.value,
                        "by": str(answer.updated_by) if answer.updated_by else "",
                        "at": answer.updated_at.isoformat(),
                    }
                )
    computed = {
        code: present.computed_display(questions[code], evaluation, questions)
        for code in codes
        if is_derived(questions.get(code))
    }
    progress = {
        s.key: {"answered": p.answered, "required": p.required}
        for s in page.sections
        for p in [present.section_progress(s, evaluation)]
    }
    overall = present.overall_progress(page.sections, evaluation)
    checks: dict[str, list[str]] = {}
    if section is not None:
        found = [
            *consistency.impossible(page.definitions, evaluation.answers, codes).values(),
            *consistency.implausible(
                [{"questions": section.questions}], evaluation.answers, selectors.previous_values(assessment)
            ),
        ]
        for item in found:
            checks.setdefault(item.code, []).append(pick(item.message))
    return JsonResponse(
        {
            "checks": checks,
            "now": timezone.now().isoformat(),
            "status": assessment.status,
            "asked": [code for code in codes if code in evaluation.asked],
            "computed": computed,
            "inputs": present.condition_inputs([section] if section else [], evaluation),
            "warnings": [{"code": w["code"], "message": pick(w["message"])} for w in evaluation.warnings],
            "errors": [{"code": e["code"], "message": pick(e["message"])} for e in evaluation.energy_errors],
            "progress": progress,
            "overall": {"answered": overall.answered, "required": overall.required},
            "changes": changes,
        }
    )


@login_required
@require_POST
def assessment_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm prefilled answers: those named (`question`, repeatable) or, without any, all of them."""
    assessment = get_assessment_for_member(request.user, pk)
    codes = [code for code in request.POST.getlist("question") if code]
    try:
        count = services.answers_confirm(assessment=assessment, user=request.user, codes=codes or None)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已确认 %(count)s 个沿用的答案。") % {"count": count})
    return redirect(_safe_next(request, reverse("assessment_review", args=[assessment.pk])))


def _safe_next(request: HttpRequest, default: str) -> str:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("return_to") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


# --- evidence -------------------------------------------------------------------------------------------


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
    return redirect(_safe_next(request, reverse("assessment_detail", args=[assessment.pk])))


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
@require_POST
def evidence_delete(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    assessment = get_assessment_for_member(request.user, pk)
    evidence = get_object_or_404(Evidence, pk=evidence_pk, assessment=assessment)
    try:
        services.evidence_remove(evidence=evidence, user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已删除佐证材料 %(name)s。") % {"name": evidence.original_name})
    return redirect(_safe_next(request, reverse("assessment_detail", args=[assessment.pk])))


# --- review, submit, results ----------------------------------------------------------------------------


def _issue_rows(page: selectors.AssessmentPage, codes: list[str]) -> list[dict[str, Any]]:
    questions = selectors.question_index(page.definitions)
    rows = []
    for code in codes:
        section = selectors.section_of_question(page.sections, code)
        rows.append(
            {
                "code": code,
                "text": pick(questions.get(code, {}).get("text")) or code,
                "section": pick(section.title) if section else "",
                "framework": pick(section.framework_title) if section and section.framework_title else "",
                "url": _section_url(page.assessment, section.key, code) if section else "",
            }
        )
    return rows


@login_required
def assessment_review(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_assessment_for_member(request.user, pk)
    if not assessment.is_editable:
        return redirect("assessment_results", pk=assessment.pk)
    page = selectors.assessment_page(assessment)
    evaluation = page.evaluate()
    energy = selectors.section_of_question(page.sections, selectors.CONFIRMED_WARNINGS)
    energy_url = _section_url(assessment, energy.key, selectors.CONFIRMED_WARNINGS) if energy else ""
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
            f"{pick(d.get('title'))}（{d.get('version', '')}）" for d in page.definitions if d.get("title")
        ],
        "unanswered_optional": len(unanswered),
        "checks": [{"message": pick(c.message), **_issue_rows(page, [c.code])[0]} for c in checks],
        "assessment": assessment,
        "missing": _issue_rows(page, evaluation.missing_required),
        "prefilled": _issue_rows(page, evaluation.prefilled),
        "warnings": [{"message": pick(w["message"]), "url": energy_url} for w in evaluation.warnings],
        "energy_errors": [
            {
                "message": pick(e["message"]),
                "url": _section_url(assessment, energy.key, e["field"]) if energy else "",
            }
            for e in evaluation.energy_errors
        ],
        "problems": [
            {"message": pick(p["message"]), **(_issue_rows(page, [p["code"]])[0] if p.get("code") else {})}
            for p in evaluation.problems
        ],
        "can_submit": evaluation.can_submit,
        "overall": present.overall_progress(page.sections, evaluation),
        "general_comments": page.comments_by_question().get("", []),
        "return_notice": return_notice(page),
        "first_section": page.sections[0] if page.sections else None,
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
    lang = get_language() or "zh-hans"
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
    previous = selectors.previous_assessment(assessment)
    changes = present.dimension_changes(result or {}, previous.result if previous else None)
    frameworks = []
    schemes = rating_schemes()
    for item in (result or {}).get("frameworks") or []:
        strengths, weakest = present.strengths_and_weaknesses(item.get("indicators") or [])
        definition = next((d for d in page.definitions if d["framework"] == item["framework"]), {})
        wording = level_text(
            item,
            definition,
            scheme=schemes.get((item["framework"], str(item.get("version")))),
            lang=get_language() or "zh-hans",
        )
        frameworks.append(
            {
                "data": item,
                "level_note": wording.note,
                "level_kind": wording.kind,
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
        "report_url": _report_url(assessment),
        "problems": [
            {"code": p["code"], "message": pick(p["message"])}
            for p in (evaluation.problems if evaluation else [])
        ],
    }
    return render(request, "assessment/results.html", context)
