"""seed_demo's journey step: assessments made through the services, reviewed, and the manager's draft."""

from __future__ import annotations

from assessment.demo import (
    DEMO_STEPS,
    DemoContext,
    run_demo_steps,
    seed_enterprises,
    seed_officials_and_admin,
)
from assessment.demo_journey import seed_assessments
from assessment.models import Answer, Assessment, AuditEvent, FrameworkResult
from tests.assessment.journey_fixtures import *  # noqa: F403


def test_it_is_one_of_the_demo_steps():
    assert seed_assessments in DEMO_STEPS


def test_it_seeds_three_years_through_the_services_and_a_draft_for_the_demo_manager(frameworks_loaded, factor_set):
    context = run_demo_steps(DemoContext(enterprises=5), [seed_enterprises, seed_officials_and_admin, seed_assessments])
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

    again = run_demo_steps(DemoContext(enterprises=5), [seed_enterprises, seed_officials_and_admin, seed_assessments])
    assert again.created["assessments"] == 0
    assert Assessment.objects.count() == 16
