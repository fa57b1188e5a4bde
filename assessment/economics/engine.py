"""What each action costs, saves and pays back, for one enterprise: pure functions on plain data.

Inputs: the assessment's answers (energy.* quantities, optional bills and equipment sizes), a factor
snapshot (the energy calculator's coefficients and emission factors), a price snapshot and the action
models of assessment/actions/economics-<version>.yaml. No ORM, no request.

- `Baseline.from_answers(...)`: the year's quantity of every carrier, its tce and CO₂ per unit, the prices.
- `estimate(model, baseline)`: one action on its own (`ActionEconomics`), every figure a range
  (low, central, high). Each range is the envelope over the parameter ranges: every formula is monotonic
  in each parameter, so the low and high ends are found by moving each parameter to the end that lowers
  or raises that figure.
- `combine(models, baseline)`: several actions applied one after another, each on what the previous ones
  left (never double counted); the plan page and the abatement curve use it.
- `mac_curve(items)`: the marginal abatement cost curve (元/tCO₂ against cumulative tCO₂).
- `action_plan(...)`: the recommended actions (assessment.recommendations) with their figures.

Consistency kept by construction and tested with hypothesis: no action saves more of a carrier than the
enterprise uses at that point; shares are within 0..1; units are checked when the model and the prices
are loaded.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from assessment.economics.model import (
    CARRIER_UNITS,
    FUELS,
    ActionModel,
    EconomicsModel,
    Investment,
    Param,
    load_economics,
)
from assessment.economics.prices import QUANTITY_QUESTIONS, Price, resolve_prices
from assessment.energy import CARRIERS, INPUTS, energy_balance, energy_inputs_from_answers
from questionnaires.numbers import MONEY_UNIT, number_text

Text = dict[str, str]
GJ_PER_KWH = 0.0036
GJ_PER_T_STEAM = 2.52  # 1 t/h of steam ≈ 0.7 MW of heat: 2.52 GJ per tonne (boiler-capacity estimate)
SCENARIOS = ("low", "mid", "high")

_CARRIER_OF_INPUT = {question: carrier for carrier, question in QUANTITY_QUESTIONS.items()}
# A carrier is named as the energy calculator labels its quantity question, so one wording serves both.
CARRIER_LABELS: dict[str, Text] = {
    **{carrier: INPUTS[question].label for carrier, question in QUANTITY_QUESTIONS.items()},
    # Not a carrier used: the price of PV surplus sold to the grid (prices.resolve_prices).
    "electricity_export": {"zh": "光伏余电上网", "en": "PV surplus sold"},
}


def _in_sentence(label: str) -> str:
    """An English label inside a sentence: "Raw coal" -> "raw coal"; an acronym ("LPG") stays."""
    return label if label[1:2].isupper() else label[:1].lower() + label[1:]


def _t(zh: str, en: str) -> Text:
    return {"zh": zh, "en": en}


def _number(raw: Any) -> float | None:
    if isinstance(raw, bool) or raw is None or raw == "":
        return None
    if isinstance(raw, int | float):
        return float(raw) if math.isfinite(raw) else None
    try:
        value = float(Decimal(str(raw).strip()))
    except (ArithmeticError, ValueError):
        return None
    return value if math.isfinite(value) else None


def fmt(value: float, places: int = 2) -> str:
    """A number for an assumption line: rounded, trailing zeros dropped, thousands grouped."""
    return number_text(value, places, trim=True)


def unit_en(unit: str) -> str:
    """A unit for English text: 元 → yuan, 万元 → 10k yuan (the one English money unit)."""
    return unit.replace(MONEY_UNIT["zh"], MONEY_UNIT["en"]).replace("元", "yuan")


def _range_text(low: float, high: float, unit: str, places: int = 2) -> str:
    if abs(high - low) < 1e-12:
        return f"{fmt(low, places)} {unit}".strip()
    return f"{fmt(low, places)}–{fmt(high, places)} {unit}".strip()


# --- the baseline ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Baseline:
    """One enterprise's year, as the economics need it (plain data)."""

    quantities: dict[str, float]  # carrier → annual quantity in its unit (blank fuels: 0)
    answered: frozenset[str]  # carriers whose quantity question was answered
    tce_per_unit: dict[str, float]
    co2_per_unit: dict[str, float]  # location-based: the grid factor of the energy balance
    heat_gj_per_unit: dict[str, float]
    prices: dict[str, Price]
    size_class: str | None = None
    green_power_kwh: float = 0.0
    self_generated_kwh: float = 0.0
    water_reused_m3: float | None = None
    building_footprint_m2: float | None = None
    answers: Mapping[str, Any] = field(default_factory=dict)
    grid_factor: Text | None = None  # the label of the grid factor used

    @classmethod
    def from_answers(
        cls,
        answers: Mapping[str, Any],
        *,
        factors: Mapping[str, Any],
        prices: Mapping[str, Any],
        size_class: str | None = None,
        grid_factor_key: str | None = None,
    ) -> Baseline:
        """`factors` is a factor snapshot, `prices` a price snapshot; the grid factor is the one the
        energy balance selects for these answers unless `grid_factor_key` is given."""
        table = factors.get("factors", {})

        def factor(key: str) -> float:
            entry = table.get(key)
            return float(Decimal(str(entry["value"]))) if entry else 0.0

        if grid_factor_key is None:
            balance = energy_balance(inputs=energy_inputs_from_answers(answers), factors=factors)
            grid_factor_key = balance.grid_factor_key
        quantities: dict[str, float] = {}
        answered = set()
        for carrier, question in QUANTITY_QUESTIONS.items():
            value = _number(answers.get(question))
            if value is not None:
                answered.add(carrier)
            quantities[carrier] = max(value or 0.0, 0.0)
        tce: dict[str, float] = {"water": 0.0}
        co2: dict[str, float] = {"water": 0.0}
        for spec in CARRIERS:
            of_input = _CARRIER_OF_INPUT.get(spec.code)
            if of_input is None:
                continue
            tce[of_input] = factor(spec.coefficient) * float(spec.to_tce)
            if spec.emission:
                co2[of_input] = factor(spec.emission) * float(spec.emission_scale)
        co2["electricity"] = factor(grid_factor_key) / 1000 if grid_factor_key else 0.0
        co2["steam"] = factor("conv.steam_heat") * factor("ef.heat")
        co2["heat"] = factor("ef.heat")
        coal_heat = factor("coef.standard_coal_heat") or 29.3076  # MJ/kgce = GJ/tce
        heat = {carrier: tce.get(carrier, 0.0) * coal_heat for carrier in CARRIER_UNITS}
        grid_entry = table.get(grid_factor_key or "", {})
        return cls(
            quantities=quantities,
            answered=frozenset(answered),
            tce_per_unit=tce,
            co2_per_unit=co2,
            heat_gj_per_unit=heat,
            prices=resolve_prices(prices, answers, size_class=size_class),
            size_class=size_class,
            green_power_kwh=max(_number(answers.get("energy.green_power_kwh")) or 0.0, 0.0),
            self_generated_kwh=max(_number(answers.get("energy.self_generated_renewable_kwh")) or 0.0, 0.0),
            water_reused_m3=_number(answers.get("energy.water_reused_m3")),
            building_footprint_m2=_number(answers.get("energy.building_footprint_m2")),
            answers=dict(answers),
            grid_factor=(grid_entry.get("label") if grid_entry else None),
        )

    def total_tce(self) -> float:
        """Energy use in tce (grid electricity, fuels, steam, heat and on-site renewable electricity)."""
        total = sum(self.quantities[c] * self.tce_per_unit.get(c, 0.0) for c in CARRIER_UNITS if c != "water")
        return total + self.self_generated_kwh * self.tce_per_unit.get("electricity", 0.0)

    def renewable_tce(self) -> float:
        return (self.green_power_kwh + self.self_generated_kwh) * self.tce_per_unit.get("electricity", 0.0)

    def after(
        self,
        saved: Mapping[str, float],
        *,
        green_kwh: float = 0.0,
        self_kwh: float = 0.0,
        reused: float = 0.0,
    ) -> Baseline:
        """The baseline once an action's savings are taken off (added quantities are negative savings)."""
        quantities = {c: max(q - saved.get(c, 0.0), 0.0) for c, q in self.quantities.items()}
        return replace(
            self,
            quantities=quantities,
            green_power_kwh=min(self.green_power_kwh + green_kwh, quantities["electricity"]),
            self_generated_kwh=self.self_generated_kwh + self_kwh,
            water_reused_m3=None if self.water_reused_m3 is None else self.water_reused_m3 + reused,
        )


# --- one action ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """A figure as (low, central, high)."""

    low: float
    mid: float
    high: float

    def rounded(self, places: int) -> list[float]:
        return [round(self.low, places), round(self.high, places)]

    def to_dict(self, places: int = 2) -> dict[str, float]:
        return {
            "low": round(self.low, places),
            "mid": round(self.mid, places),
            "high": round(self.high, places),
        }


@dataclass(frozen=True)
class CarrierChange:
    carrier: str
    unit: str
    quantity: Span  # saved (negative: added), in the carrier's unit
    tce: Span
    co2: Span

    def to_dict(self) -> dict[str, Any]:
        return {
            "carrier": self.carrier,
            "unit": self.unit,
            "saved": self.quantity.to_dict(4),
            "tce": self.tce.to_dict(3),
            "co2_t": self.co2.to_dict(3),
        }


@dataclass(frozen=True)
class ActionEconomics:
    code: str
    status: str  # estimated | missing_data | not_applicable | not_quantified
    investment_wan: Span | None = None
    annual_saving_wan: Span | None = None
    energy_saved_tce: Span | None = None
    co2_avoided_t: Span | None = None
    payback_years: Span | None = None  # None when the action does not pay back (no net saving)
    mac_yuan_per_t: float | None = None  # central cost per t CO₂ avoided (annualised), None without CO₂
    life_years: Span | None = None
    carriers: tuple[CarrierChange, ...] = ()
    assumptions: tuple[Text, ...] = ()
    sources: tuple[dict[str, Any], ...] = ()
    missing: tuple[str, ...] = ()  # questions whose answer would make the estimate possible
    refine: tuple[str, ...] = ()  # questions whose answer would replace an estimate of this tool
    prices_used: tuple[str, ...] = ()  # carriers whose price entered the figures
    note: Text | None = None  # why there are no figures (missing data, not applicable, no model)
    extra: dict[str, float] = field(default_factory=dict)  # green-power kWh, PV kWp… (central)

    @property
    def estimated(self) -> bool:
        return self.status == "estimated"

    def saved(self, scenario: str = "mid") -> dict[str, float]:
        return {change.carrier: getattr(change.quantity, scenario) for change in self.carriers}

    def to_dict(self) -> dict[str, Any]:
        def span(value: Span | None, places: int) -> dict[str, float] | None:
            return None if value is None else value.to_dict(places)

        return {
            "code": self.code,
            "status": self.status,
            "investment_wan": span(self.investment_wan, 2),
            "annual_saving_wan": span(self.annual_saving_wan, 2),
            "energy_saved_tce": span(self.energy_saved_tce, 2),
            "co2_avoided_t": span(self.co2_avoided_t, 2),
            "payback_years": span(self.payback_years, 1),
            "mac_yuan_per_t": None if self.mac_yuan_per_t is None else round(self.mac_yuan_per_t),
            "carriers": [change.to_dict() for change in self.carriers],
            "assumptions": [dict(line) for line in self.assumptions],
            "sources": [dict(source) for source in self.sources],
            "missing": list(self.missing),
            "refine": list(self.refine),
            "prices_used": list(self.prices_used),
            "note": self.note,
        }


# A formula: parameter values → outputs ({"saved:<carrier>": quantity, "investment": 元, "opex": 元/a,
# "added_cost": 元/a, "export_income": 元/a, ...}); parameters include prices as "price:<carrier>".
Formula = Callable[[Mapping[str, float]], dict[str, float]]


_PRIMARY = ("investment", "net", "tce", "co2", "payback", "mac", "kwp", "generation", "green_kwh")


def _envelope(formula: Formula, ranges: Mapping[str, tuple[float, float]]) -> tuple[dict, dict, dict]:
    """(low, central, high) of the outputs of a formula monotonic in each parameter.

    For each output the parameters are moved to the end that lowers (raises) it, found from the change
    of the output when the parameter moves from the middle to its high end. Per-carrier tce
    and CO₂ are proportional to the carrier's quantity and take its ends.
    """
    keys = list(ranges)
    cache: dict[tuple[float, ...], dict[str, float]] = {}

    def run(values: Mapping[str, float]) -> dict[str, float]:
        signature = tuple(values[k] for k in keys)
        if signature not in cache:
            cache[signature] = formula(values)
        return cache[signature]

    mid = {key: (low + high) / 2 for key, (low, high) in ranges.items()}
    central = run(mid)
    outputs = [o for o in central if o.startswith("saved:") or o in _PRIMARY]
    slopes: dict[str, dict[str, float]] = {output: {} for output in outputs}
    for key, (low, high) in ranges.items():
        if high == low:
            continue
        up = run({**mid, key: high})  # monotonic: the side of the middle gives the direction
        for output in outputs:
            slopes[output][key] = _diff(up[output], central[output])
    lows: dict[str, float] = {}
    highs: dict[str, float] = {}
    for output in outputs:
        slope = slopes[output]
        low_at = {k: (ranges[k][0] if slope.get(k, 0.0) >= 0 else ranges[k][1]) for k in keys}
        high_at = {k: (ranges[k][1] if slope.get(k, 0.0) >= 0 else ranges[k][0]) for k in keys}
        low_out, high_out = run(low_at), run(high_at)
        lows[output], highs[output] = low_out[output], high_out[output]
        if output.startswith("saved:"):
            carrier = output.split(":", 1)[1]
            for prefix in ("tce:", "co2:"):
                lows[prefix + carrier] = low_out[prefix + carrier]
                highs[prefix + carrier] = high_out[prefix + carrier]
    return lows, central, highs


def _diff(up: float, down: float) -> float:
    if math.isinf(up) or math.isinf(down) or math.isnan(up) or math.isnan(down):
        return 0.0 if up == down else (1.0 if (up > down or math.isnan(down)) else -1.0)
    return up - down


def _crf(rate: float, years: float) -> float:
    """Capital recovery factor: the yearly payment that repays 1 yuan over `years` at `rate`."""
    if years <= 0:
        return 1.0
    if rate <= 0:
        return 1 / years
    growth = (1 + rate) ** years
    return rate * growth / (growth - 1)


class _Missing(Exception):
    def __init__(self, questions: Sequence[str], note: Text, status: str = "missing_data") -> None:
        super().__init__(note["en"])
        self.questions = tuple(questions)
        self.note = note
        self.status = status


_DEFAULT_LABELS: dict[str, Text] = {
    "life": {"zh": "使用年限", "en": "Service life"},
    "discount_rate": {"zh": "折现率", "en": "Discount rate"},
}
_UNIT_WORDS: dict[str, Text] = {"a": {"zh": "年", "en": "years"}, "d": {"zh": "天", "en": "days"}}


def _param_line(param: Param, value_text: str | None = None) -> Text:
    label = param.label or _DEFAULT_LABELS.get(param.key) or {"zh": param.key, "en": param.key}
    if param.unit in _UNIT_WORDS:
        words = _UNIT_WORDS[param.unit]
        zh_tail = "（规划假设）" if param.provisional else ""
        en_tail = " (planning assumption)" if param.provisional else ""
        return _t(
            f"{label['zh']}：{_range_text(param.low, param.high, words['zh'])}{zh_tail}",
            f"{label['en']}: {_range_text(param.low, param.high, words['en'])}{en_tail}",
        )
    unit = "" if param.unit in ("1", "") else param.unit
    if param.unit == "1":
        text = text_en = _range_text(param.low * 100, param.high * 100, "%", 1)
    else:
        text = value_text or _range_text(param.low, param.high, unit)
        text_en = value_text or _range_text(param.low, param.high, unit_en(unit))
    zh_tail = "（规划假设）" if param.provisional else ""
    en_tail = " (planning assumption)" if param.provisional else ""
    return _t(
        f"{label.get('zh', param.key)}：{text}{zh_tail}", f"{label.get('en', param.key)}: {text_en}{en_tail}"
    )


def _price_line(price: Price, carrier: str) -> Text:
    name = CARRIER_LABELS.get(carrier, {"zh": carrier, "en": carrier})
    name_en = _in_sentence(name["en"])
    text = _range_text(price.low, price.high, price.unit, 3)
    text_en = _range_text(price.low, price.high, unit_en(price.unit), 3)
    if price.origin == "own":
        return _t(
            f"{name['zh']}价格：{text}（本企业账单 ÷ 用量）",
            f"Price of {name_en}: {text_en} (your bill ÷ quantity)",
        )
    return _t(f"{name['zh']}价格：{text}（参考价格）", f"Price of {name_en}: {text_en} (reference price)")


class _Estimator:
    """Builds the formula of one model for one baseline, with its parameter ranges and assumption lines."""

    def __init__(
        self, model: ActionModel, baseline: Baseline, economics: EconomicsModel, targets: Mapping[str, float]
    ) -> None:
        self.model = model
        self.base = baseline
        self.economics = economics
        self.targets = targets
        self.ranges: dict[str, tuple[float, float]] = {}
        self.lines: list[Text] = []
        self.sources: list[dict[str, Any]] = []
        self.refine: list[str] = []
        self.prices_used: list[str] = []
        self.extra_outputs: list[str] = []

    # -- parameters

    def use(self, param: Param) -> str:
        key = param.key
        self.ranges[key] = (param.low, param.high)
        self.lines.append(_param_line(param))
        self.sources.append(param.citation())
        return key

    def fixed(self, key: str, value: float) -> str:
        self.ranges[key] = (value, value)
        return key

    def price(self, carrier: str) -> str:
        price = self.base.prices.get(carrier)
        if price is None:
            name = CARRIER_LABELS.get(carrier, {"zh": carrier, "en": carrier})
            raise _Missing([], _t(f"缺少{name['zh']}价格", f"No price for {_in_sentence(name['en'])}"))
        key = f"price:{carrier}"
        self.ranges[key] = (price.low, price.high)
        self.lines.append(_price_line(price, carrier))
        self.prices_used.append(carrier)
        if price.origin == "reference":
            cite: dict[str, Any] = {"price": price.key}
            if price.ref:
                cite.update({"ref": price.ref, "section": price.section})
            if price.provisional:
                cite.update({"provisional": True, "basis": dict(price.basis or {})})
            self.sources.append(cite)
        return key

    # -- the formula per kind

    def build(self) -> Formula:
        kind = self.model.kind
        builder = {
            "share": self._share,
            "pv": self._pv,
            "switch": self._switch,
            "water_target": self._water_target,
            "green_power": self._green_power,
        }[kind]
        return builder()

    def _own_size(self, investment: Investment, key: str, name: Text, unit: str) -> bool:
        """The size the enterprise gave for the equipment (kW, t/h), fixed under `key` and said in the
        assumptions; False without a positive answer (the size is then estimated)."""
        answer = _number(self.base.answers.get(investment.answer)) if investment.answer else None
        if answer is None or answer <= 0:
            return False
        self.fixed(key, answer)
        self.lines.append(
            _t(
                f"{name['zh']}：{fmt(answer)} {unit}（本企业填写）",
                f"{name['en']}: {fmt(answer)} {unit} (your answer)",
            )
        )
        return True

    def _present(self, carriers: Iterable[str]) -> list[str]:
        return [c for c in carriers if self.base.quantities.get(c, 0.0) > 0]

    def _require(self, carriers: Sequence[str]) -> list[str]:
        present = self._present(carriers)
        if present:
            return present
        unanswered = [QUANTITY_QUESTIONS[c] for c in carriers if c not in self.base.answered]
        names_zh = "、".join(CARRIER_LABELS[c]["zh"] for c in carriers)
        names_en = ", ".join(_in_sentence(CARRIER_LABELS[c]["en"]) for c in carriers)
        if set(carriers) <= set(FUELS) or len(unanswered) < len(carriers):
            # Fuels left blank mean "not used" (as in the energy calculator): nothing to save.
            raise _Missing(
                [],
                _t(
                    f"本企业未使用{names_zh}，该措施无可节约的能源",
                    f"No {names_en} used: nothing for this action to save",
                ),
                "not_applicable",
            )
        raise _Missing(
            unanswered,
            _t(f"填写{names_zh}的全年用量后可以估算", f"Enter the year's {names_en} use to get an estimate"),
        )

    def _share(self) -> Formula:
        model = self.model
        carriers = self._require(model.carriers)
        share_keys = [self.use(p) for p in model.shares]
        price_keys = {c: self.price(c) for c in carriers}
        invest = self._investment_share(carriers)
        opex = self._opex()

        def formula(v: Mapping[str, float]) -> dict[str, float]:
            share = math.prod(v[k] for k in share_keys)
            out = {f"saved:{c}": self.base.quantities[c] * share for c in carriers}
            out["gross"] = sum(out[f"saved:{c}"] * v[price_keys[c]] for c in carriers)
            out["investment"] = invest(v, out)
            out["opex"] = opex(v, out)
            return out

        return formula

    def _investment_share(self, carriers: Sequence[str]) -> Callable[[Mapping[str, float], dict], float]:
        investment = self.model.investment
        base = self.base
        if investment.driver == "size_class":
            table = investment.table
            assert table is not None
            size = base.size_class or "small"
            low, high = table.ranges.get(size, table.ranges["small"])
            self.ranges["table"] = (low * 10000, high * 10000)
            size_zh = {"micro": "微型", "small": "小型", "medium": "中型", "large": "大型"}.get(size, size)
            tail_zh = "（规划假设）" if table.param.provisional else ""
            tail_en = " (planning assumption)" if table.param.provisional else ""
            self.lines.append(
                _t(
                    f"投资按企业规模（{size_zh}）估计：{_range_text(low, high, '万元')}{tail_zh}",
                    f"Investment by enterprise size ({size}): {_range_text(low, high, '10k yuan')}{tail_en}",
                )
            )
            self.sources.append(table.param.citation())
            if base.size_class is None:
                self.refine.append("enterprise.size_class")
            return lambda v, out: v["table"]
        if investment.driver == "saved_unit":
            cost = self.use(investment.cost)  # type: ignore[arg-type]
            return lambda v, out: sum(out[f"saved:{c}"] for c in carriers) * v[cost]
        if investment.driver == "installed_kw":
            cost = self.use(investment.cost)  # type: ignore[arg-type]
            if self._own_size(investment, "kw", _t("装机功率", "Installed power"), "kW"):
                return lambda v, out: v["kw"] * v[cost]
            hours = self.use(investment.params["full_load_hours"])
            use = sum(base.quantities[c] for c in carriers)
            share = investment.share
            if investment.answer:
                self.refine.append(investment.answer)
            self.lines.append(
                _t(
                    "装机功率按（用电量 × 该类设备用电比例 ÷ 年满负荷小时）估算",
                    "Installed power estimated as electricity × the equipment's share ÷ full-load hours",
                )
            )
            self.extra_outputs.append("kw")
            return lambda v, out: use * v[share] / v[hours] * v[cost]
        if investment.driver == "boiler_t_h":
            cost = self.use(investment.cost)  # type: ignore[arg-type]
            if self._own_size(investment, "t_h", _t("锅炉容量", "Boiler capacity"), "t/h"):
                return lambda v, out: v["t_h"] * v[cost]
            hours = self.use(investment.params["full_load_hours"])
            efficiency = self.use(investment.params["boiler_efficiency"])
            heat_gj = sum(base.quantities[c] * base.heat_gj_per_unit[c] for c in carriers)
            if investment.answer:
                self.refine.append(investment.answer)
            self.lines.append(
                _t(
                    f"锅炉容量按（燃料热量 {fmt(heat_gj, 0)} GJ × 锅炉效率 ÷（年满负荷小时 × 2.52 GJ/t））估算",
                    f"Boiler capacity estimated as fuel heat {fmt(heat_gj, 0)} GJ × efficiency ÷ (full-load hours × 2.52 GJ/t)",
                )
            )
            return lambda v, out: heat_gj * v[efficiency] / (v[hours] * GJ_PER_T_STEAM) * v[cost]
        return lambda v, out: 0.0

    def _opex(self) -> Callable[[Mapping[str, float], dict], float]:
        model = self.model
        if model.opex_share is not None:
            key = self.use(model.opex_share)
            return lambda v, out: out["investment"] * v[key]
        if model.opex_per_unit is not None:
            key = self.use(model.opex_per_unit)
            carriers = list(self.model.carriers) or ["water"]
            return lambda v, out: sum(out.get(f"saved:{c}", 0.0) for c in carriers) * v[key]
        return lambda v, out: 0.0

    def _pv(self) -> Formula:
        model, base = self.model, self.base
        if "electricity" not in base.answered:
            raise _Missing(
                [QUANTITY_QUESTIONS["electricity"]],
                _t("填写全年外购电量后可以估算", "Enter the year's grid electricity to get an estimate"),
            )
        roof = _number(base.answers.get(model.roof_answer)) if model.roof_answer else None
        if roof is not None and roof > 0:
            self.fixed("roof", roof)
            self.lines.append(
                _t(
                    f"可安装光伏的屋顶面积：{fmt(roof, 0)} m²（本企业填写）",
                    f"Usable roof area: {fmt(roof, 0)} m² (your answer)",
                )
            )
            roof_of = lambda v: v["roof"]  # noqa: E731
        elif base.building_footprint_m2:
            footprint = base.building_footprint_m2
            share = self.use(model.params["usable_roof_share"])
            self.refine.append(model.roof_answer)
            self.lines.append(
                _t(
                    f"屋顶面积按建（构）筑物占地 {fmt(footprint, 0)} m² × 可用比例估算",
                    f"Roof area estimated as the building footprint {fmt(footprint, 0)} m² × the usable share",
                )
            )
            roof_of = lambda v: footprint * v[share]  # noqa: E731
        else:
            raise _Missing(
                [model.roof_answer, "energy.building_footprint_m2"],
                _t(
                    "填写可安装光伏的屋顶面积（或建筑占地面积）后可以估算",
                    "Enter the usable roof area (or the building footprint) to get an estimate",
                ),
            )
        area = self.use(model.params["area_per_kwp"])
        yield_ = self.use(model.params["specific_yield"])
        self_use = self.use(model.params["self_use_share"])
        price = self.price("electricity")
        export = self.price("electricity_export")
        cost = self.use(model.investment.cost)  # type: ignore[arg-type]
        opex = self._opex()
        buyable = max(base.quantities["electricity"] - base.green_power_kwh, 0.0)
        self.lines.append(
            _t(
                "自用电量不超过外购电量（扣除已购绿电）；余电按上网电价计收入；减排只计自用部分（本企业范围二）",
                "Own use never exceeds the grid electricity bought (less green power); surplus earns the feed-in "
                "price; CO₂ counts the own use only (your scope 2)",
            )
        )
        self.extra_outputs += ["kwp", "generation"]

        def formula(v: Mapping[str, float]) -> dict[str, float]:
            kwp = roof_of(v) / v[area]
            generation = kwp * v[yield_]
            own = min(generation * v[self_use], buyable)
            out = {"saved:electricity": own, "kwp": kwp, "generation": generation}
            out["gross"] = own * v[price] + (generation - own) * v[export]
            out["investment"] = kwp * v[cost]
            out["opex"] = opex(v, out)
            return out

        return formula

    def _switch(self) -> Formula:
        model, base = self.model, self.base
        fuels = self._require(model.carriers)
        replaced = self.use(model.params["replaced_share"])
        efficiency = self.use(model.params["boiler_efficiency"])
        cop = self.use(model.params["cop"])
        prices = {c: self.price(c) for c in fuels}
        power = self.price("electricity")
        hours = self.use(model.investment.params["full_load_hours"])
        cost = self.use(model.investment.cost)  # type: ignore[arg-type]
        opex = self._opex()
        self.lines.append(
            _t(
                "热泵耗电 = 被替代燃料热量 × 锅炉效率 ÷ 性能系数；制热功率 = 供热量 ÷ 年满负荷小时",
                "Heat-pump electricity = replaced fuel heat × boiler efficiency ÷ COP; heat capacity = heat ÷ full-load hours",
            )
        )

        def formula(v: Mapping[str, float]) -> dict[str, float]:
            out = {f"saved:{c}": base.quantities[c] * v[replaced] for c in fuels}
            heat = sum(out[f"saved:{c}"] * base.heat_gj_per_unit[c] for c in fuels) * v[efficiency]
            kwh = heat / GJ_PER_KWH / v[cop]
            out["saved:electricity"] = -kwh
            out["gross"] = sum(out[f"saved:{c}"] * v[prices[c]] for c in fuels) - kwh * v[power]
            out["investment"] = heat / GJ_PER_KWH / v[hours] * v[cost]
            out["opex"] = opex(v, out)
            return out

        return formula

    def _water_target(self) -> Formula:
        model, base = self.model, self.base
        intake = base.quantities["water"]
        reused = base.water_reused_m3
        missing = [
            q
            for q, value in (
                ("energy.water_intake_m3", "water" in base.answered),
                ("energy.water_reused_m3", reused is not None),
            )
            if not value
        ]
        if missing:
            raise _Missing(
                missing,
                _t(
                    "填写取水量和重复利用水量后可以估算",
                    "Enter water intake and reused water to get an estimate",
                ),
            )
        target = self.targets.get(model.target_question)
        if target is None:
            raise _Missing(
                [],
                _t("目录中没有该措施的目标值", "The catalog gives no target for this action"),
                "not_applicable",
            )
        total = intake + (reused or 0.0)
        saved = max(intake - total * (1 - target / 100), 0.0)
        if saved <= 0:
            raise _Missing(
                [], _t("重复利用率已达到目标", "The reuse rate already meets the target"), "not_applicable"
            )
        self.lines.append(
            _t(
                f"重复利用率提高到 {fmt(target)}%（措施目标）：总用水量 {fmt(total, 0)} m³ 不变，取水量降到 {fmt(total * (1 - target / 100), 0)} m³，少取水 {fmt(saved, 0)} m³",
                f"Reuse rate raised to {fmt(target)} % (the action's target): total use {fmt(total, 0)} m³ unchanged, intake down to "
                f"{fmt(total * (1 - target / 100), 0)} m³, {fmt(saved, 0)} m³ less",
            )
        )
        self.fixed("water_saved", saved)
        price = self.price("water")
        days = self.use(model.investment.params["days"])
        cost = self.use(model.investment.cost)  # type: ignore[arg-type]
        opex = self._opex()

        def formula(v: Mapping[str, float]) -> dict[str, float]:
            out = {"saved:water": v["water_saved"]}
            out["gross"] = v["water_saved"] * v[price]
            out["investment"] = v["water_saved"] / v[days] * v[cost]
            out["opex"] = opex(v, out)
            return out

        return formula

    def _green_power(self) -> Formula:
        model, base = self.model, self.base
        if "electricity" not in base.answered:
            raise _Missing(
                [QUANTITY_QUESTIONS["electricity"]],
                _t("填写全年外购电量后可以估算", "Enter the year's grid electricity to get an estimate"),
            )
        target = self.targets.get(model.target_question)
        if target is None:
            raise _Missing(
                [],
                _t("目录中没有该措施的目标值", "The catalog gives no target for this action"),
                "not_applicable",
            )
        per_kwh = base.tce_per_unit.get("electricity", 0.0)
        needed_tce = base.total_tce() * target / 100 - base.renewable_tce()
        buyable = max(base.quantities["electricity"] - base.green_power_kwh, 0.0)
        kwh = min(max(needed_tce, 0.0) / per_kwh if per_kwh else 0.0, buyable)
        if kwh <= 0:
            raise _Missing(
                [],
                _t("可再生能源比例已达到目标", "The renewable share already meets the target"),
                "not_applicable",
            )
        self.lines.append(
            _t(
                f"购买绿色电力 {fmt(kwh, 0)} kWh，使可再生能源比例达到 {fmt(target)}%（措施目标）；用电量不变，只计溢价",
                f"Green power bought: {fmt(kwh, 0)} kWh, bringing the renewable share to {fmt(target)} % (the action's target); "
                "electricity use is unchanged, only the premium counts",
            )
        )
        self.lines.append(
            _t(
                "绿色电力只减少基于市场的范围二排放；按所在地区电网平均因子核算（本表口径）不减少排放，计为0",
                "Green power lowers market-based scope 2 only; location-based, as in this table, it avoids "
                "nothing and counts 0",
            )
        )
        premium = self.use(model.params["premium"])
        self.extra_outputs.append("green_kwh")

        def formula(v: Mapping[str, float]) -> dict[str, float]:
            return {"green_kwh": kwh, "gross": -kwh * v[premium], "investment": 0.0, "opex": 0.0}

        return formula


def _finish(formula: Formula, estimator: _Estimator, base: Baseline) -> Formula:
    """Add the derived outputs: energy (tce), CO₂, net saving, payback and the abatement cost."""
    model = estimator.model
    rate = estimator.economics.defaults["discount_rate"]
    life_key = estimator.use(model.life)
    estimator.ranges["discount_rate"] = (rate.low, rate.high)

    keys: list[tuple[str, str, str, float, float]] = []  # (saved key, tce key, co2 key, tce/unit, co2/unit)

    def full(v: Mapping[str, float]) -> dict[str, float]:
        out = formula(v)
        if not keys:
            for key in out:
                if key.startswith("saved:"):
                    c = key[6:]
                    keys.append(
                        (
                            key,
                            "tce:" + c,
                            "co2:" + c,
                            base.tce_per_unit.get(c, 0.0),
                            base.co2_per_unit.get(c, 0.0),
                        )
                    )
        tce = co2 = 0.0
        for saved, tce_key, co2_key, per_tce, per_co2 in keys:
            quantity = out[saved]
            out[tce_key] = quantity * per_tce
            out[co2_key] = quantity * per_co2
            tce += quantity * per_tce
            co2 += quantity * per_co2
        # Green power bought lowers market-based scope 2 only: the location-based figure used here applies
        # the average grid factor to all purchased electricity (GHG Protocol Scope 2 Guidance), so 0.
        out["tce"], out["co2"] = tce, co2
        out["net"] = out["gross"] - out["opex"]
        out["payback"] = out["investment"] / out["net"] if out["net"] > 0 else math.inf
        annual_cost = out["investment"] * _crf(v["discount_rate"], v[life_key]) - out["net"]
        out["mac"] = annual_cost / co2 if co2 > 1e-9 else math.nan
        return out

    return full


def _targets(model: EconomicsModel) -> dict[str, float]:
    """The catalog's at_least targets of the computed indicators the models refer to (by question)."""
    from assessment.actions import load_catalog

    catalog = load_catalog(model.catalog)
    found: dict[str, dict[str, float]] = {}
    for action in catalog.actions:
        for effect in action.effects:
            if effect.form == "at_least" and isinstance(effect.target, int | float):
                found.setdefault(action.code, {})[effect.question] = float(effect.target)
    return found  # type: ignore[return-value]


_TARGETS_CACHE: dict[str, dict[str, dict[str, float]]] = {}


def _targets_for(economics: EconomicsModel, code: str) -> dict[str, float]:
    key = economics.content_hash or economics.version
    if key not in _TARGETS_CACHE:
        _TARGETS_CACHE[key] = _targets(economics)  # type: ignore[assignment]
    return _TARGETS_CACHE[key].get(code, {})


def estimate(
    model: ActionModel | None,
    baseline: Baseline,
    *,
    economics: EconomicsModel | None = None,
    code: str = "",
    central_only: bool = False,
) -> ActionEconomics:
    """The figures of one action on its own for this baseline (or why there are none). With
    `central_only` every range is its central value (one evaluation: what the abatement curve needs)."""
    if model is None:
        return ActionEconomics(
            code,
            "not_quantified",
            note=_t(
                "未估算金额：该措施的收益主要在管理、质量或合规方面，或取决于具体方案",
                "No money figures: the benefit is mainly management, quality or compliance, or depends on the design",
            ),
        )
    economics = economics or load_economics()
    estimator = _Estimator(model, baseline, economics, _targets_for(economics, model.code))
    try:
        formula = _finish(estimator.build(), estimator, baseline)
    except _Missing as missing:
        return ActionEconomics(model.code, missing.status, missing=missing.questions, note=missing.note)
    if central_only:
        central = formula({key: (low + high) / 2 for key, (low, high) in estimator.ranges.items()})
        lows = highs = central
    else:
        lows, central, highs = _envelope(formula, estimator.ranges)

    def span(key: str, scale: float = 1.0) -> Span:
        return Span(lows[key] * scale, central[key] * scale, highs[key] * scale)

    carriers = tuple(
        CarrierChange(
            carrier=key.split(":", 1)[1],
            unit=CARRIER_UNITS[key.split(":", 1)[1]],
            quantity=span(key),
            tce=span("tce:" + key.split(":", 1)[1]),
            co2=span("co2:" + key.split(":", 1)[1]),
        )
        for key in central
        if key.startswith("saved:")
    )
    net = span("net", 1e-4)
    payback = None
    if central["net"] > 0:
        high = highs["payback"]
        payback = Span(lows["payback"], central["payback"], high)
    mac = central["mac"]
    lines = list(estimator.lines)
    extra: dict[str, float] = {
        key: central[key] for key in ("kwp", "generation", "green_kwh") if key in central
    }
    if "kwp" in extra:
        lines.append(
            _t(
                f"装机约 {_range_text(lows['kwp'], highs['kwp'], 'kWp', 0)}，年发电约 {_range_text(lows['generation'] / 10000, highs['generation'] / 10000, '万kWh', 1)}",
                f"About {_range_text(lows['kwp'], highs['kwp'], 'kWp', 0)}, generating about "
                f"{_range_text(lows['generation'] / 1000, highs['generation'] / 1000, 'MWh', 0)} a year",
            )
        )
    if baseline.grid_factor and any(c.carrier == "electricity" for c in carriers) or "green_kwh" in extra:
        label = baseline.grid_factor or {"zh": "", "en": ""}
        lines.append(
            _t(
                f"电力减排按{label.get('zh', '')}计算（基于所在地区电网）",
                f"Electricity CO₂ at the {label.get('en', '')} (location-based)",
            )
        )
    return ActionEconomics(
        code=model.code,
        status="estimated",
        investment_wan=span("investment", 1e-4),
        annual_saving_wan=net,
        energy_saved_tce=span("tce"),
        co2_avoided_t=span("co2"),
        payback_years=payback,
        mac_yuan_per_t=None if math.isnan(mac) else mac,
        life_years=Span(model.life.low, model.life.mid, model.life.high),
        carriers=carriers,
        assumptions=tuple(lines),
        sources=tuple(_unique(estimator.sources)),
        refine=tuple(dict.fromkeys(q for q in estimator.refine if q)),
        prices_used=tuple(dict.fromkeys(estimator.prices_used)),
        extra=extra,
    )


def _unique(items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: set[str] = set()
    found = []
    for item in items:
        key = repr(sorted(item.items()))
        if key not in seen:
            seen.add(key)
            found.append(item)
    return found


# --- several actions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanStep:
    code: str
    economics: ActionEconomics  # the step's figures on what the previous steps left (central pass)


@dataclass(frozen=True)
class CombinedPlan:
    steps: tuple[PlanStep, ...]
    saved: dict[str, Span]  # carrier → total saved over the plan (low, central, high passes)
    baseline: Baseline

    def total(self, attribute: str) -> Span:
        values = [getattr(step.economics, attribute) for step in self.steps if step.economics.estimated]
        spans = [value for value in values if value is not None]
        return Span(sum(s.low for s in spans), sum(s.mid for s in spans), sum(s.high for s in spans))


def _apply(base: Baseline, model: ActionModel, result: ActionEconomics, scenario: str) -> Baseline:
    """The baseline after one action: PV adds on-site renewable electricity, green power bought adds to
    the green share, water reuse turns intake into reused water (total use unchanged)."""
    saved = result.saved(scenario)
    green = result.extra.get("green_kwh", 0.0) if model.kind == "green_power" else 0.0
    own_pv = saved.get("electricity", 0.0) if model.kind == "pv" else 0.0
    reused = saved.get("water", 0.0) if model.kind == "water_target" else 0.0
    return base.after(saved, green_kwh=green, self_kwh=own_pv, reused=reused)


def combine(
    models: Sequence[ActionModel | None],
    baseline: Baseline,
    *,
    economics: EconomicsModel | None = None,
    codes: Sequence[str] | None = None,
    scenarios: Sequence[str] = SCENARIOS,
    central_only: bool = False,
) -> CombinedPlan:
    """Apply actions one after another: each is estimated on the quantities the previous ones left.

    Three passes (low, central, high) keep every scenario consistent on its own: in each, no action
    saves more of a carrier than is left of it, so the plan's total saving of a carrier never exceeds
    what the enterprise uses. The steps' figures are those of the central pass (`central_only`: central
    values only, one evaluation per step).
    """
    economics = economics or load_economics()
    codes = list(codes) if codes is not None else [m.code if m else "" for m in models]
    scenarios = tuple(dict.fromkeys((*scenarios, "mid")))
    totals: dict[str, dict[str, float]] = {scenario: {} for scenario in SCENARIOS}
    steps: list[PlanStep] = []
    for scenario in scenarios:
        state = baseline
        for model, code in zip(models, codes, strict=True):
            result = estimate(
                model, state, economics=economics, code=code, central_only=central_only and scenario == "mid"
            )
            if scenario == "mid":
                steps.append(PlanStep(code, result))
            if not result.estimated:
                continue
            for carrier, quantity in result.saved(scenario).items():
                totals[scenario][carrier] = totals[scenario].get(carrier, 0.0) + quantity
            state = _apply(state, model, result, scenario)  # type: ignore[arg-type]
    carriers = set().union(*totals.values())
    saved = {
        c: Span(totals["low"].get(c, 0.0), totals["mid"].get(c, 0.0), totals["high"].get(c, 0.0))
        for c in carriers
    }
    return CombinedPlan(tuple(steps), saved, baseline)


# --- the abatement cost curve ----------------------------------------------------------------------


@dataclass(frozen=True)
class MacPoint:
    code: str
    co2_t: float  # width: t CO₂ a year avoided by this action (after the ones before it)
    cost_per_t: float  # height: 元 per t CO₂ (annualised investment − net saving) ÷ t CO₂
    start: float  # cumulative t CO₂ before it
    end: float


def mac_curve(
    models: Sequence[ActionModel | None],
    baseline: Baseline,
    *,
    economics: EconomicsModel | None = None,
    alone: Mapping[str, ActionEconomics] | None = None,
) -> list[MacPoint]:
    """The marginal abatement cost curve: the actions that avoid CO₂, cheapest per tonne first, applied
    one after another in that order (so overlapping actions are not double counted). `alone` may give
    the actions' figures on their own when already computed."""
    economics = economics or load_economics()
    alone = dict(alone or {})
    pairs = []
    for model in models:
        if model is None:
            continue
        result = alone.get(model.code) or estimate(model, baseline, economics=economics)
        if (
            result.estimated
            and result.mac_yuan_per_t is not None
            and result.co2_avoided_t
            and result.co2_avoided_t.mid > 0
        ):
            pairs.append((model, result))
    ranked = [m for m, result in sorted(pairs, key=lambda pair: (pair[1].mac_yuan_per_t, pair[0].code))]
    plan = combine(ranked, baseline, economics=economics, scenarios=("mid",), central_only=True)
    points: list[MacPoint] = []
    cumulative = 0.0
    for step in sorted(
        (s for s in plan.steps if s.economics.estimated and s.economics.mac_yuan_per_t is not None),
        key=lambda s: (s.economics.mac_yuan_per_t, s.code),
    ):
        co2 = step.economics.co2_avoided_t.mid if step.economics.co2_avoided_t else 0.0
        if co2 <= 0:
            continue
        points.append(
            MacPoint(step.code, co2, step.economics.mac_yuan_per_t or 0.0, cumulative, cumulative + co2)
        )
        cumulative += co2
    return points


# --- the recommended actions with their figures ----------------------------------------------------

RANKING_RULE: Text = _t(
    "排序规则：先列能使否决项（前提条件）通过的措施，再列能提升清洁生产限定性指标的措施，其余按“得分提升 ÷ 费用等级权重”（无费1、低费2、中费4、高费8）从高到低排列。",
    "Order: actions that make a failed prerequisite (veto item) pass come first, then actions that lift a "
    "limiting clean-production indicator, then the rest by score gain ÷ cost-class weight (no-cost 1, "
    "low-cost 2, medium-cost 4, high-cost 8), highest first.",
)
VIEWS = ("ranked", "low_cost", "co2")


@dataclass(frozen=True)
class PlanItem:
    rank: int
    code: str
    title: Text
    cost_class: str
    effort_weight: float
    score_gain: dict[str, float]
    economics: ActionEconomics

    def to_dict(self) -> dict[str, Any]:
        econ = self.economics

        def pair(value: Span | None, places: int) -> list[float] | None:
            return None if value is None else value.rounded(places)

        def mid(value: Span | None, places: int) -> float | None:
            return None if value is None else round(value.mid, places)

        return {
            "code": self.code,
            "title": self.title,
            "rank": self.rank,
            "cost_class": self.cost_class,
            "status": econ.status,
            "investment_wan": pair(econ.investment_wan, 2),
            "annual_saving_wan": mid(econ.annual_saving_wan, 2),
            "annual_saving_range_wan": pair(econ.annual_saving_wan, 2),
            "energy_saved_tce": mid(econ.energy_saved_tce, 2),
            "energy_saved_range_tce": pair(econ.energy_saved_tce, 2),
            "energy_saved": [
                {
                    "carrier": c.carrier,
                    "unit": c.unit,
                    "quantity": round(c.quantity.mid, 2),
                    "range": c.quantity.rounded(2),
                }
                for c in econ.carriers
            ],
            "co2_avoided_t": mid(econ.co2_avoided_t, 2),
            "co2_avoided_range_t": pair(econ.co2_avoided_t, 2),
            "payback_years": mid(econ.payback_years, 1),
            "payback_range_years": None
            if econ.payback_years is None
            else [
                round(econ.payback_years.low, 1),
                None if math.isinf(econ.payback_years.high) else round(econ.payback_years.high, 1),
            ],
            "abatement_cost_yuan_per_t": None if econ.mac_yuan_per_t is None else round(econ.mac_yuan_per_t),
            "score_gain": self.score_gain,
            "assumptions": [dict(line) for line in econ.assumptions],
            "sources": [dict(source) for source in econ.sources],
            "missing": list(econ.missing),
            "refine": list(econ.refine),
            "note": econ.note,
        }


@dataclass(frozen=True)
class ActionPlan:
    items: tuple[PlanItem, ...]
    baseline: Baseline
    prices: Mapping[str, Any]  # the price snapshot's name, date and id
    economics_version: str
    mac: tuple[MacPoint, ...] = ()

    def view(self, name: str = "ranked") -> list[PlanItem]:
        """The items in one of the orders: ranked (the recommendation order), low_cost (no-cost and
        low-cost first, ranking kept within a class), co2 (largest CO₂ reduction first)."""
        items = list(self.items)
        if name == "low_cost":
            return sorted(items, key=lambda item: (item.effort_weight, item.rank))
        if name == "co2":

            def co2(item: PlanItem) -> float:
                span = item.economics.co2_avoided_t
                return span.mid if span is not None and item.economics.estimated else -math.inf

            return sorted(items, key=lambda item: (-co2(item), item.rank))
        return items

    @property
    def estimated(self) -> list[PlanItem]:
        return [item for item in self.items if item.economics.estimated]

    def prices_origin(self) -> dict[str, str]:
        """Carrier → "own" or "reference" for the carriers whose price entered any figure."""
        used = {carrier for item in self.items for carrier in item.economics.prices_used}
        return {c: self.baseline.prices[c].origin for c in sorted(used) if c in self.baseline.prices}

    def to_dict(self, assessment: Any = None) -> dict[str, Any]:
        prices_used = {
            carrier: self.baseline.prices[carrier].to_dict()
            for carrier in sorted({c for item in self.items for c in item.economics.prices_used})
            if carrier in self.baseline.prices
        }
        return {
            "assessment": assessment,
            "prices": {
                "set": {k: self.prices.get(k) for k in ("id", "name", "region", "as_of")},
                "used": prices_used,
                "own": sorted(c for c, p in prices_used.items() if p["origin"] == "own"),
            },
            "economics_version": self.economics_version,
            "ranking_rule": RANKING_RULE,
            "actions": [item.to_dict() for item in self.items],
            "mac_curve": [
                {
                    "code": p.code,
                    "co2_t": round(p.co2_t, 2),
                    "cost_yuan_per_t": round(p.cost_per_t),
                    "cumulative_t": round(p.end, 2),
                }
                for p in self.mac
            ],
        }


def action_plan(
    *,
    recommendations: Any,
    answers: Mapping[str, Any],
    factors: Mapping[str, Any],
    prices: Mapping[str, Any],
    size_class: str | None = None,
    economics: EconomicsModel | None = None,
    grid_factor_key: str | None = None,
) -> ActionPlan:
    """Every recommended action (in the recommendation order) with its figures, and the abatement curve."""
    economics = economics or load_economics()
    baseline = Baseline.from_answers(
        answers, factors=factors, prices=prices, size_class=size_class, grid_factor_key=grid_factor_key
    )
    items = []
    for rank, recommendation in enumerate(recommendations.items, start=1):
        action = recommendation.action
        model = economics.model(action.code)
        gains = {gain.framework: gain.delta for gain in recommendation.gains if gain.delta}
        items.append(
            PlanItem(
                rank=rank,
                code=action.code,
                title=dict(action.title),
                cost_class=action.effort,
                effort_weight=recommendation.effort_weight,
                score_gain=gains,
                economics=estimate(model, baseline, economics=economics, code=action.code),
            )
        )
    models = [economics.model(item.code) for item in items if item.economics.estimated]
    alone = {item.code: item.economics for item in items}
    curve = mac_curve(models, baseline, economics=economics, alone=alone)
    return ActionPlan(
        items=tuple(items),
        baseline=baseline,
        prices={k: prices.get(k) for k in ("id", "name", "region", "as_of")},
        economics_version=economics.version,
        mac=tuple(curve),
    )
