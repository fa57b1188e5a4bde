"""Framework families and scoring methods, each in one registry (docs/definitions.md, "Adding a framework").

A **family** groups the versions and sector systems an enterprise chooses as one (green factory, clean
production, SME digital): its page order, short title, start-form label and whether it can be chosen
come from `questionnaires/families.yaml`. A framework belongs to the family whose code its slug starts
with.

A **scoring method** (a definition's `method`) declares its settings keys, the rule types only it may
use, whether full marks must be reachable, whether an enterprise's industry picks one of its systems, its
level catalogue (best first), its single stored "no level reached" code and how its levels rank. The schema check reads it; the scoring engine asserts at
import that it scores exactly these methods and that every level it gives is in the catalogue.

Plain Python over data; no ORM and nothing from assessment/.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import yaml

from questionnaires.question_types import is_number, type_codes
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


class SettingsCheck(Protocol):
    """What a method's settings check uses of the definition-file check (questionnaires/schema.py)."""

    PROVENANCE_KEYS: AbstractSet[str]

    def error(self, code: str, problem: str) -> None: ...

    def keys(self, obj: Any, where: str, allowed: AbstractSet[str], required: Iterable[str] = ()) -> bool: ...

    def text(self, obj: dict, key: str, where: str, *, required: bool = False) -> None: ...

    def provenance(self, obj: dict, where: str, *, needs_source: bool = False, why: str = "") -> None: ...

    def refer_typed(self, where: str, code: Any, types: frozenset[str], what: str) -> None:
        """`code` must name a question of the definition whose type is one of `types`."""
        ...


def _no_settings_check(check: SettingsCheck, settings: Mapping[str, Any]) -> None:
    return None


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
    # One current system per industry: what its frameworks are called in the schema check's messages
    # (each carries applies_to.industries, or is the one fallback); "" for a single framework per family.
    system_per_industry: str = ""
    levels: Callable[[Mapping[str, Any]], list[Level]] = field(default=lambda settings: [])
    rank_of: Callable[[str | None, Mapping[str, Any]], float] = field(default=lambda code, details: 0.0)
    # The values of its settings (their keys are checked against settings_keys before).
    check_settings: Callable[[SettingsCheck, Mapping[str, Any]], None] = _no_settings_check

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

# --- the shipped methods' settings checks ---------------------------------------------------------------


def _check_green_factory_2025(check: SettingsCheck, settings: Mapping[str, Any]) -> None:
    _check_tiers(check, settings.get("rating_tiers"))
    code = settings.get("green_code")
    if code is not None and check.keys(code, "settings.green_code", {"A+", "A", "B"} | check.PROVENANCE_KEYS):
        for key in ("A+", "A", "B"):
            if key in code and (not is_number(code[key]) or not 0 < code[key] <= 100):
                check.error("settings.green_code", f"{key} must be a percentage in (0, 100]")


def _check_tiers(check: SettingsCheck, tiers: Any) -> None:
    if tiers is None:
        return
    if not check.keys(tiers, "settings.rating_tiers", {"tiers"} | check.PROVENANCE_KEYS, ["tiers"]):
        return
    check.provenance(tiers, "settings.rating_tiers", needs_source=True, why="rating tiers are from a source")
    items = tiers.get("tiers")
    if not isinstance(items, list) or not items:
        check.error("settings.rating_tiers", "tiers must be a non-empty list of {code, min, label}")
        return
    mins = []
    for index, tier in enumerate(items):
        where = f"settings.rating_tiers.tiers[{index}]"
        if not check.keys(tier, where, {"code", "min", "label"}, ["code", "min", "label"]):
            continue
        check.text(tier, "label", where)
        if not is_number(tier.get("min")) or not 0 <= tier["min"] <= 100:
            check.error(where, "min must be a number from 0 to 100")
        else:
            mins.append(tier["min"])
    if mins != sorted(mins) or len(set(mins)) != len(mins):
        check.error("settings.rating_tiers", "tiers must be listed by strictly rising min")


def _check_green_factory_2018(check: SettingsCheck, settings: Mapping[str, Any]) -> None:
    if "pass_score" in settings and (
        not is_number(settings["pass_score"]) or not 0 <= settings["pass_score"] <= 100
    ):
        check.error("settings", "pass_score must be a number from 0 to 100")


def _check_clean_production(check: SettingsCheck, settings: Mapping[str, Any]) -> None:
    rule = settings.get("level_rule")
    if rule is not None and check.keys(
        rule, "settings.level_rule", {"I", "II", "III"} | check.PROVENANCE_KEYS
    ):
        for key in ("I", "II", "III"):
            entry = rule.get(key)
            if entry is not None and check.keys(entry, f"settings.level_rule.{key}", {"min_y"}, ["min_y"]):
                if not is_number(entry.get("min_y")) or not 0 <= entry["min_y"] <= 100:
                    check.error(f"settings.level_rule.{key}", "min_y must be a number from 0 to 100")
        check.provenance(
            rule, "settings.level_rule", needs_source=True, why="the level rule is from a standard"
        )
    if "products_question" in settings:
        check.refer_typed(
            "settings", settings["products_question"], frozenset({"products"}), "products_question"
        )


def _check_sme_digital_2024(check: SettingsCheck, settings: Mapping[str, Any]) -> None:
    _check_digital_levels(check, settings.get("levels"))
    scenarios = settings.get("scenarios")
    if scenarios is None:
        return
    if not isinstance(scenarios, list) or not scenarios:
        check.error("settings", "scenarios must be a list of level question codes")
        return
    if len(set(map(str, scenarios))) != len(scenarios):
        check.error("settings", "scenarios lists a question twice")
    for code in scenarios:
        check.refer_typed("settings.scenarios", code, type_codes(lambda t: t.scale), "scenario question")


def _check_digital_levels(check: SettingsCheck, levels: Any) -> None:
    if levels is None:
        return
    if not isinstance(levels, list) or not levels:
        check.error("settings", "levels must be a non-empty list")
        return
    fields = {"min_score", "min_scenarios", "scenario_level", "min_constrained"}
    for index, level in enumerate(levels):
        where = f"settings.levels[{index}]"
        if not check.keys(
            level, where, {"code", "label"} | fields | check.PROVENANCE_KEYS, ["code", "label", "min_score"]
        ):
            continue
        check.text(level, "label", where)
        check.provenance(level, where)
        for key in fields & set(level):
            if not is_number(level[key]) or level[key] < 0:
                check.error(where, f"{key} must be a number ≥ 0")
        if is_number(level.get("min_score")) and level["min_score"] > 100:
            check.error(where, "min_score is above 100")
        if "scenario_level" in level and level["scenario_level"] not in (1, 2, 3, 4):
            check.error(where, "scenario_level is outside 1-4")


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
            check_settings=_check_green_factory_2025,
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
            check_settings=_check_green_factory_2018,
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
            system_per_industry="clean-production system",
            levels=_cp_levels,
            rank_of=lambda code, details: {"below_III": 0, "III": 1, "II": 2, "I": 3}.get(code or "", 0),
            check_settings=_check_clean_production,
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
            check_settings=_check_sme_digital_2024,
        ),
    ]
)
