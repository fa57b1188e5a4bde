"""Officials' analytics (aggregated in the database), the analytics page and the regional summary PDF."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from assessment.models import Assessment, FrameworkResult
from assessment.selectors.review import SubmissionFilters, submissions
from reports.analytics import build_analytics
from reports.regional import render_regional_pdf
from reports.regional_data import build_regional_data
from tests.builders import make_submitted
from tests.factories import EnterpriseFactory


@pytest.fixture
def data(shipped_versions, enterprise, other_enterprise):
    daqing = EnterpriseFactory(name="大庆石化配件有限公司", city_code="230600", industry_division="C34")
    return [
        make_submitted(shipped_versions, enterprise=enterprise),
        make_submitted(shipped_versions, enterprise=other_enterprise, changes={"dig24.q.devices_digital": 0}),
        make_submitted(
            shipped_versions,
            enterprise=daqing,
            status=Assessment.Status.ACCEPTED,
            changes={"mgmt.lawful_compliant": False},
        ),
        make_submitted(
            shipped_versions, enterprise=enterprise, year=2024, changes={"dig24.q.devices_digital": 120}
        ),
    ]


def _mean(values):
    return round(sum(values) / len(values), 1)


def test_it_counts_levels_veto_failures_and_averages_in_the_database(
    data, province_official, django_assert_max_num_queries
):
    assessments = submissions(province_official, SubmissionFilters(year=2025))
    build_analytics(assessments=assessments)  # definitions are read once per process
    # Status counts, levels, three unnested JSON aggregates, trends (2): whatever the number of rows.
    with django_assert_max_num_queries(7):
        analytics = build_analytics(
            assessments=assessments, trend_assessments=submissions(province_official, SubmissionFilters())
        )
    assert analytics.total == 3
    assert dict((code, count) for code, _label, count in analytics.by_status) == {
        "submitted": 2,
        "returned": 0,
        "accepted": 1,
    }
    stats = {s.framework: s for s in analytics.frameworks}
    rows = FrameworkResult.objects.filter(validated=False, assessment__year=2025)
    digital = rows.filter(framework="sme_digital")
    levels = {level.code: level.count for level in stats["sme_digital"].levels}
    for code in {r.level for r in digital}:
        assert levels[code] == digital.filter(level=code).count()
    assert sum(level.count for level in stats["sme_digital"].levels) == 3
    assert stats["sme_digital"].mean_score == round(sum(r.score for r in digital) / 3, 2)
    green = rows.filter(framework="green_factory")
    assert stats["green_factory"].veto_failed == green.filter(veto_failed=True).count()
    assert stats["green_factory"].veto_share == round(100 * green.filter(veto_failed=True).count() / 3, 1)


def test_the_heatmaps_average_dimension_percents_by_city_and_industry(data, province_official):
    analytics = build_analytics(assessments=submissions(province_official, SubmissionFilters(year=2025)))
    digital = next(s for s in analytics.frameworks if s.framework == "sme_digital")
    codes = [code for code, _title in digital.dimensions]
    by_city = {row.code: row for row in digital.by_city}
    assert set(by_city) == {"230100", "230200", "230600"}
    harbin = FrameworkResult.objects.get(framework="sme_digital", validated=False, assessment=data[0])
    assert by_city["230100"].cells == [round(harbin.dimension_scores[c]["percent"], 1) for c in codes]
    by_industry = {row.code: row for row in digital.by_industry}
    c34 = FrameworkResult.objects.filter(
        framework="sme_digital", validated=False, assessment__in=[data[1], data[2]]
    )
    assert by_industry["C34"].count == 2
    assert by_industry["C34"].cells == [_mean([r.dimension_scores[c]["percent"] for r in c34]) for c in codes]


def test_the_weakest_indicators_are_the_lowest_mean_shares_province_wide_and_per_city(
    data, province_official
):
    analytics = build_analytics(assessments=submissions(province_official, SubmissionFilters(year=2025)))
    digital = next(s for s in analytics.frameworks if s.framework == "sme_digital")
    rows = FrameworkResult.objects.filter(framework="sme_digital", validated=False, assessment__year=2025)
    means: dict[str, list[float]] = {}
    for row in rows:
        for code, value in row.indicator_scores.items():
            means.setdefault(code, []).append(value)
    expected = sorted((round(sum(v) / len(v), 1), code) for code, v in means.items())[: len(digital.weakest)]
    assert [(item.mean, item.code) for item in digital.weakest] == expected
    assert [w.mean for w in digital.weakest] == sorted(w.mean for w in digital.weakest)
    assert {city for city, _items in digital.weakest_by_city} == {"哈尔滨市", "齐齐哈尔市", "大庆市"}


def test_trends_cover_every_year_under_the_other_filters(data, province_official):
    analytics = build_analytics(
        assessments=submissions(province_official, SubmissionFilters(year=2025)),
        trend_assessments=submissions(province_official, SubmissionFilters()),
    )
    assert analytics.years == [2024, 2025]
    assert [(p.year, p.count) for p in analytics.trend_counts] == [(2024, 1), (2025, 3)]
    digital = {p.year: p for p in analytics.trends["sme_digital@2024"]}
    assert (
        digital[2024].mean_score
        == data[3].framework_results.get(framework="sme_digital", validated=False).score
    )


def test_a_city_official_analyses_only_that_city(client, data, city_official):
    client.force_login(city_official)
    response = client.get(reverse("officials_analytics"), {"city": "230200", "year": ""})
    assert response.status_code == 200
    analytics = response.context["analytics"]
    assert analytics.total == 2  # Harbin's 2025 and 2024
    detailed = [stats for stats in analytics.frameworks if stats.framework == analytics.detail]
    assert len(detailed) == 1
    assert [row.code for row in detailed[0].by_city] == ["230100"]
    html = response.content.decode()
    assert "<svg" in html and "<script" not in html.split("</footer>")[0]


def test_the_analytics_page_applies_the_queue_filters(client, data, province_official):
    client.force_login(province_official)
    response = client.get(reverse("officials_analytics"), {"year": "2025", "industry": "C34"})
    assert response.context["analytics"].total == 2
    response = client.get(reverse("officials_analytics"), {"q": "大庆"})
    assert response.context["analytics"].total == 1


def test_the_regional_pdf_is_a_valid_document_with_the_region_and_its_figures(
    data, province_official, city_official, client
):
    region = build_regional_data(user=province_official, city_code="", year=2025)
    pdf = render_regional_pdf(region)
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "黑龙江省" in text and "区域绿色化" in text and "2025" in text
    assert "齐齐哈尔市" in text  # the by-city heatmap
    assert "第 2 页，共" in text
    english = render_regional_pdf(
        build_regional_data(user=province_official, city_code="", year=2025, lang="en")
    )
    assert "Regional Green" in "".join(p.extract_text() for p in PdfReader(io.BytesIO(english)).pages)
    client.force_login(city_official)
    response = client.get(reverse("officials_regional_pdf"), {"city": "230200", "year": "2025"})
    assert response.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "哈尔滨市" in text and "齐齐哈尔市" not in text


def test_the_page_opens_on_the_latest_year_with_one_frameworks_details(client, data, province_official):
    client.force_login(province_official)
    analytics = client.get(reverse("officials_analytics")).context["analytics"]
    assert analytics.total == 3 and analytics.years == [2024, 2025]  # 2025 only; trends still span years
    assert analytics.detail == "clean_production_generic"
    assert [bool(s.by_city) for s in analytics.frameworks] == [True, False, False]
    chosen = client.get(reverse("officials_analytics"), {"framework": "sme_digital"}).context["analytics"]
    assert chosen.detail == "sme_digital"
    assert [s.framework for s in chosen.frameworks if s.weakest] == ["sme_digital"]


def test_details_for_one_framework_equal_those_computed_for_all(data, province_official):
    everything = build_analytics(assessments=submissions(province_official, SubmissionFilters(year=2025)))
    one = build_analytics(
        assessments=submissions(province_official, SubmissionFilters(year=2025)), detail="sme_digital"
    )
    full = next(s for s in everything.frameworks if s.framework == "sme_digital")
    narrow = next(s for s in one.frameworks if s.framework == "sme_digital")
    assert (narrow.by_city, narrow.by_industry, narrow.weakest) == (
        full.by_city,
        full.by_industry,
        full.weakest,
    )
