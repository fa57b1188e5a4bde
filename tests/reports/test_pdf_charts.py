"""The PDF's bar charts: names wrapped to the margin, never cut (the peer comparison's long groups)."""

from __future__ import annotations

import pytest
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.pdfbase.pdfmetrics import stringWidth

from reports.fonts import report_font
from reports.pdf import _Renderer
from reports.pdf_charts import wrap_name
from reports.types import BenchmarkRow

LONG_EN = "Same industry: C39 Manufacture of computers, communication and other electronic equipment"
LONG_ZH = "同行业：C39 计算机、通信和其他电子设备制造业"


@pytest.mark.parametrize(
    "text", [LONG_EN, LONG_ZH, "Digital level\nSame city: Harbin", "Supercalifragilistic" * 4]
)
def test_wrapped_lines_fit_and_keep_every_character(text):
    font, width = report_font().name, 150.0
    lines = wrap_name(text, font=font, size=7, width=width)
    assert all(stringWidth(line, font, 7) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace("\n", "").replace(" ", "")


def test_short_names_stay_on_their_lines():
    assert wrap_name("Digital level\nSame city: Harbin", font=report_font().name, size=7, width=150) == [
        "Digital level",
        "Same city: Harbin",
    ]


@pytest.mark.parametrize(
    ("lang", "framework", "scope"), [("en", "Digital level", LONG_EN), ("zh-hans", "数字化水平", LONG_ZH)]
)
def test_the_peer_chart_names_every_group_in_full(demo_report, demo_report_en, lang, framework, scope):
    data = demo_report_en if lang == "en" else demo_report
    rows = [BenchmarkRow(framework, scope, 23, 63.0), BenchmarkRow(framework, "Same city: Harbin", 23, 40.0)]
    drawing = _Renderer(data).percentile_chart(rows)
    chart = next(item for item in drawing.contents if isinstance(item, HorizontalBarChart))
    names = list(reversed(chart.categoryAxis.categoryNames))
    assert "…" not in "".join(names)
    assert names[0].split("\n")[0] == framework
    assert " ".join(names[0].split("\n")[1:]).replace(" ", "") == scope.replace(" ", "")
    # The rows are tall enough for the longest name's lines.
    lines = names[0].count("\n") + 1
    assert chart.height / len(rows) >= lines * 7 * 1.2
