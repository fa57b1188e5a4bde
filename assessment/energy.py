"""The energy and carbon calculator: from bills and ledgers to the indicators the frameworks ask for.

Pure: plain dicts in, an `EnergyBalance` dataclass out; no ORM, no request, no Django. Inputs are keyed by
the `energy.*` question codes of questionnaires/definitions/bank-energy-2025.yaml; outputs by the `calc.*`
codes. `factors` is a factor snapshot (`assessment.selectors.factors.factor_snapshot` or
`default_factors`): `{"name", "year", "factors": {key: {"value", "unit", "label", "source", "year",
"provisional"}}}`. Formulas, factors and rules are documented in docs/energy.md.

Precision: exact decimal arithmetic on the entered values and the factor values as written in the
factor set. Each indicator is rounded half up to its decimals in `INDICATORS`; an indicator derived from
another (intensities, shares, the CO₂ total) uses that indicator's rounded value, as displayed, so every
derivation line can be reproduced by hand. Per-carrier subtotals are not rounded; derivation lines show
them to at most 4 decimals.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from questionnaires.text import Text

__all__ = [
    "INDICATORS",
    "INPUTS",
    "EnergyBalance",
    "Indicator",
    "Issue",
    "calculator_outputs",
    "energy_balance",
    "energy_calculator",
    "energy_inputs_from_answers",
]


THOUSAND = Decimal(1000)
HUNDRED = Decimal(100)
ZERO = Decimal(0)
DEFAULT_GRID_BASIS = "heilongjiang"
GRID_BASES = ("heilongjiang", "northeast", "national", "national_residual", "carbon_market")
CARBON_MARKET_KEY = "ef.grid.carbon_market"


@dataclass(frozen=True)
class InputSpec:
    label: Text
    unit: Text
    kind: str = "number"  # number | text | choice | list


def _t(zh: str, en: str) -> Text:
    return {"zh": zh, "en": en}


# Every input field, by the question code of the energy bank (a test keeps the two in step).
INPUTS: dict[str, InputSpec] = {
    "energy.grid_electricity_kwh": InputSpec(_t("外购电量", "Grid electricity"), _t("千瓦时", "kWh")),
    "energy.green_power_kwh": InputSpec(_t("外购绿色电力", "Green power bought"), _t("千瓦时", "kWh")),
    "energy.self_generated_renewable_kwh": InputSpec(
        _t("自发自用可再生电力", "On-site renewable electricity"), _t("千瓦时", "kWh")
    ),
    "energy.grid_factor_basis": InputSpec(_t("电网排放因子口径", "Grid factor basis"), _t("", ""), "choice"),
    "energy.grid_factor_year": InputSpec(
        _t("电网排放因子数据年份", "Grid factor data year"), _t("年", "year")
    ),
    "energy.raw_coal_t": InputSpec(_t("原煤", "Raw coal"), _t("吨", "t")),
    "energy.coke_t": InputSpec(_t("焦炭", "Coke"), _t("吨", "t")),
    "energy.natural_gas_m3": InputSpec(_t("天然气", "Natural gas"), _t("立方米", "m³")),
    "energy.lpg_t": InputSpec(_t("液化石油气", "LPG"), _t("吨", "t")),
    "energy.diesel_t": InputSpec(_t("柴油", "Diesel"), _t("吨", "t")),
    "energy.gasoline_t": InputSpec(_t("汽油", "Gasoline"), _t("吨", "t")),
    "energy.fuel_oil_t": InputSpec(_t("燃料油", "Fuel oil"), _t("吨", "t")),
    "energy.biomass_t": InputSpec(_t("生物质燃料", "Biomass fuel"), _t("吨", "t")),
    "energy.biomass_ncv_mj_per_kg": InputSpec(
        _t("生物质燃料低位发热量", "Biomass net calorific value"), _t("兆焦/千克", "MJ/kg")
    ),
    "energy.steam_t": InputSpec(_t("外购蒸汽", "Steam bought"), _t("吨", "t")),
    "energy.heat_gj": InputSpec(_t("外购热力", "Heat bought"), _t("吉焦", "GJ")),
    "energy.output_value_10k": InputSpec(_t("工业总产值", "Gross output value"), _t("万元", "10k yuan")),
    "energy.main_product_name": InputSpec(_t("主要产品名称", "Main product"), _t("", ""), "text"),
    "energy.main_product_output": InputSpec(_t("主要产品产量", "Main product output"), _t("", "")),
    "energy.main_product_unit": InputSpec(_t("主要产品计量单位", "Main product unit"), _t("", ""), "text"),
    "energy.water_intake_m3": InputSpec(_t("取水量", "Water intake"), _t("立方米", "m³")),
    "energy.water_reused_m3": InputSpec(_t("重复利用水量", "Reused water"), _t("立方米", "m³")),
    "energy.water_total_use_m3": InputSpec(_t("总用水量", "Total water use"), _t("立方米", "m³")),
    "energy.solid_waste_generated_t": InputSpec(
        _t("一般工业固体废物产生量", "Solid waste generated"), _t("吨", "t")
    ),
    "energy.solid_waste_utilised_t": InputSpec(
        _t("一般工业固体废物综合利用量", "Solid waste utilised"), _t("吨", "t")
    ),
    "energy.solid_waste_from_storage_t": InputSpec(
        _t("综合利用往年贮存量", "Utilised from earlier storage"), _t("吨", "t")
    ),
    "energy.hazardous_waste_t": InputSpec(_t("危险废物产生量", "Hazardous waste generated"), _t("吨", "t")),
    "energy.land_area_m2": InputSpec(_t("用地面积", "Land area"), _t("平方米", "m²")),
    "energy.building_footprint_m2": InputSpec(
        _t("建（构）筑物及露天堆场占地面积", "Building and yard footprint"), _t("平方米", "m²")
    ),
    "energy.floor_area_m2": InputSpec(_t("总建筑面积", "Total floor area"), _t("平方米", "m²")),
    # Bills and equipment sizes: not used by the calculator, only by the action plan (assessment/economics).
    "energy.electricity_cost_10k": InputSpec(_t("全年电费", "Electricity bill"), _t("万元", "10k yuan")),
    "energy.coal_cost_10k": InputSpec(_t("全年购煤费用", "Coal bill"), _t("万元", "10k yuan")),
    "energy.natural_gas_cost_10k": InputSpec(
        _t("全年天然气费用", "Natural gas bill"), _t("万元", "10k yuan")
    ),
    "energy.water_cost_10k": InputSpec(_t("全年水费", "Water bill"), _t("万元", "10k yuan")),
    "energy.roof_area_m2": InputSpec(_t("可安装光伏的屋顶面积", "Usable roof area"), _t("平方米", "m²")),
    "energy.motor_power_kw": InputSpec(_t("电机总装机功率", "Installed motor power"), _t("千瓦", "kW")),
    "energy.boiler_capacity_t_h": InputSpec(_t("锅炉总容量", "Boiler capacity"), _t("蒸吨/小时", "t/h")),
    "energy.confirmed_warnings": InputSpec(_t("已确认的提示", "Confirmed warnings"), _t("", ""), "list"),
}


@dataclass(frozen=True)
class IndicatorSpec:
    label: Text
    unit: Text
    decimals: int


INDICATORS: dict[str, IndicatorSpec] = {
    "calc.total_energy_tce": IndicatorSpec(
        _t("综合能源消费量", "Comprehensive energy consumption"), _t("吨标准煤", "tce"), 2
    ),
    "calc.energy_per_output": IndicatorSpec(
        _t("单位产值综合能耗", "Energy use per output value"), _t("吨标准煤/万元", "tce/10k yuan"), 4
    ),
    "calc.energy_per_product": IndicatorSpec(
        _t("单位产品综合能耗", "Energy use per unit of product"), _t("千克标准煤/产品单位", "kgce/unit"), 4
    ),
    "calc.co2_scope1_t": IndicatorSpec(_t("范围一二氧化碳排放", "Scope 1 CO₂"), _t("吨二氧化碳", "t CO₂"), 2),
    # Scope 2 two ways (GHG Protocol Scope 2 Guidance, dual reporting); calc.co2_scope2_t is the figure the
    # carbon indicators use: the location-based one (docs/energy.md, "Scope 2").
    "calc.co2_scope2_t": IndicatorSpec(
        _t("范围二二氧化碳排放（基于位置）", "Scope 2 CO₂ (location-based)"), _t("吨二氧化碳", "t CO₂"), 2
    ),
    "calc.co2_scope2_location_t": IndicatorSpec(
        _t("范围二排放：基于位置法", "Scope 2: location-based"), _t("吨二氧化碳", "t CO₂"), 2
    ),
    "calc.co2_scope2_market_t": IndicatorSpec(
        _t("范围二排放：基于市场法", "Scope 2: market-based"), _t("吨二氧化碳", "t CO₂"), 2
    ),
    "calc.co2_total_t": IndicatorSpec(_t("二氧化碳排放总量", "Total CO₂"), _t("吨二氧化碳", "t CO₂"), 2),
    "calc.carbon_per_output": IndicatorSpec(
        _t("单位产值碳排放量", "CO₂ per output value"), _t("吨二氧化碳/万元", "t CO₂/10k yuan"), 4
    ),
    "calc.renewable_share": IndicatorSpec(_t("可再生能源使用比例", "Renewable share"), _t("%", "%"), 2),
    "calc.water_reuse_rate": IndicatorSpec(_t("工业用水重复利用率", "Water reuse rate"), _t("%", "%"), 2),
    "calc.water_per_output": IndicatorSpec(
        _t("单位产值取水量", "Water intake per output value"), _t("立方米/万元", "m³/10k yuan"), 2
    ),
    "calc.solid_waste_utilisation_rate": IndicatorSpec(
        _t("一般工业固体废物综合利用率", "Solid waste utilisation rate"), _t("%", "%"), 2
    ),
    "calc.output_per_land": IndicatorSpec(
        _t("单位用地面积产值", "Output value per land area"), _t("万元/公顷", "10k yuan/ha"), 2
    ),
    "calc.building_coefficient": IndicatorSpec(_t("建筑系数", "Building coefficient"), _t("%", "%"), 2),
    "calc.plot_ratio": IndicatorSpec(_t("容积率", "Plot ratio"), _t("", ""), 2),
}


@dataclass(frozen=True)
class Carrier:
    """One energy carrier: how its quantity converts to tce (and, for fuels, to CO₂)."""

    code: str
    coefficient: str  # factor key of the standard-coal coefficient
    to_tce: Decimal  # quantity × coefficient × to_tce = tce (unit conversion, e.g. kgce → tce)
    conversion: Text  # how to_tce reads in a derivation line ("" when it is 1)
    emission: str | None = None  # factor key of the scope 1 CO₂ factor
    emission_scale: Decimal = Decimal(1)  # quantity × emission_scale × factor = t CO₂
    emission_conversion: Text = field(default_factory=lambda: _t("", ""))


CARRIERS: tuple[Carrier, ...] = (
    Carrier("energy.grid_electricity_kwh", "coef.electricity", Decimal("0.001"), _t(" ÷ 1000", " ÷ 1000")),
    Carrier(
        "energy.self_generated_renewable_kwh", "coef.electricity", Decimal("0.001"), _t(" ÷ 1000", " ÷ 1000")
    ),
    Carrier("energy.raw_coal_t", "coef.raw_coal", Decimal(1), _t("", ""), "ef.raw_coal"),
    Carrier("energy.coke_t", "coef.coke", Decimal(1), _t("", ""), "ef.coke"),
    Carrier(
        "energy.natural_gas_m3",
        "coef.natural_gas",
        Decimal("0.001"),
        _t(" ÷ 1000", " ÷ 1000"),
        "ef.natural_gas",
        Decimal("0.0001"),
        _t(" ÷ 10000", " ÷ 10000"),
    ),
    Carrier("energy.lpg_t", "coef.lpg", Decimal(1), _t("", ""), "ef.lpg"),
    Carrier("energy.diesel_t", "coef.diesel", Decimal(1), _t("", ""), "ef.diesel"),
    Carrier("energy.gasoline_t", "coef.gasoline", Decimal(1), _t("", ""), "ef.gasoline"),
    Carrier("energy.fuel_oil_t", "coef.fuel_oil", Decimal(1), _t("", ""), "ef.fuel_oil"),
    Carrier("energy.steam_t", "coef.steam", Decimal(1), _t("", "")),
    Carrier("energy.heat_gj", "coef.heat", Decimal(1), _t("", "")),
)
ENERGY_CODES = (*(c.code for c in CARRIERS), "energy.biomass_t")

# Results this many times off the typical value ask for confirmation (factor check.implausible_ratio).
PLAUSIBILITY = {
    "calc.energy_per_output": "typical.energy_per_output",
    "calc.carbon_per_output": "typical.carbon_per_output",
    "calc.water_per_output": "typical.water_per_output",
}


@dataclass(frozen=True)
class Issue:
    """A validation finding. Errors block the calculation; warnings must be confirmed before submission.

    A caller records a confirmation by adding the warning's `code` to the answer of the bank question
    `energy.confirmed_warnings` (a list of codes); the next calculation marks it `confirmed`.
    """

    code: str
    severity: str  # error | warning
    field: str  # the energy.* or calc.* code concerned
    message: Text
    confirmed: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "field": self.field,
            "message": dict(self.message),
            "confirmed": self.confirmed,
        }


@dataclass(frozen=True)
class Trend:
    previous: Decimal
    change: Decimal
    change_percent: Decimal | None  # None when the previous value is zero

    def to_dict(self) -> dict[str, Any]:
        return {
            "previous": float(self.previous),
            "change": float(self.change),
            "change_percent": None if self.change_percent is None else float(self.change_percent),
        }


@dataclass(frozen=True)
class Indicator:
    code: str
    label: Text
    unit: Text
    decimals: int
    value: Decimal | None
    derivation: tuple[Text, ...] = ()
    factor_keys: tuple[str, ...] = ()
    note: Text | None = None  # why the value is missing
    trend: Trend | None = None
    # The value before rounding, for the plausibility check (a tiny intensity rounds to 0).
    exact: Decimal | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "label": dict(self.label),
            "unit": dict(self.unit),
            "decimals": self.decimals,
            "value": None if self.value is None else float(self.value),
            "text": None if self.value is None else _fmt(self.value, self.decimals, fixed=True),
            "derivation": [dict(line) for line in self.derivation],
            "factor_keys": list(self.factor_keys),
            "note": None if self.note is None else dict(self.note),
            "trend": None if self.trend is None else self.trend.to_dict(),
        }


@dataclass(frozen=True)
class EnergyBalance:
    indicators: dict[str, Indicator]
    errors: tuple[Issue, ...]
    warnings: tuple[Issue, ...]
    factors_used: dict[str, dict[str, Any]]
    factor_set: dict[str, Any]
    grid_factor_key: str | None = None
    previous_errors: tuple[Issue, ...] = ()

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def unconfirmed_warnings(self) -> tuple[Issue, ...]:
        return tuple(w for w in self.warnings if not w.confirmed)

    @property
    def provisional(self) -> bool:
        return any(entry.get("provisional") for entry in self.factors_used.values())

    def indicator_provisional(self, code: str) -> bool:
        """Whether an output rests on a provisional coefficient or factor (shown as such to officials)."""
        indicator = self.indicators.get(code)
        keys = indicator.factor_keys if indicator is not None else ()
        return any(self.factors_used.get(key, {}).get("provisional") for key in keys)

    def value(self, code: str) -> Decimal | None:
        indicator = self.indicators.get(code)
        return None if indicator is None else indicator.value

    def to_dict(self) -> dict[str, Any]:
        return {
            "valid": self.is_valid,
            "factor_set": dict(self.factor_set),
            "grid_factor_key": self.grid_factor_key,
            "provisional": self.provisional,
            "indicators": {
                code: {**ind.to_dict(), "provisional": self.indicator_provisional(code)}
                for code, ind in self.indicators.items()
            },
            "errors": [issue.to_dict() for issue in self.errors],
            "warnings": [issue.to_dict() for issue in self.warnings],
            "previous_errors": [issue.to_dict() for issue in self.previous_errors],
            "factors_used": {key: dict(entry) for key, entry in self.factors_used.items()},
        }


# --- public functions --------------------------------------------------------------------------------


def energy_inputs_from_answers(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The calculator's inputs among an assessment's answers (question code → stored JSON value)."""
    return {code: value for code, value in answers.items() if code in INPUTS}


def calculator_outputs(balance: EnergyBalance) -> dict[str, float]:
    """calc.* code → value, for `questionnaires.logic.resolve_answers(..., calculator=...)`.

    Empty when the inputs have errors (an invalid balance answers nothing); indicators that cannot be
    computed (a missing input or a zero denominator) are left out, so their questions stay missing.
    """
    if not balance.is_valid:
        return {}
    return {code: float(ind.value) for code, ind in balance.indicators.items() if ind.value is not None}


def energy_calculator(factors: Mapping[str, Any]) -> Callable[[Mapping[str, Any]], dict[str, float]]:
    """A function of an assessment's answers returning the calc.* outputs, for the scoring engine's
    `calculator=` argument (so what-if simulations that change energy.* answers recompute calc.*)."""

    def outputs(answers: Mapping[str, Any]) -> dict[str, float]:
        balance = energy_balance(inputs=energy_inputs_from_answers(answers), factors=factors)
        return calculator_outputs(balance)

    return outputs


def energy_balance(
    *, inputs: Mapping[str, Any], factors: Mapping[str, Any], previous: Mapping[str, Any] | None = None
) -> EnergyBalance:
    """Compute the energy, carbon and resource indicators of one year, with derivations and checks.

    `inputs` and `previous` are keyed by energy.* codes (blank fuels count as 0); `factors` is a factor
    snapshot. With errors, no indicator is computed (each carries the note "fix the errors").
    """
    balance = _Calculation(inputs, factors).run()
    if previous is None or not balance.is_valid:
        return balance
    # The previous year is computed with the same factor set and grid factor choice, so the trend
    # reflects what the plant did rather than a change of factors.
    previous_inputs = dict(previous)
    for key in ("energy.grid_factor_basis", "energy.grid_factor_year"):
        if key in inputs:
            previous_inputs[key] = inputs[key]
    previous_balance = _Calculation(previous_inputs, factors).run()
    if not previous_balance.is_valid:
        return _replace(balance, previous_errors=previous_balance.errors)
    indicators = {}
    for code, indicator in balance.indicators.items():
        earlier = previous_balance.value(code)
        trend = None
        if indicator.value is not None and earlier is not None:
            change = indicator.value - earlier
            percent = None if earlier == 0 else _round(change / earlier * HUNDRED, 2)
            trend = Trend(previous=earlier, change=_round(change, indicator.decimals), change_percent=percent)
        indicators[code] = _replace_indicator(indicator, trend)
    return _replace(balance, indicators=indicators)


# --- the calculation ---------------------------------------------------------------------------------


class _Calculation:
    def __init__(self, inputs: Mapping[str, Any], snapshot: Mapping[str, Any]) -> None:
        self.raw = inputs
        self.snapshot = snapshot
        self.table: Mapping[str, Mapping[str, Any]] = snapshot.get("factors", {})
        self.values: dict[str, Decimal] = {}
        self.errors: list[Issue] = []
        self.warnings: list[Issue] = []
        self.used: dict[str, dict[str, Any]] = {}
        self.confirmed: set[str] = set()
        self.grid_key: str | None = None

    # -- reading

    def run(self) -> EnergyBalance:
        self._parse()
        self._check_consistency()
        self._select_grid_factor()
        self._require_factors()
        if self.errors:
            note = _t("输入有错误，请先改正", "The inputs have errors; correct them first")
            indicators = {code: _indicator(code, None, note=note) for code in INDICATORS}
        else:
            indicators = self._indicators()
            self._check_plausibility(indicators)
        return EnergyBalance(
            indicators=indicators,
            errors=tuple(self.errors),
            warnings=tuple(self.warnings),
            factors_used=self.used,
            factor_set={k: self.snapshot.get(k) for k in ("id", "name", "year") if k in self.snapshot},
            grid_factor_key=self.grid_key,
        )

    def _error(self, code: str, field_code: str, zh: str, en: str) -> None:
        self.errors.append(Issue(code=code, severity="error", field=field_code, message=_t(zh, en)))

    def _parse(self) -> None:
        for code, raw in self.raw.items():
            spec = INPUTS.get(code)
            if spec is None:
                self._error("unknown_field", code, f"未知的输入项：{code}", f"Unknown input field: {code}")
                continue
            if raw is None or raw == "" or raw == []:
                continue
            label = spec.label
            if spec.kind == "text":
                if not isinstance(raw, str):
                    self._error("not_text", code, f"{label['zh']}应为文字", f"{label['en']} must be text")
            elif spec.kind == "choice":
                if raw not in GRID_BASES:
                    self._error(
                        "unknown_choice",
                        code,
                        f"{label['zh']}的选项无效：{raw}",
                        f"{label['en']}: invalid option {raw!r}",
                    )
            elif spec.kind == "list":
                if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
                    self._error(
                        "not_a_list",
                        code,
                        f"{label['zh']}应为编码列表",
                        f"{label['en']} must be a list of codes",
                    )
                else:
                    self.confirmed = set(raw)
            else:
                number = _to_decimal(raw)
                if number is None:
                    self._error(
                        "not_a_number", code, f"{label['zh']}应为数字", f"{label['en']} must be a number"
                    )
                elif number < 0:
                    self._error(
                        "negative",
                        code,
                        f"{label['zh']}不能为负数（填写了{raw}）",
                        f"{label['en']} cannot be negative (got {raw})",
                    )
                else:
                    self.values[code] = number

    def _check_consistency(self) -> None:
        v = self.values
        grid, green = v.get("energy.grid_electricity_kwh"), v.get("energy.green_power_kwh")
        if green is not None and green > (grid or ZERO):
            self._error(
                "green_power_exceeds_grid",
                "energy.green_power_kwh",
                f"外购绿色电力（{_fmt(green)}千瓦时）不能大于外购电量（{_fmt(grid or ZERO)}千瓦时）：绿电是外购电量的一部分",
                f"Green power bought ({_fmt(green)} kWh) cannot exceed grid electricity ({_fmt(grid or ZERO)} kWh): "
                "green power is part of the grid electricity",
            )
        reused, total = v.get("energy.water_reused_m3"), v.get("energy.water_total_use_m3")
        if reused is not None and total is not None and reused > total:
            self._error(
                "reused_exceeds_total_use",
                "energy.water_reused_m3",
                f"重复利用水量（{_fmt(reused)}立方米）不能大于总用水量（{_fmt(total)}立方米）",
                f"Reused water ({_fmt(reused)} m³) cannot exceed total water use ({_fmt(total)} m³)",
            )
        generated = v.get("energy.solid_waste_generated_t")
        utilised = v.get("energy.solid_waste_utilised_t")
        stored = v.get("energy.solid_waste_from_storage_t", Decimal(0))
        if utilised is not None and utilised > (generated or ZERO) + stored:
            self._error(
                "utilised_exceeds_available",
                "energy.solid_waste_utilised_t",
                f"固体废物综合利用量（{_fmt(utilised)}吨）不能大于产生量与利用往年贮存量之和（{_fmt((generated or ZERO) + stored)}吨）",
                f"Solid waste utilised ({_fmt(utilised)} t) cannot exceed waste generated plus utilised from "
                f"earlier storage ({_fmt((generated or ZERO) + stored)} t)",
            )
        if stored > 0 and stored > (utilised or ZERO):
            self._error(
                "storage_exceeds_utilised",
                "energy.solid_waste_from_storage_t",
                f"综合利用往年贮存量（{_fmt(stored)}吨）是综合利用量的一部分，不能大于综合利用量（{_fmt(utilised or ZERO)}吨）",
                f"Waste utilised from earlier storage ({_fmt(stored)} t) is part of the waste utilised and cannot "
                f"exceed it ({_fmt(utilised or ZERO)} t)",
            )
        land, footprint = v.get("energy.land_area_m2"), v.get("energy.building_footprint_m2")
        if land is not None and footprint is not None and footprint > land:
            self._error(
                "footprint_exceeds_land",
                "energy.building_footprint_m2",
                f"建（构）筑物及露天堆场占地面积（{_fmt(footprint)}平方米）不能大于用地面积（{_fmt(land)}平方米）",
                f"Building and yard footprint ({_fmt(footprint)} m²) cannot exceed the land area ({_fmt(land)} m²)",
            )
        if v.get("energy.biomass_t", Decimal(0)) > 0 and not v.get("energy.biomass_ncv_mj_per_kg"):
            self._error(
                "biomass_ncv_missing",
                "energy.biomass_ncv_mj_per_kg",
                "填写了生物质燃料用量，请填写其低位发热量（见燃料检测报告）",
                "Biomass fuel was entered: give its net calorific value (see the fuel test report)",
            )
        if total is not None and reused is not None and "energy.water_intake_m3" in v and total > 0:
            balance = v["energy.water_intake_m3"] + reused
            if abs(balance - total) > total / HUNDRED:
                self.warnings.append(
                    Issue(
                        code="water_balance_mismatch",
                        severity="warning",
                        field="energy.water_total_use_m3",
                        message=_t(
                            f"取水量与重复利用水量之和（{_fmt(balance)}立方米）与总用水量（{_fmt(total)}立方米）相差超过1%，请核对",
                            f"Intake plus reused water ({_fmt(balance)} m³) differs from total water use "
                            f"({_fmt(total)} m³) by more than 1%: please check",
                        ),
                        confirmed="water_balance_mismatch" in self.confirmed,
                    )
                )

    def _select_grid_factor(self) -> None:
        basis = self.raw.get("energy.grid_factor_basis") or DEFAULT_GRID_BASIS
        if basis not in GRID_BASES:
            return  # already reported by _parse
        year = self.values.get("energy.grid_factor_year")
        if basis == "carbon_market":
            self.grid_key = CARBON_MARKET_KEY if CARBON_MARKET_KEY in self.table else None
        else:
            pattern = re.compile(rf"^ef\.grid\.{re.escape(basis)}\.(\d{{4}})$")
            years = {int(m.group(1)): key for key in self.table if (m := pattern.match(key))}
            if year is not None:
                self.grid_key = years.get(int(year)) if year == year.to_integral_value() else None
            elif years:
                self.grid_key = years[max(years)]
        explicit = bool(self.raw.get("energy.grid_factor_basis")) or year is not None
        if self.grid_key is None and (explicit or self.values.get("energy.grid_electricity_kwh", 0) > 0):
            wanted = basis if year is None else f"{basis} {_fmt(year).replace(',', '')}"
            self._error(
                "grid_factor_unknown",
                "energy.grid_factor_year" if year is not None else "energy.grid_factor_basis",
                f"系数集中没有所选的电网排放因子（{wanted}）",
                f"The factor set has no grid emission factor for the choice ({wanted})",
            )

    def _require_factors(self) -> None:
        needed = {"coef.electricity"} if self._any_energy() else set()
        for carrier in CARRIERS:
            if self.values.get(carrier.code, 0) > 0:
                needed.add(carrier.coefficient)
                if carrier.emission:
                    needed.add(carrier.emission)
        if self.values.get("energy.steam_t", 0) > 0:
            needed |= {"ef.heat", "conv.steam_heat"}
        if self.values.get("energy.heat_gj", 0) > 0:
            needed.add("ef.heat")
        if self.values.get("energy.biomass_t", 0) > 0:
            needed.add("coef.standard_coal_heat")
        for key in sorted(needed):
            if key not in self.table or _to_decimal(self.table[key].get("value")) is None:
                self._error(
                    "factor_missing", key, f"系数集中缺少系数 {key}", f"The factor set lacks the factor {key}"
                )

    # -- computing

    def _any_energy(self) -> bool:
        return any(code in self.values for code in ENERGY_CODES)

    def _factor(self, key: str) -> Decimal:
        entry = self.table[key]
        self.used[key] = {
            "value": str(entry["value"]),
            "unit": entry.get("unit", ""),
            "label": dict(entry.get("label") or {}),
            "source": entry.get("source", ""),
            "year": entry.get("year"),
            "provisional": bool(entry.get("provisional")),
        }
        return Decimal(str(entry["value"]))

    def _qty(self, code: str) -> Decimal:
        return self.values.get(code, Decimal(0))

    def _indicators(self) -> dict[str, Indicator]:
        out: dict[str, Indicator] = {}
        energy = self._total_energy()
        out["calc.total_energy_tce"] = energy
        scope1 = self._scope1()
        location = self._scope2("calc.co2_scope2_location_t", market=False)
        out["calc.co2_scope2_location_t"] = location
        out["calc.co2_scope2_market_t"] = self._scope2("calc.co2_scope2_market_t", market=True)
        scope2 = self._scope2("calc.co2_scope2_t", market=False)
        out["calc.co2_scope1_t"] = scope1
        out["calc.co2_scope2_t"] = scope2
        total_co2 = self._sum_indicator("calc.co2_total_t", [scope1, scope2])
        out["calc.co2_total_t"] = total_co2
        output = self.values.get("energy.output_value_10k")
        no_output = _t("缺少工业总产值或为0", "Gross output value missing or zero")
        out["calc.energy_per_output"] = self._ratio(
            "calc.energy_per_output", energy, output, _t("万元", "10k yuan"), no_output
        )
        out["calc.carbon_per_output"] = self._ratio(
            "calc.carbon_per_output", total_co2, output, _t("万元", "10k yuan"), no_output
        )
        out["calc.energy_per_product"] = self._per_product(energy)
        out["calc.renewable_share"] = self._renewable_share(energy)
        out.update(self._water(output, no_output))
        out["calc.solid_waste_utilisation_rate"] = self._solid_waste()
        out.update(self._land(output))
        return {code: out[code] for code in INDICATORS}

    def _energy_lines(self) -> tuple[list[tuple[Decimal, Text]], set[str]]:
        """(tce, derivation line) per carrier with a positive quantity, and the factor keys used."""
        parts: list[tuple[Decimal, Text]] = []
        keys: set[str] = set()
        for carrier in CARRIERS:
            quantity = self._qty(carrier.code)
            if quantity <= 0:
                continue
            coefficient = self._factor(carrier.coefficient)
            keys.add(carrier.coefficient)
            tce = quantity * coefficient * carrier.to_tce
            spec, unit = INPUTS[carrier.code], self.table[carrier.coefficient].get("unit", "")
            parts.append(
                (
                    tce,
                    _t(
                        f"{spec.label['zh']} {_fmt(quantity)} {spec.unit['zh']} × {_fmt(coefficient, 8)} {unit}"
                        f"{carrier.conversion['zh']} = {_fmt(tce)} 吨标准煤",
                        f"{spec.label['en']} {_fmt(quantity)} {spec.unit['en']} × {_fmt(coefficient, 8)} {unit}"
                        f"{carrier.conversion['en']} = {_fmt(tce)} tce",
                    ),
                )
            )
        biomass = self._qty("energy.biomass_t")
        if biomass > 0:
            tce, line = self._biomass_tce(biomass)
            keys.add("coef.standard_coal_heat")
            parts.append((tce, line))
        return parts, keys

    def _biomass_tce(self, biomass: Decimal) -> tuple[Decimal, Text]:
        ncv = self.values["energy.biomass_ncv_mj_per_kg"]
        heat = self._factor("coef.standard_coal_heat")
        tce = biomass * ncv / heat
        return tce, _t(
            f"生物质燃料 {_fmt(biomass)} 吨 × {_fmt(ncv)} 兆焦/千克 ÷ {_fmt(heat, 8)} 兆焦/千克标准煤 = {_fmt(tce)} 吨标准煤",
            f"Biomass fuel {_fmt(biomass)} t × {_fmt(ncv)} MJ/kg ÷ {_fmt(heat, 8)} MJ/kgce = {_fmt(tce)} tce",
        )

    def _total_energy(self) -> Indicator:
        code = "calc.total_energy_tce"
        if not self._any_energy():
            return _indicator(code, None, note=_t("未填写能源消耗数据", "No energy consumption entered"))
        parts, keys = self._energy_lines()
        total = sum((tce for tce, _ in parts), Decimal(0))
        lines = [line for _, line in parts]
        lines.append(
            _sum_line([tce for tce, _ in parts], total, _t("吨标准煤", "tce"), _t("综合能源消费量", "Total"))
        )
        return _indicator(code, total, lines, keys)

    def _scope1(self) -> Indicator:
        code = "calc.co2_scope1_t"
        if not self._any_energy():
            return _indicator(code, None, note=_t("未填写能源消耗数据", "No energy consumption entered"))
        parts: list[Decimal] = []
        lines: list[Text] = []
        keys: set[str] = set()
        for carrier in CARRIERS:
            quantity = self._qty(carrier.code)
            if carrier.emission is None or quantity <= 0:
                continue
            factor = self._factor(carrier.emission)
            keys.add(carrier.emission)
            co2 = quantity * carrier.emission_scale * factor
            spec, unit = INPUTS[carrier.code], self.table[carrier.emission].get("unit", "")
            parts.append(co2)
            lines.append(
                _t(
                    f"{spec.label['zh']} {_fmt(quantity)} {spec.unit['zh']}{carrier.emission_conversion['zh']} × "
                    f"{_fmt(factor, 8)} {unit} = {_fmt(co2)} 吨二氧化碳",
                    f"{spec.label['en']} {_fmt(quantity)} {spec.unit['en']}{carrier.emission_conversion['en']} × "
                    f"{_fmt(factor, 8)} {unit} = {_fmt(co2)} t CO₂",
                )
            )
        if self._qty("energy.biomass_t") > 0:
            lines.append(
                _t(
                    "生物质燃料燃烧产生的二氧化碳属生物源排放，不计入范围一（记为0）",
                    "CO₂ from burning biomass is biogenic and not counted in scope 1 (taken as 0)",
                )
            )
        total = sum(parts, Decimal(0))
        lines.append(_sum_line(parts, total, _t("吨二氧化碳", "t CO₂"), _t("范围一排放", "Scope 1")))
        return _indicator(code, total, lines, keys)

    def _residual_key(self) -> str | None:
        """The factor for electricity not covered by contractual instruments (market-based scope 2): the
        MEE/NBS national factor excluding market-traded non-fossil power, of the grid factor's data year
        or else the latest year the set holds."""
        pattern = re.compile(r"^ef\.grid\.national_residual\.(\d{4})$")
        years = {int(m.group(1)): key for key in self.table if (m := pattern.match(key))}
        if not years:
            return None
        year = (self.table.get(self.grid_key or "") or {}).get("year")
        return years.get(int(year)) if year and int(year) in years else years[max(years)]

    def _scope2(self, code: str, *, market: bool) -> Indicator:
        """Scope 2 from purchased electricity, steam and heat (GHG Protocol Scope 2 Guidance).

        Location-based: all grid electricity (green power included: the average factor already contains
        non-fossil power) × the selected average grid factor. Market-based: green power bought through
        green-power trading or certificates at zero, the rest at the factor that excludes market-traded
        non-fossil power, so green power is never deducted and averaged in the same figure.
        """
        if not self._any_energy():
            return _indicator(code, None, note=_t("未填写能源消耗数据", "No energy consumption entered"))
        parts: list[Decimal] = []
        lines: list[Text] = []
        keys: set[str] = set()
        grid, green = self._qty("energy.grid_electricity_kwh"), self._qty("energy.green_power_kwh")
        if grid > 0 and market:
            residual = self._residual_key()
            if residual is None:
                return _indicator(
                    code,
                    None,
                    note=_t(
                        "系数集中没有“不含市场化交易非化石能源电量”的电网因子，无法按市场法计算",
                        "The factor set has no grid factor excluding market-traded non-fossil power: "
                        "no market-based figure",
                    ),
                )
            factor = self._factor(residual)
            keys.add(residual)
            co2 = (grid - green) / THOUSAND * factor
            parts.append(co2)
            if green > 0:
                lines.append(
                    _t(
                        f"绿色电力（绿电交易或绿证）{_fmt(green)} 千瓦时 × 0 = 0 吨二氧化碳",
                        f"Green power (green-power trading or certificates) {_fmt(green)} kWh × 0 = 0 t CO₂",
                    )
                )
            lines.append(
                _t(
                    f"其余外购电量（{_fmt(grid)} − {_fmt(green)}）千瓦时 ÷ 1000 × {_fmt(factor, 8)} tCO2/MWh"
                    f"（不含市场化交易非化石能源电量的因子）= {_fmt(co2)} 吨二氧化碳",
                    f"Other grid electricity ({_fmt(grid)} − {_fmt(green)}) kWh ÷ 1000 × {_fmt(factor, 8)} "
                    f"tCO2/MWh (factor excluding market-traded non-fossil power) = {_fmt(co2)} t CO₂",
                )
            )
        elif grid > 0:
            assert self.grid_key is not None
            factor = self._factor(self.grid_key)
            keys.add(self.grid_key)
            co2 = grid / THOUSAND * factor
            parts.append(co2)
            lines.append(
                _t(
                    f"外购电量 {_fmt(grid)} 千瓦时 ÷ 1000 × {_fmt(factor, 8)} tCO2/MWh = {_fmt(co2)} 吨二氧化碳",
                    f"Grid electricity {_fmt(grid)} kWh ÷ 1000 × {_fmt(factor, 8)} tCO2/MWh = {_fmt(co2)} t CO₂",
                )
            )
            if green > 0:
                lines.append(
                    _t(
                        "基于位置法：绿色电力不扣减，平均电网因子已包含非化石能源电量",
                        "Location-based: green power is not deducted; the average grid factor already "
                        "contains non-fossil power",
                    )
                )
        steam = self._qty("energy.steam_t")
        if steam > 0:
            content, factor = self._factor("conv.steam_heat"), self._factor("ef.heat")
            keys |= {"conv.steam_heat", "ef.heat"}
            co2 = steam * content * factor
            parts.append(co2)
            lines.append(
                _t(
                    f"外购蒸汽 {_fmt(steam)} 吨 × {_fmt(content, 8)} GJ/t × {_fmt(factor, 8)} tCO2/GJ = {_fmt(co2)} 吨二氧化碳",
                    f"Steam bought {_fmt(steam)} t × {_fmt(content, 8)} GJ/t × {_fmt(factor, 8)} tCO2/GJ = {_fmt(co2)} t CO₂",
                )
            )
        heat = self._qty("energy.heat_gj")
        if heat > 0:
            factor = self._factor("ef.heat")
            keys.add("ef.heat")
            co2 = heat * factor
            parts.append(co2)
            lines.append(
                _t(
                    f"外购热力 {_fmt(heat)} 吉焦 × {_fmt(factor, 8)} tCO2/GJ = {_fmt(co2)} 吨二氧化碳",
                    f"Heat bought {_fmt(heat)} GJ × {_fmt(factor, 8)} tCO2/GJ = {_fmt(co2)} t CO₂",
                )
            )
        total = sum(parts, Decimal(0))
        lines.append(_sum_line(parts, total, _t("吨二氧化碳", "t CO₂"), _t("范围二排放", "Scope 2")))
        return _indicator(code, total, lines, keys)

    def _sum_indicator(self, code: str, parts: list[Indicator]) -> Indicator:
        if any(part.value is None for part in parts):
            return _indicator(code, None, note=parts[0].note)
        values = [part.value for part in parts if part.value is not None]
        total = sum(values, Decimal(0))
        keys = {key for part in parts for key in part.factor_keys}
        return _indicator(
            code, total, [_sum_line(values, total, INDICATORS[code].unit, INDICATORS[code].label)], keys
        )

    def _ratio(
        self, code: str, numerator: Indicator, denominator: Decimal | None, denominator_unit: Text, note: Text
    ) -> Indicator:
        if numerator.value is None:
            return _indicator(code, None, note=numerator.note)
        if not denominator:
            return _indicator(code, None, note=note)
        value = numerator.value / denominator
        unit = INDICATORS[code].unit
        num_unit = INDICATORS[numerator.code].unit
        line = _t(
            f"{_fmt(numerator.value)} {num_unit['zh']} ÷ {_fmt(denominator)} {denominator_unit['zh']} = "
            f"{_fmt(value)} {unit['zh']}",
            f"{_fmt(numerator.value)} {num_unit['en']} ÷ {_fmt(denominator)} {denominator_unit['en']} = "
            f"{_fmt(value)} {unit['en']}",
        )
        return _indicator(code, value, [line], numerator.factor_keys)

    def _per_product(self, energy: Indicator) -> Indicator:
        code = "calc.energy_per_product"
        output = self.values.get("energy.main_product_output")
        if energy.value is None:
            return _indicator(code, None, note=energy.note)
        if not output:
            return _indicator(
                code, None, note=_t("缺少主要产品产量或为0", "Main product output missing or zero")
            )
        product_unit = str(self.raw.get("energy.main_product_unit") or "")
        value = energy.value * THOUSAND / output
        line = _t(
            f"{_fmt(energy.value)} 吨标准煤 × 1000 ÷ {_fmt(output)} {product_unit} = {_fmt(value)} 千克标准煤/{product_unit or '产品单位'}",
            f"{_fmt(energy.value)} tce × 1000 ÷ {_fmt(output)} {product_unit} = {_fmt(value)} kgce/{product_unit or 'unit'}",
        )
        unit = (
            _t(f"千克标准煤/{product_unit}", f"kgce/{product_unit}")
            if product_unit
            else INDICATORS[code].unit
        )
        return _indicator(code, value, [line], energy.factor_keys, unit=unit)

    def _renewable_share(self, energy: Indicator) -> Indicator:
        code = "calc.renewable_share"
        if energy.value is None:
            return _indicator(code, None, note=energy.note)
        if energy.value == 0:
            return _indicator(code, None, note=_t("综合能源消费量为0", "Total energy use is zero"))
        renewable_kwh = self._qty("energy.green_power_kwh") + self._qty("energy.self_generated_renewable_kwh")
        parts: list[Decimal] = []
        lines: list[Text] = []
        keys: set[str] = set()
        if renewable_kwh > 0:
            coefficient = self._factor("coef.electricity")
            keys.add("coef.electricity")
            tce = renewable_kwh * coefficient / THOUSAND
            parts.append(tce)
            lines.append(
                _t(
                    f"绿色电力与自发自用可再生电力 {_fmt(renewable_kwh)} 千瓦时 × {_fmt(coefficient, 8)} kgce/kWh ÷ 1000 = {_fmt(tce)} 吨标准煤",
                    f"Green power and on-site renewable electricity {_fmt(renewable_kwh)} kWh × {_fmt(coefficient, 8)} "
                    f"kgce/kWh ÷ 1000 = {_fmt(tce)} tce",
                )
            )
        biomass = self._qty("energy.biomass_t")
        if biomass > 0:
            tce, line = self._biomass_tce(biomass)
            keys.add("coef.standard_coal_heat")
            parts.append(tce)
            lines.append(line)
        renewable = sum(parts, Decimal(0))
        value = renewable / energy.value * HUNDRED
        lines.append(
            _t(
                f"可再生能源 {_fmt(renewable)} 吨标准煤 ÷ 综合能源消费量 {_fmt(energy.value)} 吨标准煤 × 100 = {_fmt(value)}%",
                f"Renewable {_fmt(renewable)} tce ÷ total energy {_fmt(energy.value)} tce × 100 = {_fmt(value)}%",
            )
        )
        return _indicator(code, value, lines, keys | set(energy.factor_keys))

    def _water(self, output: Decimal | None, no_output: Text) -> dict[str, Indicator]:
        intake = self.values.get("energy.water_intake_m3")
        reused = self.values.get("energy.water_reused_m3")
        out: dict[str, Indicator] = {}
        code = "calc.water_reuse_rate"
        if intake is None or reused is None:
            out[code] = _indicator(
                code, None, note=_t("缺少取水量或重复利用水量", "Water intake or reused water missing")
            )
        elif intake + reused == 0:
            out[code] = _indicator(code, None, note=_t("用水量为0", "Water use is zero"))
        else:
            value = reused / (reused + intake) * HUNDRED
            out[code] = _indicator(
                code,
                value,
                [
                    _t(
                        f"重复利用水量 {_fmt(reused)} ÷（{_fmt(reused)} + 取水量 {_fmt(intake)}）立方米 × 100 = {_fmt(value)}%",
                        f"Reused {_fmt(reused)} ÷ ({_fmt(reused)} + intake {_fmt(intake)}) m³ × 100 = {_fmt(value)}%",
                    )
                ],
            )
        code = "calc.water_per_output"
        if intake is None:
            out[code] = _indicator(code, None, note=_t("缺少取水量", "Water intake missing"))
        elif not output:
            out[code] = _indicator(code, None, note=no_output)
        else:
            value = intake / output
            out[code] = _indicator(
                code,
                value,
                [
                    _t(
                        f"取水量 {_fmt(intake)} 立方米 ÷ {_fmt(output)} 万元 = {_fmt(value)} 立方米/万元",
                        f"Intake {_fmt(intake)} m³ ÷ {_fmt(output)} 10k yuan = {_fmt(value)} m³/10k yuan",
                    )
                ],
            )
        return out

    def _solid_waste(self) -> Indicator:
        code = "calc.solid_waste_utilisation_rate"
        generated = self.values.get("energy.solid_waste_generated_t")
        utilised = self.values.get("energy.solid_waste_utilised_t")
        stored = self._qty("energy.solid_waste_from_storage_t")
        if generated is None or utilised is None:
            return _indicator(
                code,
                None,
                note=_t("缺少固体废物产生量或综合利用量", "Solid waste generated or utilised missing"),
            )
        if generated + stored == 0:
            return _indicator(code, None, note=_t("未产生一般工业固体废物", "No solid waste generated"))
        value = utilised / (generated + stored) * HUNDRED
        return _indicator(
            code,
            value,
            [
                _t(
                    f"综合利用量 {_fmt(utilised)} ÷（产生量 {_fmt(generated)} + 利用往年贮存量 {_fmt(stored)}）吨 × 100 = {_fmt(value)}%",
                    f"Utilised {_fmt(utilised)} ÷ (generated {_fmt(generated)} + from storage {_fmt(stored)}) t × 100 "
                    f"= {_fmt(value)}%",
                )
            ],
        )

    def _land(self, output: Decimal | None) -> dict[str, Indicator]:
        land = self.values.get("energy.land_area_m2")
        out: dict[str, Indicator] = {}
        no_land = _t("缺少用地面积或为0", "Land area missing or zero")
        code = "calc.output_per_land"
        if not land:
            out[code] = _indicator(code, None, note=no_land)
        elif output is None:
            out[code] = _indicator(code, None, note=_t("缺少工业总产值", "Gross output value missing"))
        else:
            hectares = land / Decimal(10000)
            value = output / hectares
            out[code] = _indicator(
                code,
                value,
                [
                    _t(
                        f"{_fmt(output)} 万元 ÷（{_fmt(land)} 平方米 ÷ 10000 = {_fmt(hectares)} 公顷）= {_fmt(value)} 万元/公顷",
                        f"{_fmt(output)} 10k yuan ÷ ({_fmt(land)} m² ÷ 10000 = {_fmt(hectares)} ha) = {_fmt(value)} 10k yuan/ha",
                    )
                ],
            )
        for code, area_code, scale, zh, en in (
            (
                "calc.building_coefficient",
                "energy.building_footprint_m2",
                HUNDRED,
                "建筑系数",
                "Building coefficient",
            ),
            ("calc.plot_ratio", "energy.floor_area_m2", Decimal(1), "容积率", "Plot ratio"),
        ):
            area = self.values.get(area_code)
            if not land:
                out[code] = _indicator(code, None, note=no_land)
            elif area is None:
                label = INPUTS[area_code].label
                out[code] = _indicator(code, None, note=_t(f"缺少{label['zh']}", f"{label['en']} missing"))
            else:
                value = area / land * scale
                suffix = " × 100" if scale == HUNDRED else ""
                percent = "%" if scale == HUNDRED else ""
                label = INPUTS[area_code].label
                out[code] = _indicator(
                    code,
                    value,
                    [
                        _t(
                            f"{zh} = {label['zh']} {_fmt(area)} ÷ 用地面积 {_fmt(land)} 平方米{suffix} = {_fmt(value)}{percent}",
                            f"{en} = {label['en']} {_fmt(area)} ÷ land area {_fmt(land)} m²{suffix} = {_fmt(value)}{percent}",
                        )
                    ],
                )
        return out

    def _check_plausibility(self, indicators: dict[str, Indicator]) -> None:
        if "check.implausible_ratio" not in self.table:
            return
        ratio = _to_decimal(self.table["check.implausible_ratio"].get("value"))
        if not ratio or ratio <= 1:
            return
        for code, typical_key in PLAUSIBILITY.items():
            value = indicators[code].exact
            if value is None or value <= 0 or typical_key not in self.table:
                continue
            typical = _to_decimal(self.table[typical_key].get("value"))
            if not typical:
                continue
            if value > typical * ratio or value < typical / ratio:
                spec = INDICATORS[code]
                shown = _fmt(value, 8)
                warning_code = f"implausible.{code}"
                self.warnings.append(
                    Issue(
                        code=warning_code,
                        severity="warning",
                        field=code,
                        message=_t(
                            f"{spec.label['zh']}为{shown} {spec.unit['zh']}，与常见水平（约{_fmt(typical)}）相差约"
                            f"{_fmt(ratio, 0)}倍以上，可能填错了单位（如元与万元、千瓦时与万千瓦时、千克与吨），请核对后确认",
                            f"{spec.label['en']} is {shown} {spec.unit['en']}, {_fmt(ratio, 0)} times or more off the "
                            f"usual level (about {_fmt(typical)}): a unit may be wrong (yuan vs 万元, kWh vs 10,000 "
                            "kWh, kg vs t). Check and confirm",
                        ),
                        confirmed=warning_code in self.confirmed,
                    )
                )
                self._factor(typical_key)
                self._factor("check.implausible_ratio")


# --- helpers -----------------------------------------------------------------------------------------


def _indicator(
    code: str,
    value: Decimal | None,
    derivation: Iterable[Text] = (),
    factor_keys: Iterable[str] = (),
    *,
    note: Text | None = None,
    unit: Text | None = None,
) -> Indicator:
    spec = INDICATORS[code]
    return Indicator(
        code=code,
        label=spec.label,
        unit=unit or spec.unit,
        decimals=spec.decimals,
        value=None if value is None else _round(value, spec.decimals),
        exact=value,
        derivation=tuple(derivation),
        factor_keys=tuple(sorted(factor_keys)),
        note=note,
    )


def _replace_indicator(indicator: Indicator, trend: Trend | None) -> Indicator:
    return Indicator(**{**indicator.__dict__, "trend": trend})


def _replace(balance: EnergyBalance, **changes: Any) -> EnergyBalance:
    return EnergyBalance(**{**balance.__dict__, **changes})


def _sum_line(parts: list[Decimal], total: Decimal, unit: Text, label: Text) -> Text:
    terms = " + ".join(_fmt(p) for p in parts) if parts else "0"
    return _t(
        f"{label['zh']} = {terms} = {_fmt(total)} {unit['zh']}",
        f"{label['en']} = {terms} = {_fmt(total)} {unit['en']}",
    )


def _round(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _fmt(value: Decimal, places: int = 4, *, fixed: bool = False) -> str:
    """A number for a derivation line: rounded half up to `places`, trailing zeros dropped, 1,000s grouped."""
    rounded = _round(Decimal(value), places)
    text = f"{rounded:,.{places}f}"
    if not fixed and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _to_decimal(raw: Any) -> Decimal | None:
    """A finite Decimal from a JSON number or a numeric string; None for anything else (bools included)."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, Decimal):
        return raw if raw.is_finite() else None
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        return Decimal(repr(raw)) if math.isfinite(raw) else None
    if isinstance(raw, str):
        try:
            number = Decimal(raw.strip())
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None
