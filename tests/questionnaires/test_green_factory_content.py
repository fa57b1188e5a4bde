"""The green factory content: the structural facts of GB/T 36132-2025 and -2018 as encoded in the YAML.

These read the definition files directly, so they state what the standard (and its provenance in
docs/provenance.md §2) says, independently of the engine that validates and scores them.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

DEFINITIONS = Path(__file__).resolve().parents[2] / "questionnaires" / "definitions"

# The energy calculator's outputs the 2025 indicators read (bank-energy-2025.yaml).
CALCULATOR_CODES = {
    "calc.energy_per_output",
    "calc.energy_per_product",
    "calc.carbon_per_output",
    "calc.renewable_share",
    "calc.water_per_output",
    "calc.water_reuse_rate",
    "calc.solid_waste_utilisation_rate",
    "calc.output_per_land",
    "calc.building_coefficient",
    "calc.plot_ratio",
    "calc.total_energy_tce",
}

# The eight basic requirements (veto items) of the 2018 score sheet, shared through the management bank.
BASIC_REQUIREMENTS = [
    "mgmt.lawful_compliant",
    "mgmt.no_major_accident_3y",
    "mgmt.stakeholder_commitments_met",
    "mgmt.top_management_commitment",
    "mgmt.responsibilities_assigned",
    "mgmt.green_management_body",
    "mgmt.green_plan_targets",
    "mgmt.green_training",
]

# Codes other frameworks may reference: published, so they must never disappear or change type.
PUBLISHED_MGMT_CODES = set(BASIC_REQUIREMENTS) | {
    "mgmt.qms_established",
    "mgmt.qms_certified",
    "mgmt.ems_established",
    "mgmt.ems_certified",
    "mgmt.ohsms_established",
    "mgmt.ohsms_certified",
    "mgmt.enms_established",
    "mgmt.enms_certified",
    "mgmt.social_responsibility_report",
    "mgmt.digital_integration_assessed",
    "mgmt.energy_metering_gb17167",
    "mgmt.energy_metering_equipment",
    "mgmt.water_metering_gb24789",
    "mgmt.energy_audit_3y",
    "mgmt.cp_audit_3y",
    "mgmt.carbon_accounting",
    "mgmt.carbon_verified",
    "mgmt.carbon_reduction_plan",
    "mgmt.product_carbon_footprint",
    "mgmt.green_procurement",
    "mgmt.supplier_green_requirements",
    "mgmt.ecodesign",
    "mgmt.hazardous_substances_controlled",
    "mgmt.green_product_certified",
    "mgmt.discharge_permit",
    "mgmt.emission_monitoring",
    "mgmt.hazardous_waste_compliant",
    "mgmt.environmental_emergency_plan",
}


@cache
def load(name: str) -> dict[str, Any]:
    with open(DEFINITIONS / name, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def gf25() -> dict[str, Any]:
    return load("green_factory-2025.yaml")


def gf18() -> dict[str, Any]:
    return load("green_factory-2018.yaml")


def management() -> dict[str, Any]:
    return load("bank-management-2025.yaml")


def tree(indicators: list[dict]) -> Iterator[dict]:
    for indicator in indicators:
        yield indicator
        yield from tree(indicator.get("children") or [])


def indicators_of(definition: dict) -> list[dict]:
    return [i for d in definition["dimensions"] for i in tree(d["indicators"])]


def leaves_of(definition: dict) -> list[dict]:
    return [i for i in indicators_of(definition) if not i.get("children")]


def dimension_weights(definition: dict) -> dict[str, float]:
    return {d["title"]["zh"]: d["weight"] for d in definition["dimensions"]}


# --- GB/T 36132-2025 ---------------------------------------------------------------------------------


def test_it_weights_the_five_2025_dimensions_30_30_16_16_8() -> None:
    assert dimension_weights(gf25()) == {
        "能源低碳化": 30,
        "资源高效化": 30,
        "生产洁净化": 16,
        "产品绿色化": 16,
        "用地集约化": 8,
    }


def test_it_marks_the_third_party_2025_weights_provisional() -> None:
    for dimension in gf25()["dimensions"]:
        assert dimension["provisional"] is True, dimension["code"]
        assert "[C]" in dimension["source"], dimension["code"]


def test_it_encodes_the_18_metrics_of_the_2025_filing_form() -> None:
    # One code per row of the filing form (docs/provenance.md §2.3); alternatives and bands are children.
    metrics = {
        "gf25.energy.intensity",
        "gf25.energy.carbon",
        "gf25.energy.renewable",
        "gf25.energy.platform",
        "gf25.resource.materials.reduction",
        "gf25.resource.materials.substitution",
        "gf25.resource.water_intensity",
        "gf25.resource.water_reuse",
        "gf25.resource.solid_waste",
        "gf25.clean.advanced_equipment",
        "gf25.clean.retrofit.projects",
        "gf25.clean.retrofit.investment",
        "gf25.clean.air_pollutants",
        "gf25.product.green_design",
        "gf25.product.carbon_footprint",
        "gf25.land.output_per_land",
        "gf25.land.building_coefficient",
        "gf25.land.plot_ratio",
    }
    codes = {i["code"] for i in indicators_of(gf25())}
    assert metrics <= codes
    assert len(codes) >= 18


def test_it_scores_energy_intensity_per_product_or_per_output_value_never_both() -> None:
    intensity = next(i for i in indicators_of(gf25()) if i["code"] == "gf25.energy.intensity")
    per_product, per_output = intensity["children"]
    assert per_product["applies"]["when"] == {
        "question": "gf25.q.energy_limit_standard_applies",
        "equals": True,
    }
    assert per_output["applies"]["when"] == {"not": per_product["applies"]["when"]}
    assert per_output["rule"]["question"] == "calc.energy_per_output"
    assert per_output["rule"]["direction"] == "lower"


def test_it_bands_the_renewable_share_by_annual_energy_use() -> None:
    renewable = next(i for i in indicators_of(gf25()) if i["code"] == "gf25.energy.renewable")
    bands = [child["applies"]["when"] for child in renewable["children"]]
    assert bands == [
        {"question": "calc.total_energy_tce", "ge": 10000},
        {
            "all": [
                {"question": "calc.total_energy_tce", "ge": 5000},
                {"question": "calc.total_energy_tce", "lt": 10000},
            ]
        },
        {
            "all": [
                {"question": "calc.total_energy_tce", "ge": 3000},
                {"question": "calc.total_energy_tce", "lt": 5000},
            ]
        },
        {"not": {"question": "calc.total_energy_tce", "ge": 3000}},
    ]
    assert {child["rule"]["question"] for child in renewable["children"]} == {"calc.renewable_share"}


def test_it_reads_the_energy_calculator_for_the_quantitative_2025_indicators() -> None:
    definition = gf25()
    read = {leaf["rule"]["question"] for leaf in leaves_of(definition)}
    formulas = " ".join(q.get("formula", "") for q in definition["questions"])
    conditions = str([leaf.get("applies") for leaf in leaves_of(definition)])
    used = {code for code in CALCULATOR_CODES if code in read or code in formulas or code in conditions}
    assert used == CALCULATOR_CODES
    assert definition["uses"] == ["energy@2025", "management@2025"]


def test_it_marks_every_2025_benchmark_and_leading_value_provisional_with_a_source() -> None:
    linear = [leaf["rule"] for leaf in leaves_of(gf25()) if leaf["rule"]["type"] == "linear"]
    assert len(linear) >= 12
    for rule in linear:
        assert rule["provisional"] is True, rule["question"]
        assert rule["source"], rule["question"]
        assert rule["note"]["zh"] and rule["note"]["en"], rule["question"]


def test_it_gives_the_energy_carbon_platform_full_points_at_eight_of_twelve_functions() -> None:
    definition = gf25()
    platform = next(i for i in indicators_of(definition) if i["code"] == "gf25.energy.platform")
    question = next(q for q in definition["questions"] if q["code"] == platform["rule"]["question"])
    functions = [o for o in question["options"] if not o.get("exclusive")]
    assert len(functions) == 12
    assert platform["weight"] == 6
    assert 8 * functions[0]["points"] == pytest.approx(platform["weight"])
    assert len({o["points"] for o in functions}) == 1


def test_2025_ships_no_rating_tiers_and_keeps_the_green_code_percentiles() -> None:
    # GB/T 36132-2025 defines no grade; another province's stars are not a grade here (issue 14).
    settings = gf25()["settings"]
    assert "rating_tiers" not in settings
    assert {k: settings["green_code"][k] for k in ("A+", "A", "B")} == {"A+": 5, "A": 35, "B": 60}


def test_it_vetoes_2025_on_the_basic_requirements() -> None:
    assert [p["question"] for p in gf25()["prerequisites"]] == BASIC_REQUIREMENTS


# --- GB/T 36132-2018 ---------------------------------------------------------------------------------


def test_it_vetoes_2018_on_the_eight_basic_requirements() -> None:
    prerequisites = gf18()["prerequisites"]
    assert len(prerequisites) == 8
    assert [p["question"] for p in prerequisites] == BASIC_REQUIREMENTS


def test_it_scores_2018_on_six_categories_with_25_second_level_indicators() -> None:
    definition = gf18()
    assert [d["title"]["zh"] for d in definition["dimensions"]] == [
        "基础设施",
        "管理体系",
        "能源与资源投入",
        "产品",
        "环境排放",
        "绩效",
    ]
    assert [len(d["indicators"]) for d in definition["dimensions"]] == [3, 4, 3, 4, 6, 5]
    assert len(indicators_of(definition)) == 25


def test_it_confirms_only_the_infrastructure_weight_of_2018() -> None:
    dimensions = gf18()["dimensions"]
    assert sum(d["weight"] for d in dimensions) == 100
    infrastructure, *others = dimensions
    assert infrastructure["weight"] == 20
    assert not infrastructure.get("provisional")
    assert [d["weight"] for d in others] == [15, 15, 10, 10, 30]
    assert all(d["provisional"] is True and "[U]" in d["source"] for d in others)


def test_it_splits_every_2018_indicator_into_yes_no_requirements() -> None:
    definition = gf18()
    questions = {q["code"]: q for q in definition["questions"]}
    questions |= {q["code"]: q for q in management()["questions"]}
    mandatory = 0
    for indicator in indicators_of(definition):
        rule = indicator["rule"]
        assert rule["type"] == "requirements"
        assert sum(item["points"] for item in rule["items"]) == indicator["weight"], indicator["code"]
        for item in rule["items"]:
            assert item["kind"] in ("mandatory", "optional")
            assert questions[item["question"]]["type"] == "yesno"
            mandatory += item["kind"] == "mandatory"
    assert mandatory >= 25


def test_it_keeps_the_confirmed_building_points_of_the_2018_score_sheet() -> None:
    building = next(i for i in indicators_of(gf18()) if i["code"] == "gf18.infra.building")
    assert [(item["kind"], item["points"]) for item in building["rule"]["items"][:3]] == [
        ("mandatory", 8),
        ("mandatory", 6),
        ("mandatory", 3),
    ]


# --- the management bank and all three files ------------------------------------------------------------


def test_it_keeps_the_published_management_codes_as_yes_no_questions() -> None:
    bank = management()
    assert (bank["kind"], bank["framework"], bank["version"]) == ("bank", "management", "2025")
    types = {q["code"]: q["type"] for q in bank["questions"]}
    assert PUBLISHED_MGMT_CODES <= set(types)
    assert {types[code] for code in PUBLISHED_MGMT_CODES} == {"yesno"}


@pytest.mark.parametrize(
    "name", ["green_factory-2025.yaml", "green_factory-2018.yaml", "bank-management-2025.yaml"]
)
def test_it_asks_every_question_in_both_languages_with_help_and_a_source(name: str) -> None:
    for question in load(name)["questions"]:
        code = question["code"]
        assert question["text"]["zh"] and question["text"]["en"], code
        for part in ("what", "how", "example", "why"):
            assert question["help"][part]["zh"] and question["help"][part]["en"], f"{code} help.{part}"
        assert question["source"], code


# --- scored by the engine: the content behaves as the standard describes ----------------------------------


def resolved(name: str) -> dict[str, Any]:
    from questionnaires.loader import resolve_definition

    banks = {"energy@2025": load("bank-energy-2025.yaml"), "management@2025": management()}
    return resolve_definition(load(name), banks)


def score(name: str, answers: dict[str, Any], calculator: dict[str, float] | None = None) -> dict[str, Any]:
    from assessment.scoring import score_framework

    return score_framework(definition=resolved(name), answers=answers, calculator=calculator).to_dict()


def earned(result: dict[str, Any]) -> dict[str, tuple[str, float]]:
    return {i["code"]: (i["status"], i["earned"]) for i in result["indicators"]}


PASSING_VETO = dict.fromkeys(BASIC_REQUIREMENTS, True)


def test_it_scores_energy_per_product_between_limit_levels_with_the_full_eight_points() -> None:
    # Level 1 = 280, level 2 = 330, actual 300 kgce/t: (330 - 300) / (330 - 280) = 60 % of 8 points.
    answers = PASSING_VETO | {
        "gf25.q.energy_limit_standard_applies": True,
        "gf25.q.energy_limit_level1": 280,
        "gf25.q.energy_limit_level2": 330,
    }
    result = earned(score("green_factory-2025.yaml", answers, {"calc.energy_per_product": 300}))
    assert result["gf25.energy.intensity.per_product"] == ("scored", pytest.approx(4.8))
    assert result["gf25.energy.intensity.per_output"][0] == "not_applicable"


def test_it_scores_energy_per_output_value_when_no_limit_standard_applies() -> None:
    # Lower is better, benchmark 0.35, leading 0.1 tce/10k yuan: 0.2 earns 8 × 0.15 / 0.25 = 4.8.
    answers = PASSING_VETO | {"gf25.q.energy_limit_standard_applies": False}
    result = earned(score("green_factory-2025.yaml", answers, {"calc.energy_per_output": 0.2}))
    assert result["gf25.energy.intensity.per_output"] == ("scored", pytest.approx(4.8))
    assert result["gf25.energy.intensity.per_product"][0] == "not_applicable"


@pytest.mark.parametrize(
    ("total_energy_tce", "band", "points"),
    [
        (12000, "gf25.energy.renewable.band_10000", 8 * 5 / 10),
        (6000, "gf25.energy.renewable.band_5000", 8 * 5 / 15),
        (4000, "gf25.energy.renewable.band_3000", 8 * 5 / 20),
        (800, "gf25.energy.renewable.band_small", 8 * 5 / 30),
    ],
)
def test_it_rates_the_renewable_share_in_the_band_of_the_annual_energy_use(
    total_energy_tce: float, band: str, points: float
) -> None:
    calculator = {"calc.total_energy_tce": total_energy_tce, "calc.renewable_share": 5}
    result = earned(score("green_factory-2025.yaml", PASSING_VETO, calculator))
    renewable = {code: value for code, value in result.items() if code.startswith("gf25.energy.renewable.")}
    assert renewable.pop(band) == ("scored", pytest.approx(points, abs=1e-3))
    assert {status for status, _points in renewable.values()} == {"not_applicable"}


def test_it_leaves_out_water_indicators_for_plants_without_process_water() -> None:
    answers = PASSING_VETO | {"gf25.q.uses_process_water": False}
    result = score("green_factory-2025.yaml", answers, {"calc.solid_waste_utilisation_rate": 96})
    indicators = earned(result)
    assert indicators["gf25.resource.water_intensity"][0] == "not_applicable"
    assert indicators["gf25.resource.water_reuse"][0] == "not_applicable"
    # The dimension keeps its 30 points: solid waste now carries 8 × 30 / 14.
    assert indicators["gf25.resource.solid_waste"] == ("scored", pytest.approx(8 * 30 / 14, abs=1e-3))


def test_it_reports_a_failed_basic_requirement_without_changing_the_2025_score() -> None:
    calculator = {"calc.carbon_per_output": 0.1}
    passing = score("green_factory-2025.yaml", PASSING_VETO, calculator)
    failing = score(
        "green_factory-2025.yaml", PASSING_VETO | {"mgmt.no_major_accident_3y": False}, calculator
    )
    assert passing["veto"]["passed"] is True
    assert failing["veto"]["passed"] is False
    assert [item["code"] for item in failing["veto"]["failed"]] == ["gf25.pre.no_accident"]
    assert failing["score"] == passing["score"]


def test_it_gives_full_marks_in_2018_when_every_requirement_is_met() -> None:
    definition = resolved("green_factory-2018.yaml")
    answers = {q["code"]: True for q in definition["questions"] if q["type"] == "yesno"}
    result = score("green_factory-2018.yaml", answers)
    assert result["score"] == pytest.approx(100)
    assert result["veto"]["passed"] is True
    assert not result["details"].get("mandatory_failed")


def test_it_reports_an_unmet_2018_mandatory_requirement_and_scores_the_category_down() -> None:
    definition = resolved("green_factory-2018.yaml")
    answers = {q["code"]: True for q in definition["questions"] if q["type"] == "yesno"}
    answers |= {"mgmt.enms_established": False, "mgmt.enms_certified": False}
    result = score("green_factory-2018.yaml", answers)
    assert [f["question"] for f in result["details"]["mandatory_failed"]] == ["mgmt.enms_established"]
    management_systems = next(d for d in result["dimensions"] if d["code"] == "gf18.mgmt")
    # Category points 16 + 8 + 8 + 3 = 35; 能源管理体系 (5 + 3) earns nothing: 15 × 27 / 35.
    assert management_systems["score"] == pytest.approx(15 * 27 / 35, abs=0.01)
