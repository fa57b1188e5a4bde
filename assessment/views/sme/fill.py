"""Filling an assessment page by page: the page form, autosave, the state the page script polls, confirming prefilled answers."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessment import consistency
from assessment.exceptions import DomainError
from assessment.forms.answers import AnswerForm, EvidenceForm
from assessment.models import Assessment
from assessment.permissions import (
    get_assessment_for_member,
    json_login_required,
)
from assessment.selectors import assessments as selectors
from assessment.selectors.revisions import open_notices
from assessment.services import assessments as services
from assessment.views import sme_context as present
from assessment.views.sme.common import plan_proposal_rows, return_notice, revision_notices, safe_next
from questionnaires.question_types import is_derived
from questionnaires.text import pick


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
    language = get_language()
    for item in page.sections:
        group = pick(item.framework_title, language) if item.framework_title else ""
        if not navigation or navigation[-1]["group"] != group:
            navigation.append({"group": group, "items": []})
        navigation[-1]["items"].append(
            {
                "section": item,
                "title": pick(item.title, language),
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
    plan_proposals = plan_proposal_rows(page)
    present.attach_plan_proposals(rows, plan_proposals)
    present.attach_choice_proposals(rows, evaluation, questions)
    if assessment.status == Assessment.Status.RETURNED:
        present.attach_validated(rows, selectors.validated_answers(assessment))
    return {
        "return_notice": return_notice(page),
        "revision_notices": revision_notices(open_notices([assessment.pk]).get(assessment.pk, []), page)
        if selectors.page_fact(assessment, "has_open_notices")
        else [],
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
        # Whether any question has a form of its own (decide a proposal, confirm a prefilled answer).
        "row_forms": any(getattr(row, "plan_proposal", None) or row.prefilled for row in rows),
        "plan_proposals": plan_proposals,
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
    # Officials read the results, not the form. With the page's facts: what the page need not read.
    assessment = get_assessment_for_member(request.user, pk, page=True)
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
            removing = _evidence_to_remove(request, assessment)
            if removing is not None:
                # Without JS a file's delete button saves the page first, then asks to confirm.
                return removing
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


def _evidence_to_remove(request: HttpRequest, assessment: Assessment) -> HttpResponse | None:
    """The redirect to the confirmation of deleting the evidence file whose button sent the page form
    (`remove_evidence`), coming back to its question; None for the save buttons."""
    pk = request.POST.get("remove_evidence", "")
    code = (
        assessment.evidence.filter(pk=int(pk)).values_list("question_code", flat=True).first()
        if pk.isdigit()
        else None
    )
    if code is None:
        return None
    back = f"{request.path}#q-{code}" if code else request.path
    url = reverse("evidence_delete", args=[assessment.pk, int(pk)])
    return redirect(f"{url}?{urlencode({'return_to': back})}")


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
    proposals = {
        code: present.choice_proposal(questions[code], evaluation, questions)
        for code in codes
        if "proposed_by" in (questions.get(code) or {})
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
            "proposals": proposals,
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
    return redirect(safe_next(request, reverse("assessment_review", args=[assessment.pk])))
