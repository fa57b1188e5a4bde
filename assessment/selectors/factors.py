"""Reads of energy coefficients and emission factors: the factor file, factor sets and their snapshots.

A *snapshot* is the plain, JSON-safe form the energy calculator takes (`assessment.energy.energy_balance`)
and that is stored with each assessment (`Assessment.factor_snapshot`), so an old result can be
recomputed exactly whatever later happens to the factor set:

    {"id": 3 | None, "name": "...", "year": 2025,
     "factors": {key: {"value": "0.1229", "unit": "kgce/kWh", "label": {"zh", "en"}, "source": "...",
                       "year": 2023 | None, "provisional": true}}}

Values are decimal strings, so they convert to Decimal exactly.
"""

from __future__ import annotations

import copy
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from assessment.models import Assessment, FactorSet

FACTORS_FILE = Path(__file__).resolve().parent.parent / "data" / "factors-2025.yaml"
_FACTOR_KEYS = {"key", "label", "value", "unit", "source", "year", "provisional"}


class FactorFileError(ValueError):
    """A factor file that does not follow the format (the message lists every problem)."""


def decimal_text(value: Decimal) -> str:
    """A Decimal as plain text without trailing zeros: Decimal("0.12290000") → "0.1229", 1000 → "1000"."""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def read_factor_file(path: Path | str = FACTORS_FILE) -> dict[str, Any]:
    """The factor file as a snapshot (id None), checked; raises FactorFileError listing all problems."""
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    problems: list[str] = []
    if not isinstance(data, dict):
        raise FactorFileError(f"{path}: not a mapping")
    for required in ("name", "year", "factors"):
        if required not in data:
            problems.append(f"missing top-level key {required!r}")
    factors: dict[str, dict[str, Any]] = {}
    for index, entry in enumerate(data.get("factors") or []):
        where = f"factors[{index}]"
        if not isinstance(entry, dict):
            problems.append(f"{where}: not a mapping")
            continue
        key = entry.get("key")
        where = f"{where} ({key})"
        unknown = set(entry) - _FACTOR_KEYS
        if unknown:
            problems.append(f"{where}: unknown keys {sorted(unknown)}")
        for required in ("key", "label", "value", "unit", "source"):
            if required not in entry:
                problems.append(f"{where}: missing {required!r}")
        if not isinstance(key, str) or not key:
            continue
        if key in factors:
            problems.append(f"{where}: duplicate key")
        label = entry.get("label") or {}
        if not (isinstance(label, dict) and label.get("zh") and label.get("en")):
            problems.append(f"{where}: label needs zh and en")
        try:
            value = Decimal(str(entry.get("value")))
            if not value.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            problems.append(f"{where}: value {entry.get('value')!r} is not a number")
            continue
        if len(str(entry.get("source", ""))) > 500:
            problems.append(f"{where}: source longer than 500 characters")
        factors[key] = {
            "value": decimal_text(value),
            "unit": str(entry.get("unit", "")),
            "label": {"zh": str(label.get("zh", "")), "en": str(label.get("en", ""))},
            "source": str(entry.get("source", "")).strip(),
            "year": entry.get("year"),
            "provisional": bool(entry.get("provisional", False)),
        }
    if problems:
        raise FactorFileError(f"{path}: " + "; ".join(problems))
    return {
        "id": None,
        "name": str(data["name"]),
        "year": int(data["year"]),
        "notes": str(data.get("notes", "")).strip(),
        "factors": factors,
    }


@lru_cache(maxsize=4)
def _cached_file(path: str) -> dict[str, Any]:
    return read_factor_file(path)


def default_factors() -> dict[str, Any]:
    """The shipped factor file as a snapshot, without a database (for the CLI and pure tests)."""
    return copy.deepcopy(_cached_file(str(FACTORS_FILE)))


def factor_snapshot(factor_set: FactorSet) -> dict[str, Any]:
    """The snapshot of a stored factor set (one query for its factors)."""
    # Plain rows, not model instances: every draft's page reads its set's some 40 factors.
    rows = factor_set.factors.order_by("key").values_list(
        "key", "value", "unit", "label_zh", "label_en", "source", "year", "provisional"
    )
    factors = {
        key: {
            "value": decimal_text(value),
            "unit": unit,
            "label": {"zh": label_zh, "en": label_en},
            "source": source,
            "year": year,
            "provisional": provisional,
        }
        for key, value, unit, label_zh, label_en, source, year, provisional in rows
    }
    return {"id": factor_set.pk, "name": factor_set.name, "year": factor_set.year, "factors": factors}


def current_factor_set() -> FactorSet | None:
    """The factor set new assessments use: the default one, newest first (None before load_factors)."""
    return FactorSet.objects.filter(is_default=True).order_by("-created_at", "-pk").first()


def factor_set_in_use(factor_set: FactorSet) -> bool:
    """Whether an assessment refers to the set (then it must not change: results must stay reproducible)."""
    return Assessment.objects.filter(factor_set=factor_set).exists()
