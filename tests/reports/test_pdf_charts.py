"""The PDF's wrapping: bar chart names wrapped to the margin, never cut (the peer comparison's long groups),
and Chinese punctuation kept off the start of a line."""

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


PEER_INTRO = (
    "百分位表示本企业得分高于同组已提交企业的比例；同组不足5家时不计算。百分位是本工具的汇总，不是官方排名，"
    "方法见网站“方法说明”页。"
)


def test_chinese_punctuation_never_starts_a_line():
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

    from reports.pdf import CHINESE_CANNOT_START

    style = ParagraphStyle("body", fontName=report_font().name, fontSize=10, wordWrap="CJK")
    for text in (PEER_INTRO, f"<b>{PEER_INTRO}</b>"):  # plain lines and styled fragments wrap apart
        for width in range(200, 480, 7):
            paragraph = Paragraph(text, style)
            paragraph.wrap(width, 1000)
            for line in paragraph.blPara.lines[1:]:
                words = line[1] if isinstance(line, tuple) else [w.text for w in line.words]
                assert "".join(words)[:1] not in CHINESE_CANNOT_START, width
