"""The plan followed through, in real Chromium: last year's plan (three actions, two done) proposes answers
on the next year's assessment, the manager confirms and rejects them, the results page then shows planned
against achieved; a province official sees the plans in the analytics and in the Excel export."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from assessment.models import Answer, AuditEvent
from assessment.services.plans import plan_action_add
from tests.builders import submitted_assessment
from tests.e2e.test_journey import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CP_AUDIT = "act.mgmt.cp_audit"  # mgmt.cp_audit_3y → yes, cpg.q.cp_organisation → targets
EMERGENCY = "act.mgmt.emergency_plan"  # mgmt.environmental_emergency_plan → yes
MOTORS = "act.energy.efficient_motors"  # energy per output −5 % (computed: never proposed)


@pytest.fixture
def last_year(frameworks_loaded, factor_set, enterprise, sme_manager):
    last = submitted_assessment(enterprise=enterprise, user=sme_manager, year=2024)
    plan_action_add(
        assessment=last, user=sme_manager, code=CP_AUDIT, status="done", owner="王经理", quarter="2024Q3"
    )
    plan_action_add(assessment=last, user=sme_manager, code=EMERGENCY, status="done", owner="李工")
    plan_action_add(assessment=last, user=sme_manager, code=MOTORS, status="planned", quarter="2025Q2")
    return last


def test_the_next_year_starts_from_the_plan_and_shows_planned_against_achieved(
    live_server, last_year, enterprise, sme_manager, new_context, console_errors
):
    base = live_server.url
    page = new_context().new_page()
    login(page, base, "sme_manager")
    page.select_option("#id_year", "2025")
    page.click("text=开始评估")
    page.wait_for_url("**/fill/**")
    draft = enterprise.assessments.get(year=2025)

    # The check page lists what the done actions propose; nothing is written yet.
    page.goto(f"{base}/assessments/{draft.pk}/review/")
    proposals = page.locator("[data-plan-proposals]")
    assert "根据上年改进计划建议的答案" in proposals.inner_text()
    listed = page.locator("[data-plan-proposal]")
    codes = {listed.nth(i).get_attribute("data-plan-proposal") for i in range(listed.count())}
    assert codes == {"mgmt.cp_audit_3y", "cpg.q.cp_organisation", "mgmt.environmental_emergency_plan"}
    assert Answer.objects.get(assessment=draft, question_code="mgmt.cp_audit_3y").value is False

    # Confirm one at its question on the fill page, one from the list; reject the third.
    page.locator("[data-plan-proposal='mgmt.cp_audit_3y'] a").click()
    page.wait_for_url("**/fill/**")
    at_question = page.locator("[data-plan-proposal-at='mgmt.cp_audit_3y']")
    at_question.get_by_role("button", name="确认建议").click()
    page.wait_for_load_state("networkidle")
    assert "已按上年改进计划更新答案" in page.inner_text("body")
    page.goto(f"{base}/assessments/{draft.pk}/review/")
    page.locator("[data-plan-proposal='cpg.q.cp_organisation']").get_by_role(
        "button", name="确认建议"
    ).click()
    page.wait_for_load_state("networkidle")
    page.locator("[data-plan-proposal='mgmt.environmental_emergency_plan']").get_by_role(
        "button", name="拒绝建议"
    ).click()
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-plan-proposals]").count() == 0
    assert Answer.objects.get(assessment=draft, question_code="mgmt.cp_audit_3y").value is True
    assert Answer.objects.get(assessment=draft, question_code="cpg.q.cp_organisation").value == "targets"
    assert (
        Answer.objects.get(assessment=draft, question_code="mgmt.environmental_emergency_plan").value is False
    )
    assert AuditEvent.objects.filter(action="plan.proposal_confirm", assessment=draft).count() == 2
    assert AuditEvent.objects.filter(action="plan.proposal_reject", assessment=draft).count() == 1

    # The results preview: planned against achieved for each action of last year's plan.
    page.goto(f"{base}/assessments/{draft.pk}/results/")
    section = page.locator("[data-follow-through]")
    text = section.inner_text()
    assert "2024 年度改进计划：计划与实际" in text
    actions = section.locator("[data-follow-action]")
    assert actions.count() == 3
    audit = actions.nth(0).inner_text()
    assert "已达到计划值" in audit and "王经理" in audit and "2024Q3" in audit
    assert "未达到计划值" in actions.nth(1).inner_text()  # the emergency plan: proposal rejected
    assert "计划值" in actions.nth(2).inner_text()  # energy per output: planned against this year's value
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    assert console_errors == []


def test_a_province_official_sees_the_plans_in_the_analytics_and_the_export(
    live_server, last_year, province_official, new_context, console_errors
):
    base = live_server.url
    page = new_context().new_page()
    login(page, base, "province_official")
    page.goto(f"{base}/reports/analytics/?year=2024")
    page.click("#main a[href='#plan-analytics']")
    section = page.locator("[data-plan-analytics]")
    text = section.inner_text()
    assert "1 家企业" in text and "计入措施 3 项，其中已完成 2 项" in text
    assert "哈尔滨市" in text and "清洁生产审核服务" in text
    assert float(section.locator("[data-plan-investment]").inner_text()) > 0
    with page.expect_download() as download:
        page.click("text=导出 Excel")
    workbook = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()), read_only=True)
    rows = list(workbook["改进计划"].iter_rows(values_only=True))
    assert rows[0][6] == "措施" and len(rows) == 4
    assert [row[7] for row in rows[1:]] == ["已完成", "已完成", "计划中"]
    assert {row[8] for row in rows[1:]} == {"王经理", "李工", ""} or {row[8] for row in rows[1:]} == {
        "王经理",
        "李工",
        None,
    }
    assert console_errors == []
