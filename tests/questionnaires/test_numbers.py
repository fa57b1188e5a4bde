from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation

from questionnaires.numbers import MONEY_UNIT, money_text, money_unit, number_text

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("value", "places", "trim", "expected"),
    [
        (12345.678, 1, False, "12,345.7"),
        (1234567, 0, False, "1,234,567"),
        (Decimal("3250.60"), None, False, "3,250.6"),
        ("3250.60", 2, False, "3,250.60"),
        (1200.50, 2, True, "1,200.5"),
        (0.125, 2, False, "0.13"),  # half up, not the float's binary rounding
        (-0.01, 1, False, "0.0"),  # no "-0.0"
        (-1234.5, 0, False, "-1,235"),
        (None, 1, False, "—"),
        ("", 1, False, "—"),
        (float("nan"), 1, False, "—"),
        ("n/a", 1, False, "n/a"),
    ],
)
def test_it_writes_figures_grouped_by_thousands(value, places, trim, expected):
    assert number_text(value, places, trim=trim) == expected


def test_it_writes_money_in_one_unit_per_language():
    assert money_text(3250.64, lang="zh-hans") == "3,250.6 万元"
    assert money_text(3250.64, lang="en") == "3,250.6 10k yuan"
    assert money_text(None, lang="en") == "—"
    assert money_unit("en") == MONEY_UNIT["en"] == "10k yuan"


def test_it_offers_the_same_format_to_templates():
    template = Template('{% load numbers %}{{ n|number:0 }} / {{ m|money }} / {{ r|money:"" }}')
    context = Context({"n": 10400, "m": 12345.67, "r": Decimal("3250.60")})
    with translation.override("zh-hans"):
        assert template.render(context) == "10,400 / 12,345.7 万元 / 3,250.6 万元"
    with translation.override("en"):
        assert template.render(context) == "10,400 / 12,345.7 10k yuan / 3,250.6 10k yuan"


def test_it_uses_one_english_money_unit_in_the_translations():
    po = (ROOT / "locale/en/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    assert "CNY" not in po
    assert "10,000 yuan" not in po


# English spellings of 万元 other than MONEY_UNIT["en"]. The definition files' prose ("per 10,000 yuan of
# output value") is left out: editing an answered definition makes a new revision.
OTHER_MONEY_UNITS = re.compile(r"10,000 CNY|× 10,000|10 000 yuan|ten thousand yuan|RMB 10k|10K yuan")


def test_no_other_english_money_unit_is_written_in_code_templates_or_translations():
    files = [
        path
        for app in ("assessment", "reports", "questionnaires", "config")
        for path in (ROOT / app).rglob("*.py")
    ]
    found = [
        str(path.relative_to(ROOT))
        for path in [
            *files,
            *ROOT.glob("*/templates/**/*.html"),
            *ROOT.glob("templates/**/*.html"),
            ROOT / "locale/en/LC_MESSAGES/django.po",
        ]
        if "migrations" not in path.parts and OTHER_MONEY_UNITS.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []
