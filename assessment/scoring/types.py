"""Plain data in and out of the scoring engine: enterprise facts, the exception, result dataclasses.

The JSON form of a result (`to_dict()`) is the shape documented in docs/definitions.md ("Results"); it
is stored with a submitted assessment, and re-scoring the same answers gives exactly the same dict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from questionnaires.text import Text

_CENT = Decimal("0.01")


def round2(value: float) -> float:
    """Two decimals, halves rounded up as people do (53.275 → 53.28), after dropping float noise."""
    return float(Decimal(repr(round(value, 9))).quantize(_CENT, rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class EnterpriseFacts:
    """What scoring needs to know about the enterprise: industry (GB/T 4754) and size class."""

    industry: str | None = None  # most specific known code: "C14" (division) or "C1441" (class)
    size_class: str | None = None  # large | medium | small | micro

    @classmethod
    def from_enterprise(cls, enterprise: Any) -> EnterpriseFacts:
        """Facts from any object with `industry_division`, `industry_class`, `size_class` (e.g. the model)."""
        division = (getattr(enterprise, "industry_division", "") or "").upper()
        klass = (getattr(enterprise, "industry_class", "") or "").upper()
        if klass and klass[0].isdigit() and division:
            klass = division[0] + klass
        return cls(
            industry=klass or division or None, size_class=getattr(enterprise, "size_class", None) or None
        )


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the answers, naming the question code."""

    code: str
    kind: str  # unknown_code | wrong_type | out_of_range | unknown_option | exclusive_combined | shares_sum
    message: Text

    def __str__(self) -> str:
        return f"{self.code}: {self.message['en']}"

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "kind": self.kind, "message": dict(self.message)}


class ScoringInputError(ValueError):
    """The input cannot be scored: invalid answers, an unknown method or version. Carries the problems."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        self.problems = list(problems or [])
        detail = "; ".join(str(problem) for problem in self.problems[:20])
        super().__init__(f"{message}: {detail}" if detail else message)


@dataclass
class IndicatorResult:
    code: str
    title: Text
    dimension: str
    parent: str | None
    questions: list[str]
    answer: Any
    rule: Text
    earned: float
    available: float
    status: str  # scored | missing | not_applicable
    gap: Text | None = None
    limiting: bool = False
    cp_level: str | None = None  # clean production: I | II | III | none

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "title": dict(self.title),
            "dimension": self.dimension,
            "parent": self.parent,
            "questions": list(self.questions),
            "answer": self.answer,
            "rule": dict(self.rule),
            "earned": round(self.earned, 4),
            "available": round(self.available, 4),
            "status": self.status,
            "gap": self.gap,
            "limiting": self.limiting,
            "cp_level": self.cp_level,
        }


@dataclass
class DimensionResult:
    code: str
    title: Text
    score: float
    max: float
    status: str = "scored"  # scored | not_applicable

    @property
    def percent(self) -> float | None:
        return round2(100 * self.score / self.max) if self.max > 0 else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "title": dict(self.title),
            "score": round2(self.score),
            "max": round2(self.max),
            "percent": self.percent,
            "status": self.status,
        }


@dataclass
class FrameworkResult:
    framework: str
    version: str
    method: str
    score: float
    level: dict[str, Any] | None
    veto: dict[str, Any]
    dimensions: list[DimensionResult]
    indicators: list[IndicatorResult]
    missing: list[str]
    details: dict[str, Any] = field(default_factory=dict)
    provisional: bool = False

    @property
    def level_code(self) -> str | None:
        return self.level["code"] if self.level else None

    def dimension(self, code: str) -> DimensionResult | None:
        return next((dimension for dimension in self.dimensions if dimension.code == code), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "framework": self.framework,
            "version": self.version,
            "method": self.method,
            "score": round2(self.score),
            "level": self.level,
            "veto": self.veto,
            "dimensions": [dimension.to_dict() for dimension in self.dimensions],
            "indicators": [indicator.to_dict() for indicator in self.indicators],
            "missing": list(self.missing),
            "details": self.details,
            "provisional": self.provisional,
        }


@dataclass
class AssessmentResult:
    frameworks: list[FrameworkResult]
    profile: dict[str, Any]
    missing: list[str]

    def framework(self, framework: str) -> FrameworkResult | None:
        return next((result for result in self.frameworks if result.framework == framework), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "frameworks": [result.to_dict() for result in self.frameworks],
            "profile": self.profile,
            "missing": list(self.missing),
        }


@dataclass
class SimulationResult:
    before: AssessmentResult
    after: AssessmentResult
    deltas: list[dict[str, Any]]  # one per framework, see simulate()

    @property
    def total_gain(self) -> float:
        return round(sum(delta["delta"] for delta in self.deltas), 4)

    def to_dict(self) -> dict[str, Any]:
        return {
            "before": self.before.to_dict(),
            "after": self.after.to_dict(),
            "deltas": self.deltas,
            "total_gain": self.total_gain,
        }
