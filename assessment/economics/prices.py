"""Prices for the action economics: the dated reference set and the enterprise's own bills.

Pure Python. A *price snapshot* is plain, JSON-safe data, from the shipped file (`default_prices`) or a
stored PriceSet (assessment/selectors/prices.py):

    {"id": 1 | None, "name": "...", "region": "230000", "as_of": "2025-06-30",
     "prices": {key: {"carrier", "low", "high", "unit", "label": {zh, en}, "source", "provisional",
                      "basis": {zh, en}}}}

`resolve_prices(snapshot, answers)` gives, per carrier, the price range used and where it came from:
the enterprise's own average price (annual bill ÷ quantity) takes precedence over the reference price.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from assessment.economics.model import CARRIER_UNITS

PRICES_FILE = Path(__file__).resolve().parent.parent / "data" / "prices-2025.yaml"
_PRICE_KEYS = {"key", "carrier", "label", "low", "high", "unit", "ref", "section", "provisional", "basis"}

# The question holding the year's quantity of each carrier, and the one holding its annual bill (万元).
QUANTITY_QUESTIONS = {
    "electricity": "energy.grid_electricity_kwh",
    "raw_coal": "energy.raw_coal_t",
    "coke": "energy.coke_t",
    "natural_gas": "energy.natural_gas_m3",
    "lpg": "energy.lpg_t",
    "diesel": "energy.diesel_t",
    "gasoline": "energy.gasoline_t",
    "fuel_oil": "energy.fuel_oil_t",
    "steam": "energy.steam_t",
    "heat": "energy.heat_gj",
    "water": "energy.water_intake_m3",
}
BILL_QUESTIONS = {
    "electricity": "energy.electricity_cost_10k",
    "raw_coal": "energy.coal_cost_10k",
    "natural_gas": "energy.natural_gas_cost_10k",
    "water": "energy.water_cost_10k",
}
# Which reference electricity price applies: the two-part tariff for medium and large plants.
ELECTRICITY_BY_SIZE = {
    "large": "price.electricity.large_industry",
    "medium": "price.electricity.large_industry",
    "small": "price.electricity.general",
    "micro": "price.electricity.general",
}
EXPORT_PRICE = "price.electricity.export"


class PriceFileError(ValueError):
    """A price file that does not follow the format (the message lists every problem)."""


@dataclass(frozen=True)
class Price:
    """The price range used for one carrier and where it comes from."""

    carrier: str
    low: float
    high: float
    unit: str
    origin: str  # "own" (the enterprise's bill) | "reference" (the price set)
    key: str = ""  # the price set entry (reference prices)
    label: dict[str, str] | None = None
    provisional: bool = False
    basis: dict[str, str] | None = None
    ref: str = ""
    section: str = ""

    @property
    def mid(self) -> float:
        return (self.low + self.high) / 2

    def to_dict(self) -> dict[str, Any]:
        found = {
            "carrier": self.carrier,
            "low": round(self.low, 4),
            "high": round(self.high, 4),
            "unit": self.unit,
            "origin": self.origin,
        }
        if self.origin == "reference":
            found.update({"key": self.key, "provisional": self.provisional})
            if self.ref:
                found.update({"ref": self.ref, "section": self.section})
        return found


def _number(raw: Any) -> float | None:
    if isinstance(raw, bool) or raw is None:
        return None
    try:
        value = float(Decimal(str(raw).strip()))
    except (InvalidOperation, ValueError):
        return None
    return value


def parse_price_file(data: Any) -> dict[str, Any]:
    """A parsed price file as a snapshot; PriceFileError lists every problem (units checked)."""
    problems: list[str] = []
    if not isinstance(data, dict) or data.get("kind") != "prices" or data.get("schema") != 1:
        raise PriceFileError("not a prices file of schema 1")
    prices: dict[str, Any] = {}
    for index, entry in enumerate(data.get("prices") or []):
        where = f"prices[{index}]"
        if not isinstance(entry, dict) or not entry.get("key"):
            problems.append(f"{where}: key missing")
            continue
        key = entry["key"]
        where = f"prices.{key}"
        unknown = set(entry) - _PRICE_KEYS
        if unknown:
            problems.append(f"{where}: unknown fields {sorted(unknown)}")
        carrier = entry.get("carrier")
        if carrier not in CARRIER_UNITS:
            problems.append(f"{where}: unknown carrier {carrier!r}")
            continue
        expected = f"元/{CARRIER_UNITS[carrier]}"
        if entry.get("unit") != expected:
            problems.append(f"{where}: unit must be {expected!r} (got {entry.get('unit')!r})")
        low, high = _number(entry.get("low")), _number(entry.get("high"))
        if low is None or high is None or not 0 <= low <= high:
            problems.append(f"{where}: low and high must be numbers with 0 <= low <= high")
            continue
        provisional = bool(entry.get("provisional", False))
        basis = entry.get("basis") or {}
        if not entry.get("ref") and not provisional:
            problems.append(f"{where}: cite a reference (ref + section) or mark it provisional with a basis")
        if provisional and not (isinstance(basis, dict) and basis.get("zh") and basis.get("en")):
            problems.append(f"{where}: a provisional price needs its basis in zh and en")
        if key in prices:
            problems.append(f"{where}: duplicate key")
        prices[key] = {
            "carrier": carrier,
            "low": str(entry.get("low")),
            "high": str(entry.get("high")),
            "unit": entry.get("unit"),
            "label": entry.get("label") or {"zh": key, "en": key},
            "ref": entry.get("ref", ""),
            "section": entry.get("section", ""),
            "provisional": provisional,
            "basis": basis,
        }
    if problems:
        raise PriceFileError("; ".join(problems))
    return {
        "id": None,
        "name": str(data.get("name", "")),
        "region": str(data.get("region", "")),
        "as_of": str(data.get("as_of", "")),
        "prices": prices,
    }


@lru_cache(maxsize=2)
def _cached_file(path: str) -> dict[str, Any]:
    return parse_price_file(yaml.safe_load(Path(path).read_text(encoding="utf-8")))


def read_price_file(path: Path | str = PRICES_FILE) -> dict[str, Any]:
    return copy.deepcopy(_cached_file(str(path)))


def default_prices() -> dict[str, Any]:
    """The shipped price file as a snapshot, without a database (for the CLI and pure tests)."""
    return read_price_file(PRICES_FILE)


def _reference(snapshot: Mapping[str, Any], key: str) -> Price | None:
    entry = (snapshot.get("prices") or {}).get(key)
    if entry is None:
        return None
    low, high = _number(entry.get("low")), _number(entry.get("high"))
    if low is None or high is None:
        return None
    return Price(
        carrier=entry["carrier"],
        low=low,
        high=high,
        unit=entry["unit"],
        origin="reference",
        key=key,
        label=entry.get("label"),
        provisional=bool(entry.get("provisional")),
        basis=entry.get("basis"),
        ref=entry.get("ref", ""),
        section=entry.get("section", ""),
    )


def resolve_prices(
    snapshot: Mapping[str, Any], answers: Mapping[str, Any], *, size_class: str | None = None
) -> dict[str, Price]:
    """Carrier → the price used: the enterprise's own (bill 万元 × 10 000 ÷ quantity) when it answered
    both, otherwise the reference price of the snapshot. The key "electricity_export" is the price of PV
    surplus sold to the grid (always the reference)."""
    found: dict[str, Price] = {}
    for carrier, unit in CARRIER_UNITS.items():
        bill = _number(answers.get(BILL_QUESTIONS.get(carrier, "")))
        quantity = _number(answers.get(QUANTITY_QUESTIONS[carrier]))
        if bill is not None and bill > 0 and quantity:
            own = bill * 10000 / quantity
            found[carrier] = Price(carrier, own, own, f"元/{unit}", "own")
            continue
        key = ELECTRICITY_BY_SIZE.get(size_class or "small", ELECTRICITY_BY_SIZE["small"])
        price = _reference(snapshot, key if carrier == "electricity" else f"price.{carrier}")
        if price is not None:
            found[carrier] = price
    export = _reference(snapshot, EXPORT_PRICE)
    if export is not None:
        found["electricity_export"] = export
    return found
