"""{{ value|number:1 }} and {{ value|money:1 }}: figures on pages in the project's one number format
(questionnaires.numbers), thousands grouped in both languages. Not for form inputs' values."""

from __future__ import annotations

from typing import Any

from django import template

from questionnaires.numbers import money_text, number_text

register = template.Library()


@register.filter
def number(value: Any, places: Any = None) -> str:
    """A figure grouped by thousands with `places` decimals ("12,345.6"); "—" without a figure."""
    return number_text(value, None if places in (None, "") else int(places))


@register.filter
def money(value: Any, places: Any = 1) -> str:
    """An amount in 万元 with its unit in the active language ("1,234.5 万元" / "1,234.5 10k yuan");
    `|money:""` keeps the decimals the value has (a figure as entered)."""
    return money_text(value, None if places in (None, "") else int(places))
