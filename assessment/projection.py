"""The projected outcome of an improvement plan: the chosen actions applied one after another.

Pure functions over plain data (no ORM). The sequence rule (docs/plan.md):

- Only actions still to count are applied: status planned, in progress or done; dropped ones are left out
  (`active_codes`). They are applied in the plan's order, which the members arrange (the page can put
  it in the order of the target quarters: `quarter_order`).
- Answers: each action's effects are evaluated on the answers the previous actions left
  (`recommendations.target_value`), so a target already reached by an earlier action adds nothing and
  two relative reductions of one figure compound (5 % then 3 % is 1 − 0.95 × 0.97, never 8 %). The
  resulting answers are scored once by the scoring engine: the projected score and level per framework.
- Money and CO₂: the economics engine's `combine` estimates each action on the energy and water the
  previous ones left, so two actions never save the same kilowatt-hour twice; the totals are the sums of
  the steps' (low, central, high) figures. The abatement curve of the chosen set is `mac_curve`'s.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from assessment.actions import Catalog, load_catalog
from assessment.economics.engine import ActionEconomics, Baseline, MacPoint, Span, combine, mac_curve
from assessment.economics.model import EconomicsModel, load_economics
from assessment.energy import calculator_outputs, energy_balance, energy_inputs_from_answers
from assessment.exceptions import DomainError
from assessment.recommendations import current_values, questions_by_code, target_value
from assessment.scoring import EnterpriseFacts, level_rank, simulate
from assessment.scoring.types import AssessmentResult

# Statuses of a plan action that count in the projection (the model's choices, without "dropped").
COUNTED_STATUSES = ("planned", "in_progress", "done")


@dataclass(frozen=True)
class PlannedAction:
    """One action of a plan as the sequence rule needs it (plain data: the model row, or a test's)."""

    code: str
    status: str = "planned"
    quarter: str = ""  # "2027Q2"; blank: not scheduled
    position: int = 0
    owner: str = ""
    note: str = ""


def active_codes(actions: Iterable[PlannedAction]) -> list[str]:
    """The codes to apply, in the plan's order, dropped actions left out."""
    counted = [action for action in actions if action.status in COUNTED_STATUSES]
    counted.sort(key=lambda a: a.position)
    return [action.code for action in counted]


def quarter_of(day: dt.date) -> str:
    """The quarter a day falls in, as "2026Q4"."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def quarters_from(first: str, count: int) -> list[str]:
    """`count` consecutive quarters starting with `first` ("2026Q4", "2027Q1", …)."""
    start = int(first[:4]) * 4 + int(first[5]) - 1
    return [f"{index // 4}Q{index % 4 + 1}" for index in range(start, start + count)]


def quarter_order(actions: Iterable[PlannedAction]) -> list[str]:
    """Every code of the plan ordered by target quarter (earliest first, unscheduled last), the plan's
    order kept within a quarter."""
    ordered = sorted(actions, key=lambda a: (a.quarter == "", a.quarter, a.position))
    return [action.code for action in ordered]


@dataclass(frozen=True)
class FrameworkProjection:
    framework: str
    score_before: float
    score_after: float
    level_before: dict[str, Any] | None
    level_after: dict[str, Any] | None
    level_up: bool

    @property
    def delta(self) -> float:
        return round(self.score_after - self.score_before, 2)


@dataclass(frozen=True)
class ProjectedStep:
    code: str
    changes: dict[str, Any]  # the answers this action changes, given the actions before it
    economics: ActionEconomics  # its figures on what the actions before it left (central pass)


@dataclass(frozen=True)
class PlanProjection:
    codes: tuple[str, ...]  # the sequence applied
    steps: tuple[ProjectedStep, ...]
    changes: dict[str, Any]  # every answer the plan changes, with its projected value
    before: AssessmentResult
    after: AssessmentResult
    frameworks: tuple[FrameworkProjection, ...]
    investment_wan: Span
    annual_saving_wan: Span
    energy_saved_tce: Span
    co2_avoided_t: Span
    saved: dict[str, Span]  # carrier → quantity saved by the whole plan
    mac: tuple[MacPoint, ...]

    @property
    def quantified(self) -> list[str]:
        """The codes of the actions whose money figures could be estimated."""
        return [step.code for step in self.steps if step.economics.estimated]

    def framework(self, slug: str) -> FrameworkProjection | None:
        return next((item for item in self.frameworks if item.framework == slug), None)


def check_codes(codes: Sequence[str], catalog: Catalog) -> None:
    """Refuse a code the catalog does not know, or an action chosen twice (DomainError)."""
    known = {action.code for action in catalog.actions}
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise DomainError(_("措施目录中没有这项措施，无法加入计划。"), code="unknown_action")
    if len(set(codes)) != len(codes):
        raise DomainError(_("这项措施已在计划中。"), code="duplicate_action")


def sequence_reads(codes: Iterable[str], catalog: Catalog) -> set[str]:
    """The questions whose answers `sequence_changes` reads for these actions: their effects' questions
    (each effect reads only its own question's current answer)."""
    return {effect.question for code in codes for effect in catalog.get(code).effects}


def sequence_changes(
    *,
    codes: Sequence[str],
    values: Mapping[str, Any],
    questions: Mapping[str, Mapping[str, Any]],
    catalog: Catalog,
) -> list[tuple[str, dict[str, Any]]]:
    """(code, the answers it changes) for each action in turn, on what the previous ones left."""
    state = dict(values)
    steps = []
    for code in codes:
        changes: dict[str, Any] = {}
        for effect in catalog.get(code).effects:
            question = questions.get(effect.question)
            if question is None:
                continue  # a question of a framework this assessment does not use
            met, target = target_value(effect, state.get(effect.question), question)
            if not met:
                changes[effect.question] = target
        state.update(changes)
        steps.append((code, changes))
    return steps


def project_plan(
    *,
    definitions: list[dict[str, Any]],
    answers: Mapping[str, Any],
    enterprise: EnterpriseFacts,
    factors: Mapping[str, Any],
    prices: Mapping[str, Any],
    codes: Sequence[str],
    catalog: Catalog | None = None,
    economics: EconomicsModel | None = None,
    before: AssessmentResult | None = None,
    calculator: Mapping[str, Any] | None = None,
) -> PlanProjection:
    """The projected scores, levels and combined figures of these answers once `codes` are done, in order.

    `answers` are the stored answers; `calculator` the energy calculator's outputs (computed from the
    answers when not given); `before` the result of the unchanged answers, when already scored.
    Unknown or repeated codes are refused (DomainError)."""
    catalog = catalog or load_catalog()
    economics = economics or load_economics()
    codes = list(codes)
    check_codes(codes, catalog)
    questions = questions_by_code(definitions)
    answers = {code: value for code, value in answers.items() if code in questions}
    balance = energy_balance(inputs=energy_inputs_from_answers(answers), factors=factors)
    if calculator is None:
        calculator = calculator_outputs(balance)
    if before is None:
        before = simulate(
            definitions=definitions, answers=answers, changes={}, enterprise=enterprise, calculator=calculator
        ).before
    step_changes = sequence_changes(
        codes=codes, values=current_values(answers, before), questions=questions, catalog=catalog
    )
    changes: dict[str, Any] = {}
    for _code, step in step_changes:
        changes.update(step)
    after = simulate(
        definitions=definitions,
        answers=answers,
        changes=changes,
        enterprise=enterprise,
        calculator=calculator,
        baseline=before,
    ).after
    frameworks = []
    for old in before.frameworks:
        new = after.framework(old.framework)
        if new is None:
            continue
        frameworks.append(
            FrameworkProjection(
                old.framework, old.score, new.score, old.level, new.level, level_rank(new) > level_rank(old)
            )
        )

    baseline = Baseline.from_answers(
        answers,
        factors=factors,
        prices=prices,
        size_class=enterprise.size_class,
        grid_factor_key=balance.grid_factor_key,
    )
    models = [economics.model(code) for code in codes]
    combined = combine(models, baseline, economics=economics, codes=codes)
    curve = mac_curve(
        [model for model, step in zip(models, combined.steps, strict=True) if step.economics.estimated],
        baseline,
        economics=economics,
    )
    return PlanProjection(
        codes=tuple(codes),
        steps=tuple(
            ProjectedStep(code, step_change, step.economics)
            for (code, step_change), step in zip(step_changes, combined.steps, strict=True)
        ),
        changes=changes,
        before=before,
        after=after,
        frameworks=tuple(frameworks),
        investment_wan=combined.total("investment_wan"),
        annual_saving_wan=combined.total("annual_saving_wan"),
        energy_saved_tce=combined.total("energy_saved_tce"),
        co2_avoided_t=combined.total("co2_avoided_t"),
        saved=combined.saved,
        mac=tuple(curve),
    )
