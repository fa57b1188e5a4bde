"""The regional summary PDF: one jurisdiction (the province or a city) and one year.

Rendering only (render_regional_pdf: no database) from the RegionalData that build_regional_data
(reports/regional_data.py) reads, with the building blocks of reports/pdf.py (PdfRenderer: the embedded
CJK font, styles, tables; render_document: cover band, header and footer with "page x of y").
"""

from __future__ import annotations

from typing import Any

from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Spacer

from questionnaires.definition import short_titles
from reports.pdf import SERIES, PdfRenderer, fmt, render_document
from reports.pdf_charts import horizontal_bars
from reports.regional_data import RegionalData

# Light tints of the analytics page's heatmap scale (0–10 % … 90–100 %), readable under dark text.
HEAT = [
    colors.HexColor(c)
    for c in (
        "#EF9A9A",
        "#FFAB91",
        "#FFCC80",
        "#FFE082",
        "#FFF59D",
        "#F0F4C3",
        "#DCEDC8",
        "#C8E6C9",
        "#A5D6A7",
        "#81C784",
    )
]
LABELS: dict[str, tuple[str, str]] = {
    "brand": ("绿智评", "GreenMaturity"),
    "report": ("区域绿色化·清洁化·数字化水平汇总报告", "Regional Green, Clean and Digital Summary"),
    "page": ("第 {page} 页，共 {total} 页", "Page {page} of {total}"),
    "region": ("区域", "Region"),
    "year": ("评估年度", "Year"),
    "date": ("报告日期", "Report date"),
    "assessments": ("评估数量", "Assessments"),
    "summary": ("一、总体情况", "1. Overview"),
    "intro": (
        "本报告汇总辖区内企业在绿智评提交的评估结果（经审核核定的，采用核定后得分；已退回修改的评估不计入），"
        "用于了解整体水平、发现共性短板和确定政策着力点。得分率为获得分值占可得分值的百分比。",
        "This report summarises the assessments submitted on GreenMaturity in the region (the validated "
        "score where a reviewer validated answers; assessments returned for revision are left out), to show "
        "the overall level, common weaknesses and where policy should aim. A score rate is the percent of "
        "available points earned.",
    ),
    "status": ("状态", "Status"),
    "count": ("数量", "Count"),
    "framework": ("评价框架", "Framework"),
    "mean": ("平均得分", "Mean score"),
    "veto": ("否决项未通过比例", "Failing veto items"),
    "frameworks": ("二、分框架结果", "2. Results by framework"),
    "levels": ("等级分布", "Distribution of levels"),
    "level": ("等级", "Level"),
    "share": ("占比", "Share"),
    "rate": ("平均得分率", "Mean score rate"),
    "bands": ("得分分布（每10分一档）", "Score distribution (10-point bands)"),
    "band": ("得分", "Score"),
    "no_levels": (
        "没有评估结果达到该框架的等级，因此只列出得分分布。",
        "No result reached a level of this framework, so only the score distribution is shown.",
    ),
    "by_city": ("各地市维度平均得分率（%）", "Mean dimension score rate by city (%)"),
    "by_industry": ("各行业维度平均得分率（%）", "Mean dimension score rate by industry (%)"),
    "group": ("分组", "Group"),
    "weakest": ("最薄弱的指标", "Weakest indicators"),
    "indicator": ("指标", "Indicator"),
    "dimension": ("维度", "Dimension"),
    "trends": ("三、年度趋势", "3. Trends across years"),
    "trend_note": ("各年度提交评估的平均得分。", "Mean scores of the assessments submitted for each year."),
    "none": ("辖区内该年度尚无提交的评估。", "No assessments were submitted in the region for this year."),
}


class _RegionalRenderer(PdfRenderer):
    labels = LABELS

    def __init__(self, data: RegionalData) -> None:
        super().__init__(english=data.is_english)
        self.region_data = data

    def level_chart(self, levels: list[Any], width: float = 170 * mm) -> Drawing:
        return horizontal_bars(
            [level.share for level in levels],
            [self._short(level.label, 22 if self.en else 12) for level in levels],
            font=self.font,
            width=width,
            height=10 * mm + 7 * mm * len(levels),
            margins=(48 * mm, 4 * mm, 12 * mm, 4 * mm),
            colour=SERIES[0],
            name_size=7.5,
        )

    def cover(self) -> list[Any]:
        d = self.region_data
        pairs = [
            (self.t("year"), str(d.year)),
            (self.t("assessments"), fmt(d.analytics.total, 0)),
            (self.t("date"), d.generated),
        ]
        return self.cover_page(d.region, pairs)

    def overview(self) -> list[Any]:
        a = self.region_data.analytics
        story: list[Any] = [self.p(self.t("summary"), self.s.h1), self.p(self.t("intro")), Spacer(1, 4 * mm)]
        story.append(
            self.table(
                [self.t("status"), self.t("count")],
                [[status.label, fmt(status.assessments, 0)] for status in a.by_status],
                [60 * mm, 30 * mm],
                align_right=[1],
            )
        )
        story.append(Spacer(1, 4 * mm))
        rows = [
            [
                s.title,
                fmt(s.count, 0),
                fmt(s.mean_score),
                f"{fmt(s.veto_share, 1)}%" if s.veto_share is not None else "—",
            ]
            for s in a.frameworks
        ]
        if rows:
            story.append(
                self.table(
                    [self.t("framework"), self.t("count"), self.t("mean"), self.t("veto")],
                    rows,
                    [88 * mm, 22 * mm, 28 * mm, 36 * mm],
                    align_right=[1, 2, 3],
                )
            )
        else:
            story.append(self.p(self.t("none")))
        return story

    def framework_section(self, stats: Any, number: int) -> list[Any]:
        story: list[Any] = [
            self.p(
                f"{number}. {stats.title}（{stats.version}）"
                if not self.en
                else f"{number}. {stats.title} ({stats.version})",
                self.s.h2,
            )
        ]
        if stats.has_levels:
            story.append(self.p(self.t("levels"), self.s.h3))
            story.append(self.level_chart(stats.levels))
            story.append(
                self.table(
                    [self.t("level"), self.t("count"), self.t("share")],
                    [[level.label, fmt(level.count, 0), f"{fmt(level.share, 1)}%"] for level in stats.levels],
                    [100 * mm, 30 * mm, 30 * mm],
                    align_right=[1, 2],
                )
            )
        story.append(self.p(self.t("bands"), self.s.h3))
        if not stats.has_levels:
            story.append(self.p(self.t("no_levels")))
        story.append(
            self.table(
                [self.t("band"), *[band.label for band in stats.bands]],
                [
                    [self.t("count"), *[fmt(band.count, 0) for band in stats.bands]],
                    [self.t("share"), *[f"{fmt(band.share, 0)}%" for band in stats.bands]],
                ],
                [24 * mm, *[15 * mm] * len(stats.bands)],
                align_right=list(range(1, len(stats.bands) + 1)),
            )
        )
        groups = [("by_city", stats.by_city)] if not self.region_data.city_code else []
        groups.append(("by_industry", stats.by_industry))
        dims = stats.dimensions
        for key, rows in groups:
            if not rows or not dims:
                continue
            story.append(self.p(self.t(key), self.s.h3))
            first = 46 * mm
            rest = (174 * mm - first - 12 * mm) / len(dims)
            # Heatmap colours as on the analytics page (red below 30 %, green from 70 %).
            heat = [
                ("BACKGROUND", (column, line), (column, line), HEAT[min(int(value // 10), 9)])
                for line, row in enumerate(rows, start=1)
                for column, value in enumerate(row.cells, start=2)
                if value is not None
            ]
            story.append(
                self.table(
                    [
                        self.t("group"),
                        "n",
                        *short_titles([dimension.title for dimension in dims], 14 if self.en else 8),
                    ],
                    [[row.label, fmt(row.count, 0), *[fmt(value, 0) for value in row.cells]] for row in rows],
                    [first, 12 * mm, *[rest] * len(dims)],
                    align_right=list(range(1, len(dims) + 2)),
                    extra=heat,
                )
            )
        if stats.weakest:
            story.append(self.p(self.t("weakest"), self.s.h3))
            story.append(
                self.table(
                    [self.t("indicator"), self.t("dimension"), self.t("rate")],
                    [[item.title, item.dimension, f"{fmt(item.mean, 1)}%"] for item in stats.weakest],
                    [96 * mm, 52 * mm, 26 * mm],
                    align_right=[2],
                )
            )
        return story

    def trends(self) -> list[Any]:
        a = self.region_data.analytics
        if not a.years:
            return []
        titles = {s.key: s.title for s in a.frameworks}
        keys = sorted(a.trends)
        header = [self.t("year"), self.t("assessments"), *[self._short(titles.get(k, k), 18) for k in keys]]
        means = {k: {p.year: p.mean_score for p in points} for k, points in a.trends.items()}
        rows = [
            [str(p.year), fmt(p.count, 0), *[fmt(means[k].get(p.year)) for k in keys]] for p in a.trend_counts
        ]
        width = (174 * mm - 50 * mm) / max(len(keys), 1)
        return [
            self.p(self.t("trends"), self.s.h1),
            self.p(self.t("trend_note")),
            Spacer(1, 3 * mm),
            self.table(
                header,
                rows,
                [22 * mm, 28 * mm, *[width] * len(keys)],
                align_right=list(range(1, len(keys) + 2)),
            ),
        ]

    def story(self) -> list[Any]:
        story = self.cover() + self.overview() + [PageBreak(), self.p(self.t("frameworks"), self.s.h1)]
        for number, stats in enumerate(self.region_data.analytics.frameworks, start=1):
            story += self.framework_section(stats, number)
        from reports.pdf_plan_analytics import plan_analytics_story

        data = self.region_data
        story += plan_analytics_story(self, data.plan, data.plan_note)
        return story + [PageBreak()] + self.trends()


def render_regional_pdf(data: RegionalData) -> bytes:
    """The regional summary as PDF bytes (no database query)."""
    return render_document(
        _RegionalRenderer(data), name=data.region, year=data.year, generated=data.generated
    )


__all__ = ["render_regional_pdf"]
