"""An unanswered indicator (an SME digital change 增加/持平/降低 of a returned assessment without the figures
that propose it) is left out of the officials' analytics and shown as 未答 in the export, not counted as 0 %;
migration 0019 rewrites the rows stored before."""

from __future__ import annotations

import importlib
import io
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from assessment.models import Assessment, FrameworkResult, ScoreAggregate
from assessment.selectors.review import SubmissionFilters, submissions
from reports.analytics import aggregated_analytics, build_analytics
from tests.builders import make_submitted

QUALITY = "dig24.outcomes.quality"  # 产品质量, scored by dig24.q.pass_rate_trend (增加 7 / 持平 3.5 / 降低 0)
NO_FIGURES = {
    "dig24.q.pass_rate_before": None,
    "dig24.q.pass_rate_after": None,
    "dig24.q.pass_rate_trend": None,
}
MIGRATION = importlib.import_module("assessment.migrations.0019_indicator_scores_unanswered")


@pytest.fixture
def cohort(shipped_versions, enterprise, other_enterprise):
    answered = make_submitted(shipped_versions, enterprise=enterprise)  # 哈尔滨市
    unanswered = make_submitted(  # 齐齐哈尔市
        shipped_versions, enterprise=other_enterprise, status=Assessment.Status.RETURNED, changes=NO_FIGURES
    )
    return answered, unanswered


def quality(assessment: Assessment) -> float | None:
    row = FrameworkResult.objects.get(assessment=assessment, framework="sme_digital", validated=False)
    return row.indicator_scores[QUALITY]


def digital(analytics):
    return next(stats for stats in analytics.frameworks if stats.framework == "sme_digital")


def test_the_stored_result_keeps_an_unanswered_indicator_as_unanswered(cohort):
    answered, unanswered = cohort
    assert unanswered.result and any(
        item["code"] == QUALITY and item["status"] == "missing"
        for framework in unanswered.result["frameworks"]
        for item in framework["indicators"]
    )
    assert quality(answered) == 100.0 and quality(unanswered) is None


def assert_left_out(analytics, answered_percent: float) -> None:
    stats = digital(analytics)
    weakest = {item.code: item for item in stats.weakest}
    if QUALITY in weakest:  # the province's mean: the answered assessment's alone, not (100 + 0) / 2
        assert (weakest[QUALITY].mean, weakest[QUALITY].count) == (answered_percent, 1)
    qiqihar = next(items for city, items in stats.weakest_by_city if city == "齐齐哈尔市")
    assert QUALITY not in {item.code for item in qiqihar}  # before: its weakest, at 0.0 %
    assert {item.code for item in qiqihar}  # the city's answered indicators are still there


def test_the_live_analytics_leave_an_unanswered_indicator_out(cohort, province_official):
    filters = SubmissionFilters(year=2025, include_returned=True).for_analytics()
    analytics = build_analytics(assessments=submissions(province_official, filters), lang="zh-hans")
    assert analytics.total == 2
    assert_left_out(analytics, quality(cohort[0]))


def test_the_pre_aggregated_analytics_leave_it_out_too(cohort):
    analytics = aggregated_analytics(scope={"year": 2025}, trend_scope={}, lang="zh-hans")
    assert_left_out(analytics, quality(cohort[0]))


def test_the_excel_export_says_unanswered_instead_of_0(client, cohort, province_official):
    answered, unanswered = cohort
    client.force_login(province_official)
    response = client.get(reverse("officials_export", args=["xlsx"]), {"year": 2025})
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    sheet = next(workbook[name] for name in workbook.sheetnames if name.startswith("sme_digital"))
    rows = list(sheet.iter_rows(values_only=True))
    column = rows[1].index("产品质量（%）")
    cells = {row[0]: row[column] for row in rows[2:]}
    assert cells == {answered.enterprise.name: 100.0, unanswered.enterprise.name: "未答"}


def test_migration_0019_rewrites_the_rows_stored_as_0_and_the_aggregates(cohort, province_official):
    answered, unanswered = cohort
    before = sorted(
        ScoreAggregate.objects.filter(kind="indicator", code=QUALITY).values_list("count", "counted")
    )
    assert before == [(1, 0), (1, 1)]  # the returned one's group: one result, none counted
    schema_editor = SimpleNamespace(connection=connection)
    MIGRATION.unanswered_as_zero(apps, schema_editor)  # as stored before: 0 %, counted
    assert quality(unanswered) == 0.0
    assert sorted(
        ScoreAggregate.objects.filter(kind="indicator", code=QUALITY).values_list("count", "counted")
    ) == [(1, 1), (1, 1)]
    MIGRATION.unanswered_as_null(apps, schema_editor)
    assert quality(unanswered) is None and quality(answered) == 100.0
    after = sorted(
        ScoreAggregate.objects.filter(kind="indicator", code=QUALITY).values_list("count", "counted")
    )
    assert after == before
