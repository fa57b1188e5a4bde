"""Small server-rendered SVG charts for the officials' analytics page (no script, no CDN).

Each function returns SVG markup (SafeString) built with format_html, so every label is escaped.
Colours are SVG presentation attributes, which a Content-Security-Policy without 'unsafe-inline' allows.
"""

from __future__ import annotations

import unicodedata

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from assessment.selectors.review import StatusCount
from questionnaires.numbers import number_text
from reports.analytics import Analytics, BandCount, LevelCount

LEVEL_COLOURS = ("#1B5E20", "#2E7D32", "#66BB6A", "#A5D6A7", "#C8E6C9")
NONE_COLOUR = "#BDBDBD"
SERIES = ("#2E7D32", "#00897B", "#F9A825", "#6A1B9A", "#1565C0", "#C62828")
STATUS_COLOURS = {"submitted": "#1565C0", "returned": "#BF360C", "accepted": "#2E7D32"}  # as the badges
LABEL_DARK = "#212529"  # labels on light segments (Bootstrap's body colour)


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2.1's contrast ratio of two #RRGGBB colours (1 to 21; text needs 4.5 for level AA)."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def label_colour(fill: str) -> str:
    """White or near-black, whichever reads better on `fill`."""
    return "#ffffff" if contrast_ratio(fill, "#ffffff") >= contrast_ratio(fill, LABEL_DARK) else LABEL_DARK


def _svg(width: int, height: int, title: str, body: SafeString, css: str = "") -> SafeString:
    return format_html(
        '<svg class="chart {}" role="img" viewBox="0 0 {} {}" width="100%" preserveAspectRatio="xMinYMin meet" '
        'xmlns="http://www.w3.org/2000/svg"><title>{}</title>{}</svg>',
        css,
        width,
        height,
        title,
        body,
    )


def text_width(text: str, size: float) -> float:
    """Roughly how wide `text` is drawn at font `size` (px): a CJK character is one em, other characters
    about 0.62 em (enough for Latin capitals and digits in the sans-serif fonts the pages use)."""
    return sum(size if unicodedata.east_asian_width(char) in "WF" else size * 0.62 for char in text)


def status_bars(by_status: list[StatusCount]) -> SafeString:
    """Horizontal bars: assessments by status. The bars start after the longest label (so "Returned for
    revision" does not run into its count) and the counts are grouped by thousands."""
    top = max([status.assessments for status in by_status] + [1])
    row, bar_max, gap = 26, 280, 8
    bar_x = round(max([text_width(str(status.label), 12) for status in by_status] + [0]) + gap)
    widest_count = max([text_width(number_text(status.assessments), 12) for status in by_status] + [0])
    width = max(420, round(bar_x + bar_max + 5 + widest_count + 4))  # 420: as wide as before for short labels
    bars = format_html_join(
        "",
        '<text x="0" y="{}" font-size="12">{}</text><rect x="{}" y="{}" width="{}" height="16" fill="{}"/>'
        '<text x="{}" y="{}" font-size="12">{}</text>',
        (
            (
                index * row + 14,
                status.label,
                bar_x,
                index * row + 2,
                round(bar_max * status.assessments / top, 1),
                STATUS_COLOURS.get(status.code, "#757575"),
                bar_x + 5 + round(bar_max * status.assessments / top, 1),
                index * row + 14,
                number_text(status.assessments),
            )
            for index, status in enumerate(by_status)
        ),
    )
    return _svg(width, row * len(by_status) + 4, _("按状态的评估数量"), bars)


def level_bar(levels: list[LevelCount]) -> SafeString:
    """One stacked bar of the level shares (best level first) with a legend."""
    width, x = 600, 0.0
    parts = []
    legend = []
    shades = list(LEVEL_COLOURS)
    for index, level in enumerate(levels):
        colour = NONE_COLOUR if level.code == "none" else shades[min(index, len(shades) - 1)]
        share = level.share if level.share else 0.0
        if share > 0:
            parts.append(
                format_html(
                    '<rect x="{}" y="0" width="{}" height="22" fill="{}"><title>{}: {} ({}%)</title></rect>',
                    round(x, 2),
                    round(width * share / 100, 2),
                    colour,
                    level.label,
                    number_text(level.count),
                    share,
                )
            )
            if share >= 6:
                parts.append(
                    format_html(
                        '<text x="{}" y="15" font-size="11" fill="{}">{}%</text>',
                        round(x + 4, 2),
                        label_colour(colour),
                        round(share),
                    )
                )
        x += width * share / 100
        column, line = index % 3, index // 3
        legend.append(
            format_html(
                '<rect x="{}" y="{}" width="10" height="10" fill="{}"/><text x="{}" y="{}" font-size="11">{} {}</text>',
                column * 200,
                32 + line * 16,
                colour,
                column * 200 + 14,
                41 + line * 16,
                level.label,
                number_text(level.count),
            )
        )
    lines = (len(levels) + 2) // 3
    body = mark_safe("".join(parts) + "".join(legend))
    return _svg(width, 34 + lines * 16, _("等级分布"), body, "chart-levels")


def band_bars(bands: list[BandCount]) -> SafeString:
    """Columns: the framework's results by 10-point score band (0–9 … 90–100), count above each."""
    top = max([band.count for band in bands] + [1])
    width, height, base, column = 600, 170, 140, 60
    body = format_html_join(
        "",
        '<rect x="{}" y="{}" width="44" height="{}" fill="{}"><title>{}: {} ({}%)</title></rect>'
        '<text x="{}" y="{}" font-size="11" text-anchor="middle">{}</text>'
        '<text x="{}" y="{}" font-size="11" text-anchor="middle">{}</text>',
        (
            (
                index * column + 8,
                round(base - 110 * band.count / top, 1),
                round(110 * band.count / top, 1),
                SERIES[0],
                band.label,
                number_text(band.count),
                band.share,
                index * column + 30,
                round(base - 110 * band.count / top - 4, 1),
                number_text(band.count),
                index * column + 30,
                base + 16,
                band.label,
            )
            for index, band in enumerate(bands)
        ),
    )
    axis = format_html('<line x1="0" x2="{}" y1="{}" y2="{}" stroke="#9E9E9E"/>', width, base, base)
    return _svg(width, height, _("得分分布（每10分一档）"), mark_safe(axis + body), "chart-bands")


def trend_lines(data: Analytics) -> SafeString:
    """Mean score per framework by year (0–100), with the number of assessments under each year."""
    years = data.years
    if not years:
        return SafeString("")
    series_count = len(data.trends)
    width, left, right, top, bottom = 600, 36, 16, 10, 40
    height = 240 + 16 * series_count
    plot_w, plot_h = width - left - right, 240 - top - bottom

    def x_of(year: int) -> float:
        return left + (plot_w * (years.index(year) / (len(years) - 1)) if len(years) > 1 else plot_w / 2)

    def y_of(value: float) -> float:
        return top + plot_h * (1 - value / 100)

    grid = format_html_join(
        "",
        '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#E0E0E0"/><text x="0" y="{}" font-size="10">{}</text>',
        ((left, left + plot_w, y_of(v), y_of(v), y_of(v) + 3, v) for v in (0, 20, 40, 60, 80, 100)),
    )
    counts = {point.year: point.count for point in data.trend_counts}
    axis = format_html_join(
        "",
        '<text x="{}" y="{}" font-size="11" text-anchor="middle">{}</text>'
        '<text x="{}" y="{}" font-size="9" fill="#5F6B63" text-anchor="middle">n={}</text>',
        ((x_of(y), 240 - 24, y, x_of(y), 240 - 10, number_text(counts.get(y, 0))) for y in years),
    )
    series = []
    titles = {stats.key: stats.title for stats in data.frameworks}
    for index, (key, points) in enumerate(sorted(data.trends.items())):
        colour = SERIES[index % len(SERIES)]
        coords = " ".join(f"{x_of(p.year):.1f},{y_of(p.mean_score or 0):.1f}" for p in points)
        label = titles.get(key, key)
        series.append(
            format_html('<polyline points="{}" fill="none" stroke="{}" stroke-width="2"/>', coords, colour)
        )
        series.append(
            format_html_join(
                "",
                '<circle cx="{}" cy="{}" r="3" fill="{}"><title>{} {}: {}</title></circle>',
                (
                    (
                        round(x_of(p.year), 1),
                        round(y_of(p.mean_score or 0), 1),
                        colour,
                        label,
                        p.year,
                        p.mean_score,
                    )
                    for p in points
                ),
            )
        )
        series.append(
            format_html(
                '<rect x="{}" y="{}" width="10" height="10" fill="{}"/><text x="{}" y="{}" font-size="10">{}</text>',
                left,
                244 + index * 16,
                colour,
                left + 14,
                244 + index * 16 + 9,
                label,
            )
        )
    body = mark_safe(grid + axis + "".join(series))
    return _svg(width, height, _("各框架平均得分的年度趋势"), body)


def heat_class(value: float | None) -> str:
    """CSS class of a heatmap cell: heat-0 (0–10 %) … heat-9 (90–100 %), heat-na without a value."""
    if value is None:
        return "heat-na"
    return f"heat-{min(int(value // 10), 9)}"
