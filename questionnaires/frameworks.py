"""Framework families and scoring methods, each in one registry (docs/definitions.md, "Adding a framework").

A **family** groups the versions and sector systems an enterprise chooses as one (green factory, clean
production, SME digital): its page order, short title, start-form label and whether it can be chosen
come from `questionnaires/families.yaml`. A framework belongs to the family whose code its slug starts
with.

A **scoring method** (a definition's `method`) declares its settings keys, the rule types only it may
use, whether full marks must be reachable, its level catalogue (best first), its single stored "no level
reached" code and how its levels rank. The schema check reads it; the scoring engine asserts at
import that it scores exactly these methods and that every level it gives is in the catalogue.

Plain Python over data; no ORM and nothing from assessment/.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from questionnaires.text import Text, pick

FAMILIES_FILE = Path(__file__).resolve().parent / "families.yaml"
NO_LEVEL = "none"  # the one code pages, filters and analytics use for "no level reached"
NO_LEVEL_LABEL = {"zh": "未达到等级", "en": "No level reached"}

Level = tuple[str, Text]


@dataclass(frozen=True)
class Family:
    code: str
    short_title: Text
    choice: Text
    selectable: bool = True
    by_industry: bool = False  # one system per industry, resolved when the assessment starts


_extra_families: dict[str, Family] = {}


@lru_cache(maxsize=1)
def _file_families() -> tuple[Family, ...]:
    data = yaml.safe_load(FAMILIES_FILE.read_text(encoding="utf-8"))
    return tuple(
        Family(
            code=item["code"],
            short_title=item["short_title"],
            choice=item.get("choice") or item["short_title"],
            selectable=bool(item.get("selectable", True)),
            by_industry=bool(item.get("by_industry", False)),
        )
        for item in data["families"]
    )


def families() -> list[Family]:
    """Every family in page order (the file's order, then families registered by code)."""
    return [*_file_families(), *_extra_families.values()]


def register_family(family: Family) -> Family:
    """Add a family after the file's (tests add their own this way)."""
    if any(f.code == family.code for f in _file_families()):
        raise ValueError(f"family {family.code!r} is already defined in {FAMILIES_FILE.name}")
    _extra_families[family.code] = family
    return family


def unregister_family(code: str) -> None:
    _extra_families.pop(code, None)


def family_of(framework: str) -> Family | None:
    """The family a framework slug belongs to (the longest code it starts with), or None."""
    matches = [f for f in families() if framework.startswith(f.code)]
    return max(matches, key=lambda f: len(f.code)) if matches else None


def framework_order(framework: str) -> int:
    """A framework's position on pages and in results: its family's, unknown families last."""
    codes = [f.code for f in families()]
    family = family_of(framework)
    return codes.index(family.code) if family else len(codes)


def selectable_families() -> list[Family]:
    return [f for f in families() if f.selectable]


def short_title(framework: str, lang: str, fallback: Any = None) -> str:
    """The family's short title in `lang`; else `fallback` (a {zh, en} title) or the slug."""
    family = family_of(framework)
    if family:
        return pick(family.short_title, lang)
    return pick(fallback, lang) or framework


# --- scoring methods ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoringMethod:
    code: str
    group: str  # green | digital: which side of the green–digital maturity overview it feeds
    settings_keys: frozenset[str]
    no_level: str  # the level code its results store when no level is reached
    no_level_label: Text
    points: bool = False  # results are points out of 100: every indicator's full marks must be reachable
    # Indicator weights ω (adding up to 1 or 100, as the dimensions') multiply a 0–100 score, so a rule's
    # points are not bounded by its indicator's weight (clean production's Y = Σ ω·y).
    omega_weights: bool = False
    per_product: bool = False  # indicators may be scored per product and be limiting (限定性指标)
    # What its levels are called where people read them (assessment/presentation.py): "stored" (the
    # result's level label), "scheme" (a tier of the configured provincial rating scheme, else no grade),
    # "benchmark" (the official level for a published system, else an indicative position).
    level_wording: str = "stored"
    own_rules: frozenset[str] = frozenset()  # rule types only this method may use
    levels: Callable[[Mapping[str, Any]], list[Level]] = field(default=lambda settings: [])
    rank_of: Callable[[str | None, Mapping[str, Any]], float] = field(default=lambda code, details: 0.0)

    def catalogue(self, definition: Mapping[str, Any]) -> list[Level]:
        """The levels a version of this method can give, best first, ending with NO_LEVEL."""
        return [*self.levels(definition.get("settings") or {}), (NO_LEVEL, self.no_level_label)]

    def level_codes(self, definition: Mapping[str, Any]) -> set[str]:
        """The level codes its results may store."""
        return {code for code, _label in self.levels(definition.get("settings") or {})} | {self.no_level}

    def rank(self, code: str | None, details: Mapping[str, Any]) -> float:
        """An order on this method's levels, higher is better, from a result's level code and details."""
        return self.rank_of(code, details)


def _tiers(settings: Mapping[str, Any]) -> list[Level]:
    # No default tiers: GB/T 36132-2025 defines no grade (docs/scoring.md); a configured province's
    # scheme is applied where results are shown (assessment/presentation.py).
    tiers = (settings.get("rating_tiers") or {}).get("tiers") or []
    return [(t["code"], t["label"]) for t in sorted(tiers, key=lambda t: -float(t["min"]))]


def _cp_levels(settings: Mapping[str, Any]) -> list[Level]:
    rule = settings.get("level_rule") or {}
    labels = {
        **CLEAN_PRODUCTION_LABELS,
        **{k: v["label"] for k, v in rule.items() if isinstance(v, Mapping) and v.get("label")},
    }
    return [(code, labels[code]) for code in ("I", "II", "III")]


def _tier_rank(code: str | None, details: Mapping[str, Any]) -> float:
    tier = details.get("tier")
    return float(tier["min"]) if tier and code is not None else -1


def _digital_rank(code: str | None, details: Mapping[str, Any]) -> float:
    checks = {check["code"]: check for check in details.get("level_checks", [])}
    return float(checks[code]["min_score"]) if code in checks else -1


def _digital_levels(settings: Mapping[str, Any]) -> list[Level]:
    return [
        (item["code"], item.get("label") or {"zh": item["code"], "en": item["code"]})
        for item in settings.get("levels") or []
    ]


GREEN_FACTORY_2018_MET = {"zh": "符合评价要求", "en": "Meets the requirements"}
GREEN_FACTORY_2018_NOT_MET = {"zh": "未符合评价要求", "en": "Does not meet the requirements"}
CLEAN_PRODUCTION_LABELS = {
    "I": {"zh": "Ⅰ级（清洁生产领先水平）", "en": "Level I (leading)"},
    "II": {"zh": "Ⅱ级（清洁生产先进水平）", "en": "Level II (advanced)"},
    "III": {"zh": "Ⅲ级（清洁生产一般水平）", "en": "Level III (general)"},
    "below_III": {"zh": "未达到Ⅲ级", "en": "Below level III"},
}
SME_DIGITAL_BELOW = {"zh": "未达到一级", "en": "Below level 1"}

METHODS: dict[str, ScoringMethod] = {}


LEVEL_WORDINGS = frozenset({"stored", "scheme", "benchmark"})


def register_method(method: ScoringMethod) -> ScoringMethod:
    if method.level_wording not in LEVEL_WORDINGS:
        raise ValueError(
            f"level_wording must be one of {sorted(LEVEL_WORDINGS)}, not {method.level_wording!r}"
        )
    METHODS[method.code] = method
    return method


def unregister_method(code: str) -> None:
    METHODS.pop(code, None)


def get_method(code: Any) -> ScoringMethod | None:
    return METHODS.get(code) if isinstance(code, str) else None


def method_codes(predicate: Callable[[ScoringMethod], bool] | None = None) -> frozenset[str]:
    return frozenset(code for code, m in METHODS.items() if predicate is None or predicate(m))


def no_level_codes() -> frozenset[str]:
    """Every stored spelling of "no level reached" (each method has one) and NO_LEVEL itself."""
    return frozenset({NO_LEVEL, *(m.no_level for m in METHODS.values())})


def normal_level(code: str | None) -> str:
    """A stored level code with every method's "no level" spelling as NO_LEVEL."""
    return NO_LEVEL if code is None or code in no_level_codes() else code


def level_catalogue(definition: Mapping[str, Any]) -> list[Level]:
    """The levels a framework version can give, best first, ending with NO_LEVEL."""
    method = get_method(definition.get("method"))
    return method.catalogue(definition) if method else [(NO_LEVEL, NO_LEVEL_LABEL)]


def _register_shipped(methods: Iterable[ScoringMethod]) -> None:
    for method in methods:
        register_method(method)


_register_shipped(
    [
        ScoringMethod(
            code="green_factory_2025",
            group="green",
            settings_keys=frozenset({"rating_tiers", "green_code"}),
            no_level="",  # the result's level is null below the lowest tier
            no_level_label=NO_LEVEL_LABEL,
            points=True,
            level_wording="scheme",
            levels=_tiers,
            rank_of=_tier_rank,
        ),
        ScoringMethod(
            code="green_factory_2018",
            group="green",
            settings_keys=frozenset({"pass_score"}),
            no_level="not_met",
            no_level_label=GREEN_FACTORY_2018_NOT_MET,
            own_rules=frozenset({"requirements"}),
            levels=lambda settings: [("met", GREEN_FACTORY_2018_MET)],
            rank_of=lambda code, details: 1 if code == "met" else 0,
        ),
        ScoringMethod(
            code="clean_production",
            group="green",
            settings_keys=frozenset({"level_rule", "products_question"}),
            no_level="below_III",
            no_level_label=CLEAN_PRODUCTION_LABELS["below_III"],
            omega_weights=True,
            per_product=True,
            level_wording="benchmark",
            own_rules=frozenset({"levels"}),
            levels=_cp_levels,
            rank_of=lambda code, details: {"below_III": 0, "III": 1, "II": 2, "I": 3}.get(code or "", 0),
        ),
        ScoringMethod(
            code="sme_digital_2024",
            group="digital",
            settings_keys=frozenset({"levels", "scenarios"}),
            no_level="none",
            no_level_label=SME_DIGITAL_BELOW,
            points=True,
            levels=_digital_levels,
            rank_of=_digital_rank,
        ),
    ]
)
