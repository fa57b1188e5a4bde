"""Reads of reference prices: the default PriceSet as a snapshot, or the shipped file before load_prices."""

from __future__ import annotations

from typing import Any

from assessment.economics.prices import default_prices
from assessment.models import Price, PriceSet
from assessment.selectors.factors import decimal_text


def _snapshot(price_set: PriceSet, prices: list[Price]) -> dict[str, Any]:
    return {
        "id": price_set.pk,
        "name": price_set.name,
        "region": price_set.region,
        "as_of": price_set.as_of.isoformat(),
        "prices": {
            price.key: {
                "carrier": price.carrier,
                "low": decimal_text(price.low),
                "high": decimal_text(price.high),
                "unit": price.unit,
                "label": {"zh": price.label_zh, "en": price.label_en},
                "ref": price.ref,
                "section": price.section,
                "provisional": price.provisional,
                "basis": {"zh": price.basis_zh, "en": price.basis_en},
            }
            for price in sorted(prices, key=lambda p: p.key)
        },
    }


def price_set_snapshot(price_set: PriceSet) -> dict[str, Any]:
    """The snapshot of a stored price set (one query for its prices), in the file snapshot's shape."""
    return _snapshot(price_set, list(price_set.prices.all()))


def current_price_set() -> PriceSet | None:
    return PriceSet.objects.filter(is_default=True).order_by("-as_of", "-created_at", "-pk").first()


def current_prices() -> dict[str, Any]:
    """The default price set's snapshot (one query, the set joined to its prices); the shipped file
    when no set is loaded (or the default set is empty)."""
    prices = list(
        Price.objects.filter(price_set__is_default=True)
        .select_related("price_set")
        .order_by("-price_set__as_of", "-price_set__created_at", "-price_set_id", "key")
    )
    if not prices:
        return default_prices()
    newest = prices[0].price_set
    return _snapshot(newest, [p for p in prices if p.price_set_id == newest.pk])
