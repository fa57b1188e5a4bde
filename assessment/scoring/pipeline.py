"""Steps shared by every scoring method: prepare the answers, walk the indicator tree with
renormalised weights, rate the leaves, check prerequisites, list what is missing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from questionnaires.logic import effective_answers, is_answered, is_applicable, is_asked, resolve_answers

from .compiled import CompiledDefinition, Dimension, Indicator
from .rules import Context, Rating, rate
from .types import DimensionResult, EnterpriseFacts, IndicatorResult, ScoringInputError
from .validation import problems_in

Calculator = Mapping[str, Any] | Callable[[Mapping[str, Any]], Mapping[str, Any]]
_NOT_ASKED_TYPES = ("file", "computed")


@dataclass
class Leaf:
    indicator: Indicator
    share: float  # share of its dimension after renormalisation over applicable siblings (0..1)
    applicable: bool


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
        code
        for code, question in compiled.questions.items()
        if question.get("condition") and not is_asked(question, current)
    )
    return Context(
        compiled=compiled,
        answers=current,
        industry=enterprise.industry if enterprise else None,
        products=_products(compiled, current),
        hidden=hidden,
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


def _applicable(indicator: Indicator, ctx: Context, enterprise: EnterpriseFacts | None) -> bool:
    if not is_applicable(
        indicator.applies,
        ctx.answers,
        industry=enterprise.industry if enterprise else None,
        size_class=enterprise.size_class if enterprise else None,
    ):
        return False
    if indicator.children:
        return any(_applicable(child, ctx, enterprise) for child in indicator.children)
    # An indicator whose every question is not asked is not scored.
    return not indicator.questions or any(code not in ctx.hidden for code in indicator.questions)


def _walk(
    indicators: list[Indicator],
    share: float,
    ctx: Context,
    enterprise: EnterpriseFacts | None,
    parent_applicable: bool,
    out: list[Leaf],
) -> None:
    flags = [parent_applicable and _applicable(indicator, ctx, enterprise) for indicator in indicators]
    total = sum(indicator.weight for indicator, flag in zip(indicators, flags, strict=True) if flag)
    for indicator, flag in zip(indicators, flags, strict=True):
        # Not-applicable indicators leave; the others are scaled so the parent keeps its weight.
        child_share = share * indicator.weight / total if flag and total > 0 else 0.0
        if indicator.children:
            _walk(indicator.children, child_share, ctx, enterprise, flag, out)
        else:
            out.append(Leaf(indicator=indicator, share=child_share, applicable=flag))


def dimension_leaves(
    dimension: Dimension, ctx: Context, enterprise: EnterpriseFacts | None
) -> tuple[bool, list[Leaf]]:
    """Whether the dimension applies, and its leaves with their renormalised shares."""
    applies = is_applicable(
        dimension.applies,
        ctx.answers,
        industry=enterprise.industry if enterprise else None,
        size_class=enterprise.size_class if enterprise else None,
    )
    leaves: list[Leaf] = []
    _walk(dimension.indicators, 1.0, ctx, enterprise, applies, leaves)
    return applies and any(leaf.applicable for leaf in leaves), leaves


def indicator_result(rated: Rated, earned: float) -> IndicatorResult:
    indicator = rated.leaf.indicator
    rating = rated.rating
    if rating is None:
        return IndicatorResult(
            code=indicator.code,
            title=indicator.title,
            dimension=indicator.dimension,
            parent=indicator.parent,
            questions=list(indicator.questions),
            answer=None,
            rule={"zh": "不适用于本企业", "en": "Does not apply to this enterprise"},
            earned=0.0,
            available=0.0,
            status="not_applicable",
            limiting=indicator.limiting,
        )
    return IndicatorResult(
        code=indicator.code,
        title=indicator.title,
        dimension=indicator.dimension,
        parent=indicator.parent,
        questions=list(indicator.questions),
        answer=rating.answer,
        rule=rating.rule,
        earned=earned,
        available=rated.available,
        status=rating.status,
        gap=rating.gap,
        limiting=indicator.limiting,
        cp_level=rating.cp_level,
    )


def score_points(
    compiled: CompiledDefinition, ctx: Context, enterprise: EnterpriseFacts | None
) -> tuple[float, list[DimensionResult], list[IndicatorResult], list[Rated]]:
    """Points methods: each leaf earns its rating's share of its available points.

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
                rating=rate(leaf.indicator, available, ctx) if applies and leaf.applicable else None,
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
    return min(max(total, 0.0), 100.0), dimensions, indicators, all_rated


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
            failed.append({"code": prerequisite["code"], "question": code, "title": title})
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
            and question.get("type") not in _NOT_ASKED_TYPES
            and code not in ctx.hidden
            and not is_answered(ctx.answers.get(code))
        ):
            needed.add(code)
    return [code for code in compiled.questions if code in needed]
