"""The officials' demo step: submitted assessments over three years, scored by the engine, with review
states; deterministic and idempotent."""

from __future__ import annotations

import pytest

from assessment import demo_officials
from assessment.demo import DemoContext, run_demo_steps, seed_enterprises, seed_officials_and_admin
from assessment.demo_officials import demo_years, score_answers, seed_submitted_assessments
from assessment.models import Assessment, AuditEvent, FrameworkResult, ReviewComment, ValidatedAnswer
from assessment.selectors.assessments import answer_values, assessment_definitions
from assessment.selectors.factors import default_factors
from tests.assessment.review_fixtures import shipped_versions_fixture  # noqa: F401

STEPS = [seed_enterprises, seed_officials_and_admin, seed_submitted_assessments]


@pytest.fixture
def seeded(shipped_versions, monkeypatch):
    # Leave only the demo SME manager's enterprise to the journey's own step.
    monkeypatch.setattr(demo_officials, "_journey_enterprises", lambda: 1)
    return run_demo_steps(DemoContext(enterprises=26, seed=7), steps=STEPS)


def test_every_other_demo_enterprise_has_a_latest_year_submission(seeded):
    latest, *older = demo_years()
    enterprises = seeded.demo_enterprises().order_by("uscc")
    with_latest = set(Assessment.objects.filter(year=latest).values_list("enterprise_id", flat=True))
    assert with_latest == set(enterprises.values_list("pk", flat=True)[1:])
    assert Assessment.objects.filter(year__in=older).exists()
    assert not Assessment.objects.filter(status=Assessment.Status.DRAFT).exists()
    assert seeded.created["submitted assessments (bulk)"] == Assessment.objects.count()


def test_stored_results_are_the_engines_scores_of_the_stored_answers(seeded):
    for assessment in Assessment.objects.select_related("enterprise").order_by("pk")[:5]:
        definitions = assessment_definitions(assessment)
        answers = answer_values(assessment.answers.all())
        _answers, result = score_answers(definitions, answers, assessment.enterprise, default_factors())
        by_framework = {f["framework"]: f for f in assessment.result["frameworks"]}
        assert {f["framework"]: f for f in result["frameworks"]} == by_framework
        rows = {
            r.framework: r.score
            for r in FrameworkResult.objects.filter(assessment=assessment, validated=False)
        }
        assert rows == {f["framework"]: f["score"] for f in result["frameworks"]}


def test_review_states_come_with_their_notes_comments_and_audit_events(seeded):
    returned = Assessment.objects.filter(status=Assessment.Status.RETURNED)
    accepted = Assessment.objects.filter(status=Assessment.Status.ACCEPTED)
    assert returned.exists() and accepted.exists() and Assessment.objects.filter(status="submitted").exists()
    for assessment in returned:
        assert assessment.decision_note and assessment.decided_by_id and assessment.decided_at
        assert ReviewComment.objects.filter(assessment=assessment).exists()
        assert AuditEvent.objects.filter(assessment=assessment, action="review.return").exists()
    for assessment in Assessment.objects.all():
        assert AuditEvent.objects.filter(assessment=assessment, action="assessment.submit").count() == 1
    for validated in ValidatedAnswer.objects.all():
        assert validated.assessment.validated_result is not None
        assert FrameworkResult.objects.filter(assessment=validated.assessment, validated=True).exists()


def test_it_is_idempotent_and_deterministic(seeded, monkeypatch):
    scores = sorted(Assessment.objects.values_list("enterprise__uscc", "year", "status", "total_score"))
    again = run_demo_steps(DemoContext(enterprises=26, seed=7), steps=STEPS)
    assert set(again.created.values()) == {0}
    Assessment.objects.all().delete()
    run_demo_steps(DemoContext(enterprises=26, seed=7), steps=STEPS)
    assert (
        sorted(Assessment.objects.values_list("enterprise__uscc", "year", "status", "total_score")) == scores
    )


def test_without_questionnaires_it_makes_no_assessments(db):
    context = run_demo_steps(DemoContext(enterprises=3), steps=STEPS)
    assert not Assessment.objects.exists()
    assert "submitted assessments (bulk)" not in context.created
