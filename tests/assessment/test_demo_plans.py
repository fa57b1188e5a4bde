"""seed_demo's plans: made through the plan services from the recommended actions, last year's under way
(so the next year's proposals, planned against achieved and the officials' plan analytics show
something), deterministic and idempotent, and the stored scores untouched."""

from __future__ import annotations

import pytest
from django.utils import timezone

from assessment.demo import (
    DEMO_STEPS,
    DemoContext,
    run_demo_steps,
    seed_demo_assessments,
    seed_demo_plans,
    seed_enterprises,
    seed_officials_and_admin,
)
from assessment.demo import journey as demo_journey
from assessment.demo import plans as demo_plans
from assessment.demo.plans import PLAN_ENTERPRISES, PLAN_SHARE, plan_chance
from assessment.models import Answer, Assessment, AuditEvent, FrameworkResult, Plan, PlanAction, User
from assessment.projection import quarter_of
from assessment.selectors.assessments import answer_values, assessment_definitions
from assessment.selectors.followup import follow_through, last_year_plan, pending_proposals
from assessment.selectors.plans import plan_inputs
from assessment.selectors.review import SubmissionFilters
from reports.plan_analytics import plan_analytics

SEED = 2026
FIRST_STEPS = [seed_enterprises, seed_officials_and_admin, seed_demo_assessments]


def _stored() -> list[tuple]:
    """Every stored result, framework result and answer, by (USCC, year)."""
    keys = {a.pk: (a.enterprise.uscc, a.year) for a in Assessment.objects.select_related("enterprise")}
    rows = [
        (*keys[a.pk], a.status, a.total_score, a.result, a.validated_result) for a in Assessment.objects.all()
    ]
    rows += [
        (*keys[f.assessment_id], f.framework, f.score, f.level, f.dimension_scores, f.indicator_scores)
        for f in FrameworkResult.objects.all()
    ]
    rows += [(*keys[a.assessment_id], a.question_code, a.value, a.prefilled) for a in Answer.objects.all()]
    return sorted(rows, key=repr)


def _plans() -> list[tuple]:
    return [
        (
            r.plan.assessment.enterprise.uscc,
            r.plan.assessment.year,
            r.action_code,
            r.status,
            r.quarter,
            r.owner,
            r.note,
        )
        for r in PlanAction.objects.select_related("plan__assessment__enterprise").order_by(
            "plan__assessment__enterprise__uscc", "plan__assessment__year", "position"
        )
    ]


@pytest.fixture
def seeded(frameworks_loaded, factor_set, monkeypatch):
    """Four demo enterprises (the demo SME manager's and one more through the journey, two in bulk),
    every one with plans, and what was stored before the plans were made."""
    monkeypatch.setattr(demo_journey, "DEMO_ASSESSMENT_ENTERPRISES", 2)
    monkeypatch.setattr(demo_plans, "PLAN_SHARE", 1.0)
    run_demo_steps(DemoContext(enterprises=4, seed=SEED), FIRST_STEPS)
    before = _stored()
    context = run_demo_steps(DemoContext(enterprises=4, seed=SEED), [seed_demo_plans])
    return context, before


def test_it_is_the_last_demo_step():
    assert DEMO_STEPS[-1] is seed_demo_plans


def test_a_realistic_share_of_enterprises_and_a_bounded_number_at_large_n():
    assert plan_chance(39) == PLAN_SHARE
    assert plan_chance(10_000) * 10_000 == pytest.approx(PLAN_ENTERPRISES)


def test_plans_are_made_through_the_services_from_the_recommended_actions_and_scores_stay(seeded):
    context, before = seeded
    assert _stored() == before  # plans change no answer and no stored score
    plans = list(Plan.objects.select_related("assessment__enterprise"))
    assert context.created["improvement plans"] == len(plans) >= 4
    for plan in plans:
        assert plan.assessment.status in (Assessment.Status.SUBMITTED, Assessment.Status.ACCEPTED)
        recommended = plan_inputs(plan.assessment).recommendations()
        codes = [row.action_code for row in plan.actions.order_by("position")]
        ranked = [item.action.code for item in recommended.items[:8]]
        assert codes == [code for code in ranked if code in codes]  # in the ranking's order
        adds = AuditEvent.objects.filter(assessment=plan.assessment, action="plan.action_add").count()
        assert adds == len(codes) and plan.revision >= len(codes)
    # Last year's plans are under way; the latest ones look ahead, from the current quarter on. Every
    # target quarter comes after the assessment's year.
    latest = {e: max(years) for e, years in _years().items()}
    now = quarter_of(timezone.localdate())
    for row in PlanAction.objects.select_related("plan__assessment"):
        assessment = row.plan.assessment
        assert not row.quarter or row.quarter > f"{assessment.year}Q4"
        if assessment.year == latest[assessment.enterprise_id]:
            assert row.status in ("planned", "in_progress") and (not row.quarter or row.quarter >= now)
    statuses = set(PlanAction.objects.values_list("status", flat=True))
    assert {"done", "in_progress", "planned"} <= statuses


def _years() -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for enterprise_id, year in Assessment.objects.values_list("enterprise_id", "year"):
        found.setdefault(enterprise_id, []).append(year)
    return found


def test_the_demo_managers_draft_follows_last_years_plan(seeded):
    manager = User.objects.get(username="sme_manager")
    draft = Assessment.objects.get(enterprise__memberships__user=manager, status=Assessment.Status.DRAFT)
    last = Plan.objects.get(assessment__enterprise=draft.enterprise, assessment__year=draft.year - 1)
    done = last.actions.filter(status="done")
    assert done.count() >= 2
    # Progress reported by the contributor after the manager added the action: the audit trail shows both.
    update = AuditEvent.objects.filter(assessment=last.assessment, action="plan.action_update").first()
    assert update.actor.username == "sme_contributor" and update.detail["changes"]["status"][0] == "planned"
    assert Plan.objects.filter(
        assessment__enterprise=draft.enterprise, assessment__year=draft.year - 2
    ).exists()

    proposals = pending_proposals(
        draft,
        definitions=assessment_definitions(draft),
        answers=answer_values(Answer.objects.filter(assessment=draft)),
    )
    assert proposals and all(
        set(p.actions) <= set(done.values_list("action_code", flat=True)) for p in proposals
    )
    followed = follow_through(draft)
    assert followed is not None and followed.last_year == draft.year - 1 and followed.followed.actions


def test_the_demo_drafts_proposals_are_the_same_from_every_answer_of_last_year(seeded):
    """The pages read only the answers the done actions touch (followup.last_year_done)."""
    drafts = Assessment.objects.filter(status__in=["draft", "returned"])
    found = []
    for draft in drafts:
        definitions = assessment_definitions(draft)
        answers = answer_values(Answer.objects.filter(assessment=draft))
        proposals = pending_proposals(draft, definitions=definitions, answers=answers)
        last = last_year_plan(draft)
        assert proposals == (
            pending_proposals(draft, definitions=definitions, answers=answers, last=last) if last else []
        )
        found += proposals
    assert found


def test_officials_see_the_plans_in_their_analytics(seeded):
    province = User.objects.get(username="province_official")
    analytics = plan_analytics(user=province, filters=SubmissionFilters(), lang="zh-hans")
    assert not analytics.empty and analytics.total.done and analytics.total.investment_wan > 0


def test_it_is_deterministic_and_idempotent(seeded):
    first = _plans()
    again = run_demo_steps(DemoContext(enterprises=4, seed=SEED), [seed_demo_plans])
    assert again.created["improvement plans"] == 0 and _plans() == first
    Plan.objects.all().delete()
    run_demo_steps(DemoContext(enterprises=4, seed=SEED), [seed_demo_plans])
    assert _plans() == first
    # A plan emptied since (say, by its members) is left alone.
    emptied = Plan.objects.first()
    emptied.actions.all().delete()
    run_demo_steps(DemoContext(enterprises=4, seed=SEED), [seed_demo_plans])
    assert not emptied.actions.exists()
