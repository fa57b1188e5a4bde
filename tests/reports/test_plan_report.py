"""The improvement plan in the report: when the enterprise has a plan, the action chapter starts with it
(actions, owners, quarters, status, projected levels, combined figures, the curve of the chosen actions),
followed by the other recommendations; rendering reads no database."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from assessment.projection import PlannedAction
from assessment.services.plans import plan_action_add
from reports.data import build_report_data, compose_report
from reports.pdf import render_pdf
from tests.reports.conftest import demo_subject, store_assessment

MOTORS = "act.energy.efficient_motors"
DRIVES = "act.energy.variable_speed_drives"
SORTING = "act.waste.sorting"
PLAN = [
    PlannedAction(MOTORS, "in_progress", "2026Q3", 0, owner="设备科 张工", note="先做电机能效普查"),
    PlannedAction(SORTING, "planned", "2026Q2", 1, owner="环保专员"),
    PlannedAction(DRIVES, "dropped", "", 2, owner="动力车间"),
]


def compact(value: str) -> str:
    return re.sub(r"\s+", "", value)


@pytest.fixture(scope="module")
def planned_report(demo, demo_definitions):
    return compose_report(
        subject=demo_subject(demo),
        definitions=demo_definitions,
        answers=demo["answers"],
        lang="zh-hans",
        generated=date(2026, 3, 1),
        plan=PLAN,
    )


def test_the_report_data_carries_the_plan_in_its_order(planned_report):
    plan = planned_report.plan
    assert [row.code for row in plan.rows] == [MOTORS, SORTING, DRIVES]
    assert [row.counted for row in plan.rows] == [True, True, False]  # dropped: listed, not counted
    assert (plan.rows[0].owner, plan.rows[0].quarter, plan.rows[0].status) == (
        "设备科 张工",
        "2026Q3",
        "实施中",
    )
    assert plan.counted == 2 and plan.quantified == 1
    assert plan.rows[0].investment != "—" and plan.investment == plan.rows[0].investment
    assert plan.mac and [bar["code"] for bar in plan.mac["bars"]] == [MOTORS]
    assert any(after != now for _title, now, _l1, after, _l2 in plan.frameworks)  # a projected score moves


def test_a_report_without_a_plan_has_no_plan_section(demo, demo_definitions):
    report = compose_report(subject=demo_subject(demo), definitions=demo_definitions, answers=demo["answers"])
    assert report.plan is None


def test_the_pdf_starts_the_action_chapter_with_the_plan_then_the_other_recommendations(
    db, planned_report, django_assert_num_queries
):
    with django_assert_num_queries(0):
        pdf = render_pdf(planned_report)
    text = compact("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))
    for expected in (
        "本企业的改进计划",
        "设备科张工",
        "2026Q3",
        "实施中",
        "已放弃（不计入）",
        "先做电机能效普查",
        "实施计划后的预计得分和等级",
        "合计投资（万元）",
        "计划措施的边际减排成本曲线",
        "其他建议措施",
    ):
        assert expected in text, expected
    assert text.index("本企业的改进计划") < text.index("其他建议措施")
    assert "act." not in text  # no internal codes


def test_the_english_pdf_shows_the_plan(demo, demo_definitions):
    report = compose_report(
        subject=demo_subject(demo),
        definitions=demo_definitions,
        answers=demo["answers"],
        lang="en",
        plan=PLAN,
    )
    text = compact("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(render_pdf(report))).pages))
    assert "Theenterprise'simprovementplan" in text and "Inprogress" in text


@pytest.mark.django_db
def test_a_stored_plan_reaches_the_report_data(demo, loaded_definitions, enterprise, sme_manager):
    assessment = store_assessment(demo, enterprise)
    plan_action_add(assessment=assessment, user=sme_manager, code=SORTING, owner="环保专员", quarter="2026Q2")
    data = build_report_data(assessment.pk)
    assert [(r.code, r.owner, r.quarter) for r in data.plan.rows] == [(SORTING, "环保专员", "2026Q2")]
