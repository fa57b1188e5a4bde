"""The family and scoring-method registries: the shipped ones, and a family added by tests alone.

`water_saving` below exists only here: registering the family (the registry's API) and storing a
version of it, as load_questionnaires would, is all it takes for it to be offered at the start, ordered
after the shipped families, checked, scored, stored and named on the SME's and the officials' pages
(docs/definitions.md, "Adding a framework").
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from assessment.models import Assessment, FrameworkResult
from assessment.presentation import level_text
from assessment.scoring import level_rank, score_framework
from assessment.services.assessments import answers_save_many, assessment_create, assessment_submit
from assessment.views.sme.home import _framework_choices, short_framework_title
from questionnaires import frameworks
from questionnaires.definition import clear_definition_cache
from questionnaires.loader import content_hash
from questionnaires.models import QuestionnaireVersion
from questionnaires.schema import check_definition, errors
from tests.builders import demo_answers

WATER = frameworks.Family(
    code="water_saving",
    short_title={"zh": "水效", "en": "Water efficiency"},
    choice={"zh": "节水型企业（测试）", "en": "Water-saving enterprise (test)"},
)

DEFINITION: dict[str, Any] = {
    "schema": 1,
    "kind": "framework",
    "framework": "water_saving",
    "version": "2026",
    "method": "sme_digital_2024",
    "status": "current",
    "title": {"zh": "节水型企业评价（测试）", "en": "Water-saving enterprise (test)"},
    "source": "test fixture standard",
    "settings": {
        "scenarios": ["ws.q.metering"],
        "levels": [{"code": "L1", "label": {"zh": "节水一级", "en": "Water level 1"}, "min_score": 50}],
    },
    "dimensions": [
        {
            "code": "ws.mgmt",
            "title": {"zh": "管理", "en": "Management"},
            "weight": 100,
            "source": "test fixture",
            "indicators": [
                {
                    "code": "ws.mgmt.plan",
                    "title": {"zh": "节水计划", "en": "Water plan"},
                    "weight": 60,
                    "source": "test fixture",
                    "rule": {"type": "yesno", "question": "ws.q.plan"},
                },
                {
                    "code": "ws.mgmt.metering",
                    "title": {"zh": "计量", "en": "Metering"},
                    "weight": 40,
                    "source": "test fixture",
                    "rule": {
                        "type": "level_points",
                        "question": "ws.q.metering",
                        "points": {1: 10, 2: 20, 3: 30, 4: 40},
                    },
                },
            ],
        }
    ],
    "questions": [
        {
            "code": "ws.q.plan",
            "type": "yesno",
            "text": {"zh": "是否有节水计划", "en": "Is there a water-saving plan"},
            "help": {"what": {"zh": "节水计划", "en": "A plan"}},
            "required": True,
            "source": "test fixture",
        },
        {
            "code": "ws.q.metering",
            "type": "level",
            "text": {"zh": "用水计量水平", "en": "Water metering level"},
            "help": {"what": {"zh": "计量", "en": "Metering"}},
            "source": "test fixture",
            "levels": [{"level": n, "text": {"zh": f"{n}级", "en": f"Level {n}"}} for n in (1, 2, 3, 4)],
        },
    ],
}


@pytest.fixture
def water_family() -> Iterator[frameworks.Family]:
    frameworks.register_family(WATER)
    yield WATER
    frameworks.unregister_family(WATER.code)


@pytest.fixture
def water_loaded(frameworks_loaded, water_family) -> Iterator[None]:
    definition = copy.deepcopy(DEFINITION)
    QuestionnaireVersion.objects.create(
        framework="water_saving",
        version="2026",
        title_zh=definition["title"]["zh"],
        title_en=definition["title"]["en"],
        method=definition["method"],
        status="current",
        definition=definition,
        content_hash=content_hash(definition),
        source_file="water_saving-2026.yaml",
    )
    clear_definition_cache()
    yield
    clear_definition_cache()


def test_it_reads_the_shipped_families_in_page_order_from_the_families_file() -> None:
    assert [f.code for f in frameworks.families()] == ["green_factory", "clean_production", "sme_digital"]
    assert [f.code for f in frameworks.families() if f.by_industry] == ["clean_production"]
    assert frameworks.framework_order("clean_production_dairy") == 1
    assert frameworks.short_title("sme_digital", "en") == "Digital level"


def test_each_method_has_one_no_level_code_inside_its_catalogue() -> None:
    assert frameworks.method_codes() == {
        "green_factory_2025",
        "green_factory_2018",
        "clean_production",
        "sme_digital_2024",
    }
    for method in frameworks.METHODS.values():
        catalogue = method.catalogue({"settings": {}})
        assert catalogue[-1][0] == frameworks.NO_LEVEL
        assert frameworks.normal_level(method.no_level) == frameworks.NO_LEVEL
    assert frameworks.normal_level("below_III") == frameworks.normal_level("") == "none"
    assert frameworks.normal_level("III") == "III"


def test_it_refuses_a_family_already_in_the_file() -> None:
    with pytest.raises(ValueError):
        frameworks.register_family(frameworks.Family(code="green_factory", short_title={}, choice={}))


def test_a_registered_test_family_passes_the_schema_check_and_scores() -> None:
    assert errors(check_definition(copy.deepcopy(DEFINITION))) == []
    result = score_framework(definition=DEFINITION, answers={"ws.q.plan": True, "ws.q.metering": 3})
    assert (result.score, result.level_code) == (90.0, "L1")
    below = score_framework(definition=DEFINITION, answers={"ws.q.plan": False, "ws.q.metering": 1})
    assert below.level_code == "none"
    assert level_rank(result) > level_rank(below)


def test_a_registered_test_family_is_offered_named_and_ordered(water_family) -> None:
    assert frameworks.framework_order("water_saving") == 3
    assert ("water_saving", "节水型企业（测试）") in _framework_choices()
    with translation.override("en"):
        assert short_framework_title("water_saving_2026") == "Water efficiency"
        assert _framework_choices()[-1] == ("water_saving", "Water-saving enterprise (test)")


def test_a_registered_test_family_goes_from_start_to_the_officials_queue(
    water_loaded, factor_set, enterprise, sme_manager, province_official, client
) -> None:
    assessment = assessment_create(enterprise=enterprise, year=2025, user=sme_manager)
    frameworks_of = [v.framework for v in assessment.versions.all()]
    assert "water_saving" in frameworks_of
    from assessment.selectors.assessments import assessment_definitions, question_index

    known = question_index(assessment_definitions(assessment))
    values = {code: value for code, value in demo_answers().items() if code in known}
    values |= {"ws.q.plan": True, "ws.q.metering": 4}
    assert not answers_save_many(assessment=assessment, user=sme_manager, values=values)
    assessment_submit(assessment=assessment, user=sme_manager)
    stored = FrameworkResult.objects.get(assessment=assessment, framework="water_saving", validated=False)
    assert (stored.score, stored.level) == (100.0, "L1")
    order = [item["framework"] for item in Assessment.objects.get(pk=assessment.pk).result["frameworks"]]
    assert order[-1] == "water_saving"
    client.force_login(province_official)
    page = client.get(reverse("review_queue")).content.decode()
    assert "水效" in page  # the family's short title, not the version's title


def test_a_method_names_its_levels_by_its_declared_wording() -> None:
    digital = frameworks.get_method("sme_digital_2024")
    level = {"code": "L2", "label": {"zh": "二级", "en": "Level 2"}}
    result = {"method": "test_benchmark", "level": {"code": "II"}, "score": 70.0}
    frameworks.register_method(replace(digital, code="test_stored"))
    frameworks.register_method(replace(digital, code="test_benchmark", level_wording="benchmark"))
    try:
        assert level_text({"method": "test_stored", "level": level}, lang="en").text == "Level 2"
        # The benchmark wording without a published system: the indicative position, as clean production's.
        indicative = level_text(result, {"refs": []}, lang="en")
        assert (indicative.kind, indicative.text) == ("indicative", "At the level II benchmark (indicative)")
        assert level_text({**result, "method": "clean_production"}, {"refs": []}, lang="en") == indicative
    finally:
        frameworks.unregister_method("test_stored")
        frameworks.unregister_method("test_benchmark")


def test_it_refuses_a_method_with_an_unknown_level_wording() -> None:
    with pytest.raises(ValueError, match="level_wording"):
        frameworks.register_method(
            replace(frameworks.get_method("sme_digital_2024"), code="x", level_wording="stars")
        )
    assert frameworks.get_method("x") is None


def test_the_schema_check_runs_the_methods_own_settings_check() -> None:
    def at_most_three_scenarios(check: frameworks.SettingsCheck, settings: Any) -> None:
        if len(settings.get("scenarios") or []) > 3:
            check.error("settings.scenarios", "at most three scenarios")

    digital = frameworks.get_method("sme_digital_2024")
    frameworks.register_method(replace(digital, code="test_checked", check_settings=at_most_three_scenarios))
    try:
        checked = copy.deepcopy(DEFINITION) | {"method": "test_checked"}
        assert errors(check_definition(copy.deepcopy(checked))) == []
        checked["settings"] = {**checked["settings"], "scenarios": ["ws.q.metering"] * 4}
        problems = [p.problem for p in errors(check_definition(checked))]
        assert "at most three scenarios" in problems
        # The shipped digital method's own check is not run for it: a repeated scenario passes.
        assert "scenarios lists a question twice" not in problems
    finally:
        frameworks.unregister_method("test_checked")
