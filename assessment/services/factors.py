"""Writes of energy coefficients and emission factors: loading a factor file into FactorSet/Factor.

A factor set that an assessment refers to is never changed (its results must stay reproducible): a
changed file then becomes a new revision of the set, which becomes the default for new assessments.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from assessment.models import AuditEvent, Factor, FactorSet
from assessment.selectors.factors import decimal_text, factor_set_in_use


@dataclass(frozen=True)
class FactorSetLoad:
    factor_set: FactorSet
    action: str  # created | unchanged | updated | new_revision


def _rows(factors: dict[str, dict[str, Any]]) -> set[tuple[Any, ...]]:
    return {
        (
            key,
            entry["label"]["zh"],
            entry["label"]["en"],
            decimal_text(Decimal(str(entry["value"]))),
            entry["unit"],
            entry["source"],
            entry.get("year"),
            bool(entry["provisional"]),
        )
        for key, entry in factors.items()
    }


def _stored_rows(factor_set: FactorSet) -> set[tuple[Any, ...]]:
    return {
        (f.key, f.label_zh, f.label_en, decimal_text(f.value), f.unit, f.source, f.year, f.provisional)
        for f in factor_set.factors.all()
    }


def _write_factors(factor_set: FactorSet, factors: dict[str, dict[str, Any]]) -> None:
    factor_set.factors.all().delete()
    Factor.objects.bulk_create(
        Factor(
            factor_set=factor_set,
            key=key,
            label_zh=entry["label"]["zh"],
            label_en=entry["label"]["en"],
            value=Decimal(str(entry["value"])),
            unit=entry["unit"],
            source=entry["source"],
            year=entry.get("year"),
            provisional=bool(entry["provisional"]),
        )
        for key, entry in factors.items()
    )


def _family(name: str) -> list[FactorSet]:
    """The sets loaded from a file of this name: the name itself and its revisions "name (r2)", ..."""
    candidates = FactorSet.objects.filter(name__startswith=name).order_by("-created_at", "-pk")
    return [
        s for s in candidates if s.name == name or (s.name.startswith(f"{name} (r") and s.name.endswith(")"))
    ]


@transaction.atomic
def factor_set_load(*, data: dict[str, Any]) -> FactorSetLoad:
    """Load a factor snapshot read from a file (`read_factor_file`) idempotently.

    Unchanged content does nothing; a changed set no assessment uses is updated in place; a changed set
    in use stays as it is and the content becomes a new revision, the new default.
    """
    name, factors = data["name"], data["factors"]
    family = _family(name)
    latest = family[0] if family else None
    if latest is not None and _stored_rows(latest) == _rows(factors):
        return FactorSetLoad(latest, "unchanged")
    if latest is not None and not factor_set_in_use(latest):
        latest.year = data["year"]
        latest.notes = data.get("notes", "")
        latest.save(update_fields=["year", "notes"])
        _write_factors(latest, factors)
        _audit(latest, "updated")
        return FactorSetLoad(latest, "updated")
    revision_name = name if latest is None else f"{name} (r{len(family) + 1})"
    FactorSet.objects.filter(is_default=True).update(is_default=False)
    factor_set = FactorSet.objects.create(
        name=revision_name, year=data["year"], notes=data.get("notes", ""), is_default=True
    )
    _write_factors(factor_set, factors)
    action = "created" if latest is None else "new_revision"
    _audit(factor_set, action)
    return FactorSetLoad(factor_set, action)


def _audit(factor_set: FactorSet, action: str) -> None:
    AuditEvent.objects.create(
        actor=None,
        action="factor_set.loaded",
        detail={"factor_set": factor_set.pk, "name": factor_set.name, "result": action},
    )


@transaction.atomic
def factor_set_copy(*, factor_set: FactorSet, actor: Any = None) -> FactorSet:
    """A new, editable, non-default copy of a factor set (the way to change a set that is in use)."""
    base = f"{factor_set.name} (copy)"
    name, number = base, 1
    while FactorSet.objects.filter(name=name).exists():
        number += 1
        name = f"{base} {number}"
    copy = FactorSet.objects.create(
        name=name[:200], year=factor_set.year, notes=factor_set.notes, is_default=False
    )
    Factor.objects.bulk_create(
        Factor(
            factor_set=copy,
            key=f.key,
            label_zh=f.label_zh,
            label_en=f.label_en,
            value=f.value,
            unit=f.unit,
            source=f.source,
            year=f.year,
            provisional=f.provisional,
        )
        for f in factor_set.factors.all()
    )
    AuditEvent.objects.create(
        actor=actor, action="factor_set.copied", detail={"from": factor_set.pk, "factor_set": copy.pk}
    )
    return copy


@transaction.atomic
def factor_set_make_default(*, factor_set: FactorSet, actor: Any = None) -> None:
    """Make a set the one new assessments use (exactly one default)."""
    FactorSet.objects.exclude(pk=factor_set.pk).filter(is_default=True).update(is_default=False)
    FactorSet.objects.filter(pk=factor_set.pk).update(is_default=True)
    AuditEvent.objects.create(
        actor=actor, action="factor_set.made_default", detail={"factor_set": factor_set.pk}
    )
