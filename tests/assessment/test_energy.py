"""The energy and carbon calculator: hand-computed examples, validation rules, factor sets, the command.

Every expected figure below is worked out by hand from the factor file (assessment/data/factors-2025.yaml);
the comment next to it names the coefficients used.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from assessment.energy import (
    INDICATORS,
    INPUTS,
    PLAUSIBILITY,
    calculator_outputs,
    energy_balance,
    energy_inputs_from_answers,
)
from assessment.models import Factor, FactorSet
from assessment.selectors.factors import (
    FACTORS_FILE,
    FactorFileError,
    current_factor_set,
    default_factors,
    factor_snapshot,
    read_factor_file,
)
from assessment.services.factors import factor_set_load
from questionnaires.logic import is_asked, resolve_answers
from tests.factories import AssessmentFactory

BANK_FILE = Path(__file__).resolve().parents[2] / "questionnaires" / "definitions" / "bank-energy-2025.yaml"

# 1,000,000 kWh of grid electricity and 500 t of raw coal: the example of issue 5.
BASIC = {"energy.grid_electricity_kwh": 1_000_000, "energy.raw_coal_t": 500}


@pytest.fixture
def factors() -> dict:
    return default_factors()


def value(balance, code: str) -> Decimal | None:
    return balance.value(code)


def issue_codes(issues) -> list[str]:
    return [issue.code for issue in issues]


# --- energy (tce) ----------------------------------------------------------------------------------------


def test_it_reproduces_the_issue_example_in_tce(factors):
    balance = energy_balance(inputs=BASIC, factors=factors)
    # coef.electricity 0.1229 kgce/kWh: 1,000,000 × 0.1229 ÷ 1000 = 122.9 tce
    # coef.raw_coal 0.7143 kgce/kg (= tce/t): 500 × 0.7143 = 357.15 tce
    assert balance.is_valid
    assert value(balance, "calc.total_energy_tce") == Decimal("480.05")
    derivation = [line["en"] for line in balance.indicators["calc.total_energy_tce"].derivation]
    assert derivation == [
        "Grid electricity 1,000,000 kWh × 0.1229 kgce/kWh ÷ 1000 = 122.9 tce",
        "Raw coal 500 t × 0.7143 kgce/kg = 357.15 tce",
        "Total = 122.9 + 357.15 = 480.05 tce",
    ]
    assert (
        balance.indicators["calc.total_energy_tce"].derivation[1]["zh"]
        == "原煤 500 吨 × 0.7143 kgce/kg = 357.15 吨标准煤"
    )
    assert balance.indicators["calc.total_energy_tce"].factor_keys == ("coef.electricity", "coef.raw_coal")


def test_it_converts_every_carrier_with_its_coefficient(factors):
    inputs = {
        "energy.grid_electricity_kwh": 0,
        "energy.natural_gas_m3": 120_000,  # coef.natural_gas 1.3300 kgce/m³: 120,000 × 1.33 ÷ 1000 = 159.6
        "energy.coke_t": 10,  # coef.coke 0.9714: 9.714
        "energy.lpg_t": 2,  # coef.lpg 1.7143: 3.4286
        "energy.diesel_t": 10,  # coef.diesel 1.4571: 14.571
        "energy.gasoline_t": 5,  # coef.gasoline 1.4714: 7.357
        "energy.fuel_oil_t": 4,  # coef.fuel_oil 1.4286: 5.7144
        "energy.steam_t": 1000,  # coef.steam 0.1286 kgce/kg: 128.6
        "energy.heat_gj": 500,  # coef.heat 0.03412 kgce/MJ (= tce/GJ): 17.06
        "energy.self_generated_renewable_kwh": 100_000,  # coef.electricity: 12.29
    }
    balance = energy_balance(inputs=inputs, factors=factors)
    # 159.6 + 9.714 + 3.4286 + 14.571 + 7.357 + 5.7144 + 128.6 + 17.06 + 12.29 = 358.335 → 358.34 (half up)
    assert value(balance, "calc.total_energy_tce") == Decimal("358.34")


def test_it_converts_biomass_from_its_measured_heat_value(factors):
    inputs = {
        "energy.grid_electricity_kwh": 0,
        "energy.biomass_t": 100,
        "energy.biomass_ncv_mj_per_kg": "29.3076",
    }
    balance = energy_balance(inputs=inputs, factors=factors)
    # 100 t × 29.3076 MJ/kg ÷ coef.standard_coal_heat 29.3076 MJ/kgce = 100 tce, all renewable, no scope 1 CO₂
    assert value(balance, "calc.total_energy_tce") == Decimal("100.00")
    assert value(balance, "calc.renewable_share") == Decimal("100.00")
    assert value(balance, "calc.co2_scope1_t") == Decimal("0.00")
    assert any("biogenic" in line["en"] for line in balance.indicators["calc.co2_scope1_t"].derivation)


# --- CO₂ -----------------------------------------------------------------------------------------------


def test_it_computes_scope_1_and_2_for_the_issue_example(factors):
    balance = energy_balance(inputs={**BASIC, "energy.output_value_10k": 5600}, factors=factors)
    # ef.raw_coal 1.742 tCO2/t: 500 × 1.742 = 871 t
    assert value(balance, "calc.co2_scope1_t") == Decimal("871.00")
    # ef.grid.heilongjiang.2023 0.5229 tCO2/MWh (default: Heilongjiang, latest year): 1,000 MWh × 0.5229 = 522.9 t
    assert value(balance, "calc.co2_scope2_t") == Decimal("522.90")
    assert balance.grid_factor_key == "ef.grid.heilongjiang.2023"
    assert value(balance, "calc.co2_total_t") == Decimal("1393.90")
    # 480.05 tce ÷ 5600 万元 = 0.085723 → 0.0857; 1393.9 t ÷ 5600 = 0.248911 → 0.2489
    assert value(balance, "calc.energy_per_output") == Decimal("0.0857")
    assert value(balance, "calc.carbon_per_output") == Decimal("0.2489")


def test_it_computes_fuel_emissions_with_their_factors(factors):
    inputs = {
        "energy.grid_electricity_kwh": 0,
        "energy.natural_gas_m3": 120_000,  # ef.natural_gas 21.62 tCO2/10⁴m³: 12 × 21.62 = 259.44
        "energy.diesel_t": 10,  # ef.diesel 3.096: 30.96
        "energy.gasoline_t": 5,  # ef.gasoline 2.925: 14.625
        "energy.lpg_t": 2,  # ef.lpg 3.101: 6.202
        "energy.coke_t": 10,  # ef.coke 2.860: 28.6
        "energy.fuel_oil_t": 4,  # ef.fuel_oil 3.170: 12.68
    }
    balance = energy_balance(inputs=inputs, factors=factors)
    # 259.44 + 30.96 + 14.625 + 6.202 + 28.6 + 12.68 = 352.507 → 352.51
    assert value(balance, "calc.co2_scope1_t") == Decimal("352.51")
    assert value(balance, "calc.co2_scope2_t") == Decimal("0.00")


def test_it_reports_scope_2_location_and_market_based_without_counting_green_power_twice(factors):
    # The worked example of docs/energy.md ("Scope 2"): 1,000 MWh bought, 200 MWh of it green power.
    inputs = {"energy.grid_electricity_kwh": 1_000_000, "energy.green_power_kwh": 200_000}
    balance = energy_balance(inputs=inputs, factors=factors)
    # Location-based: all 1,000 MWh × Heilongjiang 2023 average 0.5229 = 522.90 t (no deduction).
    assert value(balance, "calc.co2_scope2_location_t") == Decimal("522.90")
    # Market-based: 200 MWh green power × 0 + 800 MWh × 0.6096 (national, excluding market-traded
    # non-fossil power, 2023) = 487.68 t.
    assert value(balance, "calc.co2_scope2_market_t") == Decimal("487.68")
    assert set(balance.indicators["calc.co2_scope2_market_t"].factor_keys) == {
        "ef.grid.national_residual.2023"
    }
    # The carbon indicators use the location-based figure, as their definitions say.
    assert value(balance, "calc.co2_scope2_t") == Decimal("522.90")
    assert value(balance, "calc.co2_total_t") == Decimal("522.90")
    # Never the old mix: green power deducted and the average applied to the rest (418.32 t).
    assert Decimal("418.32") not in {value(balance, c) for c in balance.indicators}
    # renewable 200,000 × 0.1229 ÷ 1000 = 24.58 tce of 122.9 tce total = 20 %
    assert value(balance, "calc.renewable_share") == Decimal("20.00")
    as_dict = balance.to_dict()["indicators"]
    assert as_dict["calc.co2_scope2_location_t"]["value"] and as_dict["calc.co2_scope2_market_t"]["value"]


def test_without_green_power_the_market_based_figure_uses_the_residual_factor(factors):
    balance = energy_balance(inputs={"energy.grid_electricity_kwh": 1_000_000}, factors=factors)
    assert value(balance, "calc.co2_scope2_location_t") == Decimal("522.90")
    assert value(balance, "calc.co2_scope2_market_t") == Decimal("609.60")  # 1,000 MWh × 0.6096


def test_it_adds_purchased_steam_and_heat_to_scope_2(factors):
    inputs = {"energy.grid_electricity_kwh": 0, "energy.steam_t": 1000, "energy.heat_gj": 500}
    balance = energy_balance(inputs=inputs, factors=factors)
    # steam 1000 t × conv.steam_heat 3.763 GJ/t × ef.heat 0.11 tCO2/GJ = 413.93; heat 500 GJ × 0.11 = 55
    assert value(balance, "calc.co2_scope2_t") == Decimal("468.93")
    assert set(balance.indicators["calc.co2_scope2_t"].factor_keys) == {"conv.steam_heat", "ef.heat"}


@pytest.mark.parametrize(
    ("basis", "year", "key", "scope2"),
    [
        ("northeast", None, "ef.grid.northeast.2023", "512.20"),  # 1,000 MWh × 0.5122
        ("national", None, "ef.grid.national.2023", "530.60"),  # × 0.5306
        ("heilongjiang", 2021, "ef.grid.heilongjiang.2021", "634.20"),  # × 0.6342
        ("northeast", 2022, "ef.grid.northeast.2022", "556.40"),  # × 0.5564
        ("national_residual", None, "ef.grid.national_residual.2023", "609.60"),  # × 0.6096
        ("carbon_market", None, "ef.grid.carbon_market", "570.30"),  # × 0.5703, only when chosen
    ],
)
def test_it_uses_the_chosen_grid_factor(factors, basis, year, key, scope2):
    inputs = {"energy.grid_electricity_kwh": 1_000_000, "energy.grid_factor_basis": basis}
    if year is not None:
        inputs["energy.grid_factor_year"] = year
    balance = energy_balance(inputs=inputs, factors=factors)
    assert balance.grid_factor_key == key
    assert value(balance, "calc.co2_scope2_t") == Decimal(scope2)
    assert balance.factors_used[key]["provisional"] is True


# --- resources and land ----------------------------------------------------------------------------------


def test_it_computes_water_waste_and_land_indicators(factors):
    inputs = {
        **BASIC,
        "energy.output_value_10k": 5600,
        "energy.water_intake_m3": 36_000,
        "energy.water_reused_m3": 120_000,
        "energy.solid_waste_generated_t": 300,
        "energy.solid_waste_utilised_t": 350,
        "energy.solid_waste_from_storage_t": 100,
        "energy.land_area_m2": 20_000,
        "energy.building_footprint_m2": 9_000,
        "energy.floor_area_m2": 16_000,
        "energy.main_product_output": 12_000,
        "energy.main_product_unit": "t",
    }
    balance = energy_balance(inputs=inputs, factors=factors)
    assert value(balance, "calc.water_reuse_rate") == Decimal("76.92")  # 120,000 ÷ 156,000
    assert value(balance, "calc.water_per_output") == Decimal("6.43")  # 36,000 ÷ 5,600
    assert value(balance, "calc.solid_waste_utilisation_rate") == Decimal("87.50")  # 350 ÷ (300 + 100)
    assert value(balance, "calc.output_per_land") == Decimal("2800.00")  # 5,600 ÷ 2 ha
    assert value(balance, "calc.building_coefficient") == Decimal("45.00")  # 9,000 ÷ 20,000
    assert value(balance, "calc.plot_ratio") == Decimal("0.80")  # 16,000 ÷ 20,000
    assert value(balance, "calc.energy_per_product") == Decimal("40.0042")  # 480.05 × 1000 ÷ 12,000 kgce/t
    assert balance.indicators["calc.energy_per_product"].unit == {"zh": "千克标准煤/t", "en": "kgce/t"}


def test_it_rounds_half_up_at_the_stated_precision(factors):
    inputs = {"energy.land_area_m2": 800, "energy.building_footprint_m2": 1}
    balance = energy_balance(inputs=inputs, factors=factors)
    assert value(balance, "calc.building_coefficient") == Decimal("0.13")  # 0.125 % → 0.13


def test_it_leaves_indicators_missing_when_an_input_is_missing(factors):
    balance = energy_balance(inputs=BASIC, factors=factors)
    assert value(balance, "calc.energy_per_output") is None
    assert balance.indicators["calc.energy_per_output"].note["en"] == "Gross output value missing or zero"
    assert value(balance, "calc.water_reuse_rate") is None
    outputs = calculator_outputs(balance)
    assert outputs["calc.total_energy_tce"] == 480.05
    assert "calc.energy_per_output" not in outputs
    assert "calc.water_reuse_rate" not in outputs


def test_it_computes_no_energy_indicator_without_energy_data(factors):
    balance = energy_balance(inputs={"energy.output_value_10k": 100}, factors=factors)
    assert balance.is_valid
    assert value(balance, "calc.total_energy_tce") is None
    assert value(balance, "calc.co2_scope2_t") is None


# --- validation ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["energy.raw_coal_t", "energy.water_intake_m3", "energy.output_value_10k"])
def test_it_rejects_negative_quantities(factors, code):
    balance = energy_balance(inputs={**BASIC, code: -1}, factors=factors)
    assert not balance.is_valid
    error = balance.errors[0]
    assert (error.code, error.field) == ("negative", code)
    assert INPUTS[code].label["zh"] in error.message["zh"]
    assert INPUTS[code].label["en"] in error.message["en"]
    assert all(ind.value is None for ind in balance.indicators.values())
    assert calculator_outputs(balance) == {}


@pytest.mark.parametrize("raw", ["abc", True, [1], float("nan")])
def test_it_rejects_values_that_are_not_numbers(factors, raw):
    balance = energy_balance(inputs={**BASIC, "energy.coke_t": raw}, factors=factors)
    assert issue_codes(balance.errors) == ["not_a_number"]


def test_it_accepts_numeric_strings(factors):
    balance = energy_balance(
        inputs={"energy.grid_electricity_kwh": "1000000", "energy.raw_coal_t": " 500 "}, factors=factors
    )
    assert value(balance, "calc.total_energy_tce") == Decimal("480.05")


def test_it_rejects_unknown_fields_and_options(factors):
    balance = energy_balance(
        inputs={**BASIC, "energy.raw_cole_t": 5, "energy.grid_factor_basis": "moon"}, factors=factors
    )
    assert sorted(issue_codes(balance.errors)) == ["unknown_choice", "unknown_field"]


def test_it_rejects_reused_water_larger_than_total_use(factors):
    inputs = {
        **BASIC,
        "energy.water_intake_m3": 100,
        "energy.water_reused_m3": 500,
        "energy.water_total_use_m3": 400,
    }
    balance = energy_balance(inputs=inputs, factors=factors)
    assert issue_codes(balance.errors) == ["reused_exceeds_total_use"]
    assert balance.errors[0].field == "energy.water_reused_m3"
    assert (
        "重复利用水量" in balance.errors[0].message["zh"]
        and "total water use" in balance.errors[0].message["en"]
    )


def test_it_warns_when_intake_and_reuse_do_not_add_up_to_total_use(factors):
    inputs = {
        **BASIC,
        "energy.water_intake_m3": 100,
        "energy.water_reused_m3": 200,
        "energy.water_total_use_m3": 400,
    }
    balance = energy_balance(inputs=inputs, factors=factors)
    assert balance.is_valid
    assert issue_codes(balance.unconfirmed_warnings) == ["water_balance_mismatch"]
    inputs["energy.water_total_use_m3"] = 302  # within 1 %
    assert energy_balance(inputs=inputs, factors=factors).warnings == ()


def test_it_rejects_utilised_waste_larger_than_generated_plus_stored(factors):
    inputs = {
        **BASIC,
        "energy.solid_waste_generated_t": 100,
        "energy.solid_waste_utilised_t": 160,
        "energy.solid_waste_from_storage_t": 50,
    }
    balance = energy_balance(inputs=inputs, factors=factors)
    assert issue_codes(balance.errors) == ["utilised_exceeds_available"]
    assert balance.errors[0].field == "energy.solid_waste_utilised_t"
    inputs["energy.solid_waste_from_storage_t"] = 60  # 160 ≤ 100 + 60
    assert energy_balance(inputs=inputs, factors=factors).is_valid


def test_it_rejects_waste_from_storage_larger_than_waste_utilised(factors):
    inputs = {
        **BASIC,
        "energy.solid_waste_generated_t": 100,
        "energy.solid_waste_utilised_t": 20,
        "energy.solid_waste_from_storage_t": 30,
    }
    assert issue_codes(energy_balance(inputs=inputs, factors=factors).errors) == ["storage_exceeds_utilised"]


def test_it_rejects_green_power_larger_than_grid_electricity(factors):
    balance = energy_balance(inputs={**BASIC, "energy.green_power_kwh": 1_000_001}, factors=factors)
    assert issue_codes(balance.errors) == ["green_power_exceeds_grid"]
    assert balance.errors[0].field == "energy.green_power_kwh"
    assert (
        "外购绿色电力" in balance.errors[0].message["zh"] and "Green power" in balance.errors[0].message["en"]
    )


def test_it_rejects_a_footprint_larger_than_the_land(factors):
    inputs = {"energy.land_area_m2": 100, "energy.building_footprint_m2": 101}
    assert issue_codes(energy_balance(inputs=inputs, factors=factors).errors) == ["footprint_exceeds_land"]


def test_it_requires_the_heat_value_of_biomass(factors):
    balance = energy_balance(inputs={**BASIC, "energy.biomass_t": 10}, factors=factors)
    assert issue_codes(balance.errors) == ["biomass_ncv_missing"]
    assert balance.errors[0].field == "energy.biomass_ncv_mj_per_kg"


def test_it_rejects_a_grid_factor_year_the_set_does_not_have(factors):
    inputs = {**BASIC, "energy.grid_factor_year": 2019}
    balance = energy_balance(inputs=inputs, factors=factors)
    assert issue_codes(balance.errors) == ["grid_factor_unknown"]
    assert balance.errors[0].field == "energy.grid_factor_year"


def test_it_reports_a_factor_missing_from_the_set(factors):
    del factors["factors"]["coef.raw_coal"]
    balance = energy_balance(inputs=BASIC, factors=factors)
    assert issue_codes(balance.errors) == ["factor_missing"]
    assert balance.errors[0].field == "coef.raw_coal"


def test_it_warns_when_an_intensity_is_about_1000_times_off(factors):
    # Output entered in yuan instead of 万元: 480.05 tce ÷ 56,000,000 = 0.0000086 tce/万元, far below
    # typical.energy_per_output 0.45 ÷ check.implausible_ratio 1000.
    inputs = {**BASIC, "energy.output_value_10k": 56_000_000}
    balance = energy_balance(inputs=inputs, factors=factors)
    assert balance.is_valid
    assert "implausible.calc.energy_per_output" in issue_codes(balance.unconfirmed_warnings)
    warning = next(w for w in balance.warnings if w.code == "implausible.calc.energy_per_output")
    assert warning.field == "calc.energy_per_output"
    assert "单位产值综合能耗" in warning.message["zh"] and "unit may be wrong" in warning.message["en"]
    # Far above: 480.05 tce on 0.5 万元 = 960 tce/万元 > 0.45 × 1000.
    high = energy_balance(inputs={**BASIC, "energy.output_value_10k": "0.5"}, factors=factors)
    assert "implausible.calc.energy_per_output" in issue_codes(high.warnings)
    # A plausible plant: no warning.
    normal = energy_balance(inputs={**BASIC, "energy.output_value_10k": 5600}, factors=factors)
    assert normal.warnings == ()


def test_it_marks_a_warning_confirmed_when_its_code_is_in_the_confirmation_answer(factors):
    inputs = {
        **BASIC,
        "energy.output_value_10k": 56_000_000,
        "energy.confirmed_warnings": [
            "implausible.calc.energy_per_output",
            "implausible.calc.carbon_per_output",
        ],
    }
    balance = energy_balance(inputs=inputs, factors=factors)
    assert [w.confirmed for w in balance.warnings] == [True, True]
    assert balance.unconfirmed_warnings == ()


# --- trend, outputs, serialisation ---------------------------------------------------------------------


def test_it_shows_the_trend_against_the_previous_year(factors):
    previous = {"energy.grid_electricity_kwh": 1_200_000, "energy.raw_coal_t": 600}
    balance = energy_balance(inputs=BASIC, factors=factors, previous=previous)
    # previous: 147.48 + 428.58 = 576.06 tce; change −96.01 tce = −16.67 %
    trend = balance.indicators["calc.total_energy_tce"].trend
    assert (trend.previous, trend.change, trend.change_percent) == (
        Decimal("576.06"),
        Decimal("-96.01"),
        Decimal("-16.67"),
    )
    assert balance.indicators["calc.energy_per_output"].trend is None


def test_it_reports_errors_in_the_previous_year_without_blocking_this_year(factors):
    balance = energy_balance(inputs=BASIC, factors=factors, previous={"energy.raw_coal_t": -3})
    assert balance.is_valid
    assert issue_codes(balance.previous_errors) == ["negative"]
    assert balance.indicators["calc.total_energy_tce"].trend is None


def test_it_serialises_to_json(factors):
    balance = energy_balance(
        inputs={**BASIC, "energy.output_value_10k": 5600}, factors=factors, previous=BASIC
    )
    data = json.loads(json.dumps(balance.to_dict()))
    total = data["indicators"]["calc.total_energy_tce"]
    assert total["value"] == 480.05 and total["text"] == "480.05"
    assert total["trend"] == {"previous": 480.05, "change": 0.0, "change_percent": 0.0}
    assert data["factors_used"]["coef.raw_coal"]["value"] == "0.7143"
    assert data["provisional"] is True
    # Energy rests on provisional GB/T 2589 values in circulation; the plot ratio on no factor at all.
    assert total["provisional"] is True
    assert data["indicators"]["calc.plot_ratio"]["provisional"] is False


def test_it_takes_its_inputs_from_the_answers():
    answers = {
        "energy.raw_coal_t": 5,
        "mgmt.lawful_compliant": True,
        "calc.total_energy_tce": 9,
        "gf25.q.x": 1,
    }
    assert energy_inputs_from_answers(answers) == {"energy.raw_coal_t": 5}


# --- the bank and the crosswalk contract --------------------------------------------------------------


def _bank() -> dict:
    return yaml.safe_load(BANK_FILE.read_text(encoding="utf-8"))


def test_it_has_an_input_for_every_energy_question_of_the_bank_and_no_other():
    codes = {q["code"] for q in _bank()["questions"] if q["code"].startswith("energy.")}
    assert codes == set(INPUTS)


def test_it_computes_every_calc_question_of_the_bank():
    computed = {q["code"]: q for q in _bank()["questions"] if q["type"] == "computed"}
    assert set(computed) == set(INDICATORS)
    for code, question in computed.items():
        assert question["calculator"] == code
        assert question["decimals"] == INDICATORS[code].decimals


def test_it_offers_a_confirmation_option_for_every_warning_code():
    question = next(q for q in _bank()["questions"] if q["code"] == "energy.confirmed_warnings")
    options = {option["code"] for option in question["options"]}
    assert options == {f"implausible.{code}" for code in PLAUSIBILITY} | {"water_balance_mismatch"}


def test_it_fills_the_computed_questions_through_resolve_answers(factors):
    answers = {**BASIC, "energy.output_value_10k": 5600}
    balance = energy_balance(inputs=energy_inputs_from_answers(answers), factors=factors)
    resolved = resolve_answers(_bank(), answers, calculator=calculator_outputs(balance))
    assert resolved["calc.total_energy_tce"] == 480.05
    assert resolved["calc.energy_per_output"] == 0.0857
    assert "calc.water_reuse_rate" not in resolved
    # An override given by the user is kept.
    overridden = resolve_answers(
        _bank(), {**answers, "calc.total_energy_tce": 470.0}, calculator=calculator_outputs(balance)
    )
    assert overridden["calc.total_energy_tce"] == 470.0


# --- the factor file ---------------------------------------------------------------------------------


def test_it_marks_every_unconfirmed_factor_provisional():
    for key, entry in default_factors()["factors"].items():
        assert entry["source"], key
        if "[C" in entry["source"] or "[U" in entry["source"] or "U]" in entry["source"]:
            assert entry["provisional"], key


def test_it_ships_the_official_figures_named_in_the_domain_brief():
    table = default_factors()["factors"]
    expected = {
        "coef.electricity": "0.1229",
        "coef.raw_coal": "0.7143",
        "coef.natural_gas": "1.33",
        "ef.grid.heilongjiang.2023": "0.5229",
        "ef.grid.heilongjiang.2022": "0.5368",
        "ef.grid.heilongjiang.2021": "0.6342",
        "ef.grid.northeast.2023": "0.5122",
        "ef.grid.national.2023": "0.5306",
        "ef.grid.carbon_market": "0.5703",
        "ef.natural_gas": "21.62",
    }
    assert {key: table[key]["value"] for key in expected} == expected
    assert table["ef.grid.heilongjiang.2023"]["year"] == 2023


def test_it_refuses_a_broken_factor_file(tmp_path):
    path = tmp_path / "factors.yaml"
    path.write_text(
        "name: x\nyear: 2025\nfactors:\n"
        "  - {key: a, label: {zh: 甲, en: A}, value: abc, unit: t, source: s}\n"
        "  - {key: b, label: {zh: 乙}, value: 1, unit: t, source: s, colour: red}\n",
        encoding="utf-8",
    )
    with pytest.raises(FactorFileError) as excinfo:
        read_factor_file(path)
    message = str(excinfo.value)
    assert "value 'abc' is not a number" in message
    assert "label needs zh and en" in message
    assert "unknown keys ['colour']" in message


# --- factor sets in the database ---------------------------------------------------------------------


@pytest.mark.django_db
def test_it_loads_the_factor_file_idempotently():
    data = read_factor_file(FACTORS_FILE)
    first = factor_set_load(data=data)
    assert first.action == "created"
    assert first.factor_set.is_default
    assert current_factor_set() == first.factor_set
    assert first.factor_set.factors.count() == len(data["factors"])
    assert factor_set_load(data=data).action == "unchanged"
    assert FactorSet.objects.count() == 1
    snapshot = factor_snapshot(first.factor_set)
    assert snapshot["factors"] == data["factors"]
    assert snapshot["id"] == first.factor_set.pk


@pytest.mark.django_db
def test_it_updates_an_unused_set_in_place():
    data = read_factor_file(FACTORS_FILE)
    loaded = factor_set_load(data=data).factor_set
    data["factors"]["coef.natural_gas"]["value"] = "1.2143"
    result = factor_set_load(data=data)
    assert (result.action, result.factor_set.pk) == ("updated", loaded.pk)
    assert Factor.objects.get(factor_set=loaded, key="coef.natural_gas").value == Decimal("1.2143")


@pytest.mark.django_db
def test_it_never_changes_a_set_an_assessment_uses(enterprise):
    data = read_factor_file(FACTORS_FILE)
    used = factor_set_load(data=data).factor_set
    AssessmentFactory(enterprise=enterprise, factor_set=used)
    data["factors"]["coef.natural_gas"]["value"] = "1.2143"
    result = factor_set_load(data=data)
    assert result.action == "new_revision"
    assert result.factor_set.pk != used.pk
    assert result.factor_set.name == f"{data['name']} (r2)"
    assert Factor.objects.get(factor_set=used, key="coef.natural_gas").value == Decimal("1.33")
    used.refresh_from_db()
    assert not used.is_default and result.factor_set.is_default
    assert factor_set_load(data=data).action == "unchanged"


@pytest.mark.django_db
def test_it_computes_with_a_stored_snapshot_as_with_the_file():
    factor_set = factor_set_load(data=read_factor_file(FACTORS_FILE)).factor_set
    stored = energy_balance(inputs=BASIC, factors=factor_snapshot(factor_set))
    assert stored.value("calc.total_energy_tce") == Decimal("480.05")
    assert stored.factor_set["id"] == factor_set.pk


@pytest.mark.django_db
def test_it_loads_factors_with_the_command(capsys):
    call_command("load_factors")
    assert "created" in capsys.readouterr().out
    call_command("load_factors")
    assert "unchanged" in capsys.readouterr().out


# --- the energy_balance command --------------------------------------------------------------------------


def test_the_command_prints_indicators_and_derivation_as_json(tmp_path, capsys):
    path = tmp_path / "inputs.json"
    path.write_text(json.dumps({**BASIC, "energy.output_value_10k": 5600}), encoding="utf-8")
    call_command("energy_balance", str(path))
    data = json.loads(capsys.readouterr().out)
    assert data["valid"] is True
    assert data["indicators"]["calc.total_energy_tce"]["value"] == 480.05
    assert (
        data["indicators"]["calc.total_energy_tce"]["derivation"][-1]["zh"]
        == "综合能源消费量 = 122.9 + 357.15 = 480.05 吨标准煤"
    )


def test_the_command_can_print_one_language_and_a_trend(tmp_path, capsys):
    path, previous = tmp_path / "inputs.json", tmp_path / "previous.json"
    path.write_text(json.dumps(BASIC), encoding="utf-8")
    previous.write_text(json.dumps({"energy.grid_electricity_kwh": 1_200_000, "energy.raw_coal_t": 600}))
    call_command("energy_balance", str(path), "--lang", "en", "--previous", str(previous))
    data = json.loads(capsys.readouterr().out)
    total = data["indicators"]["calc.total_energy_tce"]
    assert total["label"] == "Comprehensive energy consumption"
    assert total["trend"]["change_percent"] == -16.67


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"energy.raw_coal_t": -1}', "Raw coal cannot be negative"),
        ("[1, 2]", "must hold a JSON object"),
        ("{not json", "is not valid JSON"),
    ],
)
def test_the_command_exits_2_on_invalid_input(tmp_path, capsys, content, message):
    path = tmp_path / "inputs.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError) as excinfo:
        call_command("energy_balance", str(path), "--lang", "en")
    assert excinfo.value.returncode == 2
    assert message in str(excinfo.value)


def test_the_command_exits_2_on_a_missing_file(tmp_path):
    with pytest.raises(CommandError) as excinfo:
        call_command("energy_balance", str(tmp_path / "missing.json"))
    assert excinfo.value.returncode == 2


def test_it_lists_every_factor_in_the_docs():
    docs = (Path(__file__).resolve().parents[2] / "docs" / "energy.md").read_text(encoding="utf-8")
    raw = yaml.safe_load(FACTORS_FILE.read_text(encoding="utf-8"))
    for entry in raw["factors"]:
        row = next((line for line in docs.splitlines() if line.startswith(f"| `{entry['key']}` |")), None)
        assert row is not None, entry["key"]
        assert f"| {entry['value']} |" in row, entry["key"]
        assert row.endswith("| yes |" if entry.get("provisional") else "| no |"), entry["key"]


def test_it_asks_the_grid_factor_year_unless_the_carbon_market_factor_is_chosen():
    question = next(q for q in _bank()["questions"] if q["code"] == "energy.grid_factor_year")
    assert is_asked(question, {})
    assert is_asked(question, {"energy.grid_factor_basis": "northeast"})
    assert not is_asked(question, {"energy.grid_factor_basis": "carbon_market"})


def test_it_rejects_a_fractional_grid_factor_year(factors):
    balance = energy_balance(inputs={**BASIC, "energy.grid_factor_year": 2022.5}, factors=factors)
    assert issue_codes(balance.errors) == ["grid_factor_unknown"]
