"""The scoring engine: pure functions from a definition and answers to explainable results.

No ORM, no request: plain dicts (the resolved definition JSON, answers by question code) in,
dataclasses with `to_dict()` out. Formulas and sources: docs/scoring.md.
"""

from __future__ import annotations

from .compiled import compile_definition
from .engine import (
    MATURITY_STEPS,
    level_rank,
    maturity_profile,
    score_assessment,
    score_framework,
    simulate,
)
from .green_factory_2025 import green_code_percentile
from .types import (
    AssessmentResult,
    DimensionResult,
    EnterpriseFacts,
    FrameworkResult,
    IndicatorResult,
    Problem,
    ScoringInputError,
    SimulationResult,
)
from .validation import validate_answers

__all__ = [
    "MATURITY_STEPS",
    "AssessmentResult",
    "DimensionResult",
    "EnterpriseFacts",
    "FrameworkResult",
    "IndicatorResult",
    "Problem",
    "ScoringInputError",
    "SimulationResult",
    "compile_definition",
    "green_code_percentile",
    "level_rank",
    "maturity_profile",
    "score_assessment",
    "score_framework",
    "simulate",
    "validate_answers",
]
