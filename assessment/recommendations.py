"""Recommended actions for one set of answers: which catalog actions apply, what each would gain, in what order.

Pure functions over plain data (definitions as dicts, answers as a dict, the scoring engine's results);
no ORM, no request. For every applicable action (its target not yet met) the scoring engine's what-if
(`assessment.scoring.simulate`) gives the score gain per framework; actions are ranked with veto
failures first, then limiting indicators (清洁生产限定性指标), then gain per effort (gain divided by
the effort-class weight of the catalog), and grouped into a roadmap by horizon.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from assessment.actions import Action, Catalog, Effect, load_catalog
from assessment.scoring import EnterpriseFacts, level_rank, simulate
from assessment.scoring.types import AssessmentResult, FrameworkResult
from questionnaires.text import Text

_LEVEL_ORDER = {"I": 3, "II": 2, "III": 1, "none": 0}


@dataclass(frozen=True)
class Trigger:
    """Why an action was recommended: the current answer of a question and the answer it brings."""

    question: str
    text: Text
    current: Any
    target: Any
    provisional: bool = False
    basis: Text | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "text": self.text,
            "current": self.current,
            "target": self.target,
            "provisional": self.provisional,
            "basis": self.basis,
        }


@dataclass(frozen=True)
class FrameworkGain:
    framework: str
    title: Text
    before: float
    after: float
    level_before: dict[str, Any] | None
    level_after: dict[str, Any] | None
    dimensions: tuple[tuple[str, Text, float], ...]  # (code, title, score delta) for dimensions that change
    level_up: bool = False

    @property
    def delta(self) -> float:
        return round(self.after - self.before, 2)

    @property
    def level_changed(self) -> bool:
        return (self.level_before or {}).get("code") != (self.level_after or {}).get("code")

    def to_dict(self) -> dict[str, Any]:
        return {
            "framework": self.framework,
            "title": self.title,
            "before": round(self.before, 2),
            "after": round(self.after, 2),
            "delta": self.delta,
            "level_before": self.level_before,
            "level_after": self.level_after,
            "level_up": self.level_up,
            "dimensions": [{"code": c, "title": t, "delta": d} for c, t, d in self.dimensions],
        }


@dataclass(frozen=True)
class Recommendation:
    action: Action
    gains: tuple[FrameworkGain, ...]
    fixes_veto: tuple[dict[str, Any], ...]  # prerequisites that pass after the action: {code, title}
    lifts_limiting: tuple[
        dict[str, Any], ...
    ]  # limiting indicators that improve: {code, title, before, after}
    triggers: tuple[Trigger, ...]
    changes: dict[str, Any]
    effort_weight: float

    @property
    def total_gain(self) -> float:
        return round(sum(gain.delta for gain in self.gains), 2)

    @property
    def priority(self) -> float:
        """Gain per effort: total score points gained divided by the effort-class weight."""
        return round(self.total_gain / self.effort_weight, 4)

    @property
    def level_up(self) -> bool:
        return any(gain.level_up for gain in self.gains)

    def sort_key(self) -> tuple[Any, ...]:
        return (
            not self.fixes_veto,
            not self.lifts_limiting,
            -self.priority,
            -self.total_gain,
            not self.level_up,
            self.action.code,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "action": self.action.code,
            "title": self.action.title,
            "effort": self.action.effort,
            "horizon": self.action.horizon,
            "total_gain": self.total_gain,
            "priority": self.priority,
            "gains": [gain.to_dict() for gain in self.gains if gain.delta or gain.level_changed],
            "level_up": self.level_up,
            "fixes_veto": list(self.fixes_veto),
            "lifts_limiting": list(self.lifts_limiting),
            "why": [trigger.to_dict() for trigger in self.triggers],
            "changes": self.changes,
        }


@dataclass
class Recommendations:
    items: list[Recommendation]
    catalog_version: str
    catalog_hash: str
    horizons: dict[str, dict[str, Any]] = field(default_factory=dict)

    def top(self, count: int = 5) -> list[Recommendation]:
        return self.items[:count]

    def roadmap(self) -> dict[str, list[Recommendation]]:
        """近期 / 中期 / 远期: the ranked items grouped by horizon (ranking kept within each group)."""
        groups: dict[str, list[Recommendation]] = {"short": [], "medium": [], "long": []}
        for item in self.items:
            groups[item.action.horizon].append(item)
        return groups

    def to_dict(self) -> dict[str, Any]:
        return {
            "catalog": {"version": self.catalog_version, "hash": self.catalog_hash},
            "items": [item.to_dict() for item in self.items],
            "roadmap": {key: [item.action.code for item in group] for key, group in self.roadmap().items()},
        }


def questions_by_code(definitions: Iterable[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    found: dict[str, Mapping[str, Any]] = {}
    for definition in definitions:
        for question in definition.get("questions", []):
            found.setdefault(question["code"], question)
    return found


def current_values(answers: Mapping[str, Any], before: AssessmentResult) -> dict[str, Any]:
    """The answers plus the values scoring used for single-question indicators (computed calc.* values)."""
    values = dict(answers)
    for result in before.frameworks:
        for indicator in result.indicators:
            if len(indicator.questions) == 1 and indicator.answer is not None:
                values.setdefault(indicator.questions[0], indicator.answer)
    return values


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def target_value(effect: Effect, current: Any, question: Mapping[str, Any] | None) -> tuple[bool, Any]:
    """(already met, the answer the effect brings) for one effect given the current answer.

    A relative effect (reduce_by, increase_by) needs a current number: without one it counts as met
    (nothing to simulate) and the missing answer is reported by the completeness check instead.
    """
    number = _number(current)
    if effect.form == "value" and (question or {}).get("per_product"):
        return _per_product_target(effect.target, current, question or {})
    if effect.form == "value":
        return current == effect.target, effect.target
    if effect.form == "at_least":
        return number is not None and number >= effect.target, effect.target
    if effect.form == "at_most":
        return number is not None and number <= effect.target, effect.target
    if effect.form == "reduce_by":
        if number is None or number <= 0:
            return True, current
        return False, round(number * (1 - effect.target / 100), 6)
    if effect.form == "increase_by":
        if number is None:
            return True, current
        limit = effect.cap if effect.cap is not None else (question or {}).get("max")
        new = number + effect.target
        if limit is not None:
            new = min(new, float(limit))
        return new <= number, new
    # include: add options to a multiple-choice answer; an exclusive option ("none") is dropped.
    exclusive = {o["code"] for o in (question or {}).get("options", []) if o.get("exclusive")}
    chosen = [c for c in (current if isinstance(current, list) else []) if c not in exclusive]
    if set(effect.target) <= set(chosen):
        return True, current
    order = [o["code"] for o in (question or {}).get("options", [])]
    merged = set(chosen) | set(effect.target)
    return False, sorted(merged, key=lambda c: order.index(c) if c in order else len(order))


def _option_rank(question: Mapping[str, Any], code: Any) -> float:
    """How good an option is: its clean-production level, else its points (unknown: worst)."""
    option = next((o for o in question.get("options", []) if o.get("code") == code), None)
    if option is None:
        return -1
    if "cp_level" in option:
        return _LEVEL_ORDER.get(option["cp_level"], 0)
    return float(option.get("points", 0))


def _per_product_target(target: Any, current: Any, question: Mapping[str, Any]) -> tuple[bool, Any]:
    """A per-product answer ({product: value}): raise every product below the target to it."""
    if not isinstance(current, Mapping) or not current:
        return True, current
    wanted = _option_rank(question, target)
    improved = {
        name: (target if _option_rank(question, value) < wanted else value) for name, value in current.items()
    }
    return improved == dict(current), improved


def _gains(
    before: AssessmentResult, after: AssessmentResult, titles: Mapping[str, Text]
) -> tuple[FrameworkGain, ...]:
    gains = []
    for old in before.frameworks:
        new = after.framework(old.framework)
        if new is None:
            continue
        dims = []
        for dimension in old.dimensions:
            changed = new.dimension(dimension.code)
            if changed is not None and round(changed.score - dimension.score, 2):
                dims.append((dimension.code, dimension.title, round(changed.score - dimension.score, 2)))
        title = titles.get(old.framework) or {"zh": old.framework, "en": old.framework}
        gains.append(
            FrameworkGain(
                old.framework,
                title,
                old.score,
                new.score,
                old.level,
                new.level,
                tuple(dims),
                level_rank(new) > level_rank(old),
            )
        )
    return tuple(gains)


def _veto_fixed(old: FrameworkResult, new: FrameworkResult) -> list[dict[str, Any]]:
    still = {item["code"] for item in new.veto.get("failed", [])}
    return [item for item in old.veto.get("failed", []) if item["code"] not in still]


def _limiting_lifted(old: FrameworkResult, new: FrameworkResult) -> list[dict[str, Any]]:
    lifted = []
    after = {indicator.code: indicator for indicator in new.indicators}
    for indicator in old.indicators:
        if not indicator.limiting or indicator.code not in after:
            continue
        changed = after[indicator.code]
        better_level = _LEVEL_ORDER.get(changed.cp_level or "none", 0) > _LEVEL_ORDER.get(
            indicator.cp_level or "none", 0
        )
        if better_level or changed.earned > indicator.earned + 1e-9:
            lifted.append(
                {
                    "code": indicator.code,
                    "title": indicator.title,
                    "framework": old.framework,
                    "before": indicator.cp_level,
                    "after": changed.cp_level,
                }
            )
    return lifted


def recommend(
    *,
    definitions: list[dict[str, Any]],
    answers: Mapping[str, Any],
    enterprise: EnterpriseFacts | None = None,
    catalog: Catalog | None = None,
    before: AssessmentResult | None = None,
    calculator: Mapping[str, Any] | None = None,
) -> Recommendations:
    """Every applicable action of the catalog with its simulated gains, ranked.

    `answers` are the stored answers (score_answers format); `calculator` the energy calculator's
    outputs for computed questions, passed on to scoring. Actions whose simulated change improves
    nothing (no score gain, no veto passed, no limiting indicator lifted) are left out.
    """
    catalog = catalog or load_catalog()
    facts = enterprise or EnterpriseFacts()
    questions = questions_by_code(definitions)
    # Answers to questions of frameworks not in this assessment are not scored here.
    answers = {code: value for code, value in answers.items() if code in questions}
    titles = {
        d["framework"]: d.get("title", {}) for d in definitions if d.get("kind", "framework") == "framework"
    }
    if before is None:
        before = simulate(
            definitions=definitions,
            answers=dict(answers),
            changes={},
            enterprise=facts,
            calculator=calculator,
        ).before
    values = current_values(answers, before)

    items: list[Recommendation] = []
    for action in catalog.actions:
        if not action.applies_to(industry=facts.industry, size_class=facts.size_class):
            continue
        changes: dict[str, Any] = {}
        triggers: list[Trigger] = []
        for effect in action.effects:
            question = questions.get(effect.question)
            if question is None:
                continue
            current = values.get(effect.question)
            met, target = target_value(effect, current, question)
            if met:
                continue
            changes[effect.question] = target
            triggers.append(
                Trigger(
                    effect.question,
                    question.get("text", {}),
                    current,
                    target,
                    effect.provisional,
                    effect.basis,
                )
            )
        if not changes:
            continue
        simulation = simulate(
            definitions=definitions,
            answers=dict(answers),
            changes=changes,
            enterprise=facts,
            calculator=calculator,
            baseline=before,
        )
        after = simulation.after
        gains = _gains(before, after, titles)
        fixes: list[dict[str, Any]] = []
        lifts: list[dict[str, Any]] = []
        for old in before.frameworks:
            new = after.framework(old.framework)
            if new is not None:
                fixes += [{**item, "framework": old.framework} for item in _veto_fixed(old, new)]
                lifts += _limiting_lifted(old, new)
        item = Recommendation(
            action,
            gains,
            tuple(fixes),
            tuple(lifts),
            tuple(triggers),
            changes,
            catalog.effort_weight(action.effort),
        )
        if item.total_gain > 0 or fixes or lifts or item.level_up:
            items.append(item)
    items.sort(key=Recommendation.sort_key)
    return Recommendations(items, catalog.version, catalog.content_hash, dict(catalog.horizons))
