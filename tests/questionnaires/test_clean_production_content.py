"""The clean-production content: structural and provenance facts of the generic and the paper systems.

Most tests read the YAML directly, so they state what docs/provenance.md §3 and the reference notes require,
independently of the engine. The last ones score sample plants through the real engine and energy
calculator, so the content is known to work end to end.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

DEFINITIONS = Path(__file__).resolve().parents[2] / "questionnaires" / "definitions"
GENERIC = "clean_production_generic-2025.yaml"
PAPER = "clean_production_paper-2025.yaml"
SYSTEMS = [GENERIC, PAPER]

# docs/provenance.md §3: the six first-level categories, in the order of the sector systems.
GENERIC_CATEGORIES = [
    "生产工艺及装备",
    "资源能源消耗",
    "资源综合利用",
    "污染物产生",
    "产品特征",
    "清洁生产管理",
]
# docs/provenance.md §3.5: the category names of the 2015 pulp and paper system.
PAPER_CATEGORIES = [
    "生产工艺及设备要求",
    "资源和能源消耗指标",
    "资源综合利用指标",
    "污染物产生指标",
    "产品特征指标",
    "清洁生产管理指标",
]
# The energy calculator's outputs that the resource indicators must read (crosswalk).
REQUIRED_CALCULATOR_CODES = {
    "calc.energy_per_output",
    "calc.carbon_per_output",
    "calc.water_per_output",
    "calc.water_reuse_rate",
    "calc.solid_waste_utilisation_rate",
    "calc.renewable_share",
}
CONFIRMED_TAG = re.compile(r"\[(A|A-mirror|B)\]")
UNCONFIRMED = re.compile(r"\[(C|U)|by this project")


@cache
def load(name: str) -> dict[str, Any]:
    return yaml.safe_load((DEFINITIONS / name).read_text(encoding="utf-8"))


def indicators(data: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for dimension in data["dimensions"]:
        yield from dimension["indicators"]


def questions(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {question["code"]: question for question in data["questions"]}


def bank_questions() -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for name in ("bank-energy-2025.yaml", "bank-management-2025.yaml"):
        found.update(questions(load(name)))
    return found


def sourced_objects(data: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every object that carries a figure or level from a standard: file, level rule, dimensions, indicators, ladders."""
    yield "(file)", data
    yield "settings.level_rule", data["settings"]["level_rule"]
    for dimension in data["dimensions"]:
        yield dimension["code"], dimension
    for indicator in indicators(data):
        yield indicator["code"], indicator
    for question in data["questions"]:  # questions whose options set level boundaries
        if any("cp_level" in option for option in question.get("options") or []):
            yield question["code"], question


def test_it_ships_at_least_30_generic_indicators() -> None:
    assert sum(1 for _ in indicators(load(GENERIC))) >= 30


@pytest.mark.parametrize(("name", "categories"), [(GENERIC, GENERIC_CATEGORIES), (PAPER, PAPER_CATEGORIES)])
def test_it_uses_the_six_clean_production_categories(name: str, categories: list[str]) -> None:
    titles = [dimension["title"]["zh"] for dimension in load(name)["dimensions"]]
    assert len(titles) == 6
    for title, category in zip(titles, categories, strict=True):
        assert category in title


@pytest.mark.parametrize("name", SYSTEMS)
def test_it_marks_limiting_indicators_on_energy_water_and_compliance(name: str) -> None:
    limiting = {
        indicator["code"].split(".", 1)[1]
        for indicator in indicators(load(name))
        if indicator.get("limiting")
    }
    assert {
        "process.no_obsolete",
        "resource.energy_per_product",
        "resource.water_per_product",
        "pollution.compliant_emissions",
        "management.discharge_permit",
    } <= limiting


@pytest.mark.parametrize("name", SYSTEMS)
def test_it_gives_every_threshold_a_source_and_an_ordered_ladder(name: str) -> None:
    quantitative = [indicator for indicator in indicators(load(name)) if "thresholds" in indicator["rule"]]
    assert quantitative
    for indicator in quantitative:
        rule = indicator["rule"]
        assert indicator["source"].strip(), indicator["code"]
        values = [rule["thresholds"][level] for level in ("I", "II", "III")]
        assert all(isinstance(value, int | float) for value in values)
        ordered = sorted(values, reverse=rule["direction"] == "higher")
        assert values == ordered, indicator["code"]


@pytest.mark.parametrize("name", SYSTEMS)
def test_it_flags_every_unconfirmed_value_as_provisional(name: str) -> None:
    data = load(name)
    for where, item in sourced_objects(data):
        source = str(item["source"])
        if UNCONFIRMED.search(source) or not CONFIRMED_TAG.search(source):
            assert item.get("provisional") is True, f"{where}: {source}"
    # No official generic or readable sector table exists: both systems are provisional as a whole.
    assert data["provisional"] is True
    assert data["provisional_note"]["zh"] and data["provisional_note"]["en"]


@pytest.mark.parametrize("name", SYSTEMS)
def test_it_states_the_basis_of_every_threshold_it_sets_itself(name: str) -> None:
    for indicator in indicators(load(name)):
        if "thresholds" in indicator["rule"] and not CONFIRMED_TAG.search(indicator["source"]):
            assert UNCONFIRMED.search(indicator["source"]), indicator["code"]


def test_it_says_that_no_official_generic_system_exists() -> None:
    data = load(GENERIC)
    assert data["applies_to"] == {"fallback": True}
    assert "no official" in data["description"]["en"].lower()
    assert "没有官方" in data["description"]["zh"]
    assert "no official generic system" in data["provisional_note"]["en"].lower()


def test_it_applies_the_paper_system_to_division_c22() -> None:
    data = load(PAPER)
    assert data["applies_to"] == {"industries": ["C22"]}
    assert "could not be read" in data["provisional_note"]["en"]


@pytest.mark.parametrize("name", SYSTEMS)
def test_it_uses_the_level_rule_of_domain_section_3(name: str) -> None:
    rule = load(name)["settings"]["level_rule"]
    assert (rule["I"], rule["II"], rule["III"]) == ({"min_y": 85}, {"min_y": 85}, {"min_y": 100})
    assert "docs/provenance.md §3" in rule["source"] and rule["provisional"] is True


@pytest.mark.parametrize("name", SYSTEMS)
def test_it_reads_shared_questions_from_the_banks_instead_of_asking_again(name: str) -> None:
    data = load(name)
    assert data["uses"] == ["energy@2025", "management@2025"]
    own, banks = questions(data), bank_questions()
    read = {indicator["rule"]["question"] for indicator in indicators(data)}
    for code in read:
        assert code in own or code in banks, code
        assert not (code in own and code in banks), code
    assert {code for code in read if code.startswith("mgmt.")}, "no management bank question referenced"
    for formula in (q["formula"] for q in own.values() if "formula" in q):
        for code in re.findall(r"\{([a-z0-9_.]+)\}", formula):
            assert code in own or code in banks, code


def test_it_reads_every_required_calculator_output_in_the_generic_system() -> None:
    read = {indicator["rule"]["question"] for indicator in indicators(load(GENERIC))}
    assert REQUIRED_CALCULATOR_CODES <= read
    banks = bank_questions()
    for code in REQUIRED_CALCULATOR_CODES:
        assert banks[code]["calculator"] == code


@pytest.mark.parametrize("name", SYSTEMS)
def test_it_rates_per_product_indicators_on_per_product_questions(name: str) -> None:
    data = load(name)
    own = questions(data)
    assert own[data["settings"]["products_question"]]["type"] == "products"
    per_product = [indicator for indicator in indicators(data) if indicator.get("per_product")]
    assert {i["code"].split(".", 1)[1] for i in per_product} >= {
        "resource.energy_per_product",
        "resource.water_per_product",
    }
    for indicator in per_product:
        assert own[indicator["rule"]["question"]].get("per_product") is True, indicator["code"]


@pytest.mark.parametrize("name", SYSTEMS)
def test_it_gives_every_question_bilingual_help(name: str) -> None:
    for question in load(name)["questions"]:
        assert question["text"]["zh"].strip() and question["text"]["en"].strip(), question["code"]
        for part in ("what", "how", "example", "why"):
            text = question["help"][part]
            assert text["zh"].strip() and text["en"].strip(), f"{question['code']} help.{part}"
        if question["type"] in ("number", "percentage"):
            assert {"unit", "min", "max"} <= set(question), question["code"]


@pytest.mark.parametrize("name", SYSTEMS)
def test_it_gives_every_qualitative_indicator_a_ladder_from_level_one_to_none(name: str) -> None:
    data = load(name)
    own = questions(data)
    for indicator in indicators(data):
        rule = indicator["rule"]
        if rule["type"] != "levels" or "thresholds" in rule:
            continue
        levels = {option["cp_level"] for option in own[rule["question"]]["options"]}
        assert {"I", "none"} <= levels <= {"I", "II", "III", "none"}, indicator["code"]


def test_it_passes_the_schema_check_together_with_the_banks() -> None:
    from questionnaires.loader import validate_definition_files
    from questionnaires.schema import errors

    _, problems = validate_definition_files(DEFINITIONS)
    ours = [problem for problem in errors(problems) if problem.file.endswith(tuple(SYSTEMS))]
    assert ours == []


# --- end to end through the engine and the energy calculator -------------------------------------------

DAIRY = {
    "energy.grid_electricity_kwh": 800_000,
    "energy.natural_gas_m3": 60_000,
    "energy.self_generated_renewable_kwh": 50_000,
    "energy.output_value_10k": 3_000,
    "energy.water_intake_m3": 15_000,
    "energy.water_reused_m3": 40_000,
    "energy.solid_waste_generated_t": 120,
    "energy.solid_waste_utilised_t": 110,
    "energy.hazardous_waste_t": 1.5,
    "cpg.q.products": [{"name": "液态奶", "share": 70}, {"name": "奶粉", "share": 30}],
    "cpg.q.obsolete_equipment": "none_left",
    "cpg.q.catalogue_technology_count": 2,
    "cpg.q.automation": "main",
    "cpg.q.equipment_efficiency": "grade2",
    "cpg.q.closed_handling": "main",
    "cpg.q.hazardous_materials": "none_used",
    "cpg.q.product_energy_grade": "grade2",
    "cpg.q.process_water_use": True,
    "cpg.q.product_water_grade": "advanced",
    "mgmt.energy_metering_gb17167": True,
    "cpg.q.has_waste_heat": True,
    "cpg.q.waste_heat_recovery": "main_sources",
    "mgmt.hazardous_waste_compliant": True,
    "cpg.q.internal_recycling": "most",
    "mgmt.emission_monitoring": True,
    "cpg.q.has_air_stacks": True,
    "cpg.q.air_emission_margin": 35,
    "cpg.q.wastewater_m3": 12_000,
    "cpg.q.uses_voc_materials": False,
    "cpg.q.fugitive_control": "controlled",
    "mgmt.hazardous_substances_controlled": True,
    "cpg.q.product_quality": "good",
    "cpg.q.packaging": "reduced",
    "cpg.q.end_of_life": "consumed",
    "cpg.q.environmental_approvals": True,
    "mgmt.discharge_permit": True,
    "mgmt.cp_audit_3y": True,
    "mgmt.ems_established": True,
    "cpg.q.cp_organisation": "targets",
    "mgmt.environmental_emergency_plan": True,
    "cpg.q.records": "monthly",
}


@cache
def resolved(framework: str) -> dict[str, Any]:
    from questionnaires.loader import resolved_definitions

    return next(d for d in resolved_definitions(DEFINITIONS) if d["framework"] == framework)


def calculator(answers: dict[str, Any]) -> dict[str, float]:
    from assessment.energy import calculator_outputs, energy_balance, energy_inputs_from_answers
    from assessment.selectors.factors import default_factors

    return calculator_outputs(
        energy_balance(inputs=energy_inputs_from_answers(answers), factors=default_factors())
    )


def score(framework: str, answers: dict[str, Any]):
    from assessment.scoring import score_framework

    return score_framework(definition=resolved(framework), answers=answers, calculator=calculator)


def test_it_rates_a_sample_dairy_at_level_two_through_the_energy_calculator() -> None:
    result = score("clean_production_generic", DAIRY)
    by_code = {indicator.code: indicator for indicator in result.indicators}
    # 184.27 tce / 3,000 万元 = 0.0614 tce/万元: between Ⅰ (0.05) and Ⅱ (0.15).
    assert by_code["cpg.resource.energy_per_output"].cp_level == "II"
    # 12,000 m³ / 3,000 万元 = 4 m³/万元 (formula over the energy bank's output value): Ⅱ (≤ 8).
    assert by_code["cpg.pollution.wastewater_per_output"].cp_level == "II"
    assert by_code["cpg.pollution.voc_control"].status == "not_applicable"
    # Ⅰ-level indicators, 100·w·ω (pollution ω renormalised over 0.85 without VOCs):
    # 3.75 + 1.5 + 2.5 + 2.25 + (0.25 + 0.15)/0.85·20 + 2.5 + 2.5 + 3 + 2.25 + 2.25 + 1.5 + 1.5 = 34.9118
    # Ⅱ: everything but the renewable share (3.33 %, Ⅲ only; 0.25 × 0.10 × 100 = 2.5) → 97.5; Ⅲ: 100.
    assert result.details["y"] == {"I": pytest.approx(34.9118, abs=1e-4), "II": 97.5, "III": 100.0}
    assert result.level["code"] == "II"
    assert result.missing == []


def test_it_holds_the_dairy_below_level_three_when_a_limiting_indicator_fails() -> None:
    result = score("clean_production_generic", {**DAIRY, "mgmt.discharge_permit": False})
    assert result.details["y"]["II"] == pytest.approx(97.5 - 2.25)  # 0.15 × 0.15 × 100 lost
    assert result.level["code"] == "below_III"  # Y_Ⅲ < 100, and the limiting permit blocks Ⅱ


def test_it_leaves_mill_indicators_out_for_a_paper_converter() -> None:
    answers = {
        "cpp.q.products": [{"name": "瓦楞纸箱", "share": 100}],
        "cpp.q.process_route": "converting_only",
    }
    result = score("clean_production_paper", answers)
    status = {indicator.code: indicator.status for indicator in result.indicators}
    for code in (
        "cpp.resource.energy_per_product",
        "cpp.resource.water_per_product",
        "cpp.pollution.wastewater_per_product",
        "cpp.process.paper_machine",
        "cpp.process.stock_preparation",
        "cpp.process.bleaching",
    ):
        assert status[code] == "not_applicable", code
    assert status["cpp.process.no_obsolete"] == "missing"


def test_it_weights_per_product_grades_by_output_share() -> None:
    answers = {**DAIRY, "cpg.q.product_energy_grade": {"液态奶": "grade1", "奶粉": "grade3"}}
    result = score("clean_production_generic", answers)
    energy = next(i for i in result.indicators if i.code == "cpg.resource.energy_per_product")
    assert energy.cp_level == "III"  # the worst product decides for the limiting rule
    # 0.25 × 0.20 × 100 = 5 points available; 70 % of them at Ⅰ.
    assert result.details["y"]["I"] == pytest.approx(34.9118 + 0.7 * 5, abs=1e-4)


@pytest.mark.parametrize("name", SYSTEMS)
def test_it_documents_every_indicator(name: str) -> None:
    doc = (DEFINITIONS.parents[1] / "docs" / "frameworks" / "clean-production.md").read_text(encoding="utf-8")
    for indicator in indicators(load(name)):
        assert f"`{indicator['code']}`" in doc, indicator["code"]


def test_it_tells_a_mill_how_to_enter_the_black_liquor_its_renewable_share_counts() -> None:
    renewable = next(i for i in indicators(load(PAPER)) if i["code"] == "cpp.resource.renewable_share")
    assert "黑液" in renewable["title"]["zh"] and renewable["rule"]["question"] == "calc.renewable_share"
    biomass = bank_questions()["energy.biomass_t"]
    for part in ("what", "how"):
        assert "黑液" in biomass["help"][part]["zh"], part
        assert "black liquor" in biomass["help"][part]["en"].lower(), part
    factors = (DEFINITIONS.parents[1] / "assessment" / "data" / "factors-2025.yaml").read_text(
        encoding="utf-8"
    )
    if (
        "black_liquor" not in factors and "黑液" not in factors
    ):  # entered as biomass: no coefficient of its own
        assert biomass["provisional"] is True
        assert "[U]" in biomass["source"]


@pytest.mark.parametrize("name", SYSTEMS)
def test_it_quotes_the_chosen_option_label_in_every_choice_example(name: str) -> None:
    # An example that paraphrases a label ("主要设备达到2级") leaves the reader to guess which option it means.
    for question in load(name)["questions"]:
        if question["type"] != "single":
            continue
        example = question["help"]["example"]
        quoted = [
            option["code"]
            for option in question["options"]
            if f"“{option['text']['zh']}”" in example["zh"] and f'"{option["text"]["en"]}"' in example["en"]
        ]
        assert len(quoted) == 1, f"{question['code']}: example quotes {quoted}"
