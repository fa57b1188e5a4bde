"""SME digital level, MIIT 中小企业数字化水平评测指标 (2024): points, scenarios, overall level.

Sources: docs/provenance.md §4 and docs/provenance.md §4.1. Points per question, bands and multi-select sums
come from the definition file ([C] reconstructed capture). The overall level needs both a score and a
number of scenarios (数字化经营) at a scenario level, part of them constrained (约束性): the rule is data
in `settings.levels` ([C], provisional unless the data says otherwise).
"""

from __future__ import annotations

from typing import Any

from questionnaires.frameworks import SME_DIGITAL_BELOW

from .compiled import CompiledDefinition
from .pipeline import framework_result, score_points
from .rules import Context, pts
from .types import EnterpriseFacts, FrameworkResult, round2

BELOW = SME_DIGITAL_BELOW  # the level catalogue lives in the method registry


def scenario_levels(compiled: CompiledDefinition, ctx: Context) -> list[dict[str, Any]]:
    scenarios = []
    for code in compiled.settings.get("scenarios") or []:
        question = compiled.questions.get(code, {})
        value = ctx.answers.get(code)
        scenarios.append(
            {
                "code": code,
                "title": dict(question.get("text") or {"zh": code, "en": code}),
                "level": value if isinstance(value, int) and not isinstance(value, bool) else None,
                "constrained": bool(question.get("constrained", False)),
            }
        )
    return scenarios


def level_checks(
    score: float, scenarios: list[dict[str, Any]], levels: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Each level's conditions: score ≥ min_score, and enough scenarios (and constrained ones) at its level."""
    rounded = round2(score)
    checks = []
    for level in sorted(levels, key=lambda item: -float(item.get("min_score", 0))):
        at_level = [
            s
            for s in scenarios
            if s["level"] is not None and s["level"] >= int(level.get("scenario_level", 1))
        ]
        constrained = [s for s in at_level if s["constrained"]]
        score_met = rounded >= float(level.get("min_score", 0))
        scenarios_met = len(at_level) >= int(level.get("min_scenarios", 0))
        constrained_met = len(constrained) >= int(level.get("min_constrained", 0))
        checks.append(
            {
                "code": level["code"],
                "label": dict(level.get("label") or {"zh": level["code"], "en": level["code"]}),
                "provisional": bool(level.get("provisional", True)),
                "min_score": level.get("min_score", 0),
                "score_met": score_met,
                "scenario_level": int(level.get("scenario_level", 1)),
                "scenarios": len(at_level),
                "min_scenarios": int(level.get("min_scenarios", 0)),
                "constrained": len(constrained),
                "min_constrained": int(level.get("min_constrained", 0)),
                "met": score_met and scenarios_met and constrained_met,
            }
        )
    return checks


def _next_level_text(check: dict[str, Any], score: float) -> dict[str, str]:
    parts_zh, parts_en = [], []
    if not check["score_met"]:
        need = float(check["min_score"]) - round2(score)
        parts_zh.append(f"总分再提高 {pts(need)} 分")
        parts_en.append(f"{pts(need)} more point{'' if need == 1 else 's'}")
    if check["scenarios"] < check["min_scenarios"]:
        need = check["min_scenarios"] - check["scenarios"]
        parts_zh.append(f"再有 {need} 个场景达到 {check['scenario_level']} 级")
        parts_en.append(f"{need} more scenario{'s' if need > 1 else ''} at level {check['scenario_level']}")
    if check["constrained"] < check["min_constrained"]:
        need = check["min_constrained"] - check["constrained"]
        parts_zh.append(f"其中约束性场景再多 {need} 个")
        parts_en.append(f"{need} more constrained scenario{'s' if need > 1 else ''} among them")
    return {
        "zh": f"达到{check['label']['zh']}需要：" + "；".join(parts_zh),
        "en": f"{check['label']['en']} needs: " + "; ".join(parts_en),
    }


def score(compiled: CompiledDefinition, ctx: Context, enterprise: EnterpriseFacts | None) -> FrameworkResult:
    scored = score_points(compiled, ctx, enterprise)
    scenarios = scenario_levels(compiled, ctx)
    checks = level_checks(scored.score, scenarios, compiled.settings.get("levels") or [])
    achieved = next((check for check in checks if check["met"]), None)
    if achieved:
        level = {"code": achieved["code"], "label": achieved["label"], "provisional": achieved["provisional"]}
    else:
        level = {
            "code": "none",
            "label": dict(BELOW),
            "provisional": any(check["provisional"] for check in checks),
        }
    higher = [
        check
        for check in checks
        if not check["met"] and (achieved is None or float(check["min_score"]) > float(achieved["min_score"]))
    ]
    next_level = higher[-1] if higher else None
    details = {
        "scenarios": scenarios,
        "level_checks": checks,
        "next_level": {"code": next_level["code"], "gap": _next_level_text(next_level, scored.score)}
        if next_level
        else None,
    }
    return framework_result(compiled, ctx, scored, level=level, details=details)
