"""Green factory, GB/T 36132-2018 (legacy): 必选 requirements must all be met, 可选 add points,
category weights, veto basic requirements.

Sources: docs/provenance.md §2 and docs/provenance.md §2.2 ([B]; only 基础设施 20 % is confirmed, other weights
[U] and provisional in the data). No national pass score [B]: `settings.pass_score` is optional.
"""

from __future__ import annotations

from questionnaires.frameworks import GREEN_FACTORY_2018_MET, GREEN_FACTORY_2018_NOT_MET

from .compiled import CompiledDefinition
from .pipeline import framework_result, score_points
from .rules import Context
from .types import EnterpriseFacts, FrameworkResult, round2

MET = GREEN_FACTORY_2018_MET  # the level catalogue lives in the method registry
NOT_MET = GREEN_FACTORY_2018_NOT_MET


def score(compiled: CompiledDefinition, ctx: Context, enterprise: EnterpriseFacts | None) -> FrameworkResult:
    # Category score = earned points / available points × category weight, which is the shared
    # renormalised points pipeline with the category weight as the dimension weight.
    scored = score_points(compiled, ctx, enterprise)
    mandatory_failed = [
        failure for item in scored.rated if item.rating for failure in item.rating.mandatory_failed
    ]
    pass_score = compiled.settings.get("pass_score")
    reasons = []
    if not scored.veto["passed"]:
        reasons.append("veto")
    if mandatory_failed:
        reasons.append("mandatory")
    if pass_score is not None and round2(scored.score) < float(pass_score):
        reasons.append("pass_score")
    level = {
        "code": "not_met" if reasons else "met",
        "label": dict(NOT_MET if reasons else MET),
        "provisional": False,
    }
    details = {"mandatory_failed": mandatory_failed, "pass_score": pass_score, "not_met_because": reasons}
    return framework_result(compiled, ctx, scored, level=level, details=details)
