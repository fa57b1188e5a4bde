"""Scoring rules of docs/definitions.md ("Scoring rules"): one function per rule type, how it rates.

The rule types themselves (their keys, schema check, inputs and traits) are registered in
questionnaires/rule_types.py; `RATINGS` holds a rating function for exactly those codes.

Each function rates one indicator from the answers and explains itself: the rule in words (zh, en),
the share of its points earned (points methods) or its level membership (clean production), and the
gap to full points or to the next level. Sources of the formulas: docs/scoring.md.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from questionnaires.logic import band_holds, industry_matches, is_answered
from questionnaires.question_types import is_several
from questionnaires.rule_types import CP_LEVELS, rule_codes

from .compiled import CompiledDefinition, Indicator
from .types import ScoringInputError, Text

CP_NUMERALS = {"I": "Ⅰ", "II": "Ⅱ", "III": "Ⅲ", "none": "—"}
# Cumulative membership (docs/provenance.md §3): meeting Ⅰ also meets Ⅱ and Ⅲ.
MEMBERSHIP = {"I": (1.0, 1.0, 1.0), "II": (0.0, 1.0, 1.0), "III": (0.0, 0.0, 1.0), "none": (0.0, 0.0, 0.0)}
_RANK = {"I": 3, "II": 2, "III": 1, "none": 0}
_EPS = 1e-9


@dataclass
class Context:
    compiled: CompiledDefinition
    answers: Mapping[str, Any]
    industry: str | None
    products: list[tuple[str, float]] | None  # (name, output share 0..1) of a multi-product plant
    hidden: frozenset[str] = frozenset()  # questions not asked (their condition is false)
    # Hidden questions whose condition is false only because a question it reads is unanswered.
    undecided: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass
class Rating:
    status: str  # scored | missing
    rule: Text
    answer: Any = None
    fraction: float = 0.0  # share of the available points earned
    membership: tuple[float, float, float] = (0.0, 0.0, 0.0)  # clean production: Y(Ⅰ), Y(Ⅱ), Y(Ⅲ) / 100
    cp_level: str | None = None
    gap: Text | None = None
    missing: list[str] = field(default_factory=list)
    mandatory_failed: list[dict[str, Any]] = field(default_factory=list)


def num(value: float) -> str:
    """A number as people write it: no trailing zeros, at most four decimals."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.4f}".rstrip("0").rstrip(".")


def pts(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _unit(question: Mapping[str, Any]) -> Text:
    unit = question.get("unit") or {}
    if isinstance(unit, str):
        return {"zh": unit, "en": unit}
    return {"zh": unit.get("zh", ""), "en": unit.get("en", unit.get("zh", ""))}


def _u(text: str, unit: str) -> str:
    return f"{text} {unit}" if unit else text


def _paren(unit: str, left: str, right: str) -> str:
    return f"{left}{unit}{right}" if unit else ""


def _question(ctx: Context, code: str) -> Mapping[str, Any]:
    question = ctx.compiled.questions.get(code)
    if question is None:
        raise ScoringInputError(f"rule reads unknown question {code}")
    return question


def per_product(ctx: Context, value: Any) -> list[tuple[float, Any]] | None:
    """(share, value) pairs: one pair for a plain answer, one per listed product for a per-product answer.

    None when a listed product has no value. Without a product list the answered products count equally.
    """
    if not isinstance(value, dict):
        return [(1.0, value)]
    if ctx.products:
        pairs = [(share, value.get(name)) for name, share in ctx.products]
    else:
        pairs = [(1.0 / len(value), item) for item in value.values()] if value else []
    if not pairs or any(not is_answered(item) for _, item in pairs):
        return None
    return pairs


def _numeric_values(
    ctx: Context, question: Mapping[str, Any], value: Any
) -> list[tuple[float, float]] | None:
    """(share, number) pairs of a numeric answer, per product when it is a per-product answer."""
    pairs = per_product(ctx, value)
    if pairs is None or any(not isinstance(item, int | float) or isinstance(item, bool) for _, item in pairs):
        return None
    return [(share, float(item)) for share, item in pairs]


def _cached_text(ctx: Context, indicator: Indicator, available: float, build: Callable[[], Text]) -> Text:
    """A rule's wording depends only on the definition, the available points and the industry: build once."""
    key = (indicator.code, available, ctx.industry)
    text = ctx.compiled.text_cache.get(key)
    if text is None:
        text = build()
        if len(ctx.compiled.text_cache) < 20_000:
            ctx.compiled.text_cache[key] = text
    return text


def _missing(rule_text: Text, codes: list[str]) -> Rating:
    return Rating(status="missing", rule=rule_text, missing=list(codes))


# --- linear -----------------------------------------------------------------------------------------


def benchmark_and_leading(rule: Mapping[str, Any], industry: str | None) -> tuple[float, float, str | None]:
    """The benchmark and leading value, from `by_industry` when the enterprise's industry has its own."""
    overrides = rule.get("by_industry") or {}
    matches = [key for key in overrides if industry and industry_matches(industry, [key])]
    if matches:
        key = max(matches, key=len)
        return float(overrides[key]["benchmark"]), float(overrides[key]["leading"]), key
    return float(rule["benchmark"]), float(rule["leading"]), None


def linear_fraction(x: float, *, benchmark: float, leading: float, direction: str) -> float:
    """Share of full points: 0 at or beyond the benchmark, 1 at or beyond the leading value, linear between."""
    if direction == "lower":
        if x <= leading:
            return 1.0
        if x >= benchmark:
            return 0.0
        return (benchmark - x) / (benchmark - leading)
    if x >= leading:
        return 1.0
    if x <= benchmark:
        return 0.0
    return (x - benchmark) / (leading - benchmark)


def _linear(indicator: Indicator, rule: Mapping[str, Any], available: float, ctx: Context) -> Rating:
    code = rule["question"]
    question = _question(ctx, code)
    benchmark, leading, industry_key = benchmark_and_leading(rule, ctx.industry)
    direction = rule.get("direction", "higher")
    unit = _unit(question)
    lower = direction == "lower"
    note_zh = f"（{industry_key} 行业值）" if industry_key else ""
    note_en = f" ({industry_key} sector values)" if industry_key else ""

    def build() -> Text:
        if lower:
            return {
                "zh": f"逆向指标：≤ 引领值 {num(leading)} 得满分 {pts(available)} 分，≥ 基准值 {num(benchmark)} 得 0 分，"
                f"其间线性计分{note_zh}",
                "en": f"Lower is better: full {pts(available)} points at or below the leading value {num(leading)}, "
                f"0 at or above the benchmark {num(benchmark)}, linear in between{note_en}",
            }
        return {
            "zh": f"正向指标：≥ 引领值 {num(leading)} 得满分 {pts(available)} 分，≤ 基准值 {num(benchmark)} 得 0 分，"
            f"其间线性计分{note_zh}",
            "en": f"Higher is better: full {pts(available)} points at or above the leading value {num(leading)}, "
            f"0 at or below the benchmark {num(benchmark)}, linear in between{note_en}",
        }

    text = _cached_text(ctx, indicator, available, build)
    value = ctx.answers.get(code)
    values = _numeric_values(ctx, question, value)
    if values is None:
        return _missing(text, [code])
    fraction = sum(
        share * linear_fraction(x, benchmark=benchmark, leading=leading, direction=direction)
        for share, x in values
    )
    rating = Rating(status="scored", rule=text, answer=value, fraction=fraction)
    gain = available * (1 - fraction)
    if gain > _EPS:
        verb_zh, verb_en = ("降至", "lower") if lower else ("提高至", "raise")
        title = indicator.title
        if len(values) == 1:
            rating.gap = {
                "zh": f"将{title['zh']}从 {num(values[0][1])} {verb_zh} {_u(num(leading), unit['zh'])}，可得 +{pts(gain)} 分",
                "en": f"{verb_en} {title['en']} from {num(values[0][1])} to {_u(num(leading), unit['en'])} "
                f"for +{pts(gain)} points",
            }
        else:
            rating.gap = {
                "zh": f"将各产品的{title['zh']}{verb_zh} {_u(num(leading), unit['zh'])}，可得 +{pts(gain)} 分",
                "en": f"{verb_en} {title['en']} of every product to {_u(num(leading), unit['en'])} for +{pts(gain)} points",
            }
    return rating


# --- options, yes/no, bands, level points ------------------------------------------------------------


def _fraction(points: float, weight: float) -> float:
    return min(max(points, 0.0) / weight, 1.0) if weight > 0 else 0.0


def _option_text(option: Mapping[str, Any]) -> Text:
    text = option.get("text") or {}
    return {"zh": text.get("zh", option["code"]), "en": text.get("en", text.get("zh", option["code"]))}


def _options(indicator: Indicator, rule: Mapping[str, Any], available: float, ctx: Context) -> Rating:
    code = rule["question"]
    question = _question(ctx, code)
    options = ctx.compiled.options.get(code, {})
    weight = indicator.weight
    scale = available / weight if weight > 0 else 0.0
    multiple = is_several(question)
    if multiple:
        text = {
            "zh": f"所选选项分值之和，上限 {pts(available)} 分",
            "en": f"Sum of the chosen options' points, capped at {pts(available)}",
        }
    else:
        text = {
            "zh": f"按所选选项计分（满分 {pts(available)} 分）",
            "en": f"Points of the chosen option (max {pts(available)})",
        }
    value = ctx.answers.get(code)
    pairs = per_product(ctx, value) if is_answered(value) else None
    if pairs is None:
        return _missing(text, [code])
    if len(pairs) > 1:  # a per-product single choice: points weighted by output share
        fraction = sum(
            share * _fraction(float(options.get(item, {}).get("points", 0) or 0), weight)
            for share, item in pairs
        )
        return Rating(status="scored", rule=text, answer=value, fraction=fraction)
    chosen = value if isinstance(value, list) else [pairs[0][1]]
    points = sum(float(options[item].get("points", 0) or 0) for item in chosen if item in options)
    fraction = _fraction(points, weight)
    rating = Rating(status="scored", rule=text, answer=value, fraction=fraction)
    if fraction >= 1 - _EPS or weight <= 0:
        return rating
    if multiple:
        candidates = sorted(
            (
                o
                for o in options.values()
                if o["code"] not in chosen and not o.get("exclusive") and o.get("points")
            ),
            key=lambda o: -float(o["points"]),
        )
        room = weight - points
        listed: list[Mapping[str, Any]] = []
        total = 0.0
        for option in candidates:
            if total >= room - _EPS or len(listed) == 4:  # name at most four options
                break
            listed.append(option)
            total += float(option["points"])
        gain = min(total, room) * scale
        if listed and gain > _EPS:
            names_zh = "、".join(f"「{_option_text(o)['zh']}」" for o in listed)
            names_en = ", ".join(f"'{_option_text(o)['en']}'" for o in listed)
            rating.gap = {
                "zh": f"增加{names_zh}可得 +{pts(gain)} 分",
                "en": f"add {names_en} for +{pts(gain)} points",
            }
        return rating
    better = sorted(
        (o for o in options.values() if float(o.get("points", 0) or 0) > points), key=lambda o: o["points"]
    )
    if better:
        step, best = better[0], better[-1]
        step_gain = (min(float(step["points"]), weight) - points) * scale
        rating.gap = {
            "zh": f"达到「{_option_text(step)['zh']}」可得 +{pts(step_gain)} 分",
            "en": f"reach '{_option_text(step)['en']}' for +{pts(step_gain)} points",
        }
        if best is not step:
            best_gain = (min(float(best["points"]), weight) - points) * scale
            rating.gap["zh"] += f"；最高档「{_option_text(best)['zh']}」+{pts(best_gain)} 分"
            rating.gap["en"] += f"; top option '{_option_text(best)['en']}' +{pts(best_gain)} points"
    return rating


def _yesno(indicator: Indicator, rule: Mapping[str, Any], available: float, ctx: Context) -> Rating:
    code = rule["question"]
    text = {"zh": f"是得 {pts(available)} 分，否得 0 分", "en": f"Yes: {pts(available)} points, no: 0"}
    value = ctx.answers.get(code)
    if not isinstance(value, bool):
        return _missing(text, [code])
    rating = Rating(status="scored", rule=text, answer=value, fraction=1.0 if value else 0.0)
    if not value and available > _EPS:
        rating.gap = {
            "zh": f"做到“{indicator.title['zh']}”可得 +{pts(available)} 分",
            "en": f"achieve '{indicator.title['en']}' for +{pts(available)} points",
        }
    return rating


def band_points(bands: list[Mapping[str, Any]], x: float) -> float:
    """Points of the first band whose bounds hold; 0 when none does."""
    for band in bands:
        if band_holds(band, x):
            return float(band.get("points", 0) or 0)
    return 0.0


def _band_text(band: Mapping[str, Any]) -> str:
    parts = [
        f"{symbol} {num(band[key])}"
        for key, symbol in (("gt", ">"), ("ge", "≥"), ("lt", "<"), ("le", "≤"))
        if key in band
    ]
    return " ".join(parts) if parts else "*"


def _bands(indicator: Indicator, rule: Mapping[str, Any], available: float, ctx: Context) -> Rating:
    code = rule["question"]
    question = _question(ctx, code)
    bands = rule.get("bands") or []
    weight = indicator.weight
    scale = available / weight if weight > 0 else 0.0
    unit = _unit(question)

    def build() -> Text:
        listing = "；".join(f"{_band_text(b)} → {pts(float(b.get('points', 0)) * scale)}" for b in bands)
        return {
            "zh": f"按区间计分{_paren(unit['zh'], '（', '）')}：{listing}",
            "en": f"Banded{_paren(unit['en'], ' (', ')')}: " + listing.replace("；", "; "),
        }

    text = _cached_text(ctx, indicator, available, build)
    value = ctx.answers.get(code)
    values = _numeric_values(ctx, question, value)
    if values is None:
        return _missing(text, [code])
    fraction = sum(share * _fraction(band_points(bands, x), weight) for share, x in values)
    rating = Rating(status="scored", rule=text, answer=value, fraction=fraction)
    if len(values) == 1 and fraction < 1 - _EPS:
        current = band_points(bands, values[0][1])
        better = sorted(
            (b for b in bands if float(b.get("points", 0) or 0) > current), key=lambda b: b["points"]
        )
        if better:
            gain = (min(float(better[0]["points"]), weight) - current) * scale
            rating.gap = {
                "zh": f"使{indicator.title['zh']}达到 {_u(_band_text(better[0]), unit['zh'])}，可得 +{pts(gain)} 分",
                "en": f"bring {indicator.title['en']} to {_u(_band_text(better[0]), unit['en'])} for +{pts(gain)} points",
            }
    return rating


def _level_points(indicator: Indicator, rule: Mapping[str, Any], available: float, ctx: Context) -> Rating:
    code = rule["question"]
    points = {int(level): float(value) for level, value in (rule.get("points") or {}).items()}
    weight = indicator.weight
    scale = available / weight if weight > 0 else 0.0
    listing = "，".join(f"{level}级 {pts(p * scale)} 分" for level, p in sorted(points.items()))
    listing_en = ", ".join(f"level {level}: {pts(p * scale)}" for level, p in sorted(points.items()))
    text = {"zh": f"按等级计分：{listing}", "en": f"Points by level: {listing_en}"}
    value = ctx.answers.get(code)
    if not isinstance(value, int) or isinstance(value, bool):
        return _missing(text, [code])
    current = points.get(value, 0.0)
    rating = Rating(status="scored", rule=text, answer=value, fraction=_fraction(current, weight))
    better = sorted(level for level, p in points.items() if p > current and level > value)
    if better:
        gain = (min(points[better[0]], weight) - current) * scale
        rating.gap = {
            "zh": f"提升到 {better[0]} 级可得 +{pts(gain)} 分",
            "en": f"reach level {better[0]} for +{pts(gain)} points",
        }
    return rating


# --- clean production levels --------------------------------------------------------------------------


def level_of_value(x: float, *, thresholds: Mapping[str, Any], direction: str) -> str:
    """The best level whose threshold the value meets (cumulative), or "none"."""
    for level in CP_LEVELS:
        threshold = thresholds.get(level)
        if threshold is None:
            continue
        if (x <= float(threshold)) if direction == "lower" else (x >= float(threshold)):
            return level
    return "none"


def worse_level(a: str, b: str) -> str:
    return a if _RANK[a] <= _RANK[b] else b


def better_level(a: str, b: str) -> str:
    return a if _RANK[a] >= _RANK[b] else b


def _next_level(level: str) -> str | None:
    return {"none": "III", "III": "II", "II": "I"}.get(level)


def _levels(indicator: Indicator, rule: Mapping[str, Any], available: float, ctx: Context) -> Rating:
    code = rule["question"]
    question = _question(ctx, code)
    unit = _unit(question)
    value = ctx.answers.get(code)
    thresholds = rule.get("thresholds")
    if thresholds:
        direction = rule.get("direction", "higher")

        def build() -> Text:
            symbol = "≤" if direction == "lower" else "≥"
            present = [lvl for lvl in CP_LEVELS if lvl in thresholds]
            listing = "，".join(
                f"{CP_NUMERALS[lvl]}级 {symbol} {num(float(thresholds[lvl]))}" for lvl in present
            )
            listing_en = ", ".join(f"level {lvl} {symbol} {num(float(thresholds[lvl]))}" for lvl in present)
            return {
                "zh": f"{listing}{_paren(unit['zh'], '（', '）')}，达到的最高级别计入",
                "en": f"{listing_en}{_paren(unit['en'], ' (', ')')}; the best level met counts",
            }

        text = _cached_text(ctx, indicator, available, build)
        values = _numeric_values(ctx, question, value)
        if values is None:
            return _missing(text, [code])
        product_levels = [
            (share, level_of_value(x, thresholds=thresholds, direction=direction)) for share, x in values
        ]
    else:
        options = ctx.compiled.options.get(code, {})
        text = {"zh": "按所选情况对应的级别（Ⅰ/Ⅱ/Ⅲ级）", "en": "The level (I/II/III) of the situation chosen"}
        pairs = per_product(ctx, value) if is_answered(value) else None
        if pairs is None:
            return _missing(text, [code])
        product_levels = []
        for share, item in pairs:
            level = "none"
            for choice in item if isinstance(item, list) else [item]:
                level = better_level(level, str(options.get(choice, {}).get("cp_level", "none")))
            product_levels.append((share, level))
    membership = tuple(sum(share * MEMBERSHIP[level][k] for share, level in product_levels) for k in range(3))
    worst = "I"
    for _, level in product_levels:
        worst = worse_level(worst, level)
    rating = Rating(status="scored", rule=text, answer=value, membership=membership, cp_level=worst)  # type: ignore[arg-type]
    target = _next_level(worst)
    if target:
        lifted = [(share, better_level(level, target)) for share, level in product_levels]
        gain = available * sum(
            share * (sum(MEMBERSHIP[new]) - sum(MEMBERSHIP[old])) / 3
            for (share, new), (_, old) in zip(lifted, product_levels, strict=True)
        )
        if thresholds and target in thresholds:
            symbol = "≤" if rule.get("direction", "higher") == "lower" else "≥"
            how_zh = f"{indicator.title['zh']} {symbol} {_u(num(float(thresholds[target])), unit['zh'])}"
            how_en = f"{indicator.title['en']} {symbol} {_u(num(float(thresholds[target])), unit['en'])}"
        else:
            option = next(
                (o for o in ctx.compiled.options.get(code, {}).values() if o.get("cp_level") == target), None
            )
            how_zh = f"「{_option_text(option)['zh']}」" if option else indicator.title["zh"]
            how_en = f"'{_option_text(option)['en']}'" if option else indicator.title["en"]
        rating.gap = {
            "zh": f"达到{CP_NUMERALS[target]}级需 {how_zh}，综合得分 +{pts(gain)}",
            "en": f"level {target} needs {how_en}; summary score +{pts(gain)}",
        }
    return rating


# --- green factory 2018 requirements ------------------------------------------------------------------


def _requirements(indicator: Indicator, rule: Mapping[str, Any], available: float, ctx: Context) -> Rating:
    items = [
        item
        for item in rule.get("items") or []
        if item["question"] in ctx.compiled.questions and item["question"] not in ctx.hidden
    ]
    total = sum(float(item.get("points", 0) or 0) for item in items)
    scale = available / total if total > 0 else 0.0
    text = {
        "zh": f"必选项须全部满足，可选项加分（满分 {pts(available)} 分）",
        "en": f"Mandatory items must all be met; optional items add points (max {pts(available)})",
    }
    earned, missing, failed = 0.0, [], []
    answer = {}
    for item in items:
        code = item["question"]
        value = ctx.answers.get(code)
        answer[code] = value
        if not isinstance(value, bool):
            missing.append(code)
            continue
        if value:
            earned += float(item.get("points", 0) or 0)
            continue
        if item.get("kind") == "mandatory":
            question = ctx.compiled.questions[code]
            failed.append(
                {"indicator": indicator.code, "question": code, "title": dict(question.get("text") or {})}
            )
    rating = Rating(
        status="missing" if missing else "scored",
        rule=text,
        answer=answer,
        fraction=earned / total if total > 0 else 0.0,
        missing=missing,
        mandatory_failed=failed,
    )
    unmet = [item for item in items if answer.get(item["question"]) is not True]
    if unmet and total > 0:
        gain = sum(float(item.get("points", 0) or 0) for item in unmet) * scale
        first = unmet[:3]
        names_zh = "、".join(
            f"「{(ctx.compiled.questions[i['question']].get('text') or {}).get('zh', i['question'])}」"
            for i in first
        )
        names_en = "; ".join(
            f"'{(ctx.compiled.questions[i['question']].get('text') or {}).get('en', i['question'])}'"
            for i in first
        )
        more_zh = f"等 {len(unmet)} 项" if len(unmet) > 3 else ""
        more_en = f" and {len(unmet) - 3} more" if len(unmet) > 3 else ""
        rating.gap = {
            "zh": f"落实{names_zh}{more_zh}可得 +{pts(gain)} 分",
            "en": f"meet {names_en}{more_en} for +{pts(gain)} points",
        }
    return rating


Rate = Callable[[Indicator, Mapping[str, Any], float, Context], Rating]

# How each rule type rates (its schema, inputs and traits: questionnaires/rule_types.py).
RATINGS: dict[str, Rate] = {
    "linear": _linear,
    "options": _options,
    "yesno": _yesno,
    "bands": _bands,
    "level_points": _level_points,
    "levels": _levels,
    "requirements": _requirements,
}
# The scoring core rates exactly the registered rule types.
if set(RATINGS) != rule_codes():
    raise ImportError(f"rule ratings {sorted(RATINGS)} differ from the registry's {sorted(rule_codes())}")


def register_rating(code: str, function: Rate) -> Rate:
    """Rate a rule type registered in questionnaires.rule_types with `function` (tests add their own)."""
    RATINGS[code] = function
    return function


def unregister_rating(code: str) -> None:
    RATINGS.pop(code, None)


def rate(indicator: Indicator, available: float, ctx: Context) -> Rating:
    """Rate one applicable leaf indicator with its rule."""
    rule = indicator.rule or {}
    function = RATINGS.get(rule.get("type", ""))
    if function is None:
        raise ScoringInputError(f"indicator {indicator.code} has unknown rule type {rule.get('type')!r}")
    return function(indicator, rule, available, ctx)
