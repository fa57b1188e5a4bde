"""The enterprise's improvement plan in the PDF: its actions with owners, quarters and status, the projected
scores and levels, the combined figures and the abatement curve of the chosen actions.

Flowables only, from the report's PlanSection (no database); the action chapter puts it first when the
enterprise has a plan, followed by the other recommendations.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer

from reports.pdf_economics import _legend, mac_drawing
from reports.types import PlanSection

LABELS = {
    "title": ("本企业的改进计划", "The enterprise's improvement plan"),
    "intro": (
        "以下为企业选定实施的措施。预计得分和等级按计划中（未放弃的）措施全部实施后的答案重新计分；"
        "合计投资、年节约额和减排量按计划顺序逐项在前一项实施后的能耗上估算，不重复计算，均为区间（低值–高值）。",
        "The actions the enterprise chose to carry out. Projected scores and levels rescore the answers as "
        "they would be once every counted (not dropped) action is done; the total investment, annual saving "
        "and CO₂ avoided estimate each action, in the plan's order, on the energy use the previous ones "
        "leave, never counting a saving twice, as ranges (low–high).",
    ),
    "number": ("#", "#"),
    "action": ("措施", "Action"),
    "owner": ("负责人", "Owner"),
    "quarter": ("目标季度", "Quarter"),
    "status": ("状态", "Status"),
    "investment": ("投资（万元）", "Investment (10k yuan)"),
    "saving": ("年节约（万元）", "Saving a year (10k yuan)"),
    "co2": ("年减排（tCO₂）", "CO₂ a year (t)"),
    "projected": ("实施计划后的预计得分和等级", "Projected scores and levels"),
    "framework": ("框架", "Framework"),
    "now": ("当前", "Today"),
    "after": ("实施后", "After the plan"),
    "combined": ("合计（计入的措施）", "Combined (counted actions)"),
    "total_investment": ("合计投资（万元）", "Total investment (10k yuan)"),
    "total_saving": ("年节约额（万元）", "Annual saving (10k yuan)"),
    "total_energy": ("年节能（吨标准煤）", "Energy saved a year (tce)"),
    "total_co2": ("年减排（吨二氧化碳）", "CO₂ avoided a year (t)"),
    "counted": (
        "计入 {counted} 项措施（已放弃的不计），其中 {quantified} 项可估算金额。",
        "Actions counted: {counted} (dropped ones are not); with money figures: {quantified}.",
    ),
    "notes": ("备注", "Notes"),
    "not_counted": ("不计入", "not counted"),
    "others": ("其他建议措施", "Other recommended actions"),
    "curve": ("计划措施的边际减排成本曲线", "Abatement cost curve of the planned actions"),
}


def t(renderer: Any, key: str) -> str:
    zh, en = LABELS[key]
    return en if renderer.en else zh


def plan_story(renderer: Any, section: PlanSection) -> list[Any]:
    """The plan's table, the projected levels, the combined figures, the notes and the curve."""
    s = renderer.s
    story: list[Any] = [renderer.p(t(renderer, "title"), s.h2), renderer.p(t(renderer, "intro"), s.small)]
    story.append(Spacer(1, 2 * mm))
    rows = []
    for row in section.rows:
        figures = [row.investment, row.saving, row.co2] if row.counted else ["—", "—", "—"]
        status = row.status if row.counted else f"{row.status}（{t(renderer, 'not_counted')}）"
        if renderer.en and not row.counted:
            status = f"{row.status} ({t(renderer, 'not_counted')})"
        rows.append([str(row.number), row.title, row.owner, row.quarter, status, *figures])
    story.append(
        renderer.table(
            [
                t(renderer, k)
                for k in ("number", "action", "owner", "quarter", "status", "investment", "saving", "co2")
            ],
            rows,
            [7 * mm, 44 * mm, 22 * mm, 16 * mm, 18 * mm, 20 * mm, 21 * mm, 26 * mm],
            align_right=(5, 6, 7),
        )
    )
    notes = [f"{row.number}. {row.note}" for row in section.rows if row.note]
    if notes:
        story.append(renderer.p(f"{t(renderer, 'notes')}：" if not renderer.en else "Notes:", s.small))
        story.append(renderer.p("\n".join(notes), s.small))
    story.append(renderer.p(t(renderer, "projected"), s.h3))
    story.append(
        renderer.table(
            [t(renderer, "framework"), t(renderer, "now"), "", t(renderer, "after"), ""],
            [list(item) for item in section.frameworks],
            [36 * mm, 18 * mm, 52 * mm, 18 * mm, 52 * mm],
            align_right=(1, 3),
        )
    )
    story.append(renderer.p(t(renderer, "combined"), s.h3))
    story.append(
        renderer.key_values(
            [
                (t(renderer, "total_investment"), section.investment),
                (t(renderer, "total_saving"), section.saving),
                (t(renderer, "total_energy"), section.energy),
                (t(renderer, "total_co2"), section.co2),
            ],
            widths=(60 * mm, 60 * mm),
        )
    )
    story.append(
        renderer.p(
            t(renderer, "counted").format(counted=section.counted, quantified=section.quantified), s.small
        )
    )
    if section.mac:
        story.append(
            KeepTogether(
                [
                    renderer.p(t(renderer, "curve"), s.h3),
                    mac_drawing(section.mac, renderer.font),
                    renderer.p(_legend(section.mac, renderer.en), s.small),
                    renderer.p(section.mac["description"], s.small),
                ]
            )
        )
    story.append(Spacer(1, 3 * mm))
    return story
