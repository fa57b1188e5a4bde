"""Entry points: score one framework, score an assessment with its combined profile, simulate changes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from questionnaires.frameworks import get_method, method_codes

from . import clean_production, green_factory_2018, green_factory_2025, sme_digital_2024
from .compiled import CompiledDefinition, compile_definition
from .pipeline import Calculator, prepare
from .types import (
    AssessmentResult,
    EnterpriseFacts,
    FrameworkResult,
    ScoringInputError,
    SimulationResult,
    round2,
)
from .validation import validate_answers

_METHODS = {
    "green_factory_2025": green_factory_2025.score,
    "green_factory_2018": green_factory_2018.score,
    "clean_production": clean_production.score,
    "sme_digital_2024": sme_digital_2024.score,
}
# The engine scores exactly the registered methods (questionnaires/frameworks.py).
if set(_METHODS) != method_codes():
    raise ImportError(
        f"scoring methods {sorted(_METHODS)} differ from the registry's {sorted(method_codes())}"
    )
GREEN_METHODS = tuple(sorted(method_codes(lambda m: m.group == "green")))
DIGITAL_METHODS = tuple(sorted(method_codes(lambda m: m.group == "digital")))

# The five-step green–digital maturity overview (docs/scoring.md): the tool's own presentation of the
# frameworks' 0–100 scores, banded like the SME digital levels (20/40/60/80, docs/provenance.md §4); not a standard.
MATURITY_STEPS: list[dict[str, Any]] = [
    {
        "step": 1,
        "code": "starting",
        "min": 0,
        "label": {"zh": "起步", "en": "Starting"},
        "description": {
            "zh": "绿色与数字化实践零散，基础数据尚未系统采集",
            "en": "Scattered green and digital practice; basic data not yet collected systematically",
        },
    },
    {
        "step": 2,
        "code": "foundation",
        "min": 20,
        "label": {"zh": "夯基", "en": "Foundation"},
        "description": {
            "zh": "基本管理制度和计量、信息化基础已在部分环节建立",
            "en": "Basic management, metering and IT in place in parts of the business",
        },
    },
    {
        "step": 3,
        "code": "developing",
        "min": 40,
        "label": {"zh": "提升", "en": "Developing"},
        "description": {
            "zh": "主要业务环节有系统的绿色与数字化做法，部分指标接近基准",
            "en": "Systematic practice in the main business areas; some indicators near the benchmark",
        },
    },
    {
        "step": 4,
        "code": "integrated",
        "min": 60,
        "label": {"zh": "协同", "en": "Integrated"},
        "description": {
            "zh": "绿色与数字化协同推进，多数指标达到基准并向引领值靠近",
            "en": "Green and digital efforts reinforce each other; most indicators at or beyond the benchmark",
        },
    },
    {
        "step": 5,
        "code": "leading",
        "min": 80,
        "label": {"zh": "引领", "en": "Leading"},
        "description": {
            "zh": "多数指标达到引领水平，可作为行业示范",
            "en": "Most indicators at leading values; a reference for the sector",
        },
    },
]
_UNBALANCED = 20.0  # points between the green and the digital index worth pointing out


def _calculator_outputs(
    calculator: Calculator | None, answers: Mapping[str, Any]
) -> Mapping[str, Any] | None:
    return calculator(answers) if callable(calculator) else calculator


def score_framework(
    *,
    definition: dict[str, Any],
    answers: Mapping[str, Any],
    enterprise: EnterpriseFacts | None = None,
    calculator: Calculator | None = None,
) -> FrameworkResult:
    """Score one framework version. Answers of other frameworks' questions are ignored.

    `calculator` is the energy calculator's outputs by calculator key (or a function of the answers
    returning them); computed questions with a `calculator` key take their value from it.
    Raises ScoringInputError for invalid answers or an unknown method.
    """
    return _score(definition, answers, enterprise, _calculator_outputs(calculator, answers), validate=True)


def _score(
    definition: dict[str, Any],
    answers: Mapping[str, Any],
    enterprise: EnterpriseFacts | None,
    outputs: Mapping[str, Any] | None,
    *,
    validate: bool,
) -> FrameworkResult:
    compiled = compile_definition(definition)
    ctx = prepare(compiled, answers, enterprise, outputs, validate=validate)
    result = _METHODS[compiled.method](compiled, ctx, enterprise)
    method = get_method(compiled.method)
    if method is not None and (result.level_code or method.no_level) not in method.level_codes(definition):
        raise ScoringInputError(
            f"{compiled.method} gave level {result.level_code!r}, which is not in its catalogue (method registry)"
        )
    return result


def step_for(index: float) -> dict[str, Any]:
    step = max(
        (item for item in MATURITY_STEPS if round2(index) >= item["min"]), key=lambda item: item["min"]
    )
    return {"step": step["step"], "code": step["code"], "label": step["label"]}


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def maturity_profile(
    results: list[FrameworkResult], titles: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Each framework's 0–100 score and level, a green and a digital index, and the overall step."""
    titles = titles or {}
    green = _mean([result.score for result in results if result.method in GREEN_METHODS])
    digital = _mean([result.score for result in results if result.method in DIGITAL_METHODS])
    indices = [value for value in (green, digital) if value is not None]
    overall = _mean(indices)
    lagging = None
    if green is not None and digital is not None and abs(green - digital) >= _UNBALANCED:
        lagging = "green" if green < digital else "digital"
    return {
        "frameworks": [
            {
                "framework": result.framework,
                "version": result.version,
                "method": result.method,
                "title": dict(titles[result.framework]) if titles.get(result.framework) else None,
                "score": round2(result.score),
                "level": result.level,
                "veto_passed": result.veto["passed"],
                "step": step_for(result.score),
            }
            for result in results
        ],
        "green": {"index": round2(green), "step": step_for(green)} if green is not None else None,
        "digital": {"index": round2(digital), "step": step_for(digital)} if digital is not None else None,
        "overall": {"index": round2(overall), "step": step_for(overall), "partial": len(indices) < 2}
        if overall is not None
        else None,
        "lagging": lagging,
        "steps": _steps(),
    }


def _steps() -> list[dict[str, Any]]:
    """A copy of MATURITY_STEPS (plain strings and numbers, two text dicts each): copy.deepcopy was a
    tenth of a what-if's time."""
    return [
        {**step, "label": dict(step["label"]), "description": dict(step["description"])}
        for step in MATURITY_STEPS
    ]


def score_assessment(
    *,
    definitions: list[dict[str, Any]],
    answers: Mapping[str, Any],
    enterprise: EnterpriseFacts | None = None,
    calculator: Calculator | None = None,
    allow_unknown: bool = False,
) -> AssessmentResult:
    """Score every framework of an assessment and build the combined profile.

    Answers are keyed by question code across the frameworks (a bank question is answered once and
    feeds every framework using it). An answer whose code no definition knows is an input error
    unless `allow_unknown`.
    """
    problems = validate_answers(definitions, answers, allow_unknown=allow_unknown)
    if problems:
        raise ScoringInputError("invalid answers", problems)
    outputs = _calculator_outputs(calculator, answers)
    # Validated above, all frameworks at once.
    results = [_score(definition, answers, enterprise, outputs, validate=False) for definition in definitions]
    return _assessment_result(definitions, results)


def _assessment_result(definitions: list[dict[str, Any]], results: list[FrameworkResult]) -> AssessmentResult:
    titles: dict[Any, Any] = {
        definition.get("framework"): definition.get("title") for definition in definitions
    }
    missing: list[str] = []
    seen: set[str] = set()
    for result in results:
        for code in result.missing:
            if code not in seen:
                seen.add(code)
                missing.append(code)
    return AssessmentResult(frameworks=results, profile=maturity_profile(results, titles), missing=missing)


def level_rank(result: FrameworkResult) -> float:
    """An order on a framework's levels, higher is better (for ranking what-if changes)."""
    method = get_method(result.method)
    return method.rank(result.level_code, result.details) if method else -1


def simulate(
    *,
    answers: Mapping[str, Any],
    changes: Mapping[str, Any],
    definitions: list[dict[str, Any]] | None = None,
    definition: dict[str, Any] | None = None,
    enterprise: EnterpriseFacts | None = None,
    calculator: Calculator | None = None,
    baseline: AssessmentResult | None = None,
) -> SimulationResult:
    """Score the answers with `changes` applied (a value of None removes an answer) and compare.

    Pass `baseline` (the result of the unchanged answers) when ranking many changes, to score it once.
    A function `calculator` is re-run on the changed answers, so energy inputs flow into calc.* values.
    """
    if definitions is None:
        if definition is None:
            raise ScoringInputError("simulate needs definition or definitions")
        definitions = [definition]
    changed = {**answers, **changes}
    for code, value in changes.items():
        if value is None:
            changed.pop(code, None)
    before = baseline or score_assessment(
        definitions=definitions, answers=answers, enterprise=enterprise, calculator=calculator
    )
    after = _rescore(definitions, before, changed, set(changes), enterprise, calculator)
    deltas = []
    for old, new in zip(before.frameworks, after.frameworks, strict=True):
        old_dimensions = {dimension.code: dimension for dimension in old.dimensions}
        deltas.append(
            {
                "framework": new.framework,
                "version": new.version,
                "score_before": round2(old.score),
                "score_after": round2(new.score),
                "delta": round(new.score - old.score, 4),
                "level_before": old.level,
                "level_after": new.level,
                "level_changed": old.level_code != new.level_code,
                "level_up": level_rank(new) > level_rank(old),
                "veto_before": old.veto["passed"],
                "veto_after": new.veto["passed"],
                "dimensions": [
                    {
                        "code": dimension.code,
                        "title": dict(dimension.title),
                        "before": round(old_dimensions[dimension.code].score, 4),
                        "after": round(dimension.score, 4),
                        "delta": round(dimension.score - old_dimensions[dimension.code].score, 4),
                    }
                    for dimension in new.dimensions
                ],
            }
        )
    return SimulationResult(before=before, after=after, deltas=deltas)


def _rescore(
    definitions: list[dict[str, Any]],
    before: AssessmentResult,
    changed: Mapping[str, Any],
    codes: set[str],
    enterprise: EnterpriseFacts | None,
    calculator: Calculator | None,
) -> AssessmentResult:
    """score_assessment of the changed answers, re-scoring only the frameworks the change can affect.

    A framework's result is a function of its own questions' answers, the enterprise and the calculator
    outputs (prepare() keeps only its own answers; frameworks never read each other). So when the outputs
    are fixed (a mapping) a framework none of whose questions changed keeps its result in `before`; a
    calculator function re-runs on the changed answers and every framework with computed questions is
    re-scored. Answers `before` scored were valid, so validating the re-scored frameworks' answers finds
    every problem; anything unusual (an unknown code, a problem) takes the full path, which raises.
    """
    compiled = [compile_definition(definition) for definition in definitions]
    known = set().union(*(item.questions for item in compiled))
    touched = [
        not codes.isdisjoint(item.questions) or (callable(calculator) and bool(item.computed))
        for item in compiled
    ]
    same_frameworks = [result.framework for result in before.frameworks] == [
        item.framework for item in compiled
    ]
    if not same_frameworks or not known.issuperset(changed):
        return score_assessment(
            definitions=definitions, answers=changed, enterprise=enterprise, calculator=calculator
        )
    rescored = [definition for definition, flag in zip(definitions, touched, strict=True) if flag]
    if validate_answers(rescored, _to_validate(compiled, touched, changed, codes), allow_unknown=True):
        return score_assessment(
            definitions=definitions, answers=changed, enterprise=enterprise, calculator=calculator
        )
    outputs = _calculator_outputs(calculator, changed) if any(touched) else None
    results = [
        _score(definition, changed, enterprise, outputs, validate=False) if flag else result
        for definition, flag, result in zip(definitions, touched, before.frameworks, strict=True)
    ]
    return _assessment_result(definitions, results)


def _to_validate(
    compiled: list[CompiledDefinition], touched: list[bool], changed: Mapping[str, Any], codes: set[str]
) -> Mapping[str, Any]:
    """The answers whose validity a change can affect: the changed ones, with the product list that
    per-product answers are checked against; all of them when the product list itself changed."""
    products: set[Any] = {
        item.settings.get("products_question") for item, flag in zip(compiled, touched, strict=True) if flag
    }
    products.discard(None)
    if not codes.isdisjoint(products):
        return changed
    return {code: changed[code] for code in codes | products if code in changed}
