"""Writes of reference prices: loading a price file into PriceSet/Price (idempotent, audited)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from assessment.models import AuditEvent, Price, PriceSet
from assessment.services.plan_figures import plan_figures_refresh_later


@dataclass(frozen=True)
class PriceSetLoad:
    price_set: PriceSet
    action: str  # created | updated | unchanged


def _rows(prices: dict[str, dict[str, Any]]) -> set[tuple[Any, ...]]:
    return {
        (
            key,
            entry["carrier"],
            Decimal(str(entry["low"])).normalize(),
            Decimal(str(entry["high"])).normalize(),
            entry["unit"],
            entry.get("ref", ""),
            bool(entry["provisional"]),
        )
        for key, entry in prices.items()
    }


def _stored(price_set: PriceSet) -> set[tuple[Any, ...]]:
    return {
        (p.key, p.carrier, p.low.normalize(), p.high.normalize(), p.unit, p.ref, p.provisional)
        for p in price_set.prices.all()
    }


@transaction.atomic
def price_set_load(*, data: dict[str, Any]) -> PriceSetLoad:
    """Load a price snapshot read from a file (`read_price_file`).

    A set of the same name and date is updated in place (prices are read when a report is made and are
    not stored with assessments); a new date makes a new set, the default. Unchanged content does nothing.
    """
    as_of = date.fromisoformat(data["as_of"])
    existing = PriceSet.objects.filter(name=data["name"], as_of=as_of).first()
    if existing is not None and _stored(existing) == _rows(data["prices"]):
        return PriceSetLoad(existing, "unchanged")
    if existing is None:
        PriceSet.objects.filter(is_default=True).update(is_default=False)
        price_set = PriceSet.objects.create(
            name=data["name"], region=data.get("region", ""), as_of=as_of, is_default=True
        )
        action = "created"
    else:
        price_set, action = existing, "updated"
        price_set.prices.all().delete()
    Price.objects.bulk_create(
        Price(
            price_set=price_set,
            key=key,
            carrier=entry["carrier"],
            label_zh=entry["label"].get("zh", key),
            label_en=entry["label"].get("en", key),
            low=Decimal(str(entry["low"])),
            high=Decimal(str(entry["high"])),
            unit=entry["unit"],
            ref=entry.get("ref", ""),
            section=entry.get("section", ""),
            provisional=bool(entry["provisional"]),
            basis_zh=(entry.get("basis") or {}).get("zh", ""),
            basis_en=(entry.get("basis") or {}).get("en", ""),
        )
        for key, entry in data["prices"].items()
    )
    plan_figures_refresh_later()  # the bulk insert sends no signal
    AuditEvent.objects.create(
        actor=None,
        action="price_set.loaded",
        detail={"price_set": price_set.pk, "name": price_set.name, "result": action},
    )
    return PriceSetLoad(price_set, action)


@transaction.atomic
def price_set_make_default(*, price_set: PriceSet, actor: Any = None) -> None:
    """Make a set the one reports use (exactly one default)."""
    PriceSet.objects.exclude(pk=price_set.pk).filter(is_default=True).update(is_default=False)
    PriceSet.objects.filter(pk=price_set.pk).update(is_default=True)
    plan_figures_refresh_later()  # other prices: the plans' stored figures are stale
    AuditEvent.objects.create(
        actor=actor, action="price_set.made_default", detail={"price_set": price_set.pk}
    )
