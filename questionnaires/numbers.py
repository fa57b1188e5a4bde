"""How figures are written for people: one number format and one money unit for pages, PDFs and exports'
readable texts (not for form inputs or machine columns, which stay plain so they parse back).

Numbers are grouped by thousands with a comma and use a full stop for decimals in both languages, as
Chinese business documents do (Django's zh-hans locale would group by nothing). Money is kept in 万元, the
unit the enterprise enters, written "万元" in Chinese and "10k yuan" in English.
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from typing import Any

from questionnaires.text import Text, is_english

MONEY_UNIT: Text = {"zh": "万元", "en": "10k yuan"}
MISSING = "—"


def _as_decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool) or value == "":
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def number_text(value: Any, places: int | None = None, *, trim: bool = False) -> str:
    """A figure as people read it: "12,345.6". `places` decimals (rounded half up; None: as many as the
    value has, up to 4); `trim` drops trailing zeros ("1,200.50" → "1,200.5"). "—" for no figure;
    a text that is not a number comes back as it is."""
    number = _as_decimal(value)
    if number is None:
        missing = value is None or value == "" or (isinstance(value, float) and not math.isfinite(value))
        return MISSING if missing else str(value)
    if places is None:
        places, trim = 4, True
    text = f"{number.quantize(Decimal(1).scaleb(-places), rounding='ROUND_HALF_UP'):,.{places}f}"
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    # A small negative figure rounds to zero: "0", not "-0"
    return text[1:] if text.startswith("-") and not text.strip("-0.,") else text


def money_unit(lang: str | None = None) -> str:
    """The money unit in `lang` (default: the active language): 万元 / 10k yuan."""
    return MONEY_UNIT["en"] if is_english(lang) else MONEY_UNIT["zh"]


def money_text(value: Any, places: int | None = 1, *, lang: str | None = None) -> str:
    """An amount in 万元 with its unit: "1,234.5 万元" / "1,234.5 10k yuan" (`places` as in `number_text`);
    "—" without a figure."""
    text = number_text(value, places)
    return text if text == MISSING else f"{text} {money_unit(lang)}"
