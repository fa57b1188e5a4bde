"""Bar charts for the PDF reports (the enterprise report and the regional summary), with reportlab.

One builder: bars from the top down, one value each on a 0–100 scale, names on the left.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

GRID_LINE = colors.HexColor("#E3EBE4")
LEADING = 1.2  # line height of a wrapped name, times its font size
# Where a line may break: after a Latin word and its spaces, or after any other single character (Chinese
# text breaks between characters).
_BREAKABLE = re.compile(r"[A-Za-z0-9][^\s\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]*\s*|\S\s*|\s+")


def wrap_name(text: str, *, font: str, size: float, width: float) -> list[str]:
    """`text` in lines no wider than `width` points at `size` (a word longer than a line is cut between
    its characters); its own line breaks are kept."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for token in _BREAKABLE.findall(paragraph):
            pieces = [token] if stringWidth(token.rstrip(), font, size) <= width else list(token)
            for piece in pieces:
                if line and stringWidth((line + piece).rstrip(), font, size) > width:
                    lines.append(line.rstrip())
                    line = piece.lstrip()
                else:
                    line += piece
        lines.append(line.rstrip())
    return lines


def horizontal_bars(
    values: Sequence[float],
    names: Sequence[str],
    *,
    font: str,
    width: float,
    height: float,
    margins: tuple[float, float, float, float],
    colour: colors.Color,
    step: int = 20,
    name_size: float = 7,
    grid: colors.Color | None = None,
    percent_labels: bool = False,
) -> Drawing:
    """A drawing of `width` × `height` with one bar per value, listed top down with its name.

    `margins` (left, bottom, right, top) place the plot area; the names stand in the left margin. With
    `grid` (an axis colour) the axes take that colour and vertical grid lines mark every `step`;
    `percent_labels` writes each value as "NN%" after its bar. A name may hold line breaks
    (`wrap_name`); its lines are centred on its bar.
    """
    left, bottom, right, top = margins
    drawing = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = left, bottom
    chart.width, chart.height = width - left - right, height - bottom - top
    # reportlab draws the first category at the bottom.
    chart.data = [list(reversed(values))]
    chart.categoryAxis.categoryNames = list(reversed(names))
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = name_size
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.leading = name_size * LEADING
    chart.categoryAxis.labels.textAnchor = "end"
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, step
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7
    if grid is not None:
        chart.categoryAxis.strokeColor = grid
        chart.valueAxis.strokeColor = grid
        chart.valueAxis.visibleGrid = True
        chart.valueAxis.gridStrokeColor = GRID_LINE
    chart.bars[0].fillColor = colour
    chart.bars[0].strokeColor = None
    if percent_labels:
        chart.barLabelFormat = "%.0f%%"
        chart.barLabels.fontName = font
        chart.barLabels.fontSize = 7
        chart.barLabels.boxAnchor = "w"
        chart.barLabels.dx = 2
    drawing.add(chart)
    return drawing
