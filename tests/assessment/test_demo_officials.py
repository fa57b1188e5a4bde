"""The officials' demo step: submitted assessments over three years, scored by the engine, with review
states; deterministic and idempotent."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessment.demo import (
    DEFAULT_ENTERPRISES,
    DemoContext,
    run_demo_steps,
    seed_enterprises,
    seed_officials_and_admin,
)
from assessment.demo import officials as demo_officials
from assessment.demo.officials import (
    answer_json,
    demo_years,
    history_chances,
    score_answers,
    seed_submitted_assessments,
)
from assessment.models import (
    Answer,
    Assessment,
    AuditEvent,
    FrameworkResult,
    ReviewComment,
    ValidatedAnswer,
)
from assessment.selectors.assessments import answer_values, assessment_definitions, evaluate
from assessment.selectors.factors import default_factors

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


def _snapshot() -> list[tuple]:
    """Everything the step wrote, keyed by enterprise and year (ids differ between runs)."""
    assessments = {a.pk: (a.enterprise.uscc, a.year) for a in Assessment.objects.select_related("enterprise")}
    rows = [
        (
            *assessments[a.pk],
            a.status,
            a.result,
            a.validated_result,
            a.total_score,
            a.submitted_at,
            a.decided_at,
            a.decision_note,
            a.created_by_id,
            a.decided_by_id,
            a.factor_set_id,
        )
        for a in Assessment.objects.all()
    ]
    rows += [
        (*assessments[a.assessment_id], a.question_code, a.value, a.updated_by_id)
        for a in Answer.objects.all()
    ]
    rows += [
        (
            *assessments[r.assessment_id],
            r.framework,
            r.version,
            r.score,
            r.level,
            r.veto_failed,
            r.validated,
            r.dimension_scores,
            r.indicator_scores,
        )
        for r in FrameworkResult.objects.all()
    ]
    rows += [
        (*assessments[e.assessment_id], e.action, e.actor_id, e.detail, e.reason)
        for e in AuditEvent.objects.filter(assessment__isnull=False)
    ]
    rows += [
        (*assessments[c.assessment_id], c.question_code, c.text, c.author_id)
        for c in ReviewComment.objects.all()
    ]
    rows += [
        (*assessments[v.assessment_id], v.question_code, v.value, v.reason)
        for v in ValidatedAnswer.objects.all()
    ]
    rows += [
        (*assessments[a.pk], sorted(a.versions.values_list("pk", flat=True)))
        for a in Assessment.objects.all()
    ]
    return sorted(rows, key=repr)


def test_worker_processes_write_exactly_what_one_process_writes(seeded, monkeypatch):
    one_process = _snapshot()
    assert len(one_process) > 1000
    Assessment.objects.all().delete()
    monkeypatch.setattr(demo_officials, "FIRMS_PER_TASK", 3)  # several tasks per worker, out of step
    monkeypatch.setattr(demo_officials, "PARALLEL_FROM", 1)
    context = run_demo_steps(DemoContext(enterprises=26, seed=7, workers=3), steps=STEPS)
    assert context.created["submitted assessments (bulk)"] == seeded.created["submitted assessments (bulk)"]
    assert _snapshot() == one_process


def test_stored_results_match_the_review_pages_evaluation(seeded):
    assessment = Assessment.objects.select_related("enterprise").filter(status="submitted").first()
    evaluation = evaluate(
        definitions=assessment_definitions(assessment),
        answers=answer_values(assessment.answers.all()),
        enterprise=assessment.enterprise,
        factors=default_factors(),
    )
    expected = {**evaluation.result.to_dict(), "energy": evaluation.balance.to_dict()}
    assert assessment.result == expected


def test_the_default_demo_keeps_the_full_history():
    assert DEFAULT_ENTERPRISES <= demo_officials.FULL_HISTORY_ENTERPRISES
    assert {history_chances(position) for position in range(DEFAULT_ENTERPRISES)} == {(1.0, 0.65, 0.4)}


def test_large_sets_keep_the_latest_year_for_all_and_older_years_for_a_sample(shipped_versions, monkeypatch):
    monkeypatch.setattr(demo_officials, "_journey_enterprises", lambda: 1)
    monkeypatch.setattr(demo_officials, "FULL_HISTORY_ENTERPRISES", 6)
    monkeypatch.setattr(demo_officials, "OLDER_YEARS_SAMPLE", 4)
    assert [history_chances(p)[1] > 0 for p in range(12)] == [True] * 6 + [
        False,
        False,
        True,
        False,
        False,
        False,
    ]
    run_demo_steps(DemoContext(enterprises=40, seed=7), steps=STEPS)
    latest, *older = demo_years()
    positions = {
        pk: position
        for position, pk in enumerate(
            DemoContext(enterprises=40).demo_enterprises().order_by("uscc").values_list("pk", flat=True)[1:]
        )
    }
    assert set(Assessment.objects.filter(year=latest).values_list("enterprise_id", flat=True)) == set(
        positions
    )
    with_older = {
        positions[pk]
        for pk in Assessment.objects.filter(year__in=older).values_list("enterprise_id", flat=True)
    }
    assert with_older and all(position < 6 or position % 4 == 0 for position in with_older)
    assert any(position >= 6 for position in with_older)


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
        lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(), children, max_size=3),
        max_leaves=6,
    )
)
def test_answer_json_is_json_dumps(value):
    assert answer_json(value) == json.dumps(value)
