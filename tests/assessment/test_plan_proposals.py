"""Answers last year's plan proposes on this year's pages: listed, confirmed through the answer service
with an audit entry, or rejected; never written without a click."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessment.exceptions import DomainError
from assessment.models import Answer, AuditEvent, PlanAction, ProposalDecision
from assessment.selectors.assessments import (
    answer_values,
    assessment_definitions,
    assessment_page,
    section_of_question,
)
from assessment.selectors.followup import last_year_done, last_year_plan, pending_proposals
from assessment.services.assessments import assessment_create
from assessment.services.followup import proposal_confirm, proposal_reject
from assessment.services.plans import plan_action_add
from tests.builders import submitted_assessment

CP_AUDIT = "act.mgmt.cp_audit"  # mgmt.cp_audit_3y → yes, cpg.q.cp_organisation → targets
GREEN_BODY = "act.mgmt.green_body"  # mgmt.green_management_body → yes


@pytest.fixture
def this_year(frameworks_loaded, factor_set, enterprise, sme_manager):
    """Last year (2024) submitted with a plan: the audit done, the green body only planned; this year's
    (2025) draft prefilled from it."""
    last = submitted_assessment(enterprise=enterprise, user=sme_manager, year=2024)
    plan_action_add(assessment=last, user=sme_manager, code=CP_AUDIT, status="done")
    plan_action_add(assessment=last, user=sme_manager, code=GREEN_BODY)
    return assessment_create(enterprise=enterprise, year=2025, user=sme_manager)


def value(assessment, code):
    return Answer.objects.get(assessment=assessment, question_code=code)


def test_the_done_action_s_answers_are_proposed_on_the_check_page_and_nothing_is_written(
    client, this_year, sme_manager
):
    client.force_login(sme_manager)
    response = client.get(reverse("assessment_review", args=[this_year.pk]))
    rows = {row["code"]: row for row in response.context["plan_proposals"]}
    assert set(rows) == {"mgmt.cp_audit_3y", "cpg.q.cp_organisation"}
    assert "根据上年改进计划建议的答案" in response.content.decode()
    assert value(this_year, "mgmt.cp_audit_3y").value is False  # still last year's answer, prefilled
    assert value(this_year, "mgmt.cp_audit_3y").prefilled


def test_the_fill_page_shows_the_proposal_at_its_question(client, this_year, sme_manager):
    client.force_login(sme_manager)
    review = client.get(reverse("assessment_review", args=[this_year.pk]))
    url = next(row["url"] for row in review.context["plan_proposals"] if row["code"] == "mgmt.cp_audit_3y")
    response = client.get(url.split("#")[0])
    content = response.content.decode()
    assert 'data-plan-proposal-at="mgmt.cp_audit_3y"' in content
    assert 'id="plan-proposal-mgmt.cp_audit_3y"' in content


def test_confirming_writes_the_answer_through_the_answer_service_with_an_audit_entry(
    client, this_year, sme_contributor
):
    client.force_login(sme_contributor)
    response = client.post(
        reverse("assessment_proposal_decide", args=[this_year.pk]), {"confirm": "mgmt.cp_audit_3y"}
    )
    assert response.status_code == 302
    answer = value(this_year, "mgmt.cp_audit_3y")
    assert answer.value is True and not answer.prefilled and answer.updated_by == sme_contributor
    event = AuditEvent.objects.get(action="plan.proposal_confirm", assessment=this_year)
    assert event.actor == sme_contributor
    assert event.detail == {
        "question": "mgmt.cp_audit_3y",
        "value": True,
        "previous": False,
        "actions": [CP_AUDIT],
    }
    assert ProposalDecision.objects.get(assessment=this_year).decision == "confirmed"
    review = client.get(reverse("assessment_review", args=[this_year.pk]))
    assert [row["code"] for row in review.context["plan_proposals"]] == ["cpg.q.cp_organisation"]


def test_rejecting_keeps_the_answer_and_stops_proposing_it(client, this_year, sme_manager):
    client.force_login(sme_manager)
    client.post(reverse("assessment_proposal_decide", args=[this_year.pk]), {"reject": "mgmt.cp_audit_3y"})
    answer = value(this_year, "mgmt.cp_audit_3y")
    assert answer.value is False and answer.prefilled
    event = AuditEvent.objects.get(action="plan.proposal_reject", assessment=this_year)
    assert event.actor == sme_manager and event.detail["question"] == "mgmt.cp_audit_3y"
    review = client.get(reverse("assessment_review", args=[this_year.pk]))
    assert "mgmt.cp_audit_3y" not in [row["code"] for row in review.context["plan_proposals"]]
    with pytest.raises(DomainError):
        proposal_confirm(assessment=this_year, user=sme_manager, code="mgmt.cp_audit_3y")


def test_the_fill_page_stops_proposing_a_rejected_value(client, this_year, sme_manager):
    """The fill page reads the decisions only when its assessment's facts say there is a rejection."""
    client.force_login(sme_manager)
    page = assessment_page(this_year)
    section = section_of_question(page.sections, "mgmt.cp_audit_3y")
    url = reverse("assessment_fill", args=[this_year.pk, section.key])
    before = client.get(url).context["plan_proposals"]
    assert "mgmt.cp_audit_3y" in [row["code"] for row in before]
    client.post(reverse("assessment_proposal_decide", args=[this_year.pk]), {"reject": "mgmt.cp_audit_3y"})
    after = client.get(url).context["plan_proposals"]
    assert [row["code"] for row in after] == [
        row["code"] for row in before if row["code"] != "mgmt.cp_audit_3y"
    ]


def test_a_question_without_a_proposal_is_refused_with_a_message(client, this_year, sme_manager):
    client.force_login(sme_manager)
    response = client.post(
        reverse("assessment_proposal_decide", args=[this_year.pk]),
        {"confirm": "mgmt.green_management_body"},  # only planned last year: no proposal
        follow=True,
    )
    assert "这条建议已不再适用" in response.content.decode()
    assert not AuditEvent.objects.filter(action__startswith="plan.proposal").exists()


def test_a_submitted_assessment_has_no_proposals(this_year, sme_manager):
    from assessment.models import Assessment

    Assessment.objects.filter(pk=this_year.pk).update(status=Assessment.Status.SUBMITTED)
    this_year.refresh_from_db()
    with pytest.raises(DomainError):
        proposal_reject(assessment=this_year, user=sme_manager, code="mgmt.cp_audit_3y")


def test_others_cannot_decide(client, this_year, other_manager, city_official):
    url = reverse("assessment_proposal_decide", args=[this_year.pk])
    client.force_login(other_manager)
    assert client.post(url, {"confirm": "mgmt.cp_audit_3y"}).status_code == 404
    client.force_login(city_official)
    assert client.post(url, {"confirm": "mgmt.cp_audit_3y"}).status_code == 404  # a draft: not theirs to see
    assert value(this_year, "mgmt.cp_audit_3y").value is False


def test_the_fill_page_stays_within_its_query_budget_with_a_plan(
    client, this_year, sme_manager, django_assert_max_num_queries
):
    client.force_login(sme_manager)
    review = client.get(reverse("assessment_review", args=[this_year.pk]))
    url = review.context["plan_proposals"][0]["url"].split("#")[0]
    client.get(url)
    with django_assert_max_num_queries(15):
        assert client.get(url).status_code == 200


def test_proposals_read_only_the_answers_the_done_actions_touch(this_year):
    definitions = assessment_definitions(this_year)
    answers = answer_values(Answer.objects.filter(assessment=this_year))
    last = last_year_done(this_year)
    assert last is not None and set(last.answers) == {"mgmt.cp_audit_3y", "cpg.q.cp_organisation"}
    every_answer = last_year_plan(this_year)
    assert every_answer is not None and len(every_answer.answers) > len(last.answers)
    found = pending_proposals(this_year, definitions=definitions, answers=answers)
    assert found and found == pending_proposals(
        this_year, definitions=definitions, answers=answers, last=every_answer
    )


def test_without_a_done_action_last_year_s_answers_are_not_read(this_year, django_assert_num_queries):
    PlanAction.objects.filter(action_code=CP_AUDIT).update(status="in_progress")
    definitions = assessment_definitions(this_year)
    with django_assert_num_queries(1):  # last year's plan only
        assert pending_proposals(this_year, definitions=definitions, answers={}) == []
    assert last_year_done(this_year) is None and last_year_plan(this_year) is not None


def test_after_confirming_the_results_page_shows_planned_against_achieved(client, this_year, sme_manager):
    client.force_login(sme_manager)
    url = reverse("assessment_proposal_decide", args=[this_year.pk])
    for code in ("mgmt.cp_audit_3y", "cpg.q.cp_organisation"):
        client.post(url, {"confirm": code})
    response = client.get(reverse("assessment_results", args=[this_year.pk]))
    follow = response.context["follow"]
    assert follow.last_year == 2024
    audit, body = follow.actions
    assert audit.done and all(v.reached for v in audit.values) and audit.verdict == "已达到计划值"
    assert audit.scores and all(s.achieved == s.planned for s in audit.scores)
    assert not body.done and not any(v.reached for v in body.values)  # planned only, not carried out
    for framework in follow.frameworks:
        assert framework.last <= framework.achieved <= framework.planned
    assert "计划与实际" in response.content.decode()


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_the_pdf_shows_planned_against_achieved(this_year, sme_manager, lang):
    from pypdf import PdfReader

    from assessment.models import Assessment
    from reports.data import build_report_data
    from reports.pdf import render_pdf

    proposal_confirm(assessment=this_year, user=sme_manager, code="mgmt.cp_audit_3y")
    Assessment.objects.filter(pk=this_year.pk).update(status=Assessment.Status.SUBMITTED)
    data = build_report_data(this_year.pk, lang=lang)
    assert data.follow_through is not None and data.follow_through.last_year == 2024
    import io

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(render_pdf(data))).pages)
    flat = "".join(text.split())
    if lang == "en":
        assert "plannedagainstachieved" in flat
    else:
        assert "计划与实际" in flat
