"""Template filters of the officials' analytics page."""

from __future__ import annotations

from django import template

from reports.charts import heat_class as _heat_class

register = template.Library()


@register.filter
def heat_class(value: float | None) -> str:
    return _heat_class(value)


@register.filter
def get_item(mapping: dict, key: str):
    return mapping.get(key) if hasattr(mapping, "get") else None
