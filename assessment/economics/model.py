"""The economic model of the actions (assessment/actions/economics-<version>.yaml): loaded and checked.

Pure Python (no ORM). Every parameter is a range with a unit and either a citation ({ref, section}) or
`provisional: true` with a one-line basis; units are checked against what each formula expects, so a
price in 元/t can never be multiplied with a quantity in m³. The loaded model carries the SHA-256 of its
file, like the catalog.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

MODEL_DIR = Path(__file__).resolve().parent.parent / "actions"
CURRENT_VERSION = "2025"
SIZE_CLASSES = ("micro", "small", "medium", "large")

Text = dict[str, str]

# The carriers the economics work on: the energy question that holds the year's quantity, its unit.
CARRIER_UNITS: dict[str, str] = {
    "electricity": "kWh",
    "raw_coal": "t",
    "coke": "t",
    "natural_gas": "m³",
    "lpg": "t",
    "diesel": "t",
    "gasoline": "t",
    "fuel_oil": "t",
    "steam": "t",
    "heat": "GJ",
    "water": "m³",
}
# Fuels burned on site for heat (boilers, furnaces): what heat recovery and heat pumps act on.
FUELS = ("raw_coal", "coke", "natural_gas", "lpg", "fuel_oil")
ENERGY = tuple(code for code in CARRIER_UNITS if code != "water")
CARRIER_GROUPS = {"fuels": FUELS, "energy": ENERGY}

KINDS = ("share", "pv", "switch", "water_target", "green_power")
DRIVERS = (
    "size_class",
    "installed_kw",
    "boiler_t_h",
    "saved_unit",
    "capacity_per_day",
    "kwp",
    "heat_kw",
    "none",
)

# The unit each named parameter must carry (units checked at load time).
PARAM_UNITS: dict[str, str] = {
    "full_load_hours": "h",
    "boiler_efficiency": "1",
    "usable_roof_share": "1",
    "area_per_kwp": "m²/kWp",
    "specific_yield": "kWh/kWp",
    "self_use_share": "1",
    "opex_share": "1/a",
    "replaced_share": "1",
    "cop": "1",
    "premium": "元/kWh",
    "days": "d",
    "life": "a",
    "discount_rate": "1",
}
DRIVER_COST_UNITS = {
    "installed_kw": "元/kW",
    "boiler_t_h": "元/(t/h)",
    "kwp": "元/kWp",
    "heat_kw": "元/kW",
}
KIND_PARAMS = {
    "share": (),
    "pv": ("usable_roof_share", "area_per_kwp", "specific_yield", "self_use_share"),
    "switch": ("replaced_share", "boiler_efficiency", "cop"),
    "water_target": (),
    "green_power": ("premium",),
}
KIND_DRIVERS = {
    "share": ("size_class", "installed_kw", "boiler_t_h", "saved_unit"),
    "pv": ("kwp",),
    "switch": ("heat_kw",),
    "water_target": ("capacity_per_day",),
    "green_power": ("none",),
}


class EconomicsError(ValueError):
    """The economics file is missing or invalid; the message lists every problem."""


@dataclass(frozen=True)
class Param:
    """One model parameter: a range with its unit and where it comes from."""

    key: str
    low: float
    high: float
    unit: str
    label: Text = field(default_factory=dict)
    ref: str = ""
    section: str = ""
    provisional: bool = False
    basis: Text = field(default_factory=dict)

    @property
    def mid(self) -> float:
        return (self.low + self.high) / 2

    def citation(self) -> dict[str, Any]:
        """The parameter's source in the references' citation form, or its provisional basis."""
        cite: dict[str, Any] = {"param": self.key}
        if self.ref:
            cite.update({"ref": self.ref, "section": self.section})
        if self.provisional:
            cite.update({"provisional": True, "basis": dict(self.basis)})
        return cite


@dataclass(frozen=True)
class SizeTable:
    """Investment in 万元 by enterprise size class."""

    ranges: dict[str, tuple[float, float]]
    param: Param  # provenance (its own low/high are unused)


@dataclass(frozen=True)
class Investment:
    driver: str
    cost: Param | None = None
    table: SizeTable | None = None
    answer: str = ""  # the question whose answer is the scale driver (e.g. energy.motor_power_kw)
    share: str = ""  # the shares parameter giving the carrier use of the equipment (installed_kw)
    params: dict[str, Param] = field(default_factory=dict)  # full_load_hours, boiler_efficiency, days


@dataclass(frozen=True)
class ActionModel:
    code: str
    kind: str
    carriers: tuple[str, ...]
    shares: tuple[Param, ...]
    params: dict[str, Param]
    investment: Investment
    life: Param
    opex_share: Param | None = None
    opex_per_unit: Param | None = None
    roof_answer: str = ""
    target_question: str = ""

    def all_params(self) -> list[Param]:
        found = [*self.shares, *self.params.values(), self.life]
        found += [p for p in (self.opex_share, self.opex_per_unit, self.investment.cost) if p is not None]
        found += list(self.investment.params.values())
        if self.investment.table is not None:
            found.append(self.investment.table.param)
        return found


@dataclass(frozen=True)
class EconomicsModel:
    version: str
    catalog: str
    references: dict[str, dict[str, Any]]
    defaults: dict[str, Param]
    models: dict[str, ActionModel]
    content_hash: str

    def model(self, code: str) -> ActionModel | None:
        return self.models.get(code)


def _param(key: str, spec: Any, where: str, problems: list[str], references: dict[str, Any]) -> Param:
    if not isinstance(spec, dict):
        problems.append(f"{where}: a parameter must be a mapping")
        return Param(key, 0.0, 0.0, "")
    value = spec.get("value")
    unit = spec.get("unit")
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
    ):
        problems.append(f"{where}: value must be [low, high] numbers")
        value = [0, 0]
    elif value[0] > value[1] or value[0] < 0:
        problems.append(f"{where}: value must be 0 <= low <= high (got {value})")
    if not isinstance(unit, str) or unit == "":
        problems.append(f"{where}: unit missing")
        unit = ""
    expected = PARAM_UNITS.get(key)
    if expected is not None and unit != expected:
        problems.append(f"{where}: unit must be {expected!r} (got {unit!r})")
    ref = spec.get("ref", "")
    if ref and ref not in references:
        problems.append(f"{where}: unknown reference {ref!r}")
    if ref and not spec.get("section"):
        problems.append(f"{where}: a reference needs its section")
    provisional = bool(spec.get("provisional", False))
    basis = spec.get("basis") or {}
    if not ref and not provisional:
        problems.append(f"{where}: cite a reference (ref + section) or mark it provisional with a basis")
    if provisional and not (isinstance(basis, dict) and basis.get("zh") and basis.get("en")):
        problems.append(f"{where}: a provisional parameter needs its basis in zh and en")
    return Param(
        key=key,
        low=float(value[0]),
        high=float(value[1]),
        unit=unit,
        label=spec.get("label") or {},
        ref=ref,
        section=str(spec.get("section", "")),
        provisional=provisional,
        basis=basis,
    )


def _share(key: str, spec: Any, where: str, problems: list[str], references: dict[str, Any]) -> Param:
    param = _param(key, spec, where, problems, references)
    if param.unit != "1":
        problems.append(f"{where}: a share is dimensionless (unit '1')")
    if param.high > 1:
        problems.append(f"{where}: a share cannot exceed 1")
    return param


def _investment(
    spec: Any, where: str, kind: str, problems: list[str], references: dict[str, Any]
) -> Investment:
    if not isinstance(spec, dict) or spec.get("driver") not in DRIVERS:
        problems.append(f"{where}: driver must be one of {', '.join(DRIVERS)}")
        return Investment("none")
    driver = spec["driver"]
    if driver not in KIND_DRIVERS[kind]:
        problems.append(f"{where}: driver {driver!r} does not fit kind {kind!r}")
    cost = table = None
    params: dict[str, Param] = {}
    if driver == "size_class":
        raw = spec.get("table") or {}
        ranges = raw.get("value") if isinstance(raw, dict) else None
        if not isinstance(ranges, dict) or set(ranges) != set(SIZE_CLASSES):
            problems.append(f"{where}.table: a [low, high] range for each of {', '.join(SIZE_CLASSES)}")
            ranges = {size: [0, 0] for size in SIZE_CLASSES}
        if isinstance(raw, dict) and raw.get("unit") != "万元":
            problems.append(f"{where}.table: unit must be '万元'")
        provenance = _param("table", {**raw, "value": [0, 0]}, f"{where}.table", problems, references)
        checked = {}
        for size, pair in ranges.items():
            if not (isinstance(pair, list) and len(pair) == 2 and 0 <= pair[0] <= pair[1]):
                problems.append(f"{where}.table.{size}: [low, high] with 0 <= low <= high")
                pair = [0, 0]
            checked[size] = (float(pair[0]), float(pair[1]))
        table = SizeTable(checked, provenance)
    elif driver != "none":
        cost = _param("cost", spec.get("cost"), f"{where}.cost", problems, references)
        expected = DRIVER_COST_UNITS.get(driver)
        if expected and cost.unit != expected:
            problems.append(f"{where}.cost: unit must be {expected!r} (got {cost.unit!r})")
    for key in ("full_load_hours", "boiler_efficiency", "days"):
        if key in spec:
            params[key] = _param(key, spec[key], f"{where}.{key}", problems, references)
    needed = {
        "installed_kw": ("full_load_hours",),
        "boiler_t_h": ("full_load_hours", "boiler_efficiency"),
        "heat_kw": ("full_load_hours",),
        "capacity_per_day": ("days",),
    }.get(driver, ())
    for key in needed:
        if key not in params:
            problems.append(f"{where}: driver {driver!r} needs {key}")
    if driver == "installed_kw" and not spec.get("share"):
        problems.append(
            f"{where}: driver 'installed_kw' needs the shares parameter giving the equipment's use"
        )
    return Investment(
        driver=driver,
        cost=cost,
        table=table,
        answer=str(spec.get("answer", "")),
        share=str(spec.get("share", "")),
        params=params,
    )


def _model(code: str, spec: Any, problems: list[str], references: dict[str, Any]) -> ActionModel | None:
    where = f"models.{code}"
    if not isinstance(spec, dict) or spec.get("kind") not in KINDS:
        problems.append(f"{where}: kind must be one of {', '.join(KINDS)}")
        return None
    kind = spec["kind"]
    carriers: list[str] = []
    for name in spec.get("carriers") or []:
        if name in CARRIER_GROUPS:
            carriers += CARRIER_GROUPS[name]
        elif name in CARRIER_UNITS:
            carriers.append(name)
        else:
            problems.append(f"{where}: unknown carrier {name!r}")
    if kind in ("share", "switch") and not carriers:
        problems.append(f"{where}: kind {kind!r} needs carriers")
    if kind == "switch" and not set(carriers) <= set(FUELS):
        problems.append(f"{where}: a heat-pump switch replaces fuels only")
    shares = tuple(
        _share(key, value, f"{where}.shares.{key}", problems, references)
        for key, value in (spec.get("shares") or {}).items()
    )
    if kind == "share" and not shares:
        problems.append(f"{where}: kind 'share' needs at least one shares parameter")
    params = {}
    for key in KIND_PARAMS[kind]:
        if key not in spec:
            problems.append(f"{where}: kind {kind!r} needs {key}")
            continue
        params[key] = _param(key, spec[key], f"{where}.{key}", problems, references)
        if PARAM_UNITS.get(key) == "1" and key != "cop" and params[key].high > 1:
            problems.append(f"{where}.{key}: a share cannot exceed 1")
    investment = _investment(spec.get("investment"), f"{where}.investment", kind, problems, references)
    if investment.share and investment.share not in {p.key for p in shares}:
        problems.append(f"{where}.investment: share {investment.share!r} is not one of the shares")
    if "life" not in spec:
        problems.append(f"{where}: life missing")
    life = _param("life", spec.get("life", {}), f"{where}.life", problems, references)
    if life.low < 1:
        problems.append(f"{where}.life: at least one year")
    opex_share = opex_per_unit = None
    if "opex_share" in spec:
        opex_share = _param("opex_share", spec["opex_share"], f"{where}.opex_share", problems, references)
    if "opex_per_unit" in spec:
        opex_per_unit = _param(
            "opex_per_unit", spec["opex_per_unit"], f"{where}.opex_per_unit", problems, references
        )
        if kind == "water_target" and opex_per_unit.unit != "元/m³":
            problems.append(f"{where}.opex_per_unit: unit must be '元/m³'")
    if investment.driver == "saved_unit" and investment.cost is not None:
        units = {CARRIER_UNITS[c] for c in carriers}
        if len(units) != 1 or investment.cost.unit != f"元/{units.pop()}":
            problems.append(f"{where}.investment.cost: unit must be 元 per the saved carrier's unit")
    if kind == "water_target" and investment.cost is not None and investment.cost.unit != "元/(m³/d)":
        problems.append(f"{where}.investment.cost: unit must be '元/(m³/d)'")
    if kind in ("water_target", "green_power") and not spec.get("target_question"):
        problems.append(
            f"{where}: kind {kind!r} needs target_question (the catalog effect giving the target)"
        )
    return ActionModel(
        code=code,
        kind=kind,
        carriers=tuple(dict.fromkeys(carriers)),
        shares=shares,
        params=params,
        investment=investment,
        life=life,
        opex_share=opex_share,
        opex_per_unit=opex_per_unit,
        roof_answer=str(spec.get("roof_answer", "")),
        target_question=str(spec.get("target_question", "")),
    )


def parse_economics(
    data: Any,
    *,
    content_hash: str = "",
    catalog_codes: set[str] | None = None,
    references: dict[str, dict[str, Any]] | None = None,
) -> EconomicsModel:
    """Validate a parsed economics file; raise EconomicsError listing every problem. Citations name
    entries of the references registry (questionnaires/references.yaml)."""
    from questionnaires.references import load_references

    problems: list[str] = []
    if not isinstance(data, dict) or data.get("kind") != "action_economics" or data.get("schema") != 1:
        raise EconomicsError("not an action_economics file of schema 1")
    if "references" in data:
        problems.append("references: cite entries of questionnaires/references.yaml, do not define them here")
    references = references if references is not None else load_references()
    defaults = {
        key: _param(key, spec, f"defaults.{key}", problems, references)
        for key, spec in (data.get("defaults") or {}).items()
    }
    if "discount_rate" not in defaults:
        problems.append("defaults.discount_rate missing")
    models = {}
    for code, spec in (data.get("models") or {}).items():
        if catalog_codes is not None and code not in catalog_codes:
            problems.append(f"models.{code}: not an action of the catalog")
        model = _model(code, spec, problems, references)
        if model is not None:
            models[code] = model
    if problems:
        raise EconomicsError("; ".join(problems))
    return EconomicsModel(
        version=str(data.get("version", "")),
        catalog=str(data.get("catalog", "")),
        references=references,
        defaults=defaults,
        models=models,
        content_hash=content_hash,
    )


@lru_cache(maxsize=4)
def load_economics(version: str = CURRENT_VERSION) -> EconomicsModel:
    """The economics file of a version, validated against the catalog of the same version (cached)."""
    from assessment.actions import load_catalog

    path = MODEL_DIR / f"economics-{version}.yaml"
    if not path.exists():
        raise EconomicsError(f"no economics file for version {version}")
    raw = path.read_bytes()
    data = yaml.safe_load(raw)
    catalog = load_catalog(str(data.get("catalog", version)) if isinstance(data, dict) else version)
    return parse_economics(
        data,
        content_hash=hashlib.sha256(raw).hexdigest(),
        catalog_codes={action.code for action in catalog.actions},
    )
