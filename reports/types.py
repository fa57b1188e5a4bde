"""Plain data of one improvement report: every text already in the report's language, every number final.

reports/data.py builds these objects (all database reads happen there); reports/pdf.py renders them
to bytes without touching the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from questionnaires.text import is_english


@dataclass
class EnterpriseInfo:
    name: str
    uscc: str = ""
    city: str = ""
    industry: str = ""
    size: str = ""
    employees: str = ""
    revenue: str = ""
    main_products: str = ""


@dataclass
class DimensionRow:
    code: str
    title: str
    score: float
    max: float
    percent: float | None


@dataclass
class IndicatorRow:
    code: str
    title: str
    dimension: str
    answer: str
    earned: float
    available: float
    status: str  # scored | missing | not_applicable
    gap: str = ""
    limiting: bool = False
    cp_level: str = ""

    @property
    def percent(self) -> float | None:
        return 100 * self.earned / self.available if self.available > 0 else None


@dataclass
class FrameworkSection:
    framework: str
    title: str
    version: str
    score: float
    level: str  # label, or "" when no level
    level_provisional: bool
    veto_passed: bool
    veto_failed: list[str]
    dimensions: list[DimensionRow]
    indicators: list[IndicatorRow]
    details: list[tuple[str, str]] = field(default_factory=list)  # method-specific facts (Y_I, ...)
    missing_count: int = 0
    provisional: bool = False
    level_note: str = ""  # one sentence: indicative position, no grade, or the configured scheme
    # The revision of the framework version it was scored on, and officials' re-scores (a corrected definition).
    revision_lines: list[str] = field(default_factory=list)

    @property
    def limiting(self) -> list[IndicatorRow]:
        return [i for i in self.indicators if i.limiting and i.status != "not_applicable"]

    def strengths(self, count: int = 5) -> list[IndicatorRow]:
        scored = [i for i in self.indicators if i.status == "scored" and i.available > 0 and i.earned > 0]
        return sorted(scored, key=lambda i: (-(i.percent or 0), -i.available, i.code))[:count]

    def gaps(self, count: int = 6) -> list[IndicatorRow]:
        open_ = [i for i in self.indicators if i.status != "not_applicable" and i.available - i.earned > 1e-9]
        return sorted(open_, key=lambda i: (-(i.available - i.earned), i.code))[:count]


@dataclass
class EnergyRow:
    label: str
    value: str
    unit: str
    derivation: list[str] = field(default_factory=list)


@dataclass
class GainRow:
    framework: str
    delta: float
    level_change: str = ""  # "Ⅲ → Ⅱ" when the level changes


@dataclass
class ActionRow:
    rank: int
    code: str
    title: str
    description: str
    why_it_matters: str
    effort: str
    horizon: str
    horizon_key: str
    total_gain: float
    gains: list[GainRow]
    triggers: list[str]  # "why recommended" lines
    support: list[str]
    sources: list[str]
    benefits: list[str]
    fixes_veto: list[str] = field(default_factory=list)
    lifts_limiting: list[str] = field(default_factory=list)
    provisional: bool = False


@dataclass
class BenchmarkRow:
    framework: str
    scope: str  # e.g. "行业：C14 食品制造业"
    peers: int
    percentile: float | None  # None when fewer than the minimum peers
    note: str = ""


@dataclass
class AnswerRow:
    section: str
    code: str
    question: str
    answer: str


@dataclass
class EvidenceRow:
    name: str
    question: str
    size: str
    uploaded: str


@dataclass
class EconomicsSection:
    """What each recommended action costs, saves and pays back (assessment/economics), for the report."""

    rule: str  # the ranking rule, stated where the list is
    rows: list[Any]  # assessment.economics.present.PlanRow, in the ranking order
    low_cost: list[Any] = field(default_factory=list)  # rows with figures, no-cost and low-cost first
    largest_co2: list[Any] = field(default_factory=list)  # rows with figures, largest CO₂ reduction first
    prices: list[str] = field(default_factory=list)  # which prices were used (own bills or reference set)
    mac: dict[str, Any] | None = None  # abatement cost curve geometry (assessment.economics.present)


@dataclass
class PlanRowData:
    number: int
    code: str
    title: str
    owner: str
    quarter: str
    status: str  # in words
    note: str
    counted: bool  # dropped actions are listed, not counted
    investment: str = "—"
    saving: str = "—"
    co2: str = "—"
    figures_note: str = ""  # why there are no money figures


@dataclass
class PlanSection:
    """The enterprise's improvement plan (assessment/projection.py): its actions, the projected scores
    and levels, the combined figures and the abatement curve of the chosen set."""

    rows: list[PlanRowData]
    frameworks: list[tuple[str, str, str, str, str]]  # title, score now, level now, projected score, level
    investment: str
    saving: str
    energy: str
    co2: str
    counted: int
    quantified: int
    codes: list[str] = field(default_factory=list)  # every action of the plan (for "other recommendations")
    mac: dict[str, Any] | None = None


@dataclass
class ReportData:
    lang: str  # "zh-hans" | "en"
    title: str
    enterprise: EnterpriseInfo
    year: int
    status: str
    generated: str  # date, formatted
    frameworks: list[FrameworkSection]
    maturity: str = ""  # the combined green–digital maturity step, if scoring provides one
    energy: list[EnergyRow] = field(default_factory=list)
    energy_notes: list[str] = field(default_factory=list)
    actions: list[ActionRow] = field(default_factory=list)
    horizons: list[tuple[str, str]] = field(default_factory=list)  # (key, label) in roadmap order
    benchmarks: list[BenchmarkRow] = field(default_factory=list)
    benchmark_note: str = ""
    answers: list[AnswerRow] = field(default_factory=list)
    evidence: list[EvidenceRow] = field(default_factory=list)
    glossary: list[tuple[str, str]] = field(default_factory=list)
    catalog: str = ""  # actions catalog version
    references: list[str] = field(default_factory=list)  # 参考文献: the documents this report cites
    annex: bool = False  # add the full answers, evidence and glossary (render_report --annex)
    source_note: str = ""  # e.g. "provisional figures are marked ※"
    economics: EconomicsSection | None = None  # the action plan's money, energy and CO₂ figures
    plan: PlanSection | None = None  # the enterprise's improvement plan, when it has one
    follow_through: Any = None  # last year's plan, planned against achieved (FollowThroughSection)

    @property
    def is_english(self) -> bool:
        return is_english(self.lang)

    def top_actions(self, count: int = 5) -> list[ActionRow]:
        return self.actions[:count]
