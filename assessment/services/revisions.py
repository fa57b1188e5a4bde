"""Writes when a corrected definition becomes a new revision of a framework version (docs/definitions.md,
"Correcting a definition in production").

- `assessments_move_to_revision` (run by load_questionnaires through `revision_created`): drafts and
  returned assessments move to the new revision with their answers; answers to removed questions stay
  (not scored), answers the new revision refuses stay (to correct); a returned assessment's stored result
  is re-scored; each gets a RevisionNotice saying what changed, in words.
- `revision_notice_dismiss`: a member has read the notice (submitting dismisses it too).
- `cohort_rescore`: a provincial official re-scores submitted and accepted assessments on the new revision;
  the re-score is kept beside the result that counts (Rescore), analytics unchanged.
- `rescore_adopt`: the official adopts a re-score: it becomes the counted result, the original is kept.
- `rescores_adopt`: several re-scores of a version (chosen ones, or all) adopted with one reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessment.exceptions import DomainError
from assessment.models import Assessment, AuditEvent, Rescore, RevisionNotice, User
from assessment.permissions import official_profile_of
from assessment.scoring import validate_answers
from assessment.selectors.assessments import (
    EDITABLE_STATUSES,
    Evaluation,
    answer_values,
    assessment_factors,
    assessment_page,
    assessment_versions,
    evaluate,
    question_index,
    tag_revisions,
)
from assessment.services.analytics import analytics_refresh
from assessment.services.assessments import answers_record_proposals, proposed_answers_store
from assessment.services.results import framework_results_replace
from questionnaires.definition import definition_of
from questionnaires.logic import open_proposals
from questionnaires.models import QuestionnaireVersion
from questionnaires.question_types import question_type
from questionnaires.revisions import RevisionChange

SCORED_STATUSES = (Assessment.Status.SUBMITTED, Assessment.Status.ACCEPTED)


def _framework_score(evaluation: Evaluation, framework: str) -> float | None:
    if evaluation.result is None:
        return None
    scored = evaluation.result.framework(framework)
    return scored.score if scored is not None else None


def _display(question: Mapping[str, Any] | None, value: Any) -> Any:
    """An answer as a person reads it, in both languages (a plain value where the type is unknown)."""
    qtype = question_type(question) if question else None
    if qtype is None or question is None:
        return {"zh": str(value), "en": str(value)}
    try:
        return {lang: str(qtype.display(question, value, lang)) for lang in ("zh", "en")}
    except (TypeError, ValueError, KeyError, AttributeError):
        return {"zh": str(value), "en": str(value)}


def _flagged(
    *, old_definitions: list[dict], new_definitions: list[dict], answers: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """Answers the new revision leaves unscored (its question removed) or refuses (to correct): each with
    the question's text, the value as shown and the reason, in both languages."""
    old_index, new_index = question_index(old_definitions), question_index(new_definitions)
    flagged: list[dict[str, Any]] = []
    for code, value in sorted(answers.items()):
        if code in old_index and code not in new_index:
            flagged.append(
                {
                    "code": code,
                    "kind": "removed",
                    "question": old_index[code].get("text") or {},
                    "value": _display(old_index[code], value),
                    "reason": {
                        "zh": "该题已从问卷中删除：答案保留，但不再计分。",
                        "en": "The question was removed: the answer is kept but no longer scored.",
                    },
                }
            )
    for problem in validate_answers(new_definitions, dict(answers), allow_unknown=True):
        question = new_index.get(problem.code) or {}
        flagged.append(
            {
                "code": problem.code,
                "kind": "invalid",
                "question": question.get("text") or {},
                "value": _display(question, answers.get(problem.code)),
                "reason": dict(problem.message),
            }
        )
    return flagged


def _proposed_flags(definitions: list[dict], proposals: Mapping[str, str]) -> list[dict[str, Any]]:
    """The options the move recorded as proposed by the figures (answers_record_proposals): each with
    the question's text and the option, to check and possibly change."""
    index = question_index(definitions)
    return [
        {
            "code": code,
            "kind": "proposed",
            "question": (index.get(code) or {}).get("text") or {},
            "value": _display(index.get(code), option),
            "reason": {
                "zh": "新增的选择题：系统按您填写的数据预选了此项，您尚未选择；请核对，可以改选。",
                "en": "A new choice question: the system pre-selected this option from your figures; "
                "you have not chosen yet. Please check it; you may choose another.",
            },
        }
        for code, option in proposals.items()
    ]


def _rescore_returned(assessment: Assessment, evaluation: Evaluation) -> None:
    """A returned assessment's stored result (what it was returned with) re-scored on the new revision;
    kept as it was when the answers cannot be scored on it (the person corrects them and resubmits)."""
    from assessment.services.assessments import stored_result
    from assessment.services.review import validated_result_compute

    if evaluation.result is None:
        return
    page = assessment_page(assessment)
    result = stored_result(page=page, evaluation=evaluation)
    assessment.result = result
    assessment.total_score = ((result.get("profile") or {}).get("overall") or {}).get("index")
    try:
        validated = validated_result_compute(assessment)
    except DomainError:
        validated = assessment.validated_result
    else:
        assessment.validated_result = validated
    assessment.save(update_fields=["result", "total_score", "validated_result", "updated_at"])
    framework_results_replace(assessment=assessment, result=result, validated=False)
    framework_results_replace(assessment=assessment, result=validated or {}, validated=True)


def assessments_move_to_revision(
    *, previous: QuestionnaireVersion, revision: QuestionnaireVersion, changes: list[RevisionChange]
) -> str | None:
    """Move every draft and returned assessment on `previous` to `revision` (a corrected definition of
    the same version): answers carried over unchanged, flagged where removed or refused, live scores
    before and after told in a RevisionNotice, a returned assessment's stored result re-scored; one
    audit event each. Submitted and accepted assessments stay on `previous`. Returns a line for the
    operator. Runs inside the loader's transaction."""
    moving = list(
        Assessment.objects.filter(versions=previous, status__in=EDITABLE_STATUSES)
        .select_related("enterprise")
        .select_for_update(of=("self",))
        .order_by("pk")
    )
    kept = Assessment.objects.filter(versions=previous).exclude(status__in=EDITABLE_STATUSES).count()
    change_dicts = [change.to_dict() for change in changes]
    with_flags = 0
    for assessment in moving:
        before_page = assessment_page(assessment)
        before = before_page.evaluate()
        assessment.versions.remove(previous)
        assessment.versions.add(revision)
        assessment._journey_definitions = None
        proposals = answers_record_proposals(assessment=assessment)
        after_page = assessment_page(assessment)
        after = after_page.evaluate()
        flagged = _flagged(
            old_definitions=before_page.definitions,
            new_definitions=after_page.definitions,
            answers=after_page.values,
        ) + _proposed_flags(after_page.definitions, proposals)
        with_flags += bool(flagged)
        if assessment.status == Assessment.Status.RETURNED:
            _rescore_returned(assessment, after)
            analytics_refresh(assessment_ids=[assessment.pk])
        notice = RevisionNotice.objects.create(
            assessment=assessment,
            framework=revision.framework,
            version=revision.version,
            from_revision=previous.revision,
            to_revision=revision.revision,
            changes=change_dicts,
            flagged=flagged,
            score_before=_framework_score(before, revision.framework),
            score_after=_framework_score(after, revision.framework),
        )
        AuditEvent.objects.create(
            actor=None,
            action="revision.moved",
            enterprise_id=assessment.enterprise_id,
            assessment=assessment,
            detail={
                "framework": revision.framework,
                "version": revision.version,
                "from_revision": previous.revision,
                "to_revision": revision.revision,
                "notice": notice.pk,
                "score_before": notice.score_before,
                "score_after": notice.score_after,
                "flagged": [item["code"] for item in flagged],
                "changes": [change.text["en"] for change in changes],
            },
        )
    return (
        f"{len(moving)} draft or returned assessment(s) moved to revision {revision.revision} "
        f"({with_flags} with answers to check); {kept} submitted or accepted kept on revision "
        f"{previous.revision} (re-score them with rescore_cohort)"
    )


def move_on_revision(sender: Any, **kwargs: Any) -> str | None:
    """Receiver of questionnaires.signals.revision_created (connected in assessment.apps)."""
    return assessments_move_to_revision(
        previous=kwargs["previous"], revision=kwargs["revision"], changes=kwargs["changes"]
    )


def revision_notice_dismiss(*, notice: RevisionNotice, user: User | None) -> None:
    """A member has read what changed: the notice is no longer shown (recorded in the audit trail)."""
    with transaction.atomic():
        updated = RevisionNotice.objects.filter(pk=notice.pk, dismissed_at__isnull=True).update(
            dismissed_at=timezone.now(), dismissed_by=user
        )
        if updated:
            AuditEvent.objects.create(
                actor=user,
                action="revision.notice_dismissed",
                enterprise_id=notice.assessment.enterprise_id,
                assessment_id=notice.assessment_id,
                detail={
                    "notice": notice.pk,
                    "framework": notice.framework,
                    "to_revision": notice.to_revision,
                },
            )


# --- officials: re-scoring a cohort on a new revision ---------------------------------------------------


def _check_province(user: User | None) -> None:
    if user is None:  # the management command, run by the operator
        return
    profile = official_profile_of(user)
    if profile is None or not profile.is_province:
        raise DomainError(_("只有省级主管部门可以按新修订重新计分。"), code="forbidden")


def live_revision(framework: str, version: str) -> QuestionnaireVersion:
    row = QuestionnaireVersion.objects.live().filter(framework=framework, version=version).first()
    if row is None:
        raise DomainError(
            _("评估框架 %(name)s 尚未载入。") % {"name": f"{framework}@{version}"}, code="not_loaded"
        )
    return row


@dataclass
class _Rescored:
    """An assessment scored on a newer revision: its answers, the validated answers where a reviewer
    validated some, and the options the figures proposed for choice questions it has no answer to."""

    self_assessed: Evaluation
    validated: Evaluation | None
    proposed: dict[str, str]


def _rescored(assessment: Assessment, target: QuestionnaireVersion) -> _Rescored:
    """The assessment's answers (and, where a reviewer validated some, the validated answers) scored with
    `target` in place of its revision of the same version, with its frozen factor snapshot. A choice
    question the target adds with `proposed_by` takes the option its figures propose (open_proposals):
    the stored assessment never chose it, and an unanswered question would score nothing."""
    versions = assessment_versions(assessment)
    definitions = [
        definition_of(target)
        if (v.framework, v.version) == (target.framework, target.version)
        else definition_of(v)
        for v in versions
    ]
    target_definition = definition_of(target)
    answers = answer_values(assessment.answers.all())
    proposed = open_proposals(target_definition, answers)
    factors = assessment_factors(assessment)
    self_assessed = evaluate(
        definitions=definitions,
        answers={**answers, **proposed},
        enterprise=assessment.enterprise,
        factors=factors,
    )
    corrections = dict(assessment.validated_answers.values_list("question_code", "value"))
    if not corrections:
        return _Rescored(self_assessed, None, proposed)
    corrected = dict(answers)
    for code, value in corrections.items():
        if value is None:
            corrected.pop(code, None)
        else:
            corrected[code] = value
    validated = evaluate(
        definitions=definitions,
        answers={**corrected, **open_proposals(target_definition, corrected)},
        enterprise=assessment.enterprise,
        factors=factors,
    )
    return _Rescored(self_assessed, validated, proposed)


def _item(result: Mapping[str, Any] | None, framework: str) -> dict[str, Any] | None:
    return next((i for i in (result or {}).get("frameworks") or [] if i["framework"] == framework), None)


@dataclass
class RescoreReport:
    """What a cohort re-score did: re-scores written, assessments left as they were and why."""

    revision: int
    rescored: list[Rescore] = field(default_factory=list)
    unscorable: list[Rescore] = field(default_factory=list)
    already_adopted: int = 0


def cohort_rescore(
    *,
    framework: str,
    version: str,
    user: User | None,
    year: int | None = None,
    city_code: str | None = None,
) -> RescoreReport:
    """Re-score every submitted and accepted assessment scored on an earlier revision of framework@version
    (of `year`, of `city_code`, or all) on its latest revision, keeping each as a Rescore beside the
    counted result: the stored result, the analytics and the results page's score do not change (adopt
    with rescore_adopt). Idempotent: running again replaces re-scores not adopted. Provincial officials
    only (user None: the operator's command). One audit event per assessment."""
    _check_province(user)
    target = live_revision(framework, version)
    cohort = (
        Assessment.objects.filter(
            status__in=SCORED_STATUSES,
            versions__framework=framework,
            versions__version=version,
            versions__revision__lt=target.revision,
        )
        .select_related("enterprise")
        .order_by("pk")
    )
    if year is not None:
        cohort = cohort.filter(year=year)
    if city_code:
        cohort = cohort.filter(enterprise__city_code=city_code)
    report = RescoreReport(revision=target.revision)
    for assessment in cohort:
        with transaction.atomic():
            previous = next(
                v for v in assessment_versions(assessment) if (v.framework, v.version) == (framework, version)
            )
            existing = Rescore.objects.filter(
                assessment=assessment, framework=framework, version=version, to_revision=target.revision
            ).first()
            if existing is not None and existing.adopted_at is not None:
                report.already_adopted += 1
                continue
            rescored = _rescored(assessment, target)
            self_assessed, validated = rescored.self_assessed, rescored.validated
            problems = self_assessed.problems + (validated.problems if validated else [])
            result = _item(self_assessed.result.to_dict() if self_assessed.result else None, framework)
            validated_item = _item(
                validated.result.to_dict() if validated and validated.result else None, framework
            )
            for item in (result, validated_item):
                if item is not None:
                    item["revision"] = target.revision
                    item["proposed"] = rescored.proposed  # options the figures proposed, not chosen
            rescore, _created = Rescore.objects.update_or_create(
                assessment=assessment,
                framework=framework,
                version=version,
                to_revision=target.revision,
                defaults={
                    "from_revision": previous.revision,
                    "original": {
                        "result": _item(assessment.result, framework),
                        "validated_result": _item(assessment.validated_result, framework),
                    },
                    "result": result,
                    "validated_result": validated_item,
                    "problems": problems,
                    "created_by": user,
                },
            )
            (report.unscorable if result is None else report.rescored).append(rescore)
            AuditEvent.objects.create(
                actor=user,
                action="revision.rescore",
                enterprise_id=assessment.enterprise_id,
                assessment=assessment,
                detail={
                    "framework": framework,
                    "version": version,
                    "from_revision": previous.revision,
                    "to_revision": target.revision,
                    "rescore": rescore.pk,
                    "counted_score": (
                        _item(assessment.validated_result, framework)
                        or _item(assessment.result, framework)
                        or {}
                    ).get("score"),
                    "rescored_score": rescore.score,
                    "unscorable": bool(problems) and result is None,
                    "proposed": rescored.proposed,
                },
            )
    return report


def rescore_adopt(*, rescore: Rescore, user: User | None, reason: str = "") -> Assessment:
    """Make a re-score the counted result: the assessment moves to the new revision, its stored result
    (and validated result) are re-scored on it and its framework results and analytics follow; the
    result counted before stays in the Rescore (`original`). Provincial officials only; refused when the
    re-score could not be scored or was adopted already."""
    _check_province(user)
    if rescore.result is None:
        raise DomainError(_("该评估的答案不符合新修订，无法按新修订计分，不能采用。"), code="unscorable")
    with transaction.atomic():
        locked = (
            Assessment.objects.select_for_update(of=("self",))
            .select_related("enterprise")
            .get(pk=rescore.assessment_id)
        )
        rescore = Rescore.objects.select_for_update().get(pk=rescore.pk)
        if rescore.adopted_at is not None:
            raise DomainError(_("该重新计分结果已被采用。"), code="adopted")
        if locked.status not in SCORED_STATUSES:
            raise DomainError(_("只有已提交或已通过的评估可以采用重新计分结果。"), code="status")
        target = QuestionnaireVersion.objects.get(
            framework=rescore.framework, version=rescore.version, revision=rescore.to_revision
        )
        previous = [
            v
            for v in assessment_versions(locked)
            if (v.framework, v.version) == (target.framework, target.version)
        ]
        rescored = _rescored(locked, target)
        self_assessed, validated = rescored.self_assessed, rescored.validated
        if self_assessed.result is None or (validated is not None and validated.result is None):
            raise DomainError(_("该评估的答案不符合新修订，无法按新修订计分，不能采用。"), code="unscorable")
        before = {
            "result": _item(locked.result, rescore.framework),
            "validated_result": _item(locked.validated_result, rescore.framework),
        }
        locked.versions.remove(*previous)
        locked.versions.add(target)
        versions = assessment_versions(locked)
        result = dict(locked.result or {})
        new = self_assessed.result.to_dict()
        tag_revisions(new, versions)
        result.update({"frameworks": new["frameworks"], "profile": new["profile"], "missing": new["missing"]})
        locked.result = result
        locked.total_score = ((new.get("profile") or {}).get("overall") or {}).get("index")
        if validated is not None and validated.result is not None:
            checked = validated.result.to_dict()
            tag_revisions(checked, versions)
            locked.validated_result = {
                **(locked.validated_result or {}),
                **{k: checked[k] for k in ("frameworks", "profile", "missing")},
            }
        locked.save(update_fields=["result", "validated_result", "total_score", "updated_at"])
        # The counted result now reads the options the figures proposed: stored as proposed, not chosen.
        proposed_answers_store(assessment=locked, proposals=rescored.proposed)
        framework_results_replace(assessment=locked, result=locked.result, validated=False)
        framework_results_replace(assessment=locked, result=locked.validated_result or {}, validated=True)
        analytics_refresh(assessment_ids=[locked.pk])
        rescore.original = before
        rescore.adopted_at = timezone.now()
        rescore.adopted_by = user
        rescore.save(update_fields=["original", "adopted_at", "adopted_by"])
        AuditEvent.objects.create(
            actor=user,
            action="revision.adopt",
            enterprise_id=locked.enterprise_id,
            assessment=locked,
            reason=reason,
            detail={
                "framework": rescore.framework,
                "version": rescore.version,
                "from_revision": rescore.from_revision,
                "to_revision": rescore.to_revision,
                "rescore": rescore.pk,
                "score_before": (before["validated_result"] or before["result"] or {}).get("score"),
                "score_after": rescore.score,
                "proposed": rescored.proposed,
            },
        )
    return locked


@dataclass
class AdoptionReport:
    """What adopting several re-scores did: the assessments adopted, and the re-scores refused with why."""

    adopted: list[Assessment] = field(default_factory=list)
    refused: list[tuple[Rescore, str]] = field(default_factory=list)


def rescores_adopt(
    *, framework: str, version: str, user: User | None, reason: str, rescore_ids: list[int] | None = None
) -> AdoptionReport:
    """Adopt the re-scores of framework@version on its latest revision that are not adopted yet, with
    one reason: those of `rescore_ids` (None: every one that could be scored). Each is adopted as
    rescore_adopt does, in its own transaction and with its own audit event; one refused (adopted
    meanwhile, unscorable, no longer submitted) is reported and does not stop the others."""
    _check_province(user)
    reason = reason.strip()
    if not reason:
        raise DomainError(_("请说明采用理由。"), field="reason", code="reason")
    target = live_revision(framework, version)
    pending = Rescore.objects.filter(
        framework=framework, version=version, to_revision=target.revision, adopted_at__isnull=True
    )
    pending = (
        pending.filter(pk__in=rescore_ids)
        if rescore_ids is not None
        else pending.exclude(result__isnull=True)
    )
    report = AdoptionReport()
    for rescore in pending.select_related("assessment__enterprise").order_by("pk"):
        try:
            report.adopted.append(rescore_adopt(rescore=rescore, user=user, reason=reason))
        except DomainError as error:
            report.refused.append((rescore, str(error.message)))
    return report
