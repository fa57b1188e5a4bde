"""The content of sme_digital-2024.yaml: the published points, scenarios and level rule, and the worked
example of docs/provenance.md §4.3 scored by the engine. What holds for every framework (weights add up, full marks
reachable, sources cited) is in test_definition_properties.py.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from assessment.scoring import score_framework
from assessment.scoring.rules import band_points
from questionnaires.definition import iter_indicators
from questionnaires.logic import proposed_choices, resolve_answers
from questionnaires.schema import check_definition
from tests.builders import SME_WORKED_EXAMPLE

DEFINITION_FILE = (
    Path(__file__).resolve().parents[2] / "questionnaires" / "definitions" / "sme_digital-2024.yaml"
)

# docs/provenance.md §4 / docs/provenance.md §4.1: the manufacturing table's points.
EXPECTED_DIMENSIONS = {"dig24.foundation": 50, "dig24.management": 30, "dig24.outcomes": 20}
EXPECTED_INDICATORS = {
    "dig24.foundation.systems": 20,
    "dig24.foundation.network": 8,
    "dig24.foundation.equipment_digital": 6,
    "dig24.foundation.equipment_networked": 6,
    "dig24.foundation.data_collection": 10,
    "dig24.foundation.information_systems": 10,
    "dig24.foundation.security": 10,
    "dig24.foundation.network_security": 5,
    "dig24.foundation.data_security": 5,
    "dig24.management.planning": 15,
    "dig24.management.execution": 7.5,
    "dig24.management.mechanisms": 7.5,
    "dig24.management.resources": 15,
    "dig24.management.talent": 7.5,
    "dig24.management.funding": 7.5,
    "dig24.outcomes.green": 7,
    "dig24.outcomes.quality": 7,
    "dig24.outcomes.market": 6,
    "dig24.outcomes.revenue_per_employee": 3,
    "dig24.outcomes.cost": 3,
}
SCENARIO_NAMES = {
    "dig24.scenario.product_design": "产品设计",
    "dig24.scenario.process_design": "工艺设计",
    "dig24.scenario.marketing": "营销管理",
    "dig24.scenario.after_sales": "售后服务",
    "dig24.scenario.planning_scheduling": "计划排程",
    "dig24.scenario.production_control": "生产管控",
    "dig24.scenario.quality": "质量管理",
    "dig24.scenario.equipment": "设备管理",
    "dig24.scenario.safety": "安全生产",
    "dig24.scenario.energy": "能耗管理",
    "dig24.scenario.purchasing": "采购管理",
    "dig24.scenario.warehousing_logistics": "仓储物流",
    "dig24.scenario.finance": "财务管理",
    "dig24.scenario.human_resources": "人力资源",
    "dig24.scenario.collaborative_office": "协同办公",
    "dig24.scenario.decision_support": "决策支持",
}
CONSTRAINED_NAMES = {
    "产品设计",
    "营销管理",
    "生产管控",
    "质量管理",
    "设备管理",
    "安全生产",
    "能耗管理",
    "采购管理",
    "仓储物流",
    "财务管理",
}


@pytest.fixture(scope="module")
def definition() -> dict:
    with DEFINITION_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@pytest.fixture(scope="module")
def questions(definition: dict) -> dict[str, dict]:
    return {q["code"]: q for q in definition["questions"]}


def all_indicators(definition: dict) -> dict[str, dict]:
    return {i["code"]: i for i in iter_indicators(definition)}


def leaves(definition: dict) -> dict[str, dict]:
    return {code: i for code, i in all_indicators(definition).items() if "rule" in i}


def test_it_passes_the_schema_check_without_errors_or_warnings(definition: dict) -> None:
    # The file uses no bank, so it is checked on its own; warnings (missing help or source) count too.
    assert definition.get("uses", []) == []
    assert [str(p) for p in check_definition(definition, file=DEFINITION_FILE.name)] == []


def test_it_gives_the_dimensions_50_30_20_points_adding_up_to_100(definition: dict) -> None:
    weights = {d["code"]: d["weight"] for d in definition["dimensions"]}
    assert weights == EXPECTED_DIMENSIONS
    assert sum(weights.values()) == 100


def test_it_gives_every_sub_item_the_points_of_domain_4(definition: dict) -> None:
    weights = {code: i["weight"] for code, i in all_indicators(definition).items()}
    assert weights == EXPECTED_INDICATORS


def test_it_gives_no_option_or_band_more_than_its_item_or_less_than_nothing(
    definition: dict, questions: dict
) -> None:
    for code, indicator in leaves(definition).items():
        question = questions[indicator["rule"]["question"]]
        option_or_band_points = [o["points"] for o in question.get("options") or []] + [
            b["points"] for b in indicator["rule"].get("bands") or []
        ]
        assert all(0 <= p <= indicator["weight"] for p in option_or_band_points), code


def test_it_offers_an_exclusive_none_worth_nothing_on_every_multiple_choice(questions: dict) -> None:
    multiple = [q for q in questions.values() if q["type"] == "multiple"]
    assert {q["code"] for q in multiple} == {
        "dig24.q.network",
        "dig24.q.data_collection_areas",
        "dig24.q.network_security",
        "dig24.q.data_security",
        "dig24.q.management_mechanisms",
        "dig24.q.talent_measures",
    }
    for question in multiple:
        exclusive = [o for o in question["options"] if o.get("exclusive")]
        assert [o["code"] for o in exclusive] == ["none"], question["code"]
        assert exclusive[0]["points"] == 0


def test_it_scores_data_collection_over_14_areas_with_human_resources_worth_0_9(questions: dict) -> None:
    options = [o for o in questions["dig24.q.data_collection_areas"]["options"] if o["code"] != "none"]
    assert len(options) == 14
    # The 14 areas are the scenarios without 协同办公 and 决策支持.
    assert {o["text"]["zh"] for o in options} == set(SCENARIO_NAMES.values()) - {"协同办公", "决策支持"}
    points = {o["code"]: o["points"] for o in options}
    assert points.pop("human_resources") == 0.9
    assert set(points.values()) == {0.7}
    assert math.isclose(sum(points.values()) + 0.9, 10)


def test_it_lists_16_scenarios_each_with_four_level_descriptions(definition: dict, questions: dict) -> None:
    scenarios = definition["settings"]["scenarios"]
    assert scenarios == list(SCENARIO_NAMES)
    descriptions = set()
    for code in scenarios:
        question = questions[code]
        assert question["type"] == "level"
        assert SCENARIO_NAMES[code] in question["text"]["zh"]
        assert [level["level"] for level in question["levels"]] == [1, 2, 3, 4], code
        for level in question["levels"]:
            assert level["text"]["zh"].strip() and level["text"]["en"].strip(), (code, level["level"])
            descriptions.add(level["text"]["zh"])
    assert len(descriptions) == 64
    assert not [q for q in questions.values() if q["type"] == "level" and q["code"] not in scenarios]


def test_it_flags_the_ten_constrained_scenarios(questions: dict) -> None:
    constrained = {SCENARIO_NAMES[c] for c, q in questions.items() if q.get("constrained")}
    assert constrained == CONSTRAINED_NAMES
    assert len(constrained) == 10
    for code, name in SCENARIO_NAMES.items():
        label = "约束性场景" if name in CONSTRAINED_NAMES else "指导性场景"
        assert label in questions[code]["text"]["zh"], code


def test_it_encodes_the_provisional_level_rule_of_domain_4(definition: dict) -> None:
    levels = definition["settings"]["levels"]
    rule = {
        lvl["code"]: (lvl["min_score"], lvl["min_scenarios"], lvl["scenario_level"], lvl["min_constrained"])
        for lvl in levels
    }
    assert rule == {"L4": (80, 10, 4, 6), "L3": (60, 8, 3, 5), "L2": (40, 6, 2, 3), "L1": (20, 6, 1, 3)}
    assert [lvl["label"]["zh"] for lvl in levels] == ["四级", "三级", "二级", "一级"]
    for level in levels:
        assert level["provisional"] is True and level["source"].strip(), level["code"]
    assert definition["settings"]["provisional"] is True


def test_it_marks_every_captured_figure_provisional_and_cites_its_source(
    definition: dict, questions: dict
) -> None:
    assert definition["provisional"] is True
    for obj in [*definition["dimensions"], *all_indicators(definition).values(), *questions.values()]:
        assert obj.get("source", "").strip(), obj["code"]
        assert obj.get("provisional") is True, obj["code"]
    # The two conflicts between captures name the alternative they did not pick.
    assert "web implementation" in questions["dig24.q.data_collection_areas"]["source"]
    top_option = next(o for o in questions["dig24.q.planning_execution"]["options"] if o["points"] == 7.5)
    assert "参观交流" in top_option["source"] and top_option["provisional"] is True
    assert "unverified" in all_indicators(definition)["dig24.management.funding"]["source"]


def test_it_asks_every_question_in_chinese_and_english_with_help(questions: dict) -> None:
    for code, question in questions.items():
        assert code.startswith(("dig24.q.", "dig24.scenario.")), code
        assert question["text"]["zh"].strip() and question["text"]["en"].strip(), code
        parts = (
            ("what", "how", "why") if question["type"] == "computed" else ("what", "how", "example", "why")
        )
        for part in parts:
            assert question["help"][part]["zh"].strip() and question["help"][part]["en"].strip(), (code, part)


def test_it_asks_for_supporting_figures_and_computes_each_banded_value(
    definition: dict, questions: dict
) -> None:
    for code, indicator in leaves(definition).items():
        if indicator["rule"]["type"] == "bands":
            question = questions[indicator["rule"]["question"]]
            assert question["type"] == "computed" and "formula" in question, code
    for question in questions.values():
        if question["type"] == "number":
            assert question["required"] is True and question["min"] == 0 and "unit" in question, question[
                "code"
            ]


def resolved(definition: dict, answers: Mapping[str, Any]) -> dict[str, Any]:
    return resolve_answers(definition, answers)


def test_it_computes_the_equipment_rates_from_device_counts(definition: dict) -> None:
    values = resolved(
        definition,
        {"dig24.q.devices_total": 80, "dig24.q.devices_digital": 36, "dig24.q.devices_networked": 20},
    )
    assert values["dig24.q.equipment_digital_rate"] == 45
    assert values["dig24.q.equipment_networked_rate"] == 25
    # A count above the total is capped at 100%; no devices at all leaves the rate missing.
    capped = resolved(definition, {"dig24.q.devices_total": 10, "dig24.q.devices_digital": 12})
    assert capped["dig24.q.equipment_digital_rate"] == 100
    empty = resolved(definition, {"dig24.q.devices_total": 0, "dig24.q.devices_digital": 0})
    assert "dig24.q.equipment_digital_rate" not in empty


@pytest.mark.parametrize(
    ("rate", "points"),
    [
        (0, 0),
        (10, 0),
        (10.01, 1.5),
        (20, 1.5),
        (20.5, 3),
        (40, 3),
        (45, 4.5),
        (60, 4.5),
        (60.01, 6),
        (100, 6),
    ],
)
def test_it_bands_the_equipment_rates_as_captured(definition: dict, rate: float, points: float) -> None:
    indicators = all_indicators(definition)
    for code in ("dig24.foundation.equipment_digital", "dig24.foundation.equipment_networked"):
        assert band_points(indicators[code]["rule"]["bands"], rate) == points


@pytest.mark.parametrize(
    ("share", "points"),
    [(0, 0), (2.5, 0), (10, 0), (15, 1.875), (30, 3.75), (50, 5.625), (80, 7.5), (150, 7.5)],
)
def test_it_bands_the_digital_investment_share_as_captured(
    definition: dict, share: float, points: float
) -> None:
    bands = all_indicators(definition)["dig24.management.funding"]["rule"]["bands"]
    assert band_points(bands, share) == points


def test_equal_intensities_in_different_years_propose_unchanged(definition: dict, questions: dict) -> None:
    # Same energy per revenue in both years, though both figures grew: 持平 is proposed.
    values = resolved(
        definition,
        {
            "dig24.q.energy_last_year": 210.3,
            "dig24.q.revenue_last_year": 3300,
            "dig24.q.energy_year_before": 140.2,
            "dig24.q.revenue_year_before": 2200,
        },
    )
    assert values["dig24.q.energy_intensity_change"] == 0
    assert proposed_choices(definition, values)["dig24.q.energy_intensity_trend"] == "unchanged"


CHANGES = {
    "dig24.q.energy_intensity_trend": ("dig24.q.energy_intensity_change", "dig24.outcomes.green"),
    "dig24.q.pass_rate_trend": ("dig24.q.pass_rate_change", "dig24.outcomes.quality"),
    "dig24.q.revenue_per_employee_trend": (
        "dig24.q.revenue_per_employee_change",
        "dig24.outcomes.revenue_per_employee",
    ),
    "dig24.q.cost_per_100_revenue_trend": ("dig24.q.cost_per_100_revenue_change", "dig24.outcomes.cost"),
}


def test_the_four_changes_are_chosen_by_the_enterprise_and_proposed_by_their_figures(
    definition: dict, questions: dict
) -> None:
    indicators = all_indicators(definition)
    for choice, (figure, indicator) in CHANGES.items():
        question = questions[choice]
        assert question["type"] == "single" and question["required"] is True
        assert [o["text"]["zh"] for o in question["options"]] in (
            ["增加", "持平", "降低"],
            ["降低", "持平", "增加"],
        )
        assert question["proposed_by"]["question"] == figure
        assert questions[figure]["type"] == "computed"
        assert indicators[indicator]["rule"] == {"type": "options", "question": choice}


@pytest.mark.parametrize(
    ("change", "option"),
    [
        (-13.5, "decreased"),
        (-0.006, "decreased"),
        (-0.004, "unchanged"),
        (0, "unchanged"),
        (0.004, "unchanged"),
        (0.005, "increased"),
        (0.01, "increased"),
        (250, "increased"),
    ],
)
def test_the_proposal_reads_the_change_as_shown_to_two_decimals(
    definition: dict, change: float, option: str
) -> None:
    for choice, (figure, _indicator) in CHANGES.items():
        assert proposed_choices(definition, {figure: change})[choice] == option


def test_without_the_figures_nothing_is_proposed(definition: dict) -> None:
    values = resolved(definition, {"dig24.q.energy_last_year": 210.3, "dig24.q.revenue_last_year": 3300})
    assert "dig24.q.energy_intensity_change" not in values
    assert proposed_choices(definition, values) == {}
    # A revenue of zero the year before: no change can be computed, no proposal.
    values = resolved(
        definition,
        {
            "dig24.q.energy_last_year": 210.3,
            "dig24.q.revenue_last_year": 3300,
            "dig24.q.energy_year_before": 140.2,
            "dig24.q.revenue_year_before": 0,
        },
    )
    assert proposed_choices(definition, values) == {}


@pytest.mark.parametrize(
    ("choice", "points"),
    [
        ({"dig24.q.energy_intensity_trend": "decreased"}, {"dig24.outcomes.green": 7}),
        ({"dig24.q.energy_intensity_trend": "unchanged"}, {"dig24.outcomes.green": 3.5}),
        ({"dig24.q.energy_intensity_trend": "increased"}, {"dig24.outcomes.green": 0}),
        ({"dig24.q.pass_rate_trend": "increased"}, {"dig24.outcomes.quality": 7}),
        ({"dig24.q.pass_rate_trend": "decreased"}, {"dig24.outcomes.quality": 0}),
        ({"dig24.q.revenue_per_employee_trend": "unchanged"}, {"dig24.outcomes.revenue_per_employee": 1.5}),
        ({"dig24.q.cost_per_100_revenue_trend": "decreased"}, {"dig24.outcomes.cost": 3}),
    ],
)
def test_the_points_follow_the_chosen_option_not_the_figures(definition: dict, choice, points) -> None:
    # The worked example's figures imply decreased / unchanged / increased / unchanged; the enterprise's
    # choice decides, e.g. 持平 for a change it considers within the accuracy of its statistics.
    result = score_framework(definition=definition, answers={**SME_WORKED_EXAMPLE, **choice}).to_dict()
    earned = {i["code"]: i["earned"] for i in result["indicators"]}
    assert {code: earned[code] for code in points} == points


def test_a_change_left_unchosen_scores_nothing_and_is_missing(definition: dict) -> None:
    answers = {k: v for k, v in SME_WORKED_EXAMPLE.items() if k != "dig24.q.energy_intensity_trend"}
    result = score_framework(definition=definition, answers=answers)
    assert "dig24.q.energy_intensity_trend" in result.missing
    assert next(i for i in result.indicators if i.code == "dig24.outcomes.green").earned == 0


WORKED_EXAMPLE_POINTS = {
    "dig24.foundation.network": 4,
    "dig24.foundation.equipment_digital": 4.5,
    "dig24.foundation.equipment_networked": 3,
    "dig24.foundation.data_collection": 4.9,
    "dig24.foundation.information_systems": 5,
    "dig24.foundation.network_security": 2.5,
    "dig24.foundation.data_security": 1.25,
    "dig24.management.execution": 4.5,
    "dig24.management.mechanisms": 3.75,
    "dig24.management.talent": 3.0,
    "dig24.management.funding": 1.875,
    "dig24.outcomes.green": 7,
    "dig24.outcomes.quality": 3.5,
    "dig24.outcomes.revenue_per_employee": 3,
    "dig24.outcomes.cost": 1.5,
}


def test_it_reproduces_the_point_components_of_the_domain_4_worked_example(definition: dict) -> None:
    # The dimension sums and the total (53.275) are checked in tests/assessment/test_scoring_real_definitions.py.
    result = score_framework(definition=definition, answers=SME_WORKED_EXAMPLE).to_dict()
    earned = {i["code"]: i["earned"] for i in result["indicators"] if i["status"] == "scored"}
    assert earned == pytest.approx(WORKED_EXAMPLE_POINTS)
