"""The action plan's money, energy and CO₂ figures in the PDF, and the abatement cost curve.

Flowables only, from the report's EconomicsSection (no database); kept apart from reports/pdf.py so the
report's structure can change around it. Called by the renderer's action-plan chapter.
"""

from __future__ import annotations

from typing import Any

from reportlab.graphics.shapes import Drawing, Line, Polygon, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, Spacer

from reports.pdf import GRID, MUTED, SECONDARY, TEXT, esc
from reports.types import EconomicsSection

LABELS = {
    "title": ("投资、节约与回收期", "What each action costs, saves and pays back"),
    "intro": (
        "以下金额、节能量和减排量按本企业填写的数据估算，均为区间（低值–高值）；每项措施单独估算。"
        "减排量按所在地区电网排放因子计算（基于位置）。",
        "Money, energy and CO₂ figures are estimated from your answers as ranges (low–high), each action "
        "on its own. Electricity CO₂ uses the regional grid factor (location-based).",
    ),
    "action": ("措施", "Action"),
    "class": ("费用等级", "Cost class"),
    "investment": ("投资（万元）", "Investment (10k yuan)"),
    "saving": ("年节约（万元）", "Saving a year (10k yuan)"),
    "payback": ("回收期（年）", "Payback (years)"),
    "tce": ("年节能（tce）", "Energy a year (tce)"),
    "co2": ("年减排（tCO₂）", "CO₂ a year (t)"),
    "cost_per_t": ("减排成本（元/t）", "Cost (yuan/t)"),
    "low_cost": ("无费、低费优先", "No-cost and low-cost first"),
    "largest_co2": ("减排量最大优先", "Largest CO₂ reduction first"),
    "no_figures": ("未估算金额的措施", "Actions without money figures"),
    "others_in_annex": (
        "另有 {count} 项措施因缺少所需数据未估算金额；所需数据、两种排序及各项措施的假设与依据见附录三。",
        "{count} more actions have no money figures for lack of data; what they need, the two other orderings "
        "and each action's assumptions and sources are in Appendix 3.",
    ),
    "others_on_request": (
        "另有 {count} 项措施因缺少所需数据未估算金额；所需数据、两种排序（无费低费优先、减排量最大优先）及各项措施的"
        "假设与依据见含附录的完整报告（在结果页下载）。",
        "{count} more actions have no money figures for lack of data; what they need, the two other orderings "
        "(low-cost first, largest CO₂ first) and each action's assumptions and sources are in the full report "
        "with appendices (downloaded from the results page).",
    ),
    "missing": ("需要填写：", "Needed: "),
    "assumptions": ("各项措施的假设与依据", "Assumptions and sources of each action"),
    "refine": ("填写后可更准确：", "Would refine the estimate: "),
    "sources": ("依据：", "Sources: "),
    "combined": (
        "组合实施时，同一能源或水的节约量按先后顺序扣减，不重复计算；曲线中各措施即按此方式叠加。",
        "Combined, savings of the same carrier are applied one after another, never double counted; the "
        "curve stacks the actions that way.",
    ),
}
SAVES = colors.HexColor("#2E7D32")
COSTS = colors.HexColor("#C25E00")


def _t(renderer: Any, key: str) -> str:
    zh, en = LABELS[key]
    return en if renderer.en else zh


def economics_story(renderer: Any, section: EconomicsSection) -> list[Any]:
    """The figures table and the curve, as flowables; the details are in economics_annex_story."""
    t = lambda key: _t(renderer, key)  # noqa: E731
    s = renderer.s
    story: list[Any] = [
        CondPageBreak(60 * mm),
        renderer.p(t("title"), s.h2),
        renderer.p(section.rule, s.small),
    ]
    story.append(renderer.p(t("intro"), s.small))
    estimated = [row for row in section.rows if row.estimated]
    if estimated:
        story.append(Spacer(1, 2 * mm))
        story.append(
            renderer.table(
                ["#", t("action"), t("investment"), t("saving"), t("payback"), t("tce"), t("co2")],
                [
                    [str(r.rank), r.title, r.investment, r.saving, r.payback, r.energy, r.co2]
                    for r in estimated
                ],
                [8 * mm, 52 * mm, 22 * mm, 24 * mm, 20 * mm, 24 * mm, 24 * mm],
                align_right=(2, 3, 4, 5, 6),
            )
        )
    for note in section.prices:
        story.append(renderer.p(note, s.small))
    story.append(renderer.p(t("combined"), s.small))
    if section.mac:
        story.append(
            KeepTogether(
                [
                    renderer.p(section.mac["title"], s.h3),
                    mac_drawing(section.mac, renderer.font),
                    renderer.p(_legend(section.mac, renderer.en), s.small),
                    renderer.p(section.mac["description"], s.small),
                ]
            )
        )
    others = [row for row in section.rows if not row.estimated]
    if others:
        key = "others_in_annex" if renderer.data.annex else "others_on_request"
        story.append(renderer.p(t(key).format(count=len(others)), s.small))
    return story


def economics_annex_story(renderer: Any, section: EconomicsSection) -> list[Any]:
    """The details behind the report's figures table, for the annex: the actions without money figures
    and what they need, the low-cost and largest-CO₂ orderings, and each action's assumptions and sources."""
    t = lambda key: _t(renderer, key)  # noqa: E731
    s = renderer.s
    story: list[Any] = []
    estimated = [row for row in section.rows if row.estimated]
    others = [row for row in section.rows if not row.estimated]
    if others:
        story.append(renderer.p(t("no_figures"), s.h3))
        lines = []
        for row in others:
            text = (
                f"{row.rank}. {row.title}：{row.note}"
                if not renderer.en
                else f"{row.rank}. {row.title}: {row.note}"
            )
            if row.missing:
                text += (
                    ("　" if not renderer.en else " ")
                    + t("missing")
                    + ("、" if not renderer.en else ", ").join(row.missing)
                )
            lines.append(text)
        story.append(renderer.p("\n".join(lines), s.small))
    if section.low_cost:
        story.append(renderer.p(t("low_cost"), s.h3))
        story.append(
            renderer.table(
                ["#", t("action"), t("class"), t("investment"), t("saving"), t("payback")],
                [
                    [str(r.rank), r.title, r.cost_class, r.investment, r.saving, r.payback]
                    for r in section.low_cost[:8]
                ],
                [8 * mm, 70 * mm, 18 * mm, 26 * mm, 26 * mm, 26 * mm],
                align_right=(3, 4, 5),
            )
        )
    if section.largest_co2:
        story.append(renderer.p(t("largest_co2"), s.h3))
        story.append(
            renderer.table(
                ["#", t("action"), t("co2"), t("cost_per_t"), t("investment")],
                [[str(r.rank), r.title, r.co2, r.abatement, r.investment] for r in section.largest_co2[:8]],
                [8 * mm, 80 * mm, 30 * mm, 30 * mm, 26 * mm],
                align_right=(2, 3, 4),
            )
        )
    if estimated:
        story.append(renderer.p(t("assumptions"), s.h3))
        for row in estimated:
            body = "\n".join(f"· {line}" for line in row.assumptions)
            if row.refine:
                body += "\n" + t("refine") + ("、" if not renderer.en else ", ").join(row.refine)
            body += "\n" + t("sources") + ("；" if not renderer.en else "; ").join(row.sources)
            story.append(
                KeepTogether(
                    [
                        renderer.markup(f"<b>{row.rank}. {esc(row.title)}</b>", s.cell),
                        renderer.p(body, s.small),
                    ]
                )
            )
            story.append(Spacer(1, 1.5 * mm))
    return story


def _legend(geometry: dict[str, Any], english: bool) -> str:
    sep = "; " if english else "；"
    unit_t, unit_c = ("t", "yuan/t") if english else ("吨", "元/吨")
    legend = sep.join(
        f"{b['number']}. {b['title']} {b['co2']} {unit_t}, {b['cost']} {unit_c}" for b in geometry["bars"]
    )
    return f"{legend}{sep}{geometry['clip_note']}" if geometry.get("clip_note") else legend


def mac_drawing(geometry: dict[str, Any], font: str) -> Drawing:
    """The curve from the same geometry as the results page's SVG (y flipped for reportlab)."""
    width, height = geometry["width"], geometry["height"]
    drawing = Drawing(width, height)

    def flip(y: float) -> float:
        return height - y

    def line(x1: float, y1: float, x2: float, y2: float, *, colour: Any, width: float) -> None:
        drawing.add(Line(x1, flip(y1), x2, flip(y2), strokeColor=colour, strokeWidth=width))

    def label(x: float, y: float, text: str, *, colour: Any = MUTED, anchor: str = "middle") -> None:
        """A 7-point label at reportlab's (x, y)."""
        drawing.add(String(x, y, text, fontName=font, fontSize=7, fillColor=colour, textAnchor=anchor))

    left, right = geometry["left"], geometry["right"]
    for tick in geometry["ticks_y"]:
        line(left, tick["y"], right, tick["y"], colour=GRID, width=0.5)
        label(left - 4, flip(tick["y"]) - 3, tick["label"], anchor="end")
    for tick in geometry["ticks_x"]:
        label(tick["x"], flip(geometry["bottom"]) - 11, tick["label"])
    for bar in geometry["bars"]:
        drawing.add(
            Rect(
                bar["x"],
                flip(bar["y"] + bar["h"]),
                bar["w"],
                bar["h"],
                fillColor=SAVES if bar["saves"] else COSTS,
                strokeColor=colors.white,
                strokeWidth=0.5,
            )
        )
        if bar["clipped"]:
            band = bar["break_polygon"]
            points = [v if i % 2 == 0 else flip(v) for i, v in enumerate(band)]
            drawing.add(Polygon(points, fillColor=colors.white, strokeColor=TEXT, strokeWidth=0.5))
            drawing.add(
                String(
                    bar["value_x"],
                    flip(bar["value_y"]),
                    bar["value"],
                    fontName=font,
                    fontSize=7,
                    fillColor=TEXT,
                    textAnchor=bar["value_anchor"],
                )
            )
        if bar["labelled"]:
            label(bar["label_x"], flip(bar["label_y"]), str(bar["number"]), colour=TEXT)
    line(left, geometry["zero"], right, geometry["zero"], colour=TEXT, width=0.8)  # the zero line
    line(left, geometry["top"], left, geometry["bottom"], colour=TEXT, width=0.8)  # the y axis
    for bar in geometry["bars"]:
        if bar["narrowed"]:  # after the zero line, which its break band crosses
            band = bar["width_break_polygon"]
            points = [v if i % 2 == 0 else flip(v) for i, v in enumerate(band)]
            drawing.add(Polygon(points, fillColor=colors.white, strokeColor=TEXT, strokeWidth=0.5))
            label(bar["label_x"], flip(bar["width_value_y"]), bar["width_value"], colour=TEXT)
    drawing.add(String(left, 3, geometry["x_label"], fontName=font, fontSize=7.5, fillColor=SECONDARY))
    drawing.add(String(2, height - 9, geometry["y_label"], fontName=font, fontSize=7.5, fillColor=SECONDARY))
    return drawing
