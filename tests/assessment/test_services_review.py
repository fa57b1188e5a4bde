"""The review services: jurisdiction, the state machine, validated scores beside self-assessed ones,
the audit trail and the e-mail to the enterprise's members."""

from __future__ import annotations

import pytest
from django.core import mail

from assessment.exceptions import DomainError
from assessment.models import Answer, Assessment, AuditEvent, FrameworkResult, ReviewComment, ValidatedAnswer
from assessment.services.review import (
    review_comment_add,
    review_decide,
    review_validate_answer,
    review_validation_withdraw,
)
from tests.builders import make_submitted
from tests.factories import AssessmentFactory


@pytest.fixture
def submitted(shipped_versions, enterprise, sme_manager, sme_contributor) -> Assessment:
    return make_submitted(shipped_versions, enterprise=enterprise, submitted_by=sme_manager)


def test_it_accepts_a_submitted_assessment_and_records_who_when_and_why(submitted, city_official):
    decided = review_decide(assessment=submitted, reviewer=city_official, decision="accept", note="数据齐全")
    decided.refresh_from_db()
    assert decided.status == Assessment.Status.ACCEPTED
    assert decided.decided_by == city_official
    assert decided.decided_at is not None
    assert decided.decision_note == "数据齐全"
    event = AuditEvent.objects.get(action="review.accept")
    assert (event.actor, event.assessment, event.enterprise_id) == (
        city_official,
        decided,
        decided.enterprise_id,
    )
    assert event.reason == "数据齐全"
    assert event.detail["from"] == "submitted" and event.detail["to"] == "accepted"


def test_it_emails_every_member_once_the_decision_commits(
    submitted, city_official, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        review_decide(assessment=submitted, reviewer=city_official, decision="return", note="请补充能耗台账")
        assert mail.outbox == []  # nothing is sent before the commit
    assert len(callbacks) == 1
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["sme_contributor@example.com", "sme_manager@example.com"]
    assert "请补充能耗台账" in mail.outbox[0].body
    assert "退回" in mail.outbox[0].subject


def test_it_returns_for_revision_only_with_a_note(submitted, city_official):
    with pytest.raises(DomainError) as error:
        review_decide(assessment=submitted, reviewer=city_official, decision="return", note="  ")
    assert error.value.field == "note"
    submitted.refresh_from_db()
    assert submitted.status == Assessment.Status.SUBMITTED
    review_decide(assessment=submitted, reviewer=city_official, decision="return", note="请补充")
    submitted.refresh_from_db()
    assert submitted.status == Assessment.Status.RETURNED
    assert submitted.is_editable  # back with the SME


def test_it_refuses_a_decision_on_a_draft(enterprise, city_official):
    draft = AssessmentFactory(enterprise=enterprise, status=Assessment.Status.DRAFT)
    with pytest.raises(DomainError) as error:
        review_decide(assessment=draft, reviewer=city_official, decision="accept", note="")
    assert error.value.code == "not_submitted"
    draft.refresh_from_db()
    assert draft.status == Assessment.Status.DRAFT
    assert not AuditEvent.objects.filter(action__startswith="review.").exists()


@pytest.mark.parametrize("first", ["accept", "return"])
@pytest.mark.parametrize("second", ["accept", "return"])
def test_it_refuses_a_second_decision_on_a_decided_assessment(
    submitted, city_official, province_official, first, second
):
    review_decide(assessment=submitted, reviewer=city_official, decision=first, note="第一次")
    with pytest.raises(DomainError):
        review_decide(assessment=submitted, reviewer=province_official, decision=second, note="第二次")
    submitted.refresh_from_db()
    assert submitted.decision_note == "第一次"
    assert AuditEvent.objects.filter(action__startswith="review.").count() == 1


def test_it_takes_a_decision_again_after_the_sme_resubmits(submitted, city_official):
    review_decide(assessment=submitted, reviewer=city_official, decision="return", note="请补充")
    # The SME's resubmission (assessment_submit) puts it back under review.
    Assessment.objects.filter(pk=submitted.pk).update(status=Assessment.Status.SUBMITTED)
    review_decide(assessment=submitted, reviewer=city_official, decision="accept", note="已补充")
    submitted.refresh_from_db()
    assert submitted.status == Assessment.Status.ACCEPTED
    assert list(AuditEvent.objects.order_by("created_at", "id").values_list("action", flat=True)) == [
        "review.return",
        "review.accept",
    ]


def test_it_refuses_an_unknown_decision(submitted, city_official):
    with pytest.raises(DomainError):
        review_decide(assessment=submitted, reviewer=city_official, decision="approve", note="")


@pytest.mark.parametrize("persona", ["other_city_official", "sme_manager", "other_manager", "admin_user"])
def test_it_refuses_reviewers_outside_the_jurisdiction_or_not_officials(submitted, request, persona):
    reviewer = request.getfixturevalue(persona)
    with pytest.raises(DomainError):
        review_decide(assessment=submitted, reviewer=reviewer, decision="accept", note="")
    with pytest.raises(DomainError):
        review_comment_add(assessment=submitted, reviewer=reviewer, text="意见")
    with pytest.raises(DomainError):
        review_validate_answer(
            assessment=submitted, reviewer=reviewer, code="dig24.q.devices_digital", value=10, reason="无台账"
        )
    submitted.refresh_from_db()
    assert submitted.status == Assessment.Status.SUBMITTED
    assert not ReviewComment.objects.exists() and not ValidatedAnswer.objects.exists()


def test_the_province_official_reviews_any_city(submitted, province_official):
    review_decide(assessment=submitted, reviewer=province_official, decision="accept", note="")
    submitted.refresh_from_db()
    assert submitted.status == Assessment.Status.ACCEPTED


def test_it_adds_comments_per_question_with_an_audit_event(submitted, city_official):
    comment = review_comment_add(
        assessment=submitted,
        reviewer=city_official,
        text="请上传能源审计报告",
        question_code="gf25.q.retrofit_projects_3y",
    )
    whole = review_comment_add(assessment=submitted, reviewer=city_official, text="整体填写认真")
    assert comment.question_code == "gf25.q.retrofit_projects_3y" and whole.question_code == ""
    events = AuditEvent.objects.filter(action="review.comment")
    assert events.count() == 2
    assert {event.reason for event in events} == {"请上传能源审计报告", "整体填写认真"}


def test_it_refuses_comments_on_unknown_questions_empty_text_and_drafts(submitted, enterprise, city_official):
    with pytest.raises(DomainError):
        review_comment_add(assessment=submitted, reviewer=city_official, text="x", question_code="nope.q")
    with pytest.raises(DomainError):
        review_comment_add(assessment=submitted, reviewer=city_official, text="  ")
    draft = AssessmentFactory(enterprise=enterprise, year=2024)
    with pytest.raises(DomainError):
        review_comment_add(assessment=draft, reviewer=city_official, text="意见")
    assert not ReviewComment.objects.exists()


def test_a_validated_value_gives_a_validated_score_beside_the_self_assessed_one(submitted, city_official):
    self_result = submitted.result
    self_rows = {r.framework: r.score for r in submitted.framework_results.filter(validated=False)}
    # The enterprise claimed 55 of 120 devices digital; the reviewer accepts 0 (no asset register).
    review_validate_answer(
        assessment=submitted,
        reviewer=city_official,
        code="dig24.q.devices_digital",
        value=0,
        reason="无设备台账",
    )
    submitted.refresh_from_db()
    assert submitted.result == self_result  # the self-assessed result is kept
    assert {r.framework: r.score for r in submitted.framework_results.filter(validated=False)} == self_rows
    validated = {r.framework: r for r in submitted.framework_results.filter(validated=True)}
    assert set(validated) == set(self_rows)
    assert validated["sme_digital"].score < self_rows["sme_digital"]
    assert validated["green_factory"].score == self_rows["green_factory"]  # a digital question only
    assert submitted.validated_result["validated_answers"] == ["dig24.q.devices_digital"]
    digital = next(f for f in submitted.validated_result["frameworks"] if f["framework"] == "sme_digital")
    assert digital["score"] == validated["sme_digital"].score
    assert validated["sme_digital"].indicator_scores["dig24.foundation.equipment_digital"] == 0
    assert (
        submitted.framework_results.get(framework="sme_digital", validated=False).indicator_scores[
            "dig24.foundation.equipment_digital"
        ]
        > 0
    )
    # The SME's answer is untouched.
    assert Answer.objects.get(assessment=submitted, question_code="dig24.q.devices_digital").value == 55
    event = AuditEvent.objects.get(action="review.validate_answer")
    assert event.reason == "无设备台账"
    assert event.detail["self_assessed"] == 55 and event.detail["validated"] == 0
    assert event.detail["validated_scores"]["sme_digital"] == validated["sme_digital"].score


def test_a_validated_energy_input_reruns_the_energy_calculator(submitted, city_official):
    code = next(
        c
        for c, v in submitted.answers.values_list("question_code", "value")
        if c.startswith("energy.") and isinstance(v, int | float) and v > 0 and "electricity" in c
    )
    value = Answer.objects.get(assessment=submitted, question_code=code).value
    review_validate_answer(
        assessment=submitted, reviewer=city_official, code=code, value=value * 3, reason="以电费单为准"
    )
    submitted.refresh_from_db()
    assert "energy" in submitted.validated_result  # the balance of the validated inputs, as at submission
    self_green, validated_green = FrameworkResult.objects.filter(
        assessment=submitted, framework="green_factory"
    ).order_by("validated")
    assert validated_green.score != self_green.score


def test_it_refuses_invalid_validated_values_and_missing_reasons(submitted, city_official):
    with pytest.raises(DomainError) as error:
        review_validate_answer(
            assessment=submitted,
            reviewer=city_official,
            code="dig24.q.devices_digital",
            value="many",
            reason="x",
        )
    assert error.value.field == "value"
    with pytest.raises(DomainError) as error:
        review_validate_answer(
            assessment=submitted, reviewer=city_official, code="dig24.q.devices_digital", value=1, reason=""
        )
    assert error.value.field == "reason"
    with pytest.raises(DomainError):
        review_validate_answer(
            assessment=submitted, reviewer=city_official, code="no.such", value=1, reason="x"
        )
    assert not ValidatedAnswer.objects.exists()
    assert submitted.framework_results.filter(validated=True).count() == 0


def test_withdrawing_the_last_validated_value_removes_the_validated_score(submitted, city_official):
    review_validate_answer(
        assessment=submitted, reviewer=city_official, code="dig24.q.devices_digital", value=0, reason="无台账"
    )
    review_validation_withdraw(
        assessment=submitted, reviewer=city_official, code="dig24.q.devices_digital", reason="已补交台账"
    )
    submitted.refresh_from_db()
    assert submitted.validated_result is None
    assert not submitted.framework_results.filter(validated=True).exists()
    assert AuditEvent.objects.filter(action="review.validation_withdraw", reason="已补交台账").exists()


def test_validation_is_refused_once_decided(submitted, city_official):
    review_decide(assessment=submitted, reviewer=city_official, decision="accept", note="")
    with pytest.raises(DomainError):
        review_validate_answer(
            assessment=submitted, reviewer=city_official, code="dig24.q.devices_digital", value=0, reason="x"
        )


def test_a_decision_rescores_validated_values_against_the_resubmitted_answers(submitted, city_official):
    review_validate_answer(
        assessment=submitted, reviewer=city_official, code="dig24.q.devices_digital", value=0, reason="无台账"
    )
    review_decide(assessment=submitted, reviewer=city_official, decision="return", note="请补充")
    # The SME changes another digital answer and resubmits.
    Answer.objects.filter(assessment=submitted, question_code="dig24.q.devices_networked").update(value=0)
    Assessment.objects.filter(pk=submitted.pk).update(status=Assessment.Status.SUBMITTED)
    before = submitted.framework_results.get(framework="sme_digital", validated=True).score
    review_decide(assessment=submitted, reviewer=city_official, decision="accept", note="")
    after = submitted.framework_results.get(framework="sme_digital", validated=True).score
    assert after < before
    submitted.refresh_from_db()
    digital = next(f for f in submitted.validated_result["frameworks"] if f["framework"] == "sme_digital")
    assert digital["score"] == after


def test_the_decision_email_is_a_task_sent_in_the_reviewers_language(
    submitted, city_official, settings, django_capture_on_commit_callbacks
):
    from django.utils import translation
    from django_tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        review_decide(assessment=submitted, reviewer=city_official, decision="accept", note="")
    [result] = default_task_backend.results
    assert result.task.module_path == "assessment.tasks.send_decision_email"
    assert result.args == [submitted.pk, "en"] and mail.outbox == []  # queued, not sent by the request
    assert result.task.call(*result.args) == 2
    assert "accepted" in mail.outbox[0].subject.lower()
