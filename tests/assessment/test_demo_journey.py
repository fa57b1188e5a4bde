"""seed_demo's journey step: assessments made through the services, reviewed, and the manager's draft."""

from __future__ import annotations

import multiprocessing

from assessment.demo import (
    DEMO_STEPS,
    DemoContext,
    run_demo_steps,
    seed_demo_assessments,
    seed_enterprises,
    seed_officials_and_admin,
)
from assessment.demo import journey as demo_journey
from assessment.demo import officials as demo_officials
from assessment.demo import steps as demo_steps
from assessment.demo.journey import seed_assessments
from assessment.demo.officials import seed_submitted_assessments
from assessment.models import Answer, Assessment, AuditEvent, FrameworkResult


def test_it_is_one_of_the_demo_steps():
    assert seed_demo_assessments in DEMO_STEPS  # with the bulk step, in its waits


_PLAN_FIRMS = demo_officials._plan_firms
_JOURNEY_STEPS = demo_steps.journey_steps
# Set while the bulk step's workers may finish; forked workers inherit it. Cleared, the workers hold
# their results until the journey is done (or 60 s pass), so the test does not depend on timing.
_JOURNEY_DONE = multiprocessing.get_context("fork").Event()
_JOURNEY_DONE.set()


def _held_plan_firms(firms):
    """The bulk step's worker task, held until the journey is done (module level: pickled by name)."""
    _JOURNEY_DONE.wait(timeout=60)
    return _PLAN_FIRMS(firms)


def _journey_steps_then_release(context):
    yield from _JOURNEY_STEPS(context)
    _JOURNEY_DONE.set()


def _written() -> list[tuple]:
    keys = {a.pk: (a.enterprise.uscc, a.year) for a in Assessment.objects.select_related("enterprise")}
    rows = [
        (*keys[a.pk], a.status, a.total_score, a.decision_note, a.result) for a in Assessment.objects.all()
    ]
    rows += [(*keys[a.assessment_id], a.question_code, a.value) for a in Answer.objects.all()]
    return sorted(rows, key=repr)


def test_done_while_the_bulk_step_waits_it_writes_what_the_two_steps_in_turn_write(
    frameworks_loaded, factor_set, monkeypatch
):
    monkeypatch.setattr(demo_journey, "DEMO_ASSESSMENT_ENTERPRISES", 2)
    monkeypatch.setattr(demo_officials, "FIRMS_PER_TASK", 1)
    monkeypatch.setattr(demo_officials, "_plan_firms", _held_plan_firms)
    monkeypatch.setattr(demo_steps, "journey_steps", _journey_steps_then_release)
    first = [seed_enterprises, seed_officials_and_admin]
    in_turn = run_demo_steps(
        DemoContext(enterprises=5, workers=2), [*first, seed_submitted_assessments, seed_assessments]
    )
    expected = _written()
    Assessment.objects.all().delete()

    # The workers wait for the journey: only done as side work while waiting can it finish first.
    _JOURNEY_DONE.clear()
    together = run_demo_steps(DemoContext(enterprises=5, workers=2), [*first, seed_demo_assessments])
    assert _written() == expected
    for what in ("submitted assessments (bulk)", "assessments", "draft assessments"):
        assert together.created[what] == in_turn.created[what] > 0
    journey = set(DemoContext().demo_enterprises().order_by("uscc").values_list("pk", flat=True)[:2])
    pks = Assessment.objects.values_list("pk", "enterprise_id")
    # The journey's assessments were made while the workers scored, before any bulk one was written.
    assert max(pk for pk, e in pks if e in journey) < min(pk for pk, e in pks if e not in journey)


def test_it_seeds_three_years_through_the_services_and_a_draft_for_the_demo_manager(
    frameworks_loaded, factor_set
):
    context = run_demo_steps(
        DemoContext(enterprises=5), [seed_enterprises, seed_officials_and_admin, seed_assessments]
    )
    submitted = Assessment.objects.exclude(status=Assessment.Status.DRAFT)
    assert submitted.count() == 15
    assert set(submitted.values_list("status", flat=True)) == {"accepted", "submitted", "returned"}
    assert AuditEvent.objects.filter(action="assessment.submit").count() == 15
    assert FrameworkResult.objects.filter(validated=False).count() == 15 * 3
    scores = sorted(submitted.values_list("total_score", flat=True))
    assert scores[-1] - scores[0] > 5  # answers differ between enterprises
    draft = Assessment.objects.get(status=Assessment.Status.DRAFT)
    assert draft.enterprise.memberships.filter(user__username="sme_manager").exists()
    assert Answer.objects.filter(assessment=draft, prefilled=True).exists()
    assert Answer.objects.filter(assessment=draft, prefilled=False).exists()
    assert context.created["assessments"] == 15

    again = run_demo_steps(
        DemoContext(enterprises=5), [seed_enterprises, seed_officials_and_admin, seed_assessments]
    )
    assert again.created["assessments"] == 0
    assert Assessment.objects.count() == 16
