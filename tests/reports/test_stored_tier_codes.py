"""Green-factory 2025 results stored before the default tiers were removed keep their old tier code (三星级
…, another province's 2018-era scheme). Officials' lists, analytics and exports, and the enterprise's home,
never show such a tier nor any raw level code; a tier appears only from a configured rating scheme, always
with the scheme's name."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from assessment.models import Assessment, FrameworkResult, RatingScheme
from assessment.presentation import stored_level_text
from assessment.services.analytics import analytics_rebuild
from questionnaires.loader import resolved_definitions
from reports.exports import csv_lines
from reports.regional import render_regional_pdf
from reports.regional_data import build_regional_data
from tests.builders import make_submitted

OLD_TIER = {"code": "three_star", "label": {"zh": "三星级", "en": "Three stars"}, "provisional": True}
RAW = re.compile(r"(?<![A-Za-z_])(three_star|four_star|five_star|none|below_III|not_met)(?![A-Za-z_])")


def with_old_tier(assessment: Assessment) -> Assessment:
    """The stored state of a green-factory result scored when the default tiers still existed."""
    result = assessment.result
    for item in result["frameworks"]:
        if item["framework"] == "green_factory":
            item["level"] = OLD_TIER
    Assessment.objects.filter(pk=assessment.pk).update(result=result)
    FrameworkResult.objects.filter(assessment=assessment, framework="green_factory").update(
        level="three_star"
    )
    return assessment


@pytest.fixture
def stored(shipped_versions, enterprise):
    assessment = with_old_tier(
        make_submitted(shipped_versions, enterprise=enterprise, changes={"mgmt.lawful_compliant": True})
    )
    analytics_rebuild()
    return assessment


def scheme() -> RatingScheme:
    return RatingScheme.objects.create(
        name_zh="某省绿色工厂评价分级方案",
        name_en="A province's green factory rating scheme",
        issuer_zh="某省工业和信息化厅",
        issuer_en="A provincial department of industry",
        document="某工信发〔2026〕1号",
        year=2026,
        framework="green_factory",
        framework_version="2025",
        active=True,
        tiers=[
            {"code": "t1", "min": 1, "label": {"zh": "一档", "en": "Tier 1"}},
            {"code": "t2", "min": 90, "label": {"zh": "二档", "en": "Tier 2"}},
        ],
    )


def visible(response) -> str:
    return re.sub(r"<[^>]+>", " ", response.content.decode())


def definition(framework: str, version: str) -> dict:
    return next(
        d for d in resolved_definitions() if (d["framework"], str(d["version"])) == (framework, version)
    )


def test_a_stored_code_is_worded_never_shown():
    green = definition("green_factory", "2025")
    assert stored_level_text(green, "three_star", score=70) == "不评定等级"
    assert stored_level_text(green, None, score=70) == "不评定等级"
    configured = {"name": {"zh": "某方案"}, "tiers": [{"code": "t1", "min": 60, "label": {"zh": "一档"}}]}
    assert stored_level_text(green, "three_star", score=70, scheme=configured) == "一档（某方案）"
    assert (
        stored_level_text(green, None, score=70, veto_failed=True, scheme=configured)
        == "未达到等级（某方案）"
    )
    generic = definition("clean_production_generic", "2025")
    assert stored_level_text(generic, "II") == "对标Ⅱ级基准（参考）"
    assert stored_level_text(generic, "below_III") == "未达Ⅲ级基准"
    digital = definition("sme_digital", "2024")
    assert stored_level_text(digital, "L3") == "三级"
    assert stored_level_text(digital, "none") == "未达到一级"
    assert stored_level_text(digital, "gone") == "未达到一级"  # a code the version does not give


@pytest.mark.django_db
def test_officials_pages_and_exports_show_no_old_tier_and_no_code(client, stored, province_official):
    client.force_login(province_official)
    for name in ("review_queue", "officials_analytics"):
        text = visible(client.get(reverse(name), {"year": "2025"}))
        assert "星级" not in text and "Three stars" not in text, name
        assert RAW.findall(text) == [], name
    queue = visible(client.get(reverse("review_queue"), {"year": "2025"}))
    assert "不评定等级" in queue
    exported = "".join(csv_lines(Assessment.objects.filter(pk=stored.pk)))
    assert "星级" not in exported and "three_star" not in exported and "不评定等级" in exported
    pdf = render_regional_pdf(build_regional_data(user=province_official, city_code="", year=2025))
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "星级" not in text and "three_star" not in text


@pytest.mark.django_db
def test_the_enterprise_home_words_the_stored_result_too(client, stored, sme_manager):
    client.force_login(sme_manager)
    text = visible(client.get(reverse("home")))
    assert "星级" not in text and "three_star" not in text
    assert "不评定等级" in text


@pytest.mark.django_db
def test_a_configured_scheme_names_itself_wherever_a_tier_is_shown(client, stored, province_official):
    scheme()
    client.force_login(province_official)
    # The demo fails a veto item (no tier, the scheme still named); with every veto item met, tier 1.
    queue = visible(client.get(reverse("review_queue"), {"year": "2025"}))
    assert "未达到等级（某省绿色工厂评价分级方案）" in queue
    FrameworkResult.objects.filter(assessment=stored, framework="green_factory").update(veto_failed=False)
    queue = visible(client.get(reverse("review_queue"), {"year": "2025"}))
    assert "一档（某省绿色工厂评价分级方案）" in queue
    assert "星级" not in queue
    rows = list(
        csv.reader(io.StringIO("".join(csv_lines(Assessment.objects.filter(pk=stored.pk))).lstrip("\ufeff")))
    )
    green = [cell for cell in rows[1] if "某省绿色工厂评价分级方案" in cell]
    assert green == ["一档（某省绿色工厂评价分级方案）"]
    # Analytics count levels from the stored codes: no tier is counted or labelled for green factory 2025.
    text = visible(client.get(reverse("officials_analytics"), {"year": "2025"}))
    assert "星级" not in text and "一档（" not in text
