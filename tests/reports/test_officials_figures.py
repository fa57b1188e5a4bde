"""What officials read (issue 17, item 5): validated scores counted where they exist, returned submissions
left out unless asked for, the score distribution, framework labels, the regional PDF's column names,
the audit trail in words and distinct chart labels."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from assessment.models import Assessment, AuditEvent, FrameworkResult
from assessment.selectors.review import SubmissionFilters, submissions
from assessment.services.review import (
    DECISIONS,
    RETURN,
    review_comment_add,
    review_decide,
    review_validate_answer,
)
from assessment.views.sme_context import radar_chart
from questionnaires.definition import short_titles
from reports.analytics import BANDS, build_analytics, official_analytics
from reports.regional import render_regional_pdf
from reports.regional_data import build_regional_data
from tests.builders import make_submitted
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.usefixtures("empty_cache")

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def data(shipped_versions, enterprise, other_enterprise):
    daqing = EnterpriseFactory(name="大庆石化配件有限公司", city_code="230600", industry_division="C34")
    return {
        "harbin": make_submitted(shipped_versions, enterprise=enterprise),
        "qiqihar": make_submitted(
            shipped_versions, enterprise=other_enterprise, changes={"dig24.q.devices_digital": 0}
        ),
        "daqing": make_submitted(
            shipped_versions,
            enterprise=daqing,
            status=Assessment.Status.RETURNED,
            changes={"dig24.q.devices_digital": 120},
        ),
    }


def _stats(analytics, framework):
    return next(s for s in analytics.frameworks if s.framework == framework)


def _scores(assessments, framework, **lookups):
    return [
        r.score
        for r in FrameworkResult.objects.filter(assessment__in=assessments, framework=framework, **lookups)
    ]


def test_a_validated_score_replaces_the_self_assessed_one_in_every_figure(
    data, city_official, province_official
):
    harbin = data["harbin"]
    self_assessed = harbin.framework_results.get(framework="sme_digital").score
    review_validate_answer(
        assessment=harbin, reviewer=city_official, code="dig24.q.devices_digital", value=0, reason="无台账"
    )
    validated = harbin.framework_results.get(framework="sme_digital", validated=True)
    assert validated.score < self_assessed
    assert validated.in_analytics
    assert not harbin.framework_results.get(framework="sme_digital", validated=False).in_analytics
    # Each framework counts once per assessment.
    assert FrameworkResult.objects.filter(assessment=harbin, in_analytics=True).count() == 3

    expected = round(
        (validated.score + data["qiqihar"].framework_results.get(framework="sme_digital").score) / 2, 2
    )
    filters = SubmissionFilters(year=2025)
    aggregated = official_analytics(user=province_official, filters=filters)  # from the aggregates
    live = build_analytics(assessments=submissions(province_official, filters.for_analytics()))
    for analytics in (aggregated, live):
        digital = _stats(analytics, "sme_digital")
        assert digital.count == 2 and digital.mean_score == expected
    # A level filter (live rows) and the queue's level filter read the validated level too.
    level = validated.level or "none"
    matching = submissions(province_official, SubmissionFilters(framework="sme_digital", level=level))
    assert harbin in matching


def test_returned_submissions_are_left_out_unless_asked_for(client, data, province_official, city_official):
    filters = SubmissionFilters(year=2025)
    assert official_analytics(user=province_official, filters=filters).total == 2
    with_returned = official_analytics(
        user=province_official, filters=SubmissionFilters(year=2025, include_returned=True)
    )
    assert with_returned.total == 3
    assert dict((c, n) for c, _l, n in with_returned.by_status)["returned"] == 1
    only_returned = official_analytics(
        user=province_official, filters=SubmissionFilters(year=2025, status="returned")
    )
    assert only_returned.total == 1
    # A decision to return takes the assessment out of the figures at once.
    review_decide(assessment=data["harbin"], reviewer=city_official, decision=RETURN, note="请补充台账")
    assert official_analytics(user=province_official, filters=filters).total == 1
    # The page: unticked by default, the box brings them in and the links keep it.
    client.force_login(province_official)
    page = client.get(reverse("officials_analytics"), {"year": "2025"})
    html = page.content.decode()
    assert page.context["analytics"].total == 1
    assert 'name="returned"' in html and 'id="f-returned"' in html
    ticked = client.get(reverse("officials_analytics"), {"year": "2025", "returned": "1"})
    assert ticked.context["analytics"].total == 3
    assert "returned=1" in ticked.context["filter_query"]
    # The queue lists returned submissions whatever the box says.
    queue = client.get(reverse("review_queue"), {"year": "2025"})
    assert queue.context["queue"].total == 3


def test_the_score_distribution_counts_results_in_ten_point_bands(client, data, province_official):
    analytics = official_analytics(user=province_official, filters=SubmissionFilters(include_returned=True))
    live = build_analytics(assessments=submissions(province_official, SubmissionFilters()))
    for framework in ("green_factory", "sme_digital", "clean_production_generic"):
        stats, same = _stats(analytics, framework), _stats(live, framework)
        assert [b.low for b in stats.bands] == list(BANDS)
        assert stats.bands == same.bands
        scores = _scores(Assessment.objects.all(), framework, in_analytics=True)
        assert sum(b.count for b in stats.bands) == stats.count == len(scores)
        for band in stats.bands:
            assert band.count == sum(1 for s in scores if min(int(s // 10) * 10, 90) == band.low)
    assert [b.label for b in analytics.frameworks[0].bands][::9] == ["0–9", "90–100"]
    client.force_login(province_official)
    html = client.get(reverse("officials_analytics"), {"year": "2025"}).content.decode()
    assert html.count('class="chart chart-bands"') == 3
    assert "得分分布（每10分一档）" in html


def test_a_framework_without_any_level_reached_shows_only_its_distribution(client, data, province_official):
    # No green-factory result reaches a level (as when tier labels are not given).
    FrameworkResult.objects.filter(framework="green_factory").update(level="")
    from assessment.services.analytics import analytics_rebuild

    analytics_rebuild()
    analytics = official_analytics(user=province_official, filters=SubmissionFilters(year=2025))
    assert not _stats(analytics, "green_factory").has_levels
    client.force_login(province_official)
    html = client.get(
        reverse("officials_analytics"), {"year": "2025", "framework": "green_factory"}
    ).content.decode()
    section = next(part for part in html.split("<section")[1:] if "GB/T 36132-2025" in part.split("</h2>")[0])
    section = section.split("</section>")[0]
    assert "chart-bands" in section and "chart-levels" not in section
    assert "没有评估结果达到该框架的等级" in section
    pdf = render_regional_pdf(build_regional_data(user=province_official, city_code="", year=2025))
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    assert "没有评估结果达到该框架的等级" in text and "得分分布（每10分一档）" in text


def test_the_framework_filter_is_labelled_by_the_current_version(client, data, province_official):
    client.force_login(province_official)
    choices = dict(client.get(reverse("review_queue")).context["framework_choices"])
    assert choices["green_factory"] == "绿色工厂评价（GB/T 36132-2025）"
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    choices = dict(client.get(reverse("officials_analytics")).context["framework_choices"])
    assert choices["green_factory"] == "Green factory evaluation (GB/T 36132-2025)"
    assert not any("legacy" in label for label in choices.values())


def test_the_regional_pdf_calls_mean_indicator_rates_by_their_name(data, province_official):
    for lang, header in (("zh-hans", "指标维度平均得分率"), ("en", "IndicatorDimensionMeanscorerate")):
        pdf = render_regional_pdf(
            build_regional_data(user=province_official, city_code="", year=2025, lang=lang)
        )
        text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
        assert header in text
        assert "指标维度占比" not in text and "IndicatorDimensionShare" not in text


def test_the_audit_trail_is_in_words_in_both_languages(client, data, city_official):
    harbin = data["harbin"]
    review_comment_add(
        assessment=harbin,
        reviewer=city_official,
        question_code="dig24.q.devices_digital",
        text="请附设备台账",
    )
    review_decide(assessment=harbin, reviewer=city_official, decision=RETURN, note="请补充台账")
    client.force_login(city_official)
    html = client.get(reverse("review_detail", args=[harbin.pk])).content.decode()
    trail = html.split("审计记录")[1]
    assert "决定：退回修改" in trail and "添加了审核意见" in trail
    assert "review.return" not in html and "review.comment" not in html
    assert "数字化生产设备" in trail  # the question by its text
    assert "dig24.q.devices_digital" not in trail
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("review_detail", args=[harbin.pk])).content.decode()
    assert "Decision: returned for revision" in html and "Review comment added" in html
    assert "review.return" not in html


def test_every_audited_action_has_words():
    """Every action code written anywhere in the code has a label (people never read a code)."""
    codes = set()
    for path in [*ROOT.glob("assessment/**/*.py"), *ROOT.glob("reports/**/*.py")]:
        codes |= set(re.findall(r'action="([a-z_]+\.[a-z_]+)"', path.read_text(encoding="utf-8")))
    codes |= {f"review.{decision}" for decision in DECISIONS}
    assert codes, "no action found: the pattern no longer matches the code"
    assert codes <= set(AuditEvent.ACTION_LABELS), codes - set(AuditEvent.ACTION_LABELS)
    with translation.override("en"):
        labels = [str(label) for label in AuditEvent.ACTION_LABELS.values()]
    assert all(label.isascii() for label in labels), labels
    assert len(set(labels)) == len(labels)


def test_chart_labels_stay_distinct_when_shortened():
    english = ["Digital foundation", "Digital management", "Digital outcomes"]
    assert short_titles(english, 9) == ["Foundati…", "Manageme…", "Outcomes"]
    assert short_titles(english, 14) == ["Foundation", "Management", "Outcomes"]
    assert short_titles(english, 30) == english  # nothing to shorten
    assert short_titles(["数字化基础", "数字化管理", "数字化成效"], 9) == [
        "数字化基础",
        "数字化管理",
        "数字化成效",
    ]
    other = ["Energy and resources", "Energy and carbon", "Products"]
    labels = short_titles(other, 12)
    assert len(set(labels)) == 3 and all(len(label) <= 12 for label in labels)
    dims = [
        {"title": {"zh": t, "en": e}, "percent": p}
        for t, e, p in (
            ("数字化基础", english[0], 49),
            ("数字化管理", english[1], 49),
            ("数字化成效", english[2], 49),
        )
    ]
    with translation.override("en"):
        chart = radar_chart(dims)
    assert [label["short"] for label in chart["labels"]] == ["Foundation", "Management", "Outcomes"]
    assert [label["text"] for label in chart["labels"]] == english
