"""Bilingual texts: the {"zh": ..., "en": ...} mappings of the definition files, results and reports.

Chinese is the source language; English is the other. `pick` chooses a side for the active language
(or a given one) and falls back to the other side when that one is empty. `text_language` is the one
place that maps a language code to a side: every module asks it rather than testing codes itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils.translation import get_language

Text = dict[str, str]  # {"zh": ..., "en": ...}


def active_language() -> str:
    """The active language code, or the default one (settings.LANGUAGE_CODE, zh-hans) outside a request."""
    return get_language() or settings.LANGUAGE_CODE


def text_language(lang: str | None = None) -> str:
    """The side of a {zh, en} text for a language code (default: the active language): "en" for English in
    any variant ("en", "en-us", "en-GB"), else "zh": Chinese is the source and default language, so
    "zh-hans", "zh-hant" and any unsupported code read Chinese, as Django falls back to LANGUAGE_CODE."""
    return "en" if (lang or active_language()).lower().startswith("en") else "zh"


def is_english(lang: str | None = None) -> bool:
    """Whether `lang` (default: the active language) is English."""
    return text_language(lang) == "en"


def pick_name(name: str, lang: str | None = None) -> str:
    """The side of a name written "中文名 / English name" in one field (factor and price sets are) in `lang`
    (default: the active language); a name without " / " as it is."""
    zh, separator, en = name.partition(" / ")
    if not separator:
        return name
    return (en if is_english(lang) else zh).strip() or name


def report_language(requested: str | None = None) -> str:
    """The language code a report is made in: "en" or "zh-hans", from a requested code (e.g. ?lang=en)
    or, without one, the active language."""
    return "en" if is_english(requested) else "zh-hans"


def pick(text: Any, lang: str | None = None) -> str:
    """The side of a {zh, en} text in `lang` (default: the active language), else its other side; a plain
    value as a string, None as ""."""
    if isinstance(text, Mapping):
        first, other = ("en", "zh") if is_english(lang) else ("zh", "en")
        return str(text.get(first) or text.get(other) or "")
    return "" if text is None else str(text)
