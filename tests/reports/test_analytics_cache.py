"""Officials' analytics through the cache: keyed by jurisdiction, filters, framework and language, and
recomputed as soon as the data it reads changes (framework results, assessments, enterprises)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessment.models import Assessment
from assessment.selectors.review import SubmissionFilters, submissions
from assessment.services.results import framework_results_replace
from assessment.services.review import ACCEPT, review_decide
from reports.analytics import FIRST, build_analytics, cached_analytics
from tests.builders import make_submitted
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.usefixtures("empty_cache")


@pytest.fixture
def data(shipped_versions, enterprise, other_enterprise):
    return [
        make_submitted(shipped_versions, enterprise=enterprise),
        make_submitted(shipped_versions, enterprise=other_enterprise, changes={"dig24.q.devices_digital": 0}),
    ]


def _stats(analytics, framework):
    return next(s for s in analytics.frameworks if s.framework == framework)


def _figures(analytics):
    return (
        analytics.total,
        analytics.by_status,
        [
            (s.key, s.count, s.mean_score, [(level.code, level.count) for level in s.levels])
            for s in analytics.frameworks
        ],
        [(s.key, [(r.code, r.count, r.cells) for r in s.by_city]) for s in analytics.frameworks],
        [(s.key, [(w.code, w.mean, w.count) for w in s.weakest]) for s in analytics.frameworks],
    )


def test_it_serves_a_repeated_request_with_one_query(data, province_official, django_assert_num_queries):
    assessments = submissions(province_official, SubmissionFilters(year=2025))
    trend = submissions(province_official, SubmissionFilters())
    first = cached_analytics(assessments=assessments, trend_assessments=trend, detail=FIRST)
    with django_assert_num_queries(1):  # the data fingerprint
        again = cached_analytics(assessments=assessments, trend_assessments=trend, detail=FIRST)
    assert _figures(again) == _figures(first)
    assert _figures(first) == _figures(
        build_analytics(assessments=assessments, trend_assessments=trend, detail=FIRST)
    )
    assert first.total == 2


def test_it_keys_by_jurisdiction_and_filters(data, province_official, city_official):
    province = cached_analytics(assessments=submissions(province_official, SubmissionFilters(year=2025)))
    city = cached_analytics(assessments=submissions(city_official, SubmissionFilters(year=2025)))
    filtered = cached_analytics(
        assessments=submissions(province_official, SubmissionFilters(year=2025, city="230200"))
    )
    assert (province.total, city.total, filtered.total) == (2, 1, 1)
    assert [row.code for row in _stats(city, "sme_digital").by_city] == ["230100"]
    assert [row.code for row in _stats(filtered, "sme_digital").by_city] == ["230200"]


def test_it_recomputes_when_a_framework_result_is_replaced(data, shipped_versions, province_official):
    assessments = submissions(province_official, SubmissionFilters(year=2025))
    before = _stats(cached_analytics(assessments=assessments), "sme_digital").mean_score
    changed = make_submitted(
        shipped_versions,
        enterprise=data[0].enterprise,
        year=2024,
        changes={"dig24.q.devices_digital": 0},
    )
    # Replace the first assessment's stored results by those of other answers (as a re-submission does).
    framework_results_replace(assessment=data[0], result=changed.result, validated=False)
    after = _stats(cached_analytics(assessments=assessments), "sme_digital").mean_score
    assert after == _stats(build_analytics(assessments=assessments), "sme_digital").mean_score
    assert after != before


def test_it_recomputes_after_a_review_decision(data, province_official):
    assessments = submissions(province_official, SubmissionFilters(year=2025))
    before = cached_analytics(assessments=assessments)
    assert dict((code, n) for code, _label, n in before.by_status)["accepted"] == 0
    review_decide(assessment=data[1], reviewer=province_official, decision=ACCEPT, note="")
    after = cached_analytics(assessments=assessments)
    assert dict((code, n) for code, _label, n in after.by_status)["accepted"] == 1


def test_it_recomputes_after_a_new_submission_and_an_enterprise_move(
    data, shipped_versions, province_official
):
    assessments = submissions(province_official, SubmissionFilters(year=2025))
    assert cached_analytics(assessments=assessments).total == 2
    daqing = EnterpriseFactory(name="大庆石化配件有限公司", city_code="230600", industry_division="C34")
    make_submitted(shipped_versions, enterprise=daqing, status=Assessment.Status.ACCEPTED)
    after = cached_analytics(assessments=assessments)
    assert after.total == 3
    assert "230600" in [row.code for row in _stats(after, "sme_digital").by_city]
    daqing.city_code = "230100"
    daqing.save()
    moved = cached_analytics(assessments=assessments)
    assert "230600" not in [row.code for row in _stats(moved, "sme_digital").by_city]


def test_it_keys_by_language(data, province_official):
    assessments = submissions(province_official, SubmissionFilters(year=2025))
    zh = cached_analytics(assessments=assessments, lang="zh-hans")
    en = cached_analytics(assessments=assessments, lang="en")
    assert zh.frameworks[0].title != en.frameworks[0].title


def test_the_page_shows_current_figures_after_a_decision(client, data, province_official):
    client.force_login(province_official)
    url = reverse("officials_analytics")
    first = client.get(url, {"year": "2025"}).context["analytics"]
    assert dict((code, n) for code, _label, n in first.by_status)["accepted"] == 0
    review_decide(assessment=data[0], reviewer=province_official, decision=ACCEPT, note="")
    second = client.get(url, {"year": "2025"}).context["analytics"]
    assert dict((code, n) for code, _label, n in second.by_status)["accepted"] == 1
