"""Colours of the officials' charts and heatmap: every label and cell text reaches WCAG 2.1 AA's 4.5:1
against what it is written on (axe-core in the browser tests sees only the cells and segments that the
test data happen to produce; these checks cover every colour)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reports.analytics import LevelCount
from reports.charts import LEVEL_COLOURS, NONE_COLOUR, contrast_ratio, label_colour, level_bar

OFFICIALS_CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "officials.css"
AA = 4.5


def test_contrast_ratio_matches_wcag_reference_values() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast_ratio("#198754", "#ffffff") == pytest.approx(4.53, abs=0.01)  # Bootstrap's green
    assert contrast_ratio("#ffffff", "#0dcaf0") == contrast_ratio("#0dcaf0", "#ffffff")


@pytest.mark.parametrize("fill", [*LEVEL_COLOURS, NONE_COLOUR])
def test_a_level_share_label_is_readable_on_its_segment(fill) -> None:
    assert contrast_ratio(label_colour(fill), fill) >= AA


def test_the_level_bar_writes_each_share_in_a_readable_colour() -> None:
    codes = ["l1", "l2", "l3", "l4", "l5", "none"]
    levels = [LevelCount(code, code.upper(), 10, 100 / 6) for code in codes]
    svg = str(level_bar(levels))
    pairs = re.findall(
        r'<rect [^>]*fill="(#[0-9A-Fa-f]{6})"><title>.*?</title></rect><text [^>]*fill="([^"]+)"', svg
    )
    assert len(pairs) == len(codes)
    for fill, text in pairs:
        assert contrast_ratio(text, fill) >= AA, (fill, text)


def _rules(css: str) -> dict[str, dict[str, str]]:
    return {
        selector.strip(): dict(re.findall(r"(?<![-\w])(color|background-color):\s*(#[0-9a-fA-F]{3,6})", body))
        for selector, body in re.findall(r"([^{}]+)\{([^}]*)\}", re.sub(r"/\*.*?\*/", "", css, flags=re.S))
    }


def _long(colour: str) -> str:
    return "#" + "".join(c * 2 for c in colour[1:]) if len(colour) == 4 else colour


def test_officials_badges_and_heatmap_cells_have_readable_text() -> None:
    rules = {
        s: r
        for s, r in _rules(OFFICIALS_CSS.read_text()).items()
        if {"color", "background-color"} <= r.keys()
    }
    assert {
        ".heat-na",
        ".heat-0",
        ".heat-9",
        ".status-returned",
        ".status-draft",
        ".export-queued",
    } <= rules.keys()
    for selector, rule in rules.items():
        ratio = contrast_ratio(_long(rule["color"]), _long(rule["background-color"]))
        assert ratio >= AA, f"{selector}: {ratio:.2f}"


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_status_labels_never_run_into_their_bars_or_counts(language) -> None:
    from django.utils import translation

    from assessment.models import Assessment
    from assessment.selectors.review import StatusCount
    from reports.charts import status_bars, text_width

    with translation.override(language):
        counts = {"submitted": 1234, "returned": 0, "accepted": 56}
        by_status = [
            StatusCount(code, str(label), counts.get(code, 0)) for code, label in Assessment.Status.choices
        ]
        svg = str(status_bars(by_status))
    rows = re.findall(
        r'<text x="0" y="[\d.]+" font-size="12">([^<]+)</text><rect x="([\d.]+)"[^>]*/><text x="([\d.]+)"[^>]*>([^<]+)</text>',
        svg,
    )
    assert len(rows) == len(by_status)
    for label, bar_x, count_x, _count in rows:
        assert text_width(label, 12) < float(bar_x) <= float(count_x), label
    assert ("Returned for revision" if language == "en" else "退回修改") in svg
    assert "1,234" in svg  # counts grouped like the page's other figures
