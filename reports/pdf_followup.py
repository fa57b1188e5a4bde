"""Last year's improvement plan, planned against achieved, in the PDF report.

Flowables only, from the report's FollowThroughSection (assessment/presentation_followup.py; no
database); kept apart from reports/pdf.py so the report's structure can change around it.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, Spacer

from assessment.presentation_followup import FollowThroughSection
from reports.pdf import esc, fmt

LABELS = {
    "title": ("{year} 年度改进计划：计划与实际", "The {year} improvement plan: planned against achieved"),
    "framework": ("框架", "Framework"),
    "last": ("上年得分", "Last year's score"),
    "planned": ("按计划", "As planned"),
    "achieved": ("按实际", "As achieved"),
    "indicator": ("指标", "Indicator"),
    "before": ("上年", "Last year"),
    "plan_value": ("计划值", "Planned"),
    "reported": ("本年度实际", "This year"),
    "result": ("结果", "Result"),
    "reached": ("达到", "reached"),
    "missed": ("未达到", "not reached"),
    "unreported": ("未填报", "not reported"),
    "scores": ("得分变化（计划 / 实际）：", "Score change (planned / achieved): "),
    "owner": ("负责人：", "Owner: "),
    "quarter": ("目标季度：", "Target quarter: "),
    "nothing": (
        "该措施已放弃，或计划时已无需改变答案。",
        "Dropped, or no answer left to change when planned.",
    ),
}


def _t(renderer: Any, key: str) -> str:
    zh, en = LABELS[key]
    return en if renderer.en else zh


def follow_through_story(renderer: Any, section: FollowThroughSection | None) -> list[Any]:
    """Each framework's score last year, as planned and as achieved; then each action of the plan with
    its indicator values and score changes."""
    if section is None:
        return []
    story: list[Any] = [
        CondPageBreak(60 * mm),
        renderer.p(_t(renderer, "title").format(year=section.last_year), renderer.s.h2),
        renderer.p(section.note, renderer.s.small),
        Spacer(1, 2 * mm),
        renderer.table(
            [_t(renderer, k) for k in ("framework", "last", "planned", "achieved")],
            [[f.framework, fmt(f.last), fmt(f.planned), fmt(f.achieved)] for f in section.frameworks],
            [70 * mm, 34 * mm, 34 * mm, 34 * mm],
            align_right=[1, 2, 3],
        ),
        Spacer(1, 3 * mm),
    ]
    for action in section.actions:
        parts: list[Any] = [
            renderer.markup(
                f"<b>{esc(action.title)}</b> · {esc(action.status)}"
                + (f" · {esc(action.verdict)}" if action.verdict else ""),
                renderer.s.body,
            )
        ]
        meta = []
        if action.owner:
            meta.append(_t(renderer, "owner") + action.owner)
        if action.quarter:
            meta.append(_t(renderer, "quarter") + action.quarter)
        if meta:
            parts.append(renderer.p(" · ".join(meta), renderer.s.small))
        if action.values:
            result = {None: "unreported", True: "reached", False: "missed"}
            parts.append(
                renderer.table(
                    [_t(renderer, k) for k in ("indicator", "before", "plan_value", "reported", "result")],
                    [
                        [v.question, v.before, v.planned, v.reported, _t(renderer, result[v.reached])]
                        for v in action.values
                    ],
                    [70 * mm, 28 * mm, 28 * mm, 28 * mm, 20 * mm],
                )
            )
            if action.scores:
                parts.append(
                    renderer.p(
                        _t(renderer, "scores")
                        + ("; " if renderer.en else "；").join(
                            f"{s.framework} {s.planned:+.2f} / {s.achieved:+.2f}" for s in action.scores
                        ),
                        renderer.s.small,
                    )
                )
        else:
            parts.append(renderer.p(_t(renderer, "nothing"), renderer.s.small))
        story += [KeepTogether(parts), Spacer(1, 2.5 * mm)]
    return story
