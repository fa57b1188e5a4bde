"""The improvement plans of a jurisdiction in the regional summary PDF (reports/plan_analytics.py's
PlanAnalytics; flowables only, no database)."""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Spacer

from questionnaires.numbers import money_text
from reports.pdf import fmt
from reports.plan_analytics import GroupRow, PlanAnalytics

LABELS = {
    "title": ("改进计划", "Improvement plans"),
    "none": ("本地区的企业尚未制定改进计划。", "No enterprise of this region has an improvement plan yet."),
    "summary": (
        "{plans} 家企业制定了改进计划：计入措施 {counted} 项，其中已完成 {done} 项；计划投资 {investment}，"
        "年节约 {saving}，年减排 {co2} tCO₂。",
        "{plans} enterprises have an improvement plan: {counted} actions counted, {done} of them done; "
        "investment {investment}, saving {saving} a year, {co2} t CO₂ avoided a year.",
    ),
    "actions": ("计划的措施", "Actions planned"),
    "action": ("措施", "Action"),
    "planned": ("计划中/实施中", "Planned / in progress"),
    "done": ("已完成", "Done"),
    "dropped": ("已放弃", "Dropped"),
    "investment": ("投资（万元）", "Investment (10k yuan)"),
    "saving": ("年节约（万元）", "Saving a year (10k yuan)"),
    "co2": ("年减排（tCO₂）", "CO₂ a year (t)"),
    "enterprises": ("企业", "Enterprises"),
    "counted": ("计入措施", "Actions"),
    "city": ("按城市", "By city"),
    "industry": ("按行业", "By industry"),
    "size": ("按企业规模", "By size"),
    "channels": ("措施所需的支持渠道", "Support channels the actions list"),
    "channel": ("支持渠道", "Channel"),
    "source": ("政策依据", "Policy source"),
}


def _t(renderer: Any, key: str) -> str:
    zh, en = LABELS[key]
    return en if renderer.en else zh


def _groups(renderer: Any, key: str, rows: list[GroupRow]) -> list[Any]:
    header = [_t(renderer, k) for k in (key, "enterprises", "counted", "done", "investment", "saving", "co2")]
    body = [
        [
            row.label,
            fmt(row.figures.plans, 0),
            fmt(row.figures.counted, 0),
            fmt(row.figures.done, 0),
            fmt(row.figures.investment_wan, 1),
            fmt(row.figures.annual_saving_wan, 1),
            fmt(row.figures.co2_avoided_t, 1),
        ]
        for row in rows
    ]
    widths = [52 * mm, 16 * mm, 18 * mm, 16 * mm, 24 * mm, 24 * mm, 24 * mm]
    return [
        renderer.p(_t(renderer, key), renderer.s.h3),
        renderer.table(header, body, widths, align_right=[1, 2, 3, 4, 5, 6]),
        Spacer(1, 3 * mm),
    ]


def plan_analytics_story(renderer: Any, plan: PlanAnalytics | None, note: str) -> list[Any]:
    """Counts, money and CO₂ of the plans by action, city, industry and size; the support channels."""
    if plan is None:
        return []
    story: list[Any] = [PageBreak(), renderer.p(_t(renderer, "title"), renderer.s.h1)]
    if plan.empty:
        return [*story, renderer.p(_t(renderer, "none"))]
    total = plan.total
    story += [
        renderer.p(
            _t(renderer, "summary").format(
                plans=fmt(total.plans, 0),
                counted=fmt(total.counted, 0),
                done=fmt(total.done, 0),
                investment=money_text(total.investment_wan, 1, lang="en" if renderer.en else "zh"),
                saving=money_text(total.annual_saving_wan, 1, lang="en" if renderer.en else "zh"),
                co2=fmt(total.co2_avoided_t, 1),
            )
        ),
        Spacer(1, 2 * mm),
        renderer.p(_t(renderer, "actions"), renderer.s.h3),
        renderer.table(
            [_t(renderer, k) for k in ("action", "planned", "done", "dropped", "investment", "co2")],
            [
                [
                    row.title,
                    fmt(row.planned, 0),
                    fmt(row.done, 0),
                    fmt(row.dropped, 0),
                    fmt(row.figures.investment_wan, 1),
                    fmt(row.figures.co2_avoided_t, 1),
                ]
                for row in plan.actions
            ],
            [70 * mm, 24 * mm, 16 * mm, 16 * mm, 24 * mm, 24 * mm],
            align_right=[1, 2, 3, 4, 5],
        ),
        Spacer(1, 3 * mm),
    ]
    story += _groups(renderer, "city", plan.by_city)
    story += _groups(renderer, "industry", plan.by_industry)
    story += _groups(renderer, "size", plan.by_size)
    story += [
        renderer.p(_t(renderer, "channels"), renderer.s.h3),
        renderer.table(
            [_t(renderer, k) for k in ("channel", "counted", "enterprises", "investment", "source")],
            [
                [
                    row.title,
                    fmt(row.actions, 0),
                    fmt(row.enterprises, 0),
                    fmt(row.investment_wan, 1),
                    row.source,
                ]
                for row in plan.channels
            ],
            [46 * mm, 16 * mm, 16 * mm, 22 * mm, 74 * mm],
            align_right=[1, 2, 3],
        ),
        Spacer(1, 2 * mm),
        renderer.p(note, renderer.s.small),
    ]
    return story
