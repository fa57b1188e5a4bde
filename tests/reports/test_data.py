"""Report data of stored assessments: content, peer benchmark, evidence, and a fixed number of queries."""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command

from assessment.models import Assessment, Evidence, FrameworkResult
from assessment.selectors.factors import current_factor_set
from reports.data import build_report_data, format_answer
from tests.factories import EnterpriseFactory
from tests.reports.conftest import store_assessment

pytestmark = pytest.mark.usefixtures("loaded_definitions")


def add_result(assessment: Assessment, framework: str, score: float) -> None:
    FrameworkResult.objects.create(assessment=assessment, framework=framework, version="x", score=score)


def test_it_builds_every_section_from_a_stored_assessment(demo, enterprise):
    assessment = store_assessment(demo, enterprise)
    data = build_report_data(assessment, lang="zh-hans")
    assert data.enterprise.name == enterprise.name
    assert data.enterprise.city == "哈尔滨市"
    assert data.status == "已提交"
    assert {s.framework for s in data.frameworks} == {
        "green_factory",
        "clean_production_generic",
        "sme_digital",
    }
    assert all(s.dimensions for s in data.frameworks)
    assert data.energy and any("tce" in row.unit or "吨标准煤" in row.unit for row in data.energy)
    assert len(data.actions) >= 5 and [a.rank for a in data.actions] == list(range(1, len(data.actions) + 1))
    assert data.answers and data.glossary


def test_it_ranks_the_failed_veto_item_first(demo, enterprise):
    # The demo enterprise has no green-factory management body: a veto item of GB/T 36132.
    data = build_report_data(store_assessment(demo, enterprise))
    first = data.actions[0]
    assert first.code == "act.mgmt.green_body"
    assert first.fixes_veto and first.triggers


def test_it_notes_too_few_peers_instead_of_a_percentile(demo, enterprise):
    data = build_report_data(store_assessment(demo, enterprise))
    assert data.benchmarks
    assert all(row.percentile is None and row.peers == 0 and row.note for row in data.benchmarks)


def test_it_computes_the_percentile_within_the_industry_when_five_peers_exist(demo, enterprise):
    assessment = store_assessment(demo, enterprise)
    own = next(s.score for s in build_report_data(assessment).frameworks if s.framework == "sme_digital")
    # Five C14 peers elsewhere in the province: two below, one equal, two above (same year, submitted).
    for score in [own - 20, own - 1, round(own, 2), own + 5, own + 30]:
        peer = EnterpriseFactory(industry_division="C14", city_code="230200", size_class="medium")
        add_result(store_assessment(demo, peer), "sme_digital", score)
    # A draft peer and another year do not count.
    draft = store_assessment(demo, EnterpriseFactory(industry_division="C14"), status=Assessment.Status.DRAFT)
    add_result(draft, "sme_digital", 0)
    data = build_report_data(assessment)
    row = next(r for r in data.benchmarks if r.framework == "数字化水平" and r.scope.startswith("同行业"))
    assert row.peers == 5
    assert row.percentile == pytest.approx(100 * (2 + 0.5) / 5)
    city = next(r for r in data.benchmarks if r.framework == "数字化水平" and r.scope.startswith("同地市"))
    assert city.peers == 0 and city.percentile is None


def test_it_lists_the_evidence_with_the_question_it_supports(demo, enterprise, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assessment = store_assessment(demo, enterprise)
    evidence = Evidence(
        assessment=assessment,
        question_code="mgmt.discharge_permit",
        original_name="排污许可证<2025>.pdf",
        content_type="application/pdf",
        size=2048,
    )
    evidence.file.save("x", ContentFile(b"%PDF-1.4"), save=True)
    data = build_report_data(assessment)
    assert [(e.name, e.size) for e in data.evidence] == [("排污许可证<2025>.pdf", "2 KB")]
    assert "排污许可" in data.evidence[0].question


def test_it_reads_the_database_in_a_fixed_number_of_queries(demo, enterprise, django_assert_max_num_queries):
    assessment = store_assessment(demo, enterprise)
    # 8 reads of the assessment, its versions, answers, evidence, previous answers and peers, plus one for
    # the default price set (joined to its prices), one for the configured rating schemes (issue 14),
    # one for the revisions of its versions (a second, for officials' re-scores, only once one is revised),
    # one for the improvement plan's actions and one for last year's plan (issue 16).
    with django_assert_max_num_queries(13):
        build_report_data(assessment.pk)


def test_it_builds_the_english_report_data(demo, enterprise):
    data = build_report_data(store_assessment(demo, enterprise), lang="en")
    assert data.status == "Submitted"
    assert data.enterprise.city == "Harbin"
    assert data.horizons[0][1].startswith("Near term")
    assert all(a.effort in {"No cost", "Low cost", "Medium cost", "High cost"} for a in data.actions)


@pytest.mark.parametrize(
    ("question", "value", "lang", "expected"),
    [
        ({"type": "yesno"}, True, "zh-hans", "是"),
        ({"type": "yesno"}, False, "en", "No"),
        ({"type": "single", "options": [{"code": "a", "text": {"zh": "甲", "en": "A"}}]}, "a", "en", "A"),
        (
            {
                "type": "multiple",
                "options": [
                    {"code": "a", "text": {"zh": "甲", "en": "A"}},
                    {"code": "b", "text": {"zh": "乙", "en": "B"}},
                ],
            },
            ["a", "b"],
            "zh",
            "甲；乙",
        ),
        ({"type": "number", "unit": {"zh": "吨", "en": "t"}}, 1234.5, "zh", "1,234.5 吨"),
        ({"type": "percentage"}, 85, "en", "85 %"),
        ({"type": "number"}, None, "zh", "未回答"),
        ({"type": "text"}, "<b>x</b>", "zh", "<b>x</b>"),
    ],
)
def test_it_formats_answers_as_people_read_them(question, value, lang, expected):
    assert format_answer(question, value, lang) == expected


def test_it_uses_the_draft_assessments_factor_set(demo, enterprise):
    call_command("load_factors", stdout=io.StringIO())
    factor_set = current_factor_set()
    factor_set.name = "哈尔滨测试系数集"
    factor_set.save()
    assessment = store_assessment(demo, enterprise, status=Assessment.Status.DRAFT)
    assessment.factor_set = factor_set
    assessment.save()
    data = build_report_data(assessment.pk)
    assert any("哈尔滨测试系数集" in note for note in data.energy_notes)
