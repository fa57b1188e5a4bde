"""Planned against achieved as people read it: the results page and the PDF report show the same rows.

Plain functions over assessment/selectors/followup.py's FollowThroughView (no queries here).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from assessment.actions import load_catalog
from assessment.selectors.followup import FollowThroughView
from questionnaires.frameworks import short_title
from questionnaires.logic import is_answered
from questionnaires.question_types import display_value
from questionnaires.text import pick


@dataclass(frozen=True)
class ValueRow:
    question: str  # the question's text
    before: str
    planned: str
    reported: str
    reached: bool | None  # None: not reported this year


@dataclass(frozen=True)
class ScoreRow:
    framework: str  # short title
    planned: float
    achieved: float


@dataclass(frozen=True)
class ActionFollowRow:
    title: str
    status: str  # the status's label
    done: bool
    owner: str
    quarter: str
    values: list[ValueRow] = field(default_factory=list)
    scores: list[ScoreRow] = field(default_factory=list)  # frameworks the action was to change

    @property
    def verdict(self) -> str:
        if not self.values:
            return ""
        if all(v.reached for v in self.values):
            return _("已达到计划值")
        if any(v.reached for v in self.values):
            return _("部分达到计划值")
        return _("未达到计划值")


@dataclass(frozen=True)
class FrameworkFollowRow:
    framework: str  # short title
    last: float
    planned: float
    achieved: float


@dataclass
class FollowThroughSection:
    last_year: int
    actions: list[ActionFollowRow]
    frameworks: list[FrameworkFollowRow]
    note: str


def _round(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 4)
    return value


def follow_through_section(view: FollowThroughView, lang: str) -> FollowThroughSection:
    """The rows of planned against achieved in `lang`."""
    catalog = load_catalog()
    questions = {q["code"]: q for d in view.definitions for q in d.get("questions") or []}
    rows_by_code = {row.action_code: row for row in view.actions}
    blank = "—"

    def shown(code: str, value: Any) -> str:
        return display_value(questions.get(code), _round(value), lang) if is_answered(value) else blank

    with translation.override(lang):
        actions = []
        for item in view.followed.actions:
            row = rows_by_code[item.code]
            actions.append(
                ActionFollowRow(
                    title=pick(catalog.get(item.code).title, lang),
                    status=str(row.get_status_display()),
                    done=row.status == "done",
                    owner=row.owner,
                    quarter=row.quarter,
                    values=[
                        ValueRow(
                            question=pick((questions.get(v.question) or {}).get("text"), lang) or v.question,
                            before=shown(v.question, v.before),
                            planned=shown(v.question, v.planned),
                            reported=shown(v.question, v.reported),
                            reached=v.reached,
                        )
                        for v in item.values
                    ],
                    scores=[
                        ScoreRow(short_title(s.framework, lang), s.planned, s.achieved)
                        for s in item.scores
                        if s.planned or s.achieved
                    ],
                )
            )
        frameworks = [
            FrameworkFollowRow(
                short_title(f.framework, lang), f.last_score, f.planned_score, f.achieved_score
            )
            for f in view.followed.frameworks
        ]
        note = _(
            "计划值为上年计划中各项措施应达到的数值；实际值为本年度填报（或计算）的数值。得分变化按计划顺序在"
            "上年答案上逐项计算：计划变化用计划值，实际变化用本年度同一题目的数值，各项之和等于整个计划的变化。"
        )
    return FollowThroughSection(view.last_year, actions, frameworks, note)


def reached_text(value: bool | None) -> str:
    if value is None:
        return _("未填报")
    return _("达到") if value else _("未达到")
