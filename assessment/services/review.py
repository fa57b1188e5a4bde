"""Writes of the officials' review: comments, validated answers (and the validated score), decisions.

The state machine (Assessment.status):
    draft --submit (SME)--> submitted --accept--> accepted        (final)
                                      --return--> returned --resubmit (SME)--> submitted ...
No decision on a draft or a returned assessment (it is with the SME), no second decision on a decided one.
Officials never change an SME's answers: a reviewer's correction is a ValidatedAnswer beside the answer,
and the validated score (Assessment.validated_result, FrameworkResult rows with validated=True) is kept
beside the self-assessed one. Every action is an AuditEvent (who, when, what, why); the enterprise's
members are e-mailed by a background task once the transaction commits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assessment.background import enqueue_on_commit
from assessment.exceptions import DomainError
from assessment.models import Assessment, AuditEvent, Membership, ReviewComment, ValidatedAnswer
from assessment.permissions import enterprises_visible_to, official_profile_of
from assessment.scoring import validate_answers
from assessment.selectors.assessments import (
    answer_values,
    assessment_definitions,
    assessment_factors,
    assessment_versions,
    evaluate,
    tag_revisions,
)
from assessment.services.analytics import analytics_refresh
from assessment.services.assessments import assessment_question
from assessment.services.results import framework_results_replace
from assessment.tasks import send_decision_email
from questionnaires.question_types import question_type
from questionnaires.text import pick

if TYPE_CHECKING:
    from assessment.models import User

ACCEPT = "accept"
RETURN = "return"
DECISIONS = (ACCEPT, RETURN)
MAX_TEXT = 5000


def _check_reviewer(assessment: Assessment, reviewer: User) -> None:
    """The reviewer must be an official whose jurisdiction holds the enterprise (views already 404)."""
    if official_profile_of(reviewer) is None:
        raise DomainError(_("只有主管部门用户可以审核评估。"), code="not_official")
    if not enterprises_visible_to(reviewer).filter(pk=assessment.enterprise_id).exists():
        raise DomainError(_("该企业不在您的管辖范围内。"), code="out_of_scope")


def _lock(assessment: Assessment) -> Assessment:
    return Assessment.objects.select_for_update().select_related("enterprise").get(pk=assessment.pk)


def _check_under_review(assessment: Assessment) -> None:
    if assessment.status == Assessment.Status.SUBMITTED:
        return
    if assessment.status in (Assessment.Status.DRAFT, Assessment.Status.RETURNED):
        raise DomainError(_("该评估尚未提交（或已退回企业修改），不能审核。"), code="not_submitted")
    raise DomainError(_("该评估已审核通过，不能再更改。"), code="already_decided")


def _text(value: str, *, field: str, required: bool, message: str) -> str:
    text = (value or "").strip()
    if required and not text:
        raise DomainError(message, field=field, code="required")
    if len(text) > MAX_TEXT:
        raise DomainError(
            _("内容过长（最多 %(max)s 字）。") % {"max": MAX_TEXT}, field=field, code="too_long"
        )
    return text


# --- comments -------------------------------------------------------------------------------------------


@transaction.atomic
def review_comment_add(
    *, assessment: Assessment, reviewer: User, text: str, question_code: str = ""
) -> ReviewComment:
    """Add a reviewer's comment on one question (or, with a blank code, on the whole assessment).
    Comments are made while the assessment is under review; the SME sees them at the questions."""
    _check_reviewer(assessment, reviewer)
    locked = _lock(assessment)
    _check_under_review(locked)
    text = _text(text, field="text", required=True, message=_("请填写审核意见。"))
    question_code = (question_code or "").strip()
    if question_code:
        assessment_question(assessment_definitions(locked), question_code, field="code")
    comment = ReviewComment.objects.create(
        assessment=locked, question_code=question_code, author=reviewer, text=text
    )
    AuditEvent.objects.create(
        actor=reviewer,
        action="review.comment",
        enterprise_id=locked.enterprise_id,
        assessment=locked,
        detail={"comment": comment.pk, "question": question_code},
        reason=text,
    )
    return comment


# --- validated answers and the validated score ----------------------------------------------------------


def validated_result_compute(assessment: Assessment) -> dict[str, Any] | None:
    """The scores of the assessment's answers with every ValidatedAnswer applied (a None value removes
    the answer), computed like the submission (same definitions, factor snapshot, energy calculator);
    None when no answer has been validated."""
    corrections = dict(assessment.validated_answers.values_list("question_code", "value"))
    if not corrections:
        return None
    answers = answer_values(assessment.answers.all())
    for code, value in corrections.items():
        if value is None:
            answers.pop(code, None)
        else:
            answers[code] = value
    evaluation = evaluate(
        definitions=assessment_definitions(assessment),
        answers=answers,
        enterprise=assessment.enterprise,
        factors=assessment_factors(assessment),
    )
    if evaluation.result is None:
        problem = (evaluation.problems or [{}])[0]
        raise DomainError(
            _("核定值无法计分：%(problem)s") % {"problem": (problem.get("message") or {}).get("zh", "")},
            field="value",
            code="unscorable",
        )
    result = evaluation.result.to_dict()
    if evaluation.balance is not None:
        result["energy"] = evaluation.balance.to_dict()
    result["validated_answers"] = sorted(corrections)
    tag_revisions(result, assessment_versions(assessment))
    return result


def _store_validated(locked: Assessment) -> dict[str, Any] | None:
    result = validated_result_compute(locked)
    locked.validated_result = result
    locked.save(update_fields=["validated_result", "updated_at"])
    framework_results_replace(assessment=locked, result=result or {}, validated=True)
    analytics_refresh(assessment_ids=[locked.pk])  # analytics count the validated score where there is one
    return result


def _scores(result: dict[str, Any] | None) -> dict[str, float]:
    return {item["framework"]: item["score"] for item in (result or {}).get("frameworks") or []}


@transaction.atomic
def review_validate_answer(
    *, assessment: Assessment, reviewer: User, code: str, value: Any, reason: str
) -> ValidatedAnswer:
    """Mark the answer to `code` as not substantiated and set the value the reviewer accepts instead
    (None: the answer does not count), with a reason. The validated score is recomputed with the
    scoring engine and stored beside the self-assessed one; the SME's answer itself is not changed."""
    _check_reviewer(assessment, reviewer)
    locked = _lock(assessment)
    _check_under_review(locked)
    reason = _text(reason, field="reason", required=True, message=_("请说明核定理由。"))
    definitions = assessment_definitions(locked)
    definition, question = assessment_question(definitions, code, field="code")
    qtype = question_type(question)
    if qtype is not None and qtype.by_evidence:
        raise DomainError(_("佐证材料题不能核定数值，请以审核意见说明。"), field="code", code="file_question")
    if qtype is not None and value is not None:
        value = qtype.coerce(value)
    if value is not None:
        problems = validate_answers(definition, {code: value}, allow_unknown=True)
        if problems:
            message = pick(problems[0].message, translation.get_language() or "zh-hans")
            raise DomainError(message or str(problems[0]), field="value", code=problems[0].kind)
    before = locked.validated_result or locked.result
    self_assessed = locked.answers.filter(question_code=code).values_list("value", flat=True).first()
    validated, _created = ValidatedAnswer.objects.update_or_create(
        assessment=locked,
        question_code=code,
        defaults={"value": value, "reason": reason, "reviewer": reviewer},
    )
    result = _store_validated(locked)
    AuditEvent.objects.create(
        actor=reviewer,
        action="review.validate_answer",
        enterprise_id=locked.enterprise_id,
        assessment=locked,
        detail={
            "question": code,
            "self_assessed": self_assessed,
            "validated": value,
            "scores_before": _scores(before),
            "validated_scores": _scores(result),
        },
        reason=reason,
    )
    return validated


@transaction.atomic
def review_validation_withdraw(*, assessment: Assessment, reviewer: User, code: str, reason: str) -> None:
    """Withdraw a validated value (the self-assessed answer counts again) and recompute the validated score."""
    _check_reviewer(assessment, reviewer)
    locked = _lock(assessment)
    _check_under_review(locked)
    reason = _text(reason, field="reason", required=True, message=_("请说明撤销理由。"))
    deleted, _rows = ValidatedAnswer.objects.filter(assessment=locked, question_code=code).delete()
    if not deleted:
        raise DomainError(_("该题没有核定值。"), field="code", code="not_validated")
    result = _store_validated(locked)
    AuditEvent.objects.create(
        actor=reviewer,
        action="review.validation_withdraw",
        enterprise_id=locked.enterprise_id,
        assessment=locked,
        detail={"question": code, "validated_scores": _scores(result)},
        reason=reason,
    )


# --- decisions ------------------------------------------------------------------------------------------


def _member_emails(enterprise_id: int) -> list[str]:
    emails = Membership.objects.filter(enterprise_id=enterprise_id).values_list("user__email", flat=True)
    return sorted({email for email in emails if email})


def _send_decision_email(assessment_id: int) -> int:
    """The decision e-mail to the enterprise's members (run by the task assessment.tasks.send_decision_email)."""
    assessment = Assessment.objects.select_related("enterprise").get(pk=assessment_id)
    recipients = _member_emails(assessment.enterprise_id)
    if not recipients:
        return 0
    accepted = assessment.status == Assessment.Status.ACCEPTED
    subject = (
        _("【绿智评】%(year)s 年度自评已审核通过") if accepted else _("【绿智评】%(year)s 年度自评被退回修改")
    ) % {"year": assessment.year}
    lines = [
        _("%(enterprise)s：") % {"enterprise": assessment.enterprise.name},
        "",
        (
            _("贵企业 %(year)s 年度的自评估已由主管部门审核通过。")
            if accepted
            else _("贵企业 %(year)s 年度的自评估已被主管部门退回修改，请根据审核意见修改后重新提交。")
        )
        % {"year": assessment.year},
    ]
    if assessment.decision_note:
        lines += ["", _("审核意见：") + assessment.decision_note]
    lines += ["", _("登录查看：") + settings.SITE_URL.rstrip("/") + reverse("home")]
    body = "\n".join(lines)
    return send_mass_mail([(subject, body, settings.DEFAULT_FROM_EMAIL, [email]) for email in recipients])


@transaction.atomic
def review_decide(*, assessment: Assessment, reviewer: User, decision: str, note: str) -> Assessment:
    """Accept a submitted assessment or return it to the enterprise for revision (a note is required
    when returning). Refused on a draft or returned assessment and on one already accepted."""
    _check_reviewer(assessment, reviewer)
    if decision not in DECISIONS:
        raise DomainError(_("请选择审核结论。"), field="decision", code="decision")
    locked = _lock(assessment)
    _check_under_review(locked)
    note = _text(
        note,
        field="note",
        required=decision == RETURN,
        message=_("退回修改时请填写审核意见，说明需要修改的内容。"),
    )
    if locked.validated_answers.exists():
        # The answers may have changed since the values were validated (a returned assessment was
        # resubmitted): the validated score kept with the decision is that of the current answers.
        _store_validated(locked)
    previous_status = locked.status
    locked.status = Assessment.Status.ACCEPTED if decision == ACCEPT else Assessment.Status.RETURNED
    locked.decided_by = reviewer
    locked.decided_at = timezone.now()
    locked.decision_note = note
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"])
    analytics_refresh(assessment_ids=[locked.pk])
    detail: dict[str, Any] = {
        "from": previous_status,
        "to": locked.status,
        "scores": _scores(locked.result),
        "validated_scores": _scores(locked.validated_result),
    }
    if decision == RETURN:
        # The answers as returned: on resubmission the reviewer sees what changed since (before/after).
        detail["answers"] = dict(locked.answers.values_list("question_code", "value"))
    AuditEvent.objects.create(
        actor=reviewer,
        action=f"review.{decision}",
        enterprise_id=locked.enterprise_id,
        assessment=locked,
        detail=detail,
        reason=note,
    )
    enqueue_on_commit(send_decision_email, locked.pk, translation.get_language() or settings.LANGUAGE_CODE)
    return locked
