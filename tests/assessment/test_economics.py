"""Action economics: hand-computed worked examples, the model and price files, consistency properties.

The four worked examples (rooftop PV, motor upgrade, waste-heat recovery, water reuse) are written up
step by step in docs/actions.md; the enterprise's own bills pin the prices so the examples depend only
on the model file (assessment/actions/economics-2025.yaml) and the factor file. Central values use the
middle of every parameter range; the ends of a range move every parameter to the end that lowers or
raises that figure.
"""

from __future__ import annotations

import copy
import json

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import given, settings
from hypothesis import strategies as st

from assessment.economics import (
    Baseline,
    EconomicsError,
    combine,
    default_prices,
    estimate,
    load_economics,
    mac_curve,
)
from assessment.economics.model import MODEL_DIR, parse_economics
from assessment.economics.prices import PRICES_FILE, PriceFileError, parse_price_file, resolve_prices
from assessment.selectors.factors import default_factors

GRID = 0.5229 / 1000  # t CO₂ per kWh: Heilongjiang 2023 (ef.grid.heilongjiang.2023)
ELEC_TCE = 0.1229 / 1000  # tce per kWh (coef.electricity)


@pytest.fixture(scope="module")
def economics():
    return load_economics()


def _baseline(answers, size_class="small"):
    return Baseline.from_answers(
        answers, factors=default_factors(), prices=default_prices(), size_class=size_class
    )


# --- worked example 1: rooftop PV ------------------------------------------------------------------


def test_rooftop_pv_worked_example(economics):
    base = _baseline(
        {
            "energy.grid_electricity_kwh": 1_000_000,
            "energy.electricity_cost_10k": 70,  # own price 700,000 ÷ 1,000,000 = 0.70 元/kWh
            "energy.roof_area_m2": 3000,
        }
    )
    result = estimate(economics.model("act.energy.rooftop_pv"), base, economics=economics)
    assert result.status == "estimated"
    # kWp = 3000 m² ÷ 7.25 m²/kWp (mid of 5.5–9) = 413.7931; generation × 1175 kWh/kWp = 486,206.9 kWh
    kwp = 3000 / 7.25
    generation = kwp * 1175
    own = generation * 0.825  # self-use 82.5 % (mid of 70–95 %) = 401,120.7 kWh
    export = generation - own  # 85,086.2 kWh at 0.337 元/kWh (mid of 0.30–0.374)
    gross = own * 0.70 + export * 0.337  # 309,458.5 元
    investment = kwp * 3500  # 1,448,275.9 元 (3.5 元/W)
    net = gross - investment * 0.015  # O&M 1.5 %/a: 287,734.4 元
    assert result.investment_wan.mid == pytest.approx(investment / 10000)
    assert result.investment_wan.mid == pytest.approx(144.83, abs=0.01)
    assert result.annual_saving_wan.mid == pytest.approx(28.77, abs=0.01)
    assert result.annual_saving_wan.mid == pytest.approx(net / 10000)
    assert result.payback_years.mid == pytest.approx(5.03, abs=0.01)
    assert result.co2_avoided_t.mid == pytest.approx(own * GRID)  # 209.75 t: own use only
    assert result.energy_saved_tce.mid == pytest.approx(own * ELEC_TCE)  # 49.30 tce of grid power
    # Range ends: 3000 ÷ 9 = 333.33 kWp at 3.0 元/W → 100 万元; 3000 ÷ 5.5 = 545.45 kWp at 4.0 元/W → 218.18
    assert result.investment_wan.rounded(2) == [100.0, 218.18]
    # Lowest saving: 333.33 kWp × 1050 = 350,000 kWh, 70 % own × 0.70 + 30 % × 0.30, O&M 2 % of 133.3万
    assert result.annual_saving_wan.low == pytest.approx((245_000 * 0.70 + 105_000 * 0.30 - 26_666.67) / 1e4)
    assert "energy.roof_area_m2" not in result.refine


def test_rooftop_pv_never_saves_more_electricity_than_bought(economics):
    base = _baseline({"energy.grid_electricity_kwh": 50_000, "energy.roof_area_m2": 20_000})
    result = estimate(economics.model("act.energy.rooftop_pv"), base, economics=economics)
    saved = next(c for c in result.carriers if c.carrier == "electricity")
    assert saved.quantity.high == pytest.approx(50_000)


def test_rooftop_pv_without_roof_or_footprint_says_which_answer_is_missing(economics):
    base = _baseline({"energy.grid_electricity_kwh": 500_000})
    result = estimate(economics.model("act.energy.rooftop_pv"), base, economics=economics)
    assert result.status == "missing_data"
    assert result.missing == ("energy.roof_area_m2", "energy.building_footprint_m2")
    assert result.investment_wan is None


# --- worked example 2: motor-system upgrade -------------------------------------------------------


def test_motor_upgrade_worked_example(economics):
    base = _baseline(
        {
            "energy.grid_electricity_kwh": 2_000_000,
            "energy.electricity_cost_10k": 130,  # 0.65 元/kWh
            "energy.motor_power_kw": 500,
        }
    )
    result = estimate(economics.model("act.energy.efficient_motors"), base, economics=economics)
    # 2,000,000 kWh × 62.5 % motor share × 5.5 % saving = 68,750 kWh × 0.65 = 44,687.5 元
    assert result.carriers[0].quantity.mid == pytest.approx(68_750)
    assert result.annual_saving_wan.mid == pytest.approx(4.46875)
    # 500 kW × 650 元/kW = 325,000 元; payback 325,000 ÷ 44,687.5 = 7.27 years
    assert result.investment_wan.mid == pytest.approx(32.5)
    assert result.payback_years.mid == pytest.approx(7.27, abs=0.01)
    assert result.co2_avoided_t.mid == pytest.approx(68_750 * GRID)  # 35.95 t
    assert result.energy_saved_tce.mid == pytest.approx(68_750 * ELEC_TCE)  # 8.45 tce
    # Ends: 2e6 × 55 % × 3 % = 33,000 kWh (2.145 万元) … 2e6 × 70 % × 8 % = 112,000 kWh (7.28 万元)
    assert result.annual_saving_wan.rounded(3) == [2.145, 7.28]
    assert result.investment_wan.rounded(1) == [20.0, 45.0]
    assert result.payback_years.low == pytest.approx(200_000 / 72_800)
    assert result.payback_years.high == pytest.approx(450_000 / 21_450)


def test_motor_upgrade_estimates_the_installed_power_when_not_answered(economics):
    base = _baseline({"energy.grid_electricity_kwh": 2_000_000, "energy.electricity_cost_10k": 130})
    result = estimate(economics.model("act.energy.efficient_motors"), base, economics=economics)
    assert result.refine == ("energy.motor_power_kw",)
    # 2e6 × 55 % ÷ 4500 h × 400 元/kW = 9.78 万元 … 2e6 × 70 % ÷ 2500 h × 900 元/kW = 50.4 万元
    assert result.investment_wan.rounded(2) == [9.78, 50.4]


def test_motor_upgrade_uses_the_installed_power_answered(economics):
    base = _baseline(
        {
            "energy.grid_electricity_kwh": 2_000_000,
            "energy.electricity_cost_10k": 130,
            "energy.motor_power_kw": 200,
        }
    )
    result = estimate(economics.model("act.energy.efficient_motors"), base, economics=economics)
    assert result.refine == ()
    # 200 kW × 400 … 900 元/kW = 8 … 18 万元
    assert result.investment_wan.rounded(2) == [8.0, 18.0]
    assert {
        "zh": "装机功率：200 kW（本企业填写）",
        "en": "Installed power: 200 kW (your answer)",
    } in result.assumptions


# --- worked example 3: waste-heat recovery --------------------------------------------------------


def test_waste_heat_recovery_worked_example(economics):
    base = _baseline(
        {
            "energy.grid_electricity_kwh": 300_000,
            "energy.raw_coal_t": 1000,
            "energy.coal_cost_10k": 85,  # 850 元/t
            "energy.boiler_capacity_t_h": 4,
        }
    )
    result = estimate(economics.model("act.energy.waste_heat"), base, economics=economics)
    # 1000 t × 7 % (mid of 4–10 %) = 70 t coal × 850 元/t = 59,500 元
    assert [c.carrier for c in result.carriers] == ["raw_coal"]
    assert result.carriers[0].quantity.mid == pytest.approx(70)
    assert result.annual_saving_wan.mid == pytest.approx(5.95)
    # 4 t/h × 42,500 元 per t/h = 170,000 元; payback 2.86 years
    assert result.investment_wan.mid == pytest.approx(17.0)
    assert result.payback_years.mid == pytest.approx(170_000 / 59_500)
    assert result.energy_saved_tce.mid == pytest.approx(70 * 0.7143)  # 50.0 tce
    assert result.co2_avoided_t.mid == pytest.approx(70 * 1.742)  # 121.94 t
    assert result.energy_saved_tce.low == pytest.approx(40 * 0.7143)
    assert result.energy_saved_tce.high == pytest.approx(100 * 0.7143)


def test_waste_heat_is_not_applicable_without_fuel(economics):
    base = _baseline({"energy.grid_electricity_kwh": 300_000})
    result = estimate(economics.model("act.energy.waste_heat"), base, economics=economics)
    assert result.status == "not_applicable"
    assert result.missing == ()


# --- worked example 4: water reuse, alone and in sequence -----------------------------------------


WATER = {
    "energy.water_intake_m3": 40_000,
    "energy.water_reused_m3": 60_000,  # reuse rate 60 %
    "energy.water_cost_10k": 20,  # 5.00 元/m³
}


def test_water_reuse_worked_example(economics):
    result = estimate(economics.model("act.water.cooling_reuse"), _baseline(WATER), economics=economics)
    # Total use 100,000 m³ stays; at the 85 % target intake is 15,000 m³: 25,000 m³ less
    assert result.carriers[0].quantity.mid == pytest.approx(25_000)
    # 25,000 × 5.00 = 125,000 元 − running cost 25,000 × 0.55 = 13,750 元 → 111,250 元
    assert result.annual_saving_wan.mid == pytest.approx(11.125)
    # Capacity 25,000 ÷ 325 d = 76.92 m³/d × 1,650 元 per m³/d = 126,923 元
    assert result.investment_wan.mid == pytest.approx(25_000 / 325 * 1650 / 1e4)
    assert result.payback_years.mid == pytest.approx(126_923.08 / 111_250, abs=1e-3)
    assert result.co2_avoided_t.mid == 0
    assert result.mac_yuan_per_t is None


def test_water_actions_in_sequence_are_not_double_counted(economics):
    base = _baseline(WATER)
    cooling = economics.model("act.water.cooling_reuse")
    wastewater = economics.model("act.water.wastewater_reuse")
    alone = [estimate(m, base, economics=economics).carriers[0].quantity.mid for m in (cooling, wastewater)]
    assert alone == [pytest.approx(25_000), pytest.approx(30_000)]  # 55,000 m³ > the 40,000 taken in
    plan = combine([cooling, wastewater], base, economics=economics)
    # After cooling reuse: intake 15,000, reused 85,000; to 90 %: intake 10,000, 5,000 m³ more
    assert [step.economics.carriers[0].quantity.mid for step in plan.steps] == [
        pytest.approx(25_000),
        pytest.approx(5_000),
    ]
    assert plan.saved["water"].mid == pytest.approx(30_000)


def test_water_reuse_needs_both_water_answers(economics):
    base = _baseline({"energy.water_intake_m3": 40_000})
    result = estimate(economics.model("act.water.cooling_reuse"), base, economics=economics)
    assert result.status == "missing_data"
    assert result.missing == ("energy.water_reused_m3",)


# --- prices ---------------------------------------------------------------------------------------


def test_own_bill_takes_precedence_over_the_reference_price():
    prices = resolve_prices(
        default_prices(),
        {
            "energy.grid_electricity_kwh": 1_000_000,
            "energy.electricity_cost_10k": 68,
            "energy.raw_coal_t": 10,
        },
        size_class="small",
    )
    assert prices["electricity"].origin == "own"
    assert prices["electricity"].low == prices["electricity"].high == pytest.approx(0.68)
    assert prices["raw_coal"].origin == "reference"
    assert prices["raw_coal"].key == "price.raw_coal"


def test_medium_plants_get_the_two_part_tariff_by_default():
    prices = resolve_prices(default_prices(), {}, size_class="medium")
    assert prices["electricity"].key == "price.electricity.large_industry"
    assert (
        resolve_prices(default_prices(), {}, size_class="micro")["electricity"].key
        == "price.electricity.general"
    )


def test_a_price_in_the_wrong_unit_is_rejected():
    data = yaml.safe_load(PRICES_FILE.read_text(encoding="utf-8"))
    data["prices"][0]["unit"] = "元/MWh"
    with pytest.raises(PriceFileError, match="unit must be '元/kWh'"):
        parse_price_file(data)


def test_every_shipped_price_is_sourced_or_provisional_with_a_basis():
    snapshot = default_prices()
    assert snapshot["as_of"] == "2025-06-30"
    for entry in snapshot["prices"].values():
        assert entry["ref"] or (entry["provisional"] and entry["basis"]["zh"] and entry["basis"]["en"])


# --- the model file -------------------------------------------------------------------------------


def _model_data():
    return yaml.safe_load((MODEL_DIR / "economics-2025.yaml").read_text(encoding="utf-8"))


def test_the_shipped_model_loads_and_cites_or_marks_every_parameter(economics):
    assert economics.version == "2025" and len(economics.content_hash) == 64
    assert len(economics.models) >= 15
    for model in economics.models.values():
        for param in model.all_params():
            assert param.ref or (param.provisional and param.basis), (model.code, param.key)


def test_a_parameter_in_the_wrong_unit_is_rejected():
    data = _model_data()
    data["models"]["act.energy.rooftop_pv"]["specific_yield"]["unit"] = "kWh/m²"
    with pytest.raises(EconomicsError, match="specific_yield: unit must be 'kWh/kWp'"):
        parse_economics(data)


def test_a_share_above_one_and_an_unsourced_parameter_are_rejected():
    data = _model_data()
    motors = data["models"]["act.energy.efficient_motors"]
    motors["shares"]["motor_share"]["value"] = [0.5, 1.2]
    led = data["models"]["act.energy.led_lighting"]["shares"]["led_saving"]
    led.pop("provisional")
    with pytest.raises(EconomicsError) as error:
        parse_economics(data)
    assert "a share cannot exceed 1" in str(error.value)
    assert "led_saving: cite a reference" in str(error.value)


def test_an_unknown_reference_and_an_unknown_action_are_rejected():
    data = _model_data()
    data["models"]["act.energy.efficient_motors"]["shares"]["motor_share"]["ref"] = "nowhere"
    data["models"]["act.nothing"] = copy.deepcopy(data["models"]["act.energy.led_lighting"])
    with pytest.raises(EconomicsError) as error:
        parse_economics(data, catalog_codes={"act.energy.efficient_motors", "act.energy.led_lighting"})
    assert "unknown reference 'nowhere'" in str(error.value)
    assert "models.act.nothing: not an action of the catalog" in str(error.value)


# --- the demo enterprise and the command ----------------------------------------------------------


def _run(*args):
    from io import StringIO

    out = StringIO()
    call_command("action_plan", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_demo_gets_figures_for_at_least_ten_actions_in_the_issue_s_json_shape():
    data = json.loads(_run("--demo", "--json"))
    assert set(data) >= {"assessment", "prices", "actions"}
    estimated = [a for a in data["actions"] if a["status"] == "estimated"]
    assert len(estimated) >= 10
    for action in estimated:
        assert {
            "code",
            "title",
            "cost_class",
            "investment_wan",
            "annual_saving_wan",
            "energy_saved_tce",
            "co2_avoided_t",
            "payback_years",
            "score_gain",
            "assumptions",
            "sources",
        } <= set(action)
        low, high = action["investment_wan"]
        assert 0 <= low <= high
        assert action["assumptions"] and action["sources"]
    assert data["prices"]["set"]["as_of"] == "2025-06-30"
    assert [a["rank"] for a in data["actions"]] == list(range(1, len(data["actions"]) + 1))
    assert data["mac_curve"] == sorted(data["mac_curve"], key=lambda p: p["cost_yuan_per_t"])


@pytest.mark.django_db
def test_the_text_output_states_the_ranking_rule():
    assert "排序规则" in _run("--demo")


@pytest.mark.django_db
def test_an_unknown_assessment_exits_with_status_2():
    with pytest.raises(CommandError) as error:
        _run("--assessment", "999999")
    assert error.value.returncode == 2
    assert "no assessment with id 999999" in str(error.value)


@pytest.mark.django_db
def test_an_assessment_without_energy_answers_exits_with_status_2():
    from tests.factories import AssessmentFactory

    assessment = AssessmentFactory()
    with pytest.raises(CommandError) as error:
        _run("--assessment", str(assessment.pk))
    assert error.value.returncode == 2
    assert "no energy answers" in str(error.value)


# --- consistency properties -----------------------------------------------------------------------

QUANTITY = st.one_of(st.just(0), st.floats(min_value=1, max_value=5e7, allow_nan=False))
ANSWERS = st.fixed_dictionaries(
    {
        "energy.grid_electricity_kwh": QUANTITY,
        "energy.raw_coal_t": QUANTITY,
        "energy.natural_gas_m3": QUANTITY,
        "energy.steam_t": QUANTITY,
        "energy.water_intake_m3": QUANTITY,
        "energy.water_reused_m3": QUANTITY,
        "energy.building_footprint_m2": QUANTITY,
    },
    optional={
        "energy.green_power_kwh": QUANTITY,
        "energy.roof_area_m2": QUANTITY,
        "energy.motor_power_kw": QUANTITY,
        "energy.electricity_cost_10k": QUANTITY,
    },
)


def _valid(answers):
    answers = dict(answers)
    answers["energy.green_power_kwh"] = min(
        answers.get("energy.green_power_kwh", 0), answers["energy.grid_electricity_kwh"]
    )
    return answers


@settings(max_examples=60, deadline=None)
@given(answers=ANSWERS, size=st.sampled_from(["micro", "small", "medium", "large"]))
def test_no_action_saves_more_of_a_carrier_than_is_used(answers, size):
    economics = load_economics()
    base = _baseline(_valid(answers), size)
    for model in economics.models.values():
        result = estimate(model, base, economics=economics)
        if not result.estimated:
            continue
        for change in result.carriers:
            span = change.quantity
            assert span.low <= span.mid + 1e-6 and span.mid <= span.high + 1e-6, (model.code, span)
            assert span.high <= base.quantities[change.carrier] * (1 + 1e-9) + 1e-6, (model.code, change)
        assert 0 <= result.investment_wan.low <= result.investment_wan.high + 1e-9
        assert result.annual_saving_wan.low <= result.annual_saving_wan.high + 1e-9


@settings(max_examples=40, deadline=None)
@given(
    answers=ANSWERS,
    codes=st.lists(st.sampled_from(sorted(load_economics().models)), min_size=1, max_size=8, unique=True),
)
def test_a_combined_plan_never_saves_more_than_is_used_nor_more_than_the_actions_alone(answers, codes):
    economics = load_economics()
    base = _baseline(_valid(answers))
    models = [economics.model(code) for code in codes]
    plan = combine(models, base, economics=economics)
    added = {}
    for step in plan.steps:
        for change in step.economics.carriers:
            if change.quantity.mid < 0:
                added[change.carrier] = added.get(change.carrier, 0.0) - change.quantity.mid
    for carrier, span in plan.saved.items():
        for value in (span.low, span.mid, span.high):
            limit = base.quantities[carrier] + added.get(carrier, 0.0) * 2
            assert value <= limit * (1 + 1e-9) + 1e-6, (carrier, value, limit)
    if not any(economics.model(code).kind == "switch" for code in codes):
        alone = {}
        for model in models:
            for carrier, quantity in estimate(model, base, economics=economics).saved().items():
                alone[carrier] = alone.get(carrier, 0.0) + quantity
        for carrier, span in plan.saved.items():
            assert span.mid <= alone.get(carrier, 0.0) * (1 + 1e-9) + 1e-6


@settings(max_examples=30, deadline=None)
@given(answers=ANSWERS)
def test_the_abatement_curve_is_cumulative_and_cheapest_first(answers):
    economics = load_economics()
    base = _baseline(_valid(answers))
    points = mac_curve(list(economics.models.values()), base, economics=economics)
    assert [p.cost_per_t for p in points] == sorted(p.cost_per_t for p in points)
    total = 0.0
    for point in points:
        assert point.co2_t > 0
        assert point.start == pytest.approx(total)
        total = point.end


# --- the results page -----------------------------------------------------------------------------


@pytest.fixture
def submitted(filled_draft, sme_manager):
    from assessment.services.assessments import assessment_submit

    return assessment_submit(assessment=filled_draft, user=sme_manager)


def _results(client, user, assessment, **params):
    from django.urls import reverse

    client.force_login(user)
    response = client.get(reverse("assessment_results", args=[assessment.pk]), params)
    assert response.status_code == 200
    return response.content.decode()


def _plan_codes(content):
    import re

    table = content[content.index('id="plan-table"') :]
    return re.findall(r'<tr data-action="([^"]+)"', table)


def test_the_results_page_shows_the_figures_the_rule_and_the_curve_in_the_pdf_s_order(
    client, submitted, sme_manager
):
    from reports.data import build_report_data

    content = _results(client, sme_manager, submitted)
    assert "行动计划：投资、节约与回收期" in content
    assert "排序规则：先列能使否决项" in content
    assert 'id="mac-title"' in content and "<rect" in content
    assert "参考价格（" in content
    data = build_report_data(submitted)
    assert _plan_codes(content) == [row.code for row in data.actions]


def test_the_results_page_offers_the_low_cost_and_co2_views(client, submitted, sme_manager):
    from assessment.actions import load_catalog

    weights = {
        code: load_catalog().effort_weight(action.effort)
        for code, action in ((a.code, a) for a in load_catalog().actions)
    }
    codes = _plan_codes(_results(client, sme_manager, submitted, view="low_cost"))
    assert [weights[c] for c in codes] == sorted(weights[c] for c in codes)
    co2 = _results(client, sme_manager, submitted, view="co2")
    assert 'aria-current="true">减排量最大优先' in co2
    assert _plan_codes(co2)[0] in {
        "act.energy.green_power",
        "act.energy.rooftop_pv",
        "act.energy.heat_pump_biomass",
    }


def test_an_unknown_view_falls_back_to_the_ranking(client, submitted, sme_manager):
    content = _results(client, sme_manager, submitted, view="<script>")
    assert "<script>" not in content.split('id="plan-table"')[0][-2000:]
    assert 'aria-current="true">按推荐顺序' in content


# --- price sets in the database -------------------------------------------------------------------


@pytest.mark.django_db
def test_load_prices_is_idempotent_and_the_default_set_feeds_the_figures():
    from assessment.selectors.prices import current_prices

    first = _command_output("load_prices")
    again = _command_output("load_prices")
    assert first.startswith("created:") and again.startswith("unchanged:")
    snapshot = current_prices()
    assert snapshot["id"] is not None and snapshot["as_of"] == "2025-06-30"
    assert snapshot["prices"]["price.water"]["low"] == "6.5"
    base = Baseline.from_answers(
        {"energy.water_intake_m3": 10}, factors=default_factors(), prices=snapshot, size_class="small"
    )
    assert base.prices["water"].low == 6.5 and base.prices["water"].origin == "reference"


@pytest.mark.django_db
def test_an_administrator_changes_a_price_and_the_unit_is_checked(admin_client):
    from django.urls import reverse

    from assessment.models import Price
    from assessment.selectors.prices import current_prices

    _command_output("load_prices")
    price = Price.objects.get(key="price.water")
    url = reverse("admin:assessment_price_change", args=[price.pk])
    form = {
        "price_set": price.price_set_id,
        "key": price.key,
        "carrier": "water",
        "label_zh": price.label_zh,
        "label_en": price.label_en,
        "low": "7.0",
        "high": "9.0",
        "unit": "元/t",
        "ref": "",
        "section": "",
        "provisional": "on",
        "basis_zh": "本市2026年水价",
        "basis_en": "City water price 2026",
    }
    refused = admin_client.post(url, form)
    assert refused.status_code == 200 and "元/m³" in refused.content.decode()
    saved = admin_client.post(url, {**form, "unit": "元/m³"})
    assert saved.status_code == 302
    assert current_prices()["prices"]["price.water"]["high"] == "9"


def _command_output(name, *args):
    from io import StringIO

    out = StringIO()
    call_command(name, *args, stdout=out)
    return out.getvalue()


def test_the_command_gives_a_stored_assessment_the_figures_of_its_report(submitted):
    from reports.data import build_report_data

    data = json.loads(_run("--assessment", str(submitted.pk), "--json"))
    assert data["assessment"] == submitted.pk
    report = build_report_data(submitted)
    assert [a["code"] for a in data["actions"]] == [row.code for row in report.actions]
    assert [a["code"] for a in data["actions"]] == [row.code for row in report.economics.rows]
    with_figures = {a["code"]: a for a in data["actions"] if a["status"] == "estimated"}
    for row in report.economics.rows:
        if row.estimated:
            low, high = with_figures[row.code]["investment_wan"]
            assert row.investment in {
                f"{low:,.1f}".rstrip("0").rstrip(".") + "–" + f"{high:,.1f}".rstrip("0").rstrip("."),
                f"{low:,.1f}".rstrip("0").rstrip("."),
            }


def test_carriers_are_named_as_the_energy_calculator_labels_their_quantities():
    from assessment.economics.engine import CARRIER_LABELS, _price_line
    from assessment.economics.prices import QUANTITY_QUESTIONS, Price
    from assessment.energy import INPUTS

    for carrier, question in QUANTITY_QUESTIONS.items():
        assert CARRIER_LABELS[carrier] == INPUTS[question].label
    # Inside an English sentence a label is lower case, an acronym as it is.
    coal = _price_line(Price("raw_coal", 900, 900, "元/t", "own"), "raw_coal")
    assert coal == {
        "zh": "原煤价格：900 元/t（本企业账单 ÷ 用量）",
        "en": "Price of raw coal: 900 yuan/t (your bill ÷ quantity)",
    }
    assert _price_line(Price("lpg", 1, 2, "元/t", "reference"), "lpg")["en"].startswith("Price of LPG: ")


@pytest.mark.parametrize(
    ("lang", "other_side"), [("en", "黑龙江省参考能源"), ("zh-hans", "Heilongjiang reference")]
)
def test_the_report_names_the_price_and_factor_sets_in_its_own_language(submitted, lang, other_side):
    """Sets are named "中文 / English" in one field: a report in one language shows its own half only."""
    from reports.data import build_report_data

    data = build_report_data(submitted, lang=lang)
    notes = " ".join(data.energy_notes) + " ".join(data.economics.prices)
    assert "2025" in notes
    assert other_side not in notes
    assert ("默认系数集" if lang == "en" else "Default factor set") not in notes
    assert " / " not in notes


def test_a_figure_that_rounds_to_zero_is_not_shown_as_minus_zero():
    from assessment.economics.engine import Span, fmt
    from assessment.economics.present import span_text

    assert fmt(-0.004, 2) == "0"
    assert fmt(-0.3, 0) == "0"
    assert span_text(Span(-0.02, -0.01, -0.001), 1) == "0"
    assert fmt(-1.5, 1) == "-1.5"
