"""Following a plan through: the next year's assessment starts from last year's improvement plan.

Pure functions over plain data (no ORM); docs/plan.md, "Follow-through".

- Proposals (`plan_proposals`): the actions marked done in last year's plan, applied in the plan's order
  on last year's answers by the sequence rule (assessment/projection.py), give the answers they should
  have changed. Each one this year's questionnaire asks as a plain answer (not a computed value), that
  validates and differs from this year's answer, is proposed: the person confirms or rejects it; nothing
  is written without them.
- Planned against achieved (`planned_vs_achieved`): for each counted action of last year's plan, the
  values its answers were to reach against the values reported this year, and its score change planned
  against achieved. Score changes are marginal in the plan's order on last year's answers: planned, the
  score with the planned values of this action and the ones before it minus the score without this
  action's; achieved, the same with the values reported this year for the same questions. The actions'
  changes therefore add up to the whole plan's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from assessment.actions import Catalog
from assessment.projection import PlannedAction, active_codes, sequence_changes
from assessment.scoring import EnterpriseFacts, simulate, validate_answers
from assessment.scoring.types import AssessmentResult
from questionnaires.logic import is_answered
from questionnaires.question_types import is_derived, takes_value

DONE = "done"


@dataclass(frozen=True)
class Proposal:
    """An answer last year's plan proposes for this year's assessment."""

    question: str
    value: Any  # the proposed answer
    current: Any  # this year's answer now (None: unanswered)
    actions: tuple[str, ...]  # the done actions that lead to it, in the plan's order


def done_codes(actions: Sequence[PlannedAction]) -> list[str]:
    """The codes of the actions marked done, in the plan's order."""
    return [
        code for code in active_codes(actions) if any(a.code == code and a.status == DONE for a in actions)
    ]


def plan_proposals(
    *,
    actions: Sequence[PlannedAction],
    last_values: Mapping[str, Any],
    last_questions: Mapping[str, Mapping[str, Any]],
    definitions: list[dict[str, Any]],
    answers: Mapping[str, Any],
    catalog: Catalog,
    rejected: Mapping[str, Any] | None = None,
) -> list[Proposal]:
    """The answers the done actions of last year's plan propose for this year.

    `last_values`: last year's answers with the computed values scoring used; `last_questions`: last
    year's questions by code; `definitions` and `answers`: this year's. A proposal is left out when this
    year's questionnaire does not ask it as a plain answer, when it does not validate there, when this
    year's answer already has the value, and when the person rejected that value (`rejected`: question
    code → the value rejected)."""
    rejected = rejected or {}
    this_year = {q["code"]: q for d in definitions for q in d.get("questions") or []}
    steps = sequence_changes(
        codes=done_codes(actions), values=last_values, questions=last_questions, catalog=catalog
    )
    final: dict[str, Any] = {}
    sources: dict[str, list[str]] = {}
    for code, changes in steps:
        for question, value in changes.items():
            final[question] = value
            sources.setdefault(question, []).append(code)
    proposals = []
    for question, value in final.items():
        definition = this_year.get(question)
        if definition is None or is_derived(definition) or not takes_value(definition):
            continue
        if validate_answers(definitions, {question: value}, allow_unknown=True):
            continue
        current = answers.get(question)
        if is_answered(current) and current == value:
            continue
        if question in rejected and rejected[question] == value:
            continue
        proposals.append(Proposal(question, value, current, tuple(sources[question])))
    return proposals


# --- planned against achieved ---------------------------------------------------------------------------


def reached(before: Any, planned: Any, reported: Any) -> bool | None:
    """Whether the reported value reaches the planned one, in the direction the plan moved it (a lower
    figure when the plan lowered it); None when nothing was reported."""
    if not is_answered(reported):
        return None
    numbers = [isinstance(v, int | float) and not isinstance(v, bool) for v in (planned, reported)]
    if all(numbers):
        if isinstance(before, int | float) and not isinstance(before, bool) and planned < before:
            return reported <= planned + 1e-9
        return reported >= planned - 1e-9
    if isinstance(planned, list) and isinstance(reported, list):
        return set(planned) <= set(reported)
    return reported == planned


@dataclass(frozen=True)
class ValueFollowUp:
    question: str
    before: Any  # last year's value
    planned: Any  # the value the plan was to reach
    reported: Any  # this year's value (None: not reported)
    reached: bool | None


@dataclass(frozen=True)
class ScoreChange:
    framework: str
    planned: float
    achieved: float


@dataclass(frozen=True)
class ActionFollowUp:
    code: str
    status: str
    values: tuple[ValueFollowUp, ...]
    scores: tuple[ScoreChange, ...]  # empty for a dropped action

    @property
    def reached_all(self) -> bool:
        return bool(self.values) and all(item.reached for item in self.values)


@dataclass(frozen=True)
class FrameworkFollowUp:
    framework: str
    last_score: float  # last year's score
    planned_score: float  # with every counted action's planned values
    achieved_score: float  # with the values reported this year for the plan's questions


@dataclass(frozen=True)
class FollowThrough:
    actions: tuple[ActionFollowUp, ...]
    frameworks: tuple[FrameworkFollowUp, ...] = field(default_factory=tuple)


def _scores(result: AssessmentResult) -> dict[str, float]:
    return {item.framework: item.score for item in result.frameworks}


def planned_vs_achieved(
    *,
    actions: Sequence[PlannedAction],
    definitions: list[dict[str, Any]],
    last_answers: Mapping[str, Any],
    last_values: Mapping[str, Any],
    last_result: AssessmentResult,
    reported: Mapping[str, Any],
    enterprise: EnterpriseFacts,
    catalog: Catalog,
    calculator: Any = None,
) -> FollowThrough:
    """Each action of last year's plan, planned against achieved (module docstring).

    `definitions`, `last_answers`, `last_result`: last year's questionnaires, stored answers and result;
    `last_values`: the answers with the computed values scoring used; `reported`: this year's values
    (answers and computed values) by question code; `calculator`: last year's calculator outputs."""
    questions = {q["code"]: q for d in definitions for q in d.get("questions") or []}
    last_answers = {code: value for code, value in last_answers.items() if code in questions}
    codes = active_codes(actions)
    steps = dict(sequence_changes(codes=codes, values=last_values, questions=questions, catalog=catalog))
    before = _scores(last_result)
    planned_changes: dict[str, Any] = {}
    achieved_changes: dict[str, Any] = {}
    planned_prev = achieved_prev = before
    rows: dict[str, ActionFollowUp] = {}

    def score(changes: Mapping[str, Any]) -> dict[str, float]:
        if not changes:
            return before
        result = simulate(
            definitions=definitions,
            answers=last_answers,
            changes=dict(changes),
            enterprise=enterprise,
            calculator=calculator,
            baseline=last_result,
        )
        return _scores(result.after)

    for code in codes:
        changes = steps.get(code, {})
        planned_changes.update(changes)
        achieved_changes.update(
            {question: reported[question] for question in changes if is_answered(reported.get(question))}
        )
        planned_now, achieved_now = score(planned_changes), score(achieved_changes)
        values = tuple(
            ValueFollowUp(
                question,
                last_values.get(question),
                value,
                reported.get(question),
                reached(last_values.get(question), value, reported.get(question)),
            )
            for question, value in changes.items()
        )
        scores = tuple(
            ScoreChange(
                framework,
                round(planned_now[framework] - planned_prev[framework], 2),
                round(achieved_now[framework] - achieved_prev[framework], 2),
            )
            for framework in before
        )
        status = next(a.status for a in actions if a.code == code)
        rows[code] = ActionFollowUp(code, status, values, scores)
        planned_prev, achieved_prev = planned_now, achieved_now
    ordered = sorted(actions, key=lambda a: a.position)
    result = tuple(rows.get(a.code) or ActionFollowUp(a.code, a.status, (), ()) for a in ordered)
    frameworks = tuple(
        FrameworkFollowUp(
            framework,
            round(before[framework], 2),
            round(planned_prev[framework], 2),
            round(achieved_prev[framework], 2),
        )
        for framework in before
    )
    return FollowThrough(result, frameworks)
