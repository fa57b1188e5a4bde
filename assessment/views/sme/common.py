"""Helpers the SME journey's pages share."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from assessment.models import Assessment, RevisionNotice
from assessment.selectors import assessments as selectors
from questionnaires.text import pick


def section_url(assessment: Assessment, key: str, code: str | None = None) -> str:
    url = reverse("assessment_fill", args=[assessment.pk, key])
    return f"{url}#q-{code}" if code else url


def report_url(assessment: Assessment) -> str | None:
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
        row = issue_rows(page, [code])[0]
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
        return section_url(assessment, sections[0].key)
    return section_url(assessment, section.key, code)


def safe_next(request: HttpRequest, default: str) -> str:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("return_to") or request.GET.get("return_to") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def issue_rows(page: selectors.AssessmentPage, codes: list[str]) -> list[dict[str, Any]]:
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
                "url": section_url(page.assessment, section.key, code) if section else "",
            }
        )
    return rows


def revision_notices(
    notices: list[RevisionNotice], page: selectors.AssessmentPage | None = None
) -> list[dict[str, Any]]:
    """The open notices of a corrected definition, as the page shows them: which framework, what changed
    (in words), the live score before and after, the answers to check (with a link to their page when
    `page` is given and the question is still asked)."""
    from assessment.views.sme.home import short_framework_title

    shown = []
    for notice in notices:
        flagged = []
        for item in notice.flagged:
            row = (
                issue_rows(page, [item["code"]])[0]
                if page is not None and item["kind"] in ("invalid", "proposed")
                else {}
            )
            flagged.append(
                {
                    "question": pick(item.get("question")),
                    "value": pick(item.get("value")),
                    "reason": pick(item.get("reason")),
                    "removed": item["kind"] == "removed",
                    "url": row.get("url", ""),
                }
            )
        shown.append(
            {
                "pk": notice.pk,
                "assessment": notice.assessment_id,
                "year": notice.assessment.year,
                "framework": short_framework_title(notice.framework),
                "from_revision": notice.from_revision,
                "to_revision": notice.to_revision,
                "changes": [pick(change.get("text")) for change in notice.changes],
                "score_before": notice.score_before,
                "score_after": notice.score_after,
                "flagged": flagged,
            }
        )
    return shown


def plan_proposal_rows(page: selectors.AssessmentPage) -> list[dict[str, Any]]:
    """The answers last year's improvement plan proposes for this assessment, as the pages list them
    (at most three queries; one when the enterprise had no plan)."""
    from assessment.selectors.followup import pending_proposals
    from assessment.views.sme_context import plan_proposal_rows as rows

    if not selectors.page_fact(page.assessment, "may_have_plan"):
        return []
    proposals = pending_proposals(page.assessment, definitions=page.definitions, answers=page.values)
    if not proposals:
        return []
    urls = {}
    for proposal in proposals:
        section = selectors.section_of_question(page.sections, proposal.question)
        urls[proposal.question] = (
            section_url(page.assessment, section.key, proposal.question) if section else ""
        )
    return rows(proposals, selectors.question_index(page.definitions), urls)
