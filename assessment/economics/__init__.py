"""Action economics: what each recommended action costs, saves and pays back for one enterprise.

Pure functions on plain data (no ORM); see assessment/economics/engine.py and docs/actions.md.
"""

from assessment.economics.engine import (
    RANKING_RULE,
    VIEWS,
    ActionEconomics,
    ActionPlan,
    Baseline,
    CarrierChange,
    CombinedPlan,
    MacPoint,
    PlanItem,
    Span,
    action_plan,
    combine,
    estimate,
    mac_curve,
)
from assessment.economics.model import EconomicsError, EconomicsModel, load_economics
from assessment.economics.prices import Price, default_prices, resolve_prices

__all__ = [
    "RANKING_RULE",
    "VIEWS",
    "ActionEconomics",
    "ActionPlan",
    "Baseline",
    "CarrierChange",
    "CombinedPlan",
    "EconomicsError",
    "EconomicsModel",
    "MacPoint",
    "PlanItem",
    "Price",
    "Span",
    "action_plan",
    "combine",
    "default_prices",
    "estimate",
    "load_economics",
    "mac_curve",
    "resolve_prices",
]
