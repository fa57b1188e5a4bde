"""Steps shared by every scoring method: prepare the answers, walk the indicator tree with
renormalised weights, rate the leaves, check prerequisites, list what is missing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from questionnaires.logic import (
    condition_references,
    effective_answers,
    is_answered,
    is_applicable,
    is_asked,
    resolve_answers,
)
from questionnaires.question_types import takes_value

from .compiled import CompiledDefinition, Dimension, Indicator
from .rules import Context, Rating, rate
from .types import DimensionResult, EnterpriseFacts, FrameworkResult, IndicatorResult, ScoringInputError
from .validation import problems_in

Calculator = Mapping[str, Any] | Callable[[Mapping[str, Any]], Mapping[str, Any]]


@dataclass
class Leaf:
    indicator: Indicator
    share: float  # share of its dimension after renormalisation over applicable siblings (0..1)
    applicable: bool
    # Applicability cannot be decided yet: questions a condition reads are unanswered. The leaf keeps
    # its weight and counts as missing (never as not applicable, which would inflate its siblings).
    undecided: tuple[str, ...] = ()


@dataclass
class Rated:
    leaf: Leaf
    available: float
    rating: Rating | None  # None when not applicable


def prepare(
    compiled: CompiledDefinition,
    answers: Mapping[str, Any],
    enterprise: EnterpriseFacts | None,
    calculator: Calculator | None,
    *,
    validate: bool = True,
) -> Context:
    """Validate the framework's answers, drop those of questions not asked, fill computed questions."""
    own = {code: value for code, value in answers.items() if code in compiled.questions}
    problems = problems_in(compiled, own, allow_unknown=True) if validate else []
    if problems:
        raise ScoringInputError(f"invalid answers for {compiled.framework}@{compiled.version}", problems)
    current = effective_answers(compiled.definition, own) if compiled.has_conditions else own
    if compiled.computed:
        outputs = calculator(answers) if callable(calculator) else calculator
        current = resolve_answers(compiled.definition, current, calculator=outputs, order=compiled.computed)
        if compiled.has_conditional_computed:
            current = effective_answers(compiled.definition, current)
    hidden = frozenset(
        question["code"] for question in compiled.conditional if not is_asked(question, current)
    )
    undecided = {}
    for code in hidden:
        refs = _unanswered(compiled.questions[code]["condition"], current, hidden)
        if refs:
            undecided[code] = refs
    return Context(
        compiled=compiled,
        answers=current,
        industry=enterprise.industry if enterprise else None,
        products=_products(compiled, current),
        hidden=hidden,
        undecided=undecided,
    )


def _unanswered(
    condition: Mapping[str, Any], answers: Mapping[str, Any], hidden: frozenset[str]
) -> tuple[str, ...]:
    """Questions a condition reads that are asked but unanswered (so the condition is not decided)."""
    return tuple(
        sorted(
            code
            for code in condition_references(condition)
            if code not in hidden and not is_answered(answers.get(code))
        )
    )


def _products(compiled: CompiledDefinition, answers: Mapping[str, Any]) -> list[tuple[str, float]] | None:
    code = compiled.settings.get("products_question")
    products = answers.get(code) if code else None
    if not isinstance(products, list) or not products:
        return None
    total = sum(float(item["share"]) for item in products)
    if total <= 0:
        return None
    return [(str(item["name"]), float(item["share"]) / total) for item in products]


def _decide(
    applies: Mapping[str, Any] | None, ctx: Context, enterprise: EnterpriseFacts | None
) -> tuple[bool, tuple[str, ...]]:
    """(applies, undecided questions): a `when` that is false only for want of answers is undecided."""
    industry = enterprise.industry if enterprise else None
    size_class = enterprise.size_class if enterprise else None
    if is_applicable(applies, ctx.answers, industry=industry, size_class=size_class):
        return True, ()
    when = (applies or {}).get("when")
    if when and is_applicable(
        {**(applies or {}), "when": None}, ctx.answers, industry=industry, size_class=size_class
    ):
        refs = _unanswered(when, ctx.answers, ctx.hidden)
        if refs:
            return True, refs
    return False, ()


def _applicable(
    indicator: Indicator, ctx: Context, enterprise: EnterpriseFacts | None
) -> tuple[bool, tuple[str, ...]]:
    applies, undecided = _decide(indicator.applies, ctx, enterprise)
    if not applies:
        return False, ()
    if indicator.children:
        children = [_applicable(child, ctx, enterprise) for child in indicator.children]
        if not any(flag for flag, _ in children):
            return False, ()
        if all(refs for flag, refs in children if flag):
            # Only undecided alternatives: the parent is undecided on their questions.
            undecided = tuple(sorted(set(undecided).union(*(refs for flag, refs in children if flag))))
        return True, undecided
    # An indicator whose every question is not asked is not scored, unless that is undecided too.
    if indicator.questions and all(code in ctx.hidden for code in indicator.questions):
        refs = sorted({ref for code in indicator.questions for ref in ctx.undecided.get(code, ())})
        if not refs:
            return False, ()
        undecided = tuple(sorted(set(undecided) | set(refs)))
    return True, undecided


def _walk(
    indicators: list[Indicator],
    share: float,
    ctx: Context,
    enterprise: EnterpriseFacts | None,
    parent: tuple[bool, tuple[str, ...]],
    out: list[Leaf],
) -> None:
    decisions = [
        _applicable(indicator, ctx, enterprise) if parent[0] else (False, ()) for indicator in indicators
    ]
    total = sum(indicator.weight for indicator, (flag, _) in zip(indicators, decisions, strict=True) if flag)
    for indicator, (flag, refs) in zip(indicators, decisions, strict=True):
        # Not-applicable indicators leave; the others are scaled so the parent keeps its weight.
        child_share = share * indicator.weight / total if flag and total > 0 else 0.0
        undecided = tuple(sorted(set(parent[1]) | set(refs))) if flag else ()
        if indicator.children:
            _walk(indicator.children, child_share, ctx, enterprise, (flag, undecided), out)
        else:
            out.append(Leaf(indicator=indicator, share=child_share, applicable=flag, undecided=undecided))


def dimension_leaves(
    dimension: Dimension, ctx: Context, enterprise: EnterpriseFacts | None
) -> tuple[bool, list[Leaf]]:
    """Whether the dimension applies, and its leaves with their renormalised shares."""
    decision = _decide(dimension.applies, ctx, enterprise)
    leaves: list[Leaf] = []
    _walk(dimension.indicators, 1.0, ctx, enterprise, decision, leaves)
    return decision[0] and any(leaf.applicable for leaf in leaves), leaves


def rate_leaf(leaf: Leaf, available: float, ctx: Context) -> Rating:
    """Rate an applicable leaf; an undecided one earns nothing and lists the questions it waits for."""
    rating = rate(leaf.indicator, available, ctx)
    if leaf.undecided:
        rating.status = "missing"
        rating.fraction = 0.0
        rating.membership = (0.0, 0.0, 0.0)
        rating.cp_level = None
        rating.gap = None
        rating.answer = None
        # Its own questions are not asked yet; what is missing is the answer that decides.
        rating.missing = sorted(
            {code for code in rating.missing if code not in ctx.hidden} | set(leaf.undecided)
        )
    return rating


def indicator_result(rated: Rated, earned: float) -> IndicatorResult:
    """A rated leaf as listed in the result; a leaf without a rating does not apply and earns nothing."""
    indicator = rated.leaf.indicator
    applicable = rated.rating is not None
    rating = rated.rating or Rating(
        status="not_applicable", rule={"zh": "不适用于本企业", "en": "Does not apply to this enterprise"}
    )
    return IndicatorResult(
        code=indicator.code,
        title=indicator.title,
        dimension=indicator.dimension,
        parent=indicator.parent,
        questions=list(indicator.questions),
        answer=rating.answer,
        rule=rating.rule,
        earned=earned if applicable else 0.0,
        available=rated.available if applicable else 0.0,
        status=rating.status,
        gap=rating.gap,
        limiting=indicator.limiting,
        cp_level=rating.cp_level,
    )


def score_points(compiled: CompiledDefinition, ctx: Context, enterprise: EnterpriseFacts | None) -> Scored:
    """Points methods: each leaf earns its rating's share of its available points; the veto items checked.

    available = indicator share of the dimension (renormalised over applicable indicators) × dimension
    weight; a dimension that does not apply at all leaves the total, which is rescaled to 100.
    """
    dimensions: list[DimensionResult] = []
    indicators: list[IndicatorResult] = []
    all_rated: list[Rated] = []
    earned_total = max_total = 0.0
    for dimension in compiled.dimensions:
        applies, leaves = dimension_leaves(dimension, ctx, enterprise)
        score = 0.0
        for leaf in leaves:
            available = leaf.share * dimension.weight if applies else 0.0
            rated = Rated(
                leaf=leaf,
                available=available,
                rating=rate_leaf(leaf, available, ctx) if applies and leaf.applicable else None,
            )
            earned = available * rated.rating.fraction if rated.rating else 0.0
            score += earned
            indicators.append(indicator_result(rated, earned))
            all_rated.append(rated)
        maximum = dimension.weight if applies else 0.0
        dimensions.append(
            DimensionResult(
                code=dimension.code,
                title=dimension.title,
                score=score,
                max=maximum,
                status="scored" if applies else "not_applicable",
            )
        )
        earned_total += score
        max_total += maximum
    total = 100 * earned_total / max_total if max_total > 0 else 0.0
    return Scored(min(max(total, 0.0), 100.0), dimensions, indicators, all_rated, check_veto(compiled, ctx))


def check_veto(compiled: CompiledDefinition, ctx: Context) -> dict[str, Any]:
    """Prerequisites (veto items): a yes passes, a no fails; unanswered ones are listed and do not pass."""
    failed, unanswered = [], []
    for prerequisite in compiled.prerequisites:
        code = prerequisite["question"]
        if code in ctx.hidden:
            continue
        value = ctx.answers.get(code)
        title = (
            prerequisite.get("title")
            or (compiled.questions.get(code, {}).get("text"))
            or {"zh": code, "en": code}
        )
        if value is False:
            failed.append({"code": prerequisite["code"], "question": code, "title": dict(title)})
        elif value is not True:
            unanswered.append(code)
    return {"passed": not failed and not unanswered, "failed": failed, "unanswered": unanswered}


def missing_questions(
    compiled: CompiledDefinition,
    ctx: Context,
    rated: list[Rated],
    veto: Mapping[str, Any],
    extra: list[str] | None = None,
) -> list[str]:
    """Required questions that are asked and unanswered, plus every unanswered input of the score."""
    needed = set(veto.get("unanswered", [])) | set(extra or [])
    for item in rated:
        if item.rating is not None:
            needed.update(item.rating.missing)
    for code, question in compiled.questions.items():
        if (
            question.get("required")
            and takes_value(question)
            and code not in ctx.hidden
            and not is_answered(ctx.answers.get(code))
        ):
            needed.add(code)
    return [code for code in compiled.questions if code in needed]


@dataclass
class Scored:
    """The shared part of a method's result: the 0–100 score, dimensions, indicators, the rated leaves and
    the veto items' check."""

    score: float
    dimensions: list[DimensionResult]
    indicators: list[IndicatorResult]
    rated: list[Rated]
    veto: dict[str, Any]


def framework_result(
    compiled: CompiledDefinition,
    ctx: Context,
    scored: Scored,
    *,
    level: dict[str, Any] | None,
    details: dict[str, Any],
) -> FrameworkResult:
    """A method's result: the shared part with its level and details, the framework's identity and what is
    missing."""
    return FrameworkResult(
        framework=compiled.framework,
        version=compiled.version,
        method=compiled.method,
        score=scored.score,
        level=level,
        veto=scored.veto,
        dimensions=scored.dimensions,
        indicators=scored.indicators,
        missing=missing_questions(compiled, ctx, scored.rated, scored.veto),
        details=details,
        provisional=compiled.provisional,
    )
