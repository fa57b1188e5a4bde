"""Issue 14: the manager's report and the results page speak plain words — real references, honest
labels, no internals (file names, section signs, confidence tags, hashes, question codes, level codes)."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from assessment.models import RatingScheme
from assessment.presentation import level_text
from assessment.services.assessments import assessment_submit
from questionnaires.definition import iter_questions
from questionnaires.loader import resolved_definitions
from questionnaires.references import bibliography, load_references
from reports.data import compose_report
from reports.pdf import render_pdf
from tests.builders import demo_subject

HEX_HASH = re.compile(r"(?<![0-9A-Za-z])(?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{10,12}(?![0-9A-Za-z])")
FILE_NAME = re.compile(r"[\w.-]+\.(txt|md)\b")
TAG = re.compile(r"\[(A|B|C|U)(-mirror|×\d+)?\]")
RAW_LEVELS = re.compile(r"(?<![A-Za-z_])(none|below_III|not_met)(?![A-Za-z_])")
SCHEME = {
    "name": {"zh": "某省绿色工厂评价分级方案", "en": "A province's green factory rating scheme"},
    "issuer": {"zh": "某省工业和信息化厅", "en": "A provincial department of industry"},
    "document": "某工信发〔2026〕1号",
    "year": 2026,
    "tiers": [
        {"code": "t1", "min": 20, "label": {"zh": "一档", "en": "Tier 1"}},
        {"code": "t2", "min": 60, "label": {"zh": "二档", "en": "Tier 2"}},
    ],
}


def question_codes() -> set[str]:
    return {q["code"] for d in resolved_definitions() for q in iter_questions(d)}


def internals(text: str) -> list[str]:
    """Every internal that must not reach a reader."""
    found = []
    for pattern in (FILE_NAME, TAG, HEX_HASH, RAW_LEVELS):
        found += [m.group(0) for m in pattern.finditer(text)]
    if "§" in text:
        found.append("§")
    if "星级" in text:
        found.append("星级")
    flat = re.sub(r"\s+", "", text)
    found += [code for code in question_codes() if code in flat]
    return found


def pdf_text(data) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(render_pdf(data)))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


@pytest.fixture(scope="module")
def manager_report(demo, demo_definitions):
    return compose_report(subject=demo_subject(demo), definitions=demo_definitions, answers=demo["answers"])


def test_the_managers_report_is_short_ends_with_its_references_and_shows_no_internals(manager_report):
    text, pages = pdf_text(manager_report)
    assert len(manager_report.frameworks) == 3
    assert "参考文献" in text
    assert internals(text) == []
    assert "附录一" not in text  # the answer annex is an option


def test_the_managers_report_of_three_frameworks_fits_in_twelve_pages(manager_report, demo, demo_definitions):
    # Issue 14's aim, with the action economics of issue 15: one page per framework (the main gaps; every
    # indicator in the annex), the figures table and the curve (the details in the annex).
    assert manager_report.economics is not None and manager_report.economics.mac
    _text, pages = pdf_text(manager_report)
    assert pages <= 12
    english = compose_report(
        subject=demo_subject(demo), definitions=demo_definitions, answers=demo["answers"], lang="en"
    )
    _text, pages = pdf_text(english)
    assert pages <= 13  # English runs longer


def test_the_annex_holds_every_indicator_and_the_economics_details(manager_report, demo, demo_definitions):
    text, _pages = pdf_text(manager_report)
    flat = re.sub(r"\s+", "", text)
    assert "含附录的完整报告" in flat
    assert "未估算金额的措施" not in flat and "无费、低费优先" not in flat and "附录二" not in flat
    green = next(f for f in manager_report.frameworks if f.framework == "green_factory")
    shown = [i for i in green.indicators if i.status == "scored"]
    assert len(shown) > 5 + 3  # more than the main gaps and strengths the manager's report lists
    missing = [i.title for i in shown if re.sub(r"\s+", "", i.title) not in flat]
    assert missing  # some indicators are left to the annex ...
    data = compose_report(
        subject=demo_subject(demo), definitions=demo_definitions, answers=demo["answers"], annex=True
    )
    annex_text, _pages = pdf_text(data)
    annex_flat = re.sub(r"\s+", "", annex_text)
    for heading in (
        "附录二各指标得分明细",
        "附录三措施估算的假设与依据",
        "未估算金额的措施",
        "无费、低费优先",
    ):
        assert heading in annex_flat, heading
    for title in missing:  # ... and every one of them is there
        assert re.sub(r"\s+", "", title) in annex_flat, title


def test_the_references_are_exactly_the_documents_the_report_cites(manager_report):
    registry = load_references()
    cited = [d["refs"][0] for d in resolved_definitions() if d.get("kind") == "framework"]
    lines = manager_report.references
    assert len(lines) == len(set(lines))
    for ref in ("gbt36132-2025", "sme-digital-2024", "ghg-protocol-scope2", "gbt2589-2020"):
        assert bibliography([ref], registry)[0] in lines, ref
    # Nothing that is not cited: a document no framework, figure or action cites is absent.
    assert bibliography(["gb32100-2015"], registry)[0] not in lines
    assert cited  # every framework cites its document


def test_the_annex_lists_questions_by_number_and_text(demo, demo_definitions):
    data = compose_report(
        subject=demo_subject(demo), definitions=demo_definitions, answers=demo["answers"], annex=True
    )
    text, _pages = pdf_text(data)
    assert "附录一" in text and "参考文献" in text
    assert internals(text) == []


def test_a_configured_rating_scheme_appears_with_its_name(demo, demo_definitions):
    data = compose_report(
        subject=demo_subject(demo),
        definitions=demo_definitions,
        answers=demo["answers"],
        rating_schemes={("green_factory", "2025"): SCHEME},
    )
    green = next(f for f in data.frameworks if f.framework == "green_factory")
    # The demo fails a veto item: no tier, but the scheme is still named.
    assert green.level == "未达到等级（某省绿色工厂评价分级方案）"
    assert "某工信发〔2026〕1号" in green.level_note
    text, _pages = pdf_text(data)
    assert "某省绿色工厂评价分级方案" in re.sub(r"\s+", "", text)


def test_a_scheme_tier_needs_the_score_and_every_veto_item():
    result = {"method": "green_factory_2025", "score": 64.5, "veto": {"passed": True}, "level": None}
    assert level_text(result, {}, scheme=SCHEME).text == "二档（某省绿色工厂评价分级方案）"
    assert level_text({**result, "score": 19.99}, {}, scheme=SCHEME).text.startswith("未达到等级")
    assert level_text({**result, "veto": {"passed": False}}, {}, scheme=SCHEME).text.startswith("未达到等级")
    assert level_text(result, {}, scheme=None).text == "不评定等级"


def test_without_a_scheme_green_factory_has_no_grade_and_clean_production_is_indicative(manager_report):
    by = {f.framework: f for f in manager_report.frameworks}
    assert by["green_factory"].level == "不评定等级"
    assert "未规定等级" in by["green_factory"].level_note
    clean = next(f for f in manager_report.frameworks if f.framework.startswith("clean_production"))
    assert "（参考）" in clean.level or clean.level == "未达Ⅲ级基准"
    assert "不是企业的正式清洁生产等级" in clean.level_note


@pytest.mark.django_db
def test_the_results_page_shows_no_internals_and_names_a_configured_scheme(client, filled_draft, sme_manager):
    assessment_submit(assessment=filled_draft, user=sme_manager)
    client.force_login(sme_manager)
    url = reverse("assessment_results", args=[filled_draft.pk])
    html = client.get(url).content.decode()
    visible = re.sub(r"<[^>]+>", " ", html)  # the text a person reads
    assert internals(visible) == []
    assert "不评定等级" in visible and reverse("method") in html
    assert reverse("assessment_report_pdf", args=[filled_draft.pk]) + "?annex=1" in html  # the full report
    RatingScheme.objects.create(
        name_zh=SCHEME["name"]["zh"],
        name_en=SCHEME["name"]["en"],
        issuer_zh=SCHEME["issuer"]["zh"],
        issuer_en=SCHEME["issuer"]["en"],
        document=SCHEME["document"],
        year=2026,
        tiers=SCHEME["tiers"],
        active=True,
    )
    visible = re.sub(r"<[^>]+>", " ", client.get(url).content.decode())
    assert SCHEME["name"]["zh"] in visible


@pytest.mark.django_db
def test_the_method_page_lists_the_provisional_values_without_codes(client):
    html = client.get(reverse("method")).content.decode()
    visible = re.sub(r"<[^>]+>", " ", html)
    assert "暂定值一览" in visible and "本工具自己的汇总" in visible and "参考性结果" in visible
    assert "绿色工厂评价通则" in visible
    assert internals(visible) == []
