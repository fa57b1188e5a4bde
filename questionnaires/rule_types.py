"""Scoring rule types: one class per `type` of an indicator's `rule`, in one registry.

A rule type knows what the rest of the code needs about its rules (docs/definitions.md, "Scoring rules"
and "Adding a scoring rule type"): the keys a rule of it takes, which question types it may read, the
questions it reads, the schema check of its fields (on their own, then against the question read), the
most it can give, whether it rates by clean-production level, whether exports list its indicators among
the key ones, and where the officials' demo data place the figure it reads. How it rates an answer is
its function in assessment/scoring/rules.py, registered under the same code (the scoring core refuses to
import unless it rates exactly the registered types). Modules ask `rule_type(rule)` instead of comparing
`rule["type"]` with names.

Plain Python over the dicts read from the definition files; no ORM and nothing from assessment/, so the
schema check, the definition helpers and the scoring core may import it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from typing import Any, ClassVar, Protocol

from questionnaires.question_types import QuestionType, get_type, is_number, is_several, type_codes

BAND_BOUNDS = ("gt", "ge", "lt", "le")
CP_LEVELS = ("I", "II", "III")
WEIGHT_TOLERANCE = 1e-6


class RuleCheck(Protocol):
    """What a rule type's check uses of the definition-file check (questionnaires/schema.py)."""

    PROVENANCE_KEYS: AbstractSet[str]

    def error(self, code: str, problem: str) -> None: ...

    def keys(self, obj: Any, where: str, allowed: AbstractSet[str], required: Iterable[str] = ()) -> bool: ...

    def bilingual(self, value: Any, where: str, key: str) -> None: ...

    def provenance(self, obj: dict, where: str, *, needs_source: bool = False, why: str = "") -> None: ...

    def refer(self, where: str, code: Any, what: str) -> None:
        """`code` must name a question of the definition (or of a bank it uses)."""
        ...

    def expect_type(self, where: str, code: Any, types: frozenset[str], what: str) -> None:
        """A question `code` names, if it exists, must be of one of `types`."""
        ...

    def industry_code(self, value: Any) -> bool:
        """Whether `value` is a GB/T 4754 code like C26 or C1441."""
        ...

    def method_has(self, attribute: str) -> bool:
        """Whether the file's scoring method (questionnaires.frameworks) sets a flag, e.g. points."""
        ...


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else []


def check_bounds(check: RuleCheck, band: Mapping[str, Any], where: str) -> None:
    """A band's bounds (any of gt/ge/lt/le) are numbers (scoring bands, proposed options)."""
    for bound in BAND_BOUNDS:
        if bound in band and not is_number(band[bound]):
            check.error(where, f"{bound} must be a number")


def check_points(check: RuleCheck, points: Any, where: str, limit: float | None, what: str) -> None:
    """Points a rule gives: a number ≥ 0, within the indicator's weight when the method bounds them."""
    if not is_number(points) or points < 0:
        check.error(where, f"{what} points must be a number ≥ 0, not {points!r}")
    elif limit is not None and points > limit + WEIGHT_TOLERANCE:
        check.error(where, f"{what} points {points:g} exceed the indicator weight {limit:g}")


class RuleType:
    """The behaviour shared by every rule type; a subclass sets `code` and overrides what differs."""

    code: ClassVar[str] = ""
    # Its keys (besides type, note and provenance), and those of them a rule may leave out.
    keys: ClassVar[frozenset[str]] = frozenset({"question"})
    optional_keys: ClassVar[frozenset[str]] = frozenset()
    # Rates by the clean-production level met (Ⅰ/Ⅱ/Ⅲ membership) rather than by a share of its points.
    by_level: ClassVar[bool] = False
    # Its fields in words, for revision notices ("the benchmark value of … changed from 0.6 to 0.9").
    field_labels: ClassVar[Mapping[str, tuple[str, str]]] = {
        "question": ("所读取的题目", "question it reads"),
        "type": ("计分方式", "scoring method"),
    }

    def reads(self, kind: QuestionType) -> bool:
        """Whether a question of this type may be the one it reads (from the type's traits)."""
        return False

    def question_types(self) -> frozenset[str]:
        """Codes of the question types it may read."""
        return type_codes(self.reads)

    def questions(self, rule: Mapping[str, Any]) -> list[str]:
        """Codes of the questions a rule of this type reads, in order."""
        return [rule["question"]] if rule.get("question") else []

    # --- the schema check ----------------------------------------------------------------------------
    def check(self, check: RuleCheck, rule: dict, where: str, *, limit: float | None) -> None:
        """Its fields (the keys are already checked); `limit` bounds the points it gives (None: unbounded)."""
        check.refer(where, rule.get("question"), "rule question")
        check.expect_type(where, rule.get("question"), self.question_types(), f"{self.code} rule question")

    def check_read(
        self, check: RuleCheck, rule: dict, where: str, question: Mapping[str, Any], *, weight: float | None
    ) -> None:
        """Its fields against the question its `question` names, once every file is read."""
        return None

    # --- reading a rule --------------------------------------------------------------------------------
    def best(
        self, rule: Mapping[str, Any], questions: Mapping[str, Mapping[str, Any]], weight: float
    ) -> float:
        """The most it can give, read from the rule itself (before capping at the weight)."""
        return weight

    def quantitative(self, rule: Mapping[str, Any]) -> bool:
        """It rates a measured figure: exports list its indicator among the key indicators."""
        return False

    def demo_guided(self, rule: Mapping[str, Any]) -> bool:
        """The officials' demo data place the figure it reads by the rule (`demo_figure`)."""
        return False

    def demo_figure(self, rule: Mapping[str, Any], position: float) -> float | None:
        """A figure scoring about as well as `position` (an enterprise's maturity plus noise: 0 worst, 1 best,
        may stray beyond); None: the question type's own demo value."""
        return None


REGISTRY: dict[str, RuleType] = {}


def register(cls: type[RuleType]) -> type[RuleType]:
    """Class decorator: make the rule type available under its code (tests may register their own)."""
    if not cls.code:
        raise ValueError("a rule type needs a code")
    REGISTRY[cls.code] = cls()
    return cls


def unregister(code: str) -> None:
    REGISTRY.pop(code, None)


def get_rule_type(code: Any) -> RuleType | None:
    """The rule type registered under `code`, or None for an unknown code."""
    return REGISTRY.get(code) if isinstance(code, str) else None


def rule_type(rule: Mapping[str, Any] | None) -> RuleType | None:
    """The type of a rule (None for no rule or an unknown type)."""
    return get_rule_type((rule or {}).get("type"))


def rule_codes(predicate: Callable[[RuleType], bool] | None = None) -> frozenset[str]:
    """Codes of the registered rule types (those for which `predicate` holds, if given)."""
    return frozenset(code for code, kind in REGISTRY.items() if predicate is None or predicate(kind))


def iter_rule_types() -> Iterator[RuleType]:
    """The registered rule types in registration order."""
    return iter(list(REGISTRY.values()))


_PLAIN = RuleType()


def rule_questions(rule: Mapping[str, Any] | None) -> list[str]:
    """Question codes a scoring rule reads, in order (a rule of an unknown type: its `question`)."""
    if not rule:
        return []
    return (rule_type(rule) or _PLAIN).questions(rule)


def rule_field_label(key: str) -> tuple[str, str] | None:
    """A rule field in words (Chinese, English), from the registered types' labels."""
    for kind in REGISTRY.values():
        if key in kind.field_labels:
            return kind.field_labels[key]
    return None


# --- the shipped rule types ----------------------------------------------------------------------------


@register
class Linear(RuleType):
    """0 at or beyond the benchmark on the bad side, full points at or beyond the leading value, linear
    in between; `by_industry` values override the defaults for an industry (docs/provenance.md §2)."""

    code = "linear"
    keys = frozenset({"question", "direction", "benchmark", "leading", "by_industry"})
    optional_keys = frozenset({"by_industry"})
    field_labels = {
        **RuleType.field_labels,
        "benchmark": ("基准值", "benchmark value"),
        "leading": ("先进值", "leading value"),
        "direction": ("方向（越高越好或越低越好）", "direction (higher or lower is better)"),
        "by_industry": ("分行业基准值", "benchmark values by industry"),
    }

    def reads(self, kind: QuestionType) -> bool:
        return kind.numeric

    def check(self, check: RuleCheck, rule: dict, where: str, *, limit: float | None) -> None:
        super().check(check, rule, where, limit=limit)
        direction = rule.get("direction")
        if direction not in ("higher", "lower"):
            check.error(where, "rule.direction must be higher or lower")
            direction = None
        _benchmark_pair(check, rule, where, "rule", direction)
        by_industry = rule.get("by_industry")
        if by_industry is None:
            return
        if not isinstance(by_industry, dict) or not by_industry:
            check.error(where, "rule.by_industry must map industry codes to {benchmark, leading, source}")
            return
        for industry, values in by_industry.items():
            iwhere = f"{where}.rule.by_industry.{industry}"
            if not check.industry_code(industry):
                check.error(where, f"by_industry key {industry!r} is not a GB/T 4754 code like C26")
            if not check.keys(
                values, iwhere, {"benchmark", "leading"} | check.PROVENANCE_KEYS, ["benchmark", "leading"]
            ):
                continue
            check.provenance(
                values, iwhere, needs_source=True, why="an industry benchmark comes from a source"
            )
            _benchmark_pair(check, values, iwhere, "", direction)

    def quantitative(self, rule: Mapping[str, Any]) -> bool:
        return True

    def demo_guided(self, rule: Mapping[str, Any]) -> bool:
        return True

    def demo_figure(self, rule: Mapping[str, Any], position: float) -> float | None:
        # Between benchmark and leading value, a little beyond either now and then.
        benchmark, leading = rule.get("benchmark"), rule.get("leading")
        if not isinstance(benchmark, int | float) or not isinstance(leading, int | float):
            return None
        return benchmark + (leading - benchmark) * min(max(position, -0.4), 1.2)


def _benchmark_pair(check: RuleCheck, values: dict, where: str, prefix: str, direction: str | None) -> None:
    benchmark, leading = values.get("benchmark"), values.get("leading")
    label = f"{prefix}." if prefix else ""
    for key, value in (("benchmark", benchmark), ("leading", leading)):
        if key in values and not is_number(value):
            check.error(where, f"{label}{key} must be a number")
    if not (is_number(benchmark) and is_number(leading)):
        return
    if benchmark == leading:
        check.error(where, f"{label}benchmark and leading value are equal ({benchmark:g})")
    elif direction == "higher" and leading < benchmark:
        check.error(
            where, f"higher is better but the leading value {leading:g} is below the benchmark {benchmark:g}"
        )
    elif direction == "lower" and leading > benchmark:
        check.error(
            where, f"lower is better but the leading value {leading:g} is above the benchmark {benchmark:g}"
        )


@register
class Options(RuleType):
    """Points of the chosen option; several options: the sum of their points, capped at the weight."""

    code = "options"

    def reads(self, kind: QuestionType) -> bool:
        return kind.choice

    def check_read(
        self, check: RuleCheck, rule: dict, where: str, question: Mapping[str, Any], *, weight: float | None
    ) -> None:
        # Option points within the weight, and full marks reachable (points methods).
        code = rule["question"]
        points: list[Any] = [
            o.get("points") for o in _as_list(question.get("options")) if isinstance(o, dict)
        ]
        if any(p is None for p in points):
            check.error(where, f"options rule reads {code}, whose options do not all carry points")
            return
        points = [p for p in points if is_number(p)]
        if weight is None or check.method_has("omega_weights") or not points:
            return
        for p in points:
            if p > weight + WEIGHT_TOLERANCE:
                check.error(where, f"option points {p:g} of {code} exceed the indicator weight {weight:g}")
        several = getattr(get_type(question.get("type")), "several", False)
        best = min(sum(points), weight) if several else max(points)
        if check.method_has("points") and best < weight - WEIGHT_TOLERANCE:
            check.error(where, f"the options of {code} reach at most {best:g} of the weight {weight:g}")

    def best(
        self, rule: Mapping[str, Any], questions: Mapping[str, Mapping[str, Any]], weight: float
    ) -> float:
        question = questions.get(rule.get("question") or "", {})
        points = [float(o.get("points") or 0) for o in question.get("options") or []]
        return sum(points) if is_several(question) else max(points, default=0.0)


@register
class YesNo(RuleType):
    """Yes: full points, no: 0 (clean production: yes meets every level, no meets none)."""

    code = "yesno"

    def reads(self, kind: QuestionType) -> bool:
        return kind.boolean


@register
class Bands(RuleType):
    """Points of the first band whose bounds (any of gt/ge/lt/le) hold."""

    code = "bands"
    keys = frozenset({"question", "bands"})
    field_labels = {**RuleType.field_labels, "bands": ("计分档位", "scoring bands")}

    def reads(self, kind: QuestionType) -> bool:
        return kind.numeric or kind.scale

    def check(self, check: RuleCheck, rule: dict, where: str, *, limit: float | None) -> None:
        super().check(check, rule, where, limit=limit)
        bands = rule.get("bands")
        if not isinstance(bands, list) or not bands:
            check.error(where, "rule.bands must be a non-empty list of {gt|ge|lt|le, points}")
            return
        for index, band in enumerate(bands):
            bwhere = f"{where}.rule.bands[{index}]"
            if not check.keys(band, bwhere, set(BAND_BOUNDS) | {"points", "label"}, ["points"]):
                continue
            check_bounds(check, band, bwhere)
            lower = [band[b] for b in ("gt", "ge") if is_number(band.get(b))]
            upper = [band[b] for b in ("lt", "le") if is_number(band.get(b))]
            if len(lower) > 1 or len(upper) > 1:
                check.error(bwhere, "a band has at most one lower bound (gt|ge) and one upper bound (lt|le)")
            if lower and upper and max(lower) > min(upper):
                check.error(bwhere, f"lower bound {max(lower):g} is above upper bound {min(upper):g}")
            if "label" in band:
                check.bilingual(band["label"], bwhere, "label")
            check_points(check, band.get("points"), bwhere, limit, "band")

    def best(
        self, rule: Mapping[str, Any], questions: Mapping[str, Mapping[str, Any]], weight: float
    ) -> float:
        return max((float(b.get("points") or 0) for b in rule.get("bands") or []), default=0.0)

    def quantitative(self, rule: Mapping[str, Any]) -> bool:
        return True


@register
class LevelPoints(RuleType):
    """Points for the level (1–4) chosen."""

    code = "level_points"
    keys = frozenset({"question", "points"})
    field_labels = {**RuleType.field_labels, "points": ("各等级分值", "points per level")}

    def reads(self, kind: QuestionType) -> bool:
        return kind.scale

    def check(self, check: RuleCheck, rule: dict, where: str, *, limit: float | None) -> None:
        super().check(check, rule, where, limit=limit)
        points = rule.get("points")
        if not isinstance(points, dict):
            check.error(where, "rule.points must map levels 1-4 to points")
            return
        keys = {int(k) if isinstance(k, str) and k.isdigit() else k for k in points}
        if keys != {1, 2, 3, 4}:
            check.error(where, f"rule.points must have levels exactly 1-4 (found {sorted(map(str, keys))})")
        for key, value in points.items():
            check_points(check, value, f"{where}.rule.points.{key}", limit, f"level {key}")

    def best(
        self, rule: Mapping[str, Any], questions: Mapping[str, Mapping[str, Any]], weight: float
    ) -> float:
        return max((float(v) for v in (rule.get("points") or {}).values()), default=0.0)


@register
class Levels(RuleType):
    """Clean production: the best level (Ⅰ/Ⅱ/Ⅲ, cumulative) a figure meets by `thresholds`, or the level
    the chosen option carries (`cp_level`)."""

    code = "levels"
    keys = frozenset({"question", "direction", "thresholds"})
    optional_keys = frozenset({"direction", "thresholds"})
    by_level = True
    field_labels = {
        **RuleType.field_labels,
        "direction": ("方向（越高越好或越低越好）", "direction (higher or lower is better)"),
        "thresholds": ("分级阈值", "level thresholds"),
    }

    def reads(self, kind: QuestionType) -> bool:
        # Quantitative thresholds, or single-choice options carrying cp_level.
        return kind.numeric or (kind.choice and not kind.several)

    def check(self, check: RuleCheck, rule: dict, where: str, *, limit: float | None) -> None:
        super().check(check, rule, where, limit=limit)
        thresholds, direction = rule.get("thresholds"), rule.get("direction")
        if thresholds is None and direction is None:
            return  # qualitative: the options read carry the levels (check_read)
        if direction not in ("higher", "lower"):
            check.error(where, "rule.direction must be higher or lower")
        if not isinstance(thresholds, dict) or set(thresholds) != set(CP_LEVELS):
            check.error(where, "rule.thresholds must have exactly I, II and III")
            return
        values = [thresholds[k] for k in CP_LEVELS]
        if not all(is_number(v) for v in values):
            check.error(where, "rule.thresholds must be numbers")
            return
        if direction == "higher" and not values[0] >= values[1] >= values[2]:
            check.error(where, f"higher is better but thresholds are not I ≥ II ≥ III: {values}")
        if direction == "lower" and not values[0] <= values[1] <= values[2]:
            check.error(where, f"lower is better but thresholds are not I ≤ II ≤ III: {values}")

    def check_read(
        self, check: RuleCheck, rule: dict, where: str, question: Mapping[str, Any], *, weight: float | None
    ) -> None:
        if rule.get("thresholds") is not None or rule.get("direction") is not None or not question:
            return
        code = rule["question"]
        kind = get_type(question.get("type"))
        if kind and kind.choice and not kind.several:
            options = question.get("options")
            if not any(isinstance(o, dict) and "cp_level" in o for o in _as_list(options)):
                check.error(where, f"qualitative levels rule reads {code}, whose options carry no cp_level")
        else:
            check.error(where, f"levels rule on {code} needs direction and thresholds (quantitative)")

    def quantitative(self, rule: Mapping[str, Any]) -> bool:
        return bool(rule.get("thresholds"))

    def demo_guided(self, rule: Mapping[str, Any]) -> bool:
        return bool(rule.get("thresholds"))

    def demo_figure(self, rule: Mapping[str, Any], position: float) -> float | None:
        # Around the thresholds Ⅲ/Ⅱ/Ⅰ: from below Ⅲ to beyond Ⅰ.
        thresholds = rule.get("thresholds") or {}
        points = [
            p for p in (thresholds.get(level) for level in ("III", "II", "I")) if isinstance(p, int | float)
        ]
        if len(points) < 3:
            return None
        worse = points[0] - ((points[1] - points[0]) or 1) * 0.5
        anchors = [worse, *points, points[2] + (points[2] - points[1])]
        place = min(max(position, 0.0), 0.999) * (len(anchors) - 1)
        low = int(place)
        return anchors[low] + (anchors[low + 1] - anchors[low]) * (place - low)


@register
class Requirements(RuleType):
    """Green factory 2018: points of the yes/no items met; an unmet mandatory item is reported."""

    code = "requirements"
    keys = frozenset({"items"})
    field_labels = {**RuleType.field_labels, "items": ("要求项", "requirement items")}

    def reads(self, kind: QuestionType) -> bool:
        return kind.boolean

    def questions(self, rule: Mapping[str, Any]) -> list[str]:
        return [item["question"] for item in rule.get("items") or [] if "question" in item]

    def check(self, check: RuleCheck, rule: dict, where: str, *, limit: float | None) -> None:
        items = rule.get("items")
        if not isinstance(items, list) or not items:
            check.error(where, "rule.items must be a non-empty list of {question, kind, points}")
            return
        total = 0.0
        for index, item in enumerate(items):
            iwhere = f"{where}.rule.items[{index}]"
            if not check.keys(item, iwhere, {"question", "kind", "points", "title"}, ["question", "kind"]):
                continue
            if item.get("kind") not in ("mandatory", "optional"):
                check.error(iwhere, "kind must be mandatory or optional")
            if "points" in item:
                check_points(check, item["points"], iwhere, limit, "item")
                total += item["points"] if is_number(item["points"]) else 0
            if "title" in item:
                check.bilingual(item["title"], iwhere, "title")
            check.refer(where, item.get("question"), "requirement question")
            check.expect_type(where, item.get("question"), self.question_types(), "requirement question")
        if limit is not None and total > limit + WEIGHT_TOLERANCE:
            check.error(
                where, f"requirement points add up to {total:g}, more than the indicator weight {limit:g}"
            )

    def best(
        self, rule: Mapping[str, Any], questions: Mapping[str, Mapping[str, Any]], weight: float
    ) -> float:
        return sum(float(item.get("points") or 0) for item in rule.get("items") or []) or weight
