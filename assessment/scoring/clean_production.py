"""Clean production (清洁生产评价指标体系): cumulative membership, Y_Ⅰ/Y_Ⅱ/Y_Ⅲ, limiting indicators.

Source: docs/provenance.md §3 and docs/provenance.md §3.3 (formulas "5-1" to "5-3" and "表4" as implemented by
third-party code [C]; the official 通则 wording is unconfirmed, so the default level rule is provisional):

    Y_gk(x_ij) = 100 if indicator j of category i meets level g_k else 0   (cumulative: Ⅰ ⇒ Ⅱ ⇒ Ⅲ)
    Y_gk = Σ_i w_i · Σ_j ω_ij · Y_gk(x_ij)      ω renormalised over applicable indicators
    Ⅰ: Y_Ⅰ ≥ 85 and every limiting indicator at Ⅰ; Ⅱ: Y_Ⅱ ≥ 85 and every limiting indicator at ≥ Ⅱ;
    Ⅲ: Y_Ⅲ = 100; otherwise below Ⅲ.

Multi-product plants: a per-product indicator's membership is the output-share weighted membership of
its products; its level (for the limiting rule) is that of its worst product. The framework's 0–100
score for the combined profile is the tool's summary (Y_Ⅰ + Y_Ⅱ + Y_Ⅲ) / 3 (not from the standard).
"""

from __future__ import annotations

from typing import Any

from questionnaires.frameworks import CLEAN_PRODUCTION_LABELS
from questionnaires.rule_types import rule_type

from .compiled import CompiledDefinition
from .pipeline import (
    Rated,
    Scored,
    check_veto,
    dimension_leaves,
    framework_result,
    indicator_result,
    rate_leaf,
)
from .rules import CP_LEVELS, MEMBERSHIP, Context
from .types import DimensionResult, EnterpriseFacts, FrameworkResult

DEFAULT_LEVEL_RULE: dict[str, Any] = {
    "I": {"min_y": 85},
    "II": {"min_y": 85},
    "III": {"min_y": 100},
    "source": "docs/provenance.md §3; docs/provenance.md §3.3 (表4 as implemented) [C]",
    "provisional": True,
}
LABELS = CLEAN_PRODUCTION_LABELS  # the level catalogue lives in the method registry
_ROUND = 6  # compare Y on 6 decimals so 99.99999999 from float sums counts as 100


def score(compiled: CompiledDefinition, ctx: Context, enterprise: EnterpriseFacts | None) -> FrameworkResult:
    walked = [(dimension, *dimension_leaves(dimension, ctx, enterprise)) for dimension in compiled.dimensions]
    weight_total = sum(dimension.weight for dimension, applies, _ in walked if applies)
    y = [0.0, 0.0, 0.0]
    dimensions: list[DimensionResult] = []
    indicators = []
    all_rated: list[Rated] = []
    limiting: list[dict[str, Any]] = []
    for dimension, applies, leaves in walked:
        w = dimension.weight / weight_total if applies and weight_total > 0 else 0.0
        dimension_score = 0.0
        for leaf in leaves:
            available = 100 * w * leaf.share if applies and leaf.applicable else 0.0
            rating = rate_leaf(leaf, available, ctx) if applies and leaf.applicable else None
            if rating is not None and not getattr(rule_type(leaf.indicator.rule), "by_level", False):
                # A points rule in a clean-production system: fully met counts for every level.
                met = rating.status == "scored" and rating.fraction >= 1 - 1e-9
                rating.membership = MEMBERSHIP["I" if met else "none"]
                rating.cp_level = "I" if met else "none"
            if rating is not None and rating.status == "missing":
                rating.cp_level = "none"
            membership = rating.membership if rating else (0.0, 0.0, 0.0)
            for k in range(3):
                y[k] += available * membership[k]
            earned = available * sum(membership) / 3
            dimension_score += earned
            rated = Rated(leaf=leaf, available=available, rating=rating)
            all_rated.append(rated)
            indicators.append(indicator_result(rated, earned))
            if rating is not None and leaf.indicator.limiting:
                limiting.append(
                    {
                        "code": leaf.indicator.code,
                        "title": dict(leaf.indicator.title),
                        "cp_level": rating.cp_level,
                    }
                )
        dimensions.append(
            DimensionResult(
                code=dimension.code,
                title=dimension.title,
                score=dimension_score,
                max=100 * w,
                status="scored" if applies else "not_applicable",
            )
        )
    rule = compiled.settings.get("level_rule") or DEFAULT_LEVEL_RULE
    y_by_level = dict(zip(CP_LEVELS, (round(value, _ROUND) for value in y), strict=True))
    checks = []
    achieved = "below_III"
    for index, level in enumerate(CP_LEVELS):
        config = rule.get(level) or DEFAULT_LEVEL_RULE[level]
        min_y = float(config.get("min_y", DEFAULT_LEVEL_RULE[level]["min_y"]))
        y_met = y_by_level[level] >= min_y
        needs_limiting = bool(config.get("limiting", level != "III"))
        below = [
            item["code"]
            for item in limiting
            if needs_limiting and sum(MEMBERSHIP[item["cp_level"]]) < 3 - index
        ]
        met = y_met and not below
        checks.append(
            {
                "level": level,
                "y": round(y[index], 4),
                "min_y": min_y,
                "y_met": y_met,
                "limiting_below": below,
                "met": met,
            }
        )
        if met and achieved == "below_III":
            achieved = level
    labels = {
        **LABELS,
        **{
            level: rule[level]["label"]
            for level in CP_LEVELS
            if isinstance(rule.get(level), dict) and rule[level].get("label")
        },
    }
    scored = Scored(
        min(max(sum(y) / 3, 0.0), 100.0), dimensions, indicators, all_rated, check_veto(compiled, ctx)
    )
    return framework_result(
        compiled,
        ctx,
        scored,
        level={
            "code": achieved,
            "label": dict(labels[achieved]),
            "provisional": bool(rule.get("provisional", False)),
        },
        details={
            "y": {level: round(value, 4) for level, value in zip(CP_LEVELS, y, strict=True)},
            "checks": checks,
            "limiting": limiting,
            "products": [
                {"name": name, "share": round(share * 100, 4)} for name, share in ctx.products or []
            ],
        },
    )
