"""Green factory, GB/T 36132-2025: linear benchmark/leading scoring, veto items, optional rating tiers.

Sources: GB/T 36132-2025 (five first-level dimensions, benchmark and leading values); the linear rule
and the dimension weights follow third-party implementations of the filing form (provisional, see
docs/frameworks/green-factory.md). The standard defines no grade: no tiers are shipped. Tiers come only
from `settings.rating_tiers` of a definition (none in the shipped files); a province's scheme configured
by an administrator is applied where results are shown (assessment/presentation.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .compiled import CompiledDefinition
from .pipeline import framework_result, score_points
from .rules import Context
from .types import EnterpriseFacts, FrameworkResult, round2

# 企业绿码: A+ / A / B = top 5% / 35% / 60% of the cohort (MIIT green factory dynamic management).
DEFAULT_GREEN_CODE: dict[str, float] = {"A+": 5, "A": 35, "B": 60}


def rating_tier(score: float, settings: Mapping[str, Any]) -> dict[str, Any] | None:
    """The highest tier whose minimum the (2-decimal) score reaches, or None (also when no tiers are set)."""
    config = settings.get("rating_tiers") or {}
    rounded = round2(score)
    reached = [tier for tier in config.get("tiers", []) if rounded >= float(tier["min"])]
    if not reached:
        return None
    tier = max(reached, key=lambda item: float(item["min"]))
    return {
        "code": tier["code"],
        "label": dict(tier.get("label") or {"zh": tier["code"], "en": tier["code"]}),
        "min": tier["min"],
        "provisional": bool(tier.get("provisional", config.get("provisional", False))),
        "source": config.get("source"),
    }


def green_code_percentile(
    score: float, cohort_scores: Iterable[float], *, thresholds: Mapping[str, float] | None = None
) -> dict[str, Any] | None:
    """Green-code style grade among a cohort (the other enterprises' scores, this one excluded).

    Rank = 1 + number of cohort scores strictly higher (ties share the better rank); top percent =
    100 × rank / (cohort size + 1). Grade: the first of A+ / A / B whose top-percent limit it is within.
    None when there is no cohort.
    """
    others = [round2(float(value)) for value in cohort_scores]
    if not others:
        return None
    mine = round2(score)
    rank = 1 + sum(1 for value in others if value > mine)
    size = len(others) + 1
    top_percent = 100 * rank / size
    limits = sorted((thresholds or DEFAULT_GREEN_CODE).items(), key=lambda item: float(item[1]))
    grade = next((code for code, limit in limits if top_percent <= float(limit) + 1e-9), None)
    return {"code": grade, "rank": rank, "cohort_size": size, "top_percent": round2(top_percent)}


def score(compiled: CompiledDefinition, ctx: Context, enterprise: EnterpriseFacts | None) -> FrameworkResult:
    scored = score_points(compiled, ctx, enterprise)
    tier = rating_tier(scored.score, compiled.settings)
    level = None
    if tier and scored.veto["passed"]:
        level = {"code": tier["code"], "label": tier["label"], "provisional": tier["provisional"]}
    details = {
        "tier": tier,
        "tier_withheld": bool(tier) and not scored.veto["passed"],
        "green_code_thresholds": dict(compiled.settings.get("green_code") or DEFAULT_GREEN_CODE),
    }
    return framework_result(compiled, ctx, scored, level=level, details=details)
