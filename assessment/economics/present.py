"""The action plan in words and shapes, for the results page and the PDF (pure; one language at a time).

`plan_rows` turns an `ActionPlan` into display rows (formatted ranges, assumptions and sources in plain
words, the answers that would make an estimate possible); `price_notes` says which prices were used;
`mac_geometry` lays out the abatement cost curve in a box (SVG on the page, reportlab in the PDF draw the
same rectangles). No internal codes or file names reach the text.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from assessment.economics.engine import CARRIER_LABELS, RANKING_RULE, ActionPlan, PlanItem, Span, fmt, unit_en
from assessment.economics.model import EconomicsModel, load_economics
from assessment.energy import INPUTS
from questionnaires.references import Citation
from questionnaires.references import cite_text as registry_cite_text
from questionnaires.text import is_english, pick, pick_name

Text = dict[str, str]

VIEW_LABELS: dict[str, Text] = {
    "ranked": {"zh": "按推荐顺序", "en": "Recommended order"},
    "low_cost": {"zh": "无费、低费优先", "en": "No-cost and low-cost first"},
    "co2": {"zh": "减排量最大优先", "en": "Largest CO₂ reduction first"},
}
STATUS_TEXT: dict[str, Text] = {
    "missing_data": {"zh": "缺少数据", "en": "Data missing"},
    "not_applicable": {"zh": "不适用", "en": "Not applicable"},
    "not_quantified": {"zh": "未估算金额", "en": "No money figures"},
}


def span_text(span: Span | None, places: int = 1) -> str:
    """ "12.7–65.5", or one number when the range is a point; "—" without a figure."""
    if span is None:
        return "—"
    low, high = span.low, span.high
    if math.isinf(high):
        return f"≥ {fmt(low, places)}"
    if abs(high - low) < 0.5 * 10**-places:
        return fmt(span.mid, places)
    if low < 0 or high < 0:  # "-18.9 ~ -3.8" reads better than "-18.9–-3.8"
        return f"{fmt(low, places)} ~ {fmt(high, places)}"
    return f"{fmt(low, places)}–{fmt(high, places)}"


@dataclass
class PlanRow:
    rank: int
    code: str
    title: str
    cost_class: str
    estimated: bool
    status: str  # plain words for an action without figures
    investment: str = "—"
    saving: str = "—"
    payback: str = "—"
    energy: str = "—"
    carriers: list[str] = field(default_factory=list)
    co2: str = "—"
    abatement: str = "—"
    gains: list[tuple[str, float]] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    refine: list[str] = field(default_factory=list)
    note: str = ""
    negative_saving: bool = False


def _question_text(code: str, texts: Mapping[str, Any], lang: str) -> str:
    if code in texts:
        return pick(texts[code], lang)
    if code in INPUTS:
        return pick(INPUTS[code].label, lang)
    if code == "enterprise.size_class":
        return "Enterprise size" if is_english(lang) else "企业规模"
    return code


def cite_text(
    cite: Mapping[str, Any], economics: EconomicsModel, lang: str, price_labels: Mapping[str, Any]
) -> str:
    """One source in plain words: a document (title, number, section) or a planning assumption's basis."""
    zh = not is_english(lang)
    parts = []
    if cite.get("ref") in economics.references:
        citation = Citation(cite["ref"], str(cite.get("section") or ""))
        parts.append(registry_cite_text(citation, economics.references, lang))
    if cite.get("provisional"):
        basis = pick(cite.get("basis"), lang)
        prefix = ""
        if cite.get("price"):
            label = pick(price_labels.get(cite["price"]), lang)
            prefix = f"{label}：" if zh else f"{label}: "
        parts.append(
            f"{prefix}{'规划假设' if zh else 'planning assumption'}——{basis}"
            if zh
            else f"{prefix}planning assumption — {basis}"
        )
    return "；".join(parts) if zh else "; ".join(parts)


def plan_rows(
    plan: ActionPlan,
    *,
    lang: str,
    view: str = "ranked",
    question_texts: Mapping[str, Any] | None = None,
    framework_names: Mapping[str, str] | None = None,
    cost_labels: Mapping[str, Any] | None = None,
    economics: EconomicsModel | None = None,
    price_labels: Mapping[str, Any] | None = None,
) -> list[PlanRow]:
    economics = economics or load_economics()
    texts = question_texts or {}
    names = framework_names or {}
    labels = cost_labels or {}
    prices = price_labels or {}
    zh = not is_english(lang)
    rows = []
    for item in plan.view(view):
        econ = item.economics
        row = PlanRow(
            rank=item.rank,
            code=item.code,
            title=pick(item.title, lang),
            cost_class=pick(labels.get(item.cost_class), lang) or item.cost_class,
            estimated=econ.estimated,
            status=pick(STATUS_TEXT.get(econ.status), lang),
            gains=[(names.get(fw, fw), delta) for fw, delta in item.score_gain.items()],
            note=pick(econ.note, lang),
            missing=[_question_text(code, texts, lang) for code in econ.missing],
            refine=[_question_text(code, texts, lang) for code in econ.refine],
        )
        if econ.estimated:
            row.investment = span_text(econ.investment_wan, 1)
            row.saving = span_text(econ.annual_saving_wan, 1)
            row.negative_saving = bool(econ.annual_saving_wan and econ.annual_saving_wan.mid < 0)
            row.payback = (
                span_text(econ.payback_years, 1) if econ.payback_years else ("不回收" if zh else "never")
            )
            row.energy = span_text(econ.energy_saved_tce, 1)
            row.co2 = span_text(econ.co2_avoided_t, 1)
            if econ.mac_yuan_per_t is not None:
                row.abatement = fmt(econ.mac_yuan_per_t, 0)
            for change in econ.carriers:
                name = pick(CARRIER_LABELS.get(change.carrier), lang)
                verb = (
                    ("节约" if change.quantity.mid >= 0 else "增加")
                    if zh
                    else ("saved" if change.quantity.mid >= 0 else "added")
                )
                quantity = Span(abs(change.quantity.low), abs(change.quantity.mid), abs(change.quantity.high))
                if change.quantity.mid < 0:
                    quantity = Span(quantity.high, quantity.mid, quantity.low)
                places = 0 if change.unit in ("kWh", "m³") else 1
                row.carriers.append(
                    f"{name}{verb} {span_text(quantity, places)} {change.unit}"
                    if zh
                    else f"{name} {verb}: {span_text(quantity, places)} {change.unit}"
                )
            row.assumptions = [pick(line, lang) for line in econ.assumptions]
            row.sources = list(dict.fromkeys(cite_text(c, economics, lang, prices) for c in econ.sources))
        rows.append(row)
    return rows


def price_labels(plan: ActionPlan) -> dict[str, Any]:
    return {price.key: price.label for price in plan.baseline.prices.values() if price.key}


def price_notes(plan: ActionPlan, lang: str) -> list[str]:
    """Which prices the figures used: the enterprise's own (bill ÷ quantity) or the dated reference set."""
    zh = not is_english(lang)
    own: list[str] = []
    reference: list[str] = []
    for carrier, origin in plan.prices_origin().items():
        price = plan.baseline.prices[carrier]
        name = pick(CARRIER_LABELS[carrier], lang)
        unit = price.unit if zh else unit_en(price.unit)
        text = f"{name} {span_text(Span(price.low, price.mid, price.high), 3)} {unit}"
        (own if origin == "own" else reference).append(text)
    notes = []
    if own:
        notes.append(
            ("本企业账单价格（账单 ÷ 用量）：" if zh else "Your own prices (bill ÷ quantity): ")
            + ("；".join(own) if zh else "; ".join(own))
        )
    if reference:
        name = pick_name(str(plan.prices.get("name") or ""), lang)
        as_of = str(plan.prices.get("as_of") or "")
        head = f"参考价格（{name}，{as_of}）：" if zh else f"Reference prices ({name}, {as_of}): "
        notes.append(head + ("；".join(reference) if zh else "; ".join(reference)))
        notes.append(
            "填写全年电费、煤费、气费或水费后，将改用本企业的实际价格。"
            if zh
            else "Enter your annual electricity, coal, gas or water bills to use your own prices instead."
        )
    return notes


def ranking_rule(lang: str) -> str:
    return pick(RANKING_RULE, lang)


def mac_geometry(
    plan: ActionPlan,
    *,
    lang: str,
    titles: Mapping[str, str] | None = None,
    width: float = 640,
    height: float = 300,
) -> dict[str, Any] | None:
    """The abatement cost curve laid out in a width × height box (y grows downwards, as in SVG).

    Bars: x from cumulative t CO₂, width = t CO₂ of the action, height = 元/t (below the zero line when
    the action saves money). The cost axis spans the ordinary figures (`cost_axis_bound`): a bar beyond
    it is cut at the axis end, marked with a break and its figure written beside it, so that one extreme
    action does not flatten the others. Likewise an extreme CO₂ figure (`shown_widths`) is drawn narrower,
    with an upright break across the bar and the zero line (the CO₂ axis is broken there: the ticks after
    it carry the real cumulative figures) and its real figure written under the axis. A bar's number is left out where it would overlap the one before
    (the legend lists every bar). Returns None when no action avoids CO₂.
    """
    points = list(plan.mac)
    if not points:
        return None
    zh = not is_english(lang)
    left, right, top, bottom = 64.0, 16.0, 24.0, 44.0
    plot_w, plot_h = width - left - right, height - top - bottom
    total = points[-1].end or 1.0
    shown = shown_widths([p.co2_t for p in points])
    shown_total = sum(shown) or 1.0
    bound = cost_axis_bound([p.cost_per_t for p in points])
    low = max(min(0.0, min(p.cost_per_t for p in points)), -bound)
    high = min(max(0.0, max(p.cost_per_t for p in points)), bound)
    if high == low:
        high = low + 1
    step = _nice_step((high - low) / 4)
    low, high = math.floor(low / step) * step, math.ceil(high / step) * step

    def y(value: float) -> float:
        return top + (high - min(max(value, low), high)) / (high - low) * plot_h

    zero = y(0.0)
    bars = []
    names = titles or {}
    last_label = {True: -math.inf, False: -math.inf}  # by side: numbers above and below the zero line
    segments = []  # stretches of the CO₂ axis drawn to scale: (first t, where it starts in shown t, last t)
    shown_start = 0.0
    segment_start = (0.0, 0.0)
    for index, point in enumerate(points, start=1):
        x0 = left + shown_start / shown_total * plot_w
        w = max(shown[index - 1] / shown_total * plot_w, 1.0)
        narrowed = shown[index - 1] < point.co2_t
        if narrowed:
            segments.append((*segment_start, point.start))
            segment_start = (point.end, shown_start + shown[index - 1])
        shown_start += shown[index - 1]
        yv = y(point.cost_per_t)
        clipped = not low <= point.cost_per_t <= high
        centre = x0 + w / 2
        # Room for the digits at 11 px; a cut bar's number goes with its figure beside it.
        above = point.cost_per_t >= 0
        labelled = not clipped and centre - last_label[above] >= 6 + 7 * len(str(index))
        if labelled:
            last_label[above] = centre
        bar: dict[str, Any] = {
            "number": index,
            "code": point.code,
            "title": names.get(point.code, point.code),
            "x": round(x0, 2),
            "y": round(min(yv, zero), 2),
            "w": round(w, 2),
            "h": round(max(abs(zero - yv), 1.0), 2),
            "label_x": round(centre, 2),
            "label_y": round(min(yv, zero) - 3 if point.cost_per_t >= 0 else max(yv, zero) + 11, 2),
            "labelled": labelled,
            "saves": point.cost_per_t < 0,
            "co2": fmt(point.co2_t, 1),
            "cost": fmt(point.cost_per_t, 0),
            "clipped": clipped,
            "narrowed": narrowed,
        }
        if narrowed:
            bar.update(_width_break(centre, min(yv, zero), max(yv, zero), saves=point.cost_per_t < 0))
            bar["width_value"] = f"{index}: {fmt(point.co2_t, 0)} {'吨' if zh else 't'}"
            bar["width_value_y"] = round(top + plot_h + 28, 2)
        if clipped:
            bar.update(_break_mark(x0, w, yv, downwards=point.cost_per_t < 0, right=width - right))
            bar["value"] = f"{index}: {bar['cost']}"
        bars.append(bar)
    ticks_y = []
    value = low
    while value <= high + 1e-9:
        ticks_y.append({"y": round(y(value), 2), "label": fmt(value, 0)})
        value += step
    segments.append((*segment_start, total))
    x_step = _nice_step(shown_total / 4)
    ticks_x: list[dict[str, Any]] = []
    for first, shown_first, last in segments:
        value = math.ceil(first / x_step - 1e-9) * x_step
        while value <= last + 1e-9:
            x = left + (shown_first + value - first) / shown_total * plot_w
            if not ticks_x or x - ticks_x[-1]["x"] >= 36:  # room for the figure beside the one before
                ticks_x.append({"x": round(x, 2), "label": fmt(value, 0)})
            value += x_step
    if len(segments) > 1 and ticks_x[-1]["x"] < left + plot_w - 1:  # a broken axis ends on its real total
        if left + plot_w - ticks_x[-1]["x"] < 36:
            ticks_x.pop()
        ticks_x.append({"x": round(left + plot_w, 2), "label": fmt(total, 0)})
    return {
        "width": width,
        "height": height,
        "left": left,
        "right": width - right,
        "top": top,
        "bottom": top + plot_h,
        "zero": round(zero, 2),
        "bars": bars,
        "ticks_y": ticks_y,
        "ticks_x": ticks_x,
        "x_label": "累计年减排量（吨二氧化碳）" if zh else "Cumulative CO₂ avoided (t a year)",
        "y_label": "减排成本（元/吨二氧化碳）" if zh else "Abatement cost (yuan per t CO₂)",
        "title": "边际减排成本曲线" if zh else "Marginal abatement cost curve",
        "description": (
            "每个柱代表一项措施：宽度为年减排量，高度为每吨二氧化碳的减排成本（投资按6%折现年化，减去年节约额）；零线以下的措施在减排的同时节约成本。措施按成本从低到高依次叠加，不重复计算。"
            if zh
            else "Each bar is one action: its width is the CO₂ avoided a year, its height the cost per tonne "
            "(investment annualised at 6 %, less the yearly saving); bars below zero save money while cutting "
            "CO₂. Actions are stacked cheapest first and never double counted."
        ),
        "total": fmt(total, 0),
        "clip_note": (" " if not zh else "").join(
            note
            for note, shown_note in (
                (
                    "标有折断符号的柱超出坐标范围，已截断，旁边标注其实际数值。"
                    if zh
                    else "Bars with a break mark run beyond the axis: they are cut, with their actual figure written beside them.",
                    any(bar["clipped"] for bar in bars),
                ),
                (
                    "中间带竖向折断符号的柱减排量过大，宽度未按比例绘制（横轴在此断开，其后的刻度为实际累计值），实际减排量标在横轴下方。"
                    if zh
                    else "A bar with an upright break mark avoids too much CO₂ to be drawn to scale: it is narrowed (the "
                    "horizontal axis is broken there; the ticks after it give the actual cumulative figures), and its "
                    "actual figure is written under the axis.",
                    any(bar["narrowed"] for bar in bars),
                ),
            )
            if shown_note
        ),
    }


# A cost more than this many times the next largest (in size) is cut at the axis end rather than scaled.
OUTLIER_RATIO = 4.0


def cost_axis_bound(costs: list[float]) -> float:
    """How far the cost axis reaches either side of zero: the largest cost in size, unless the largest
    ones are outliers (each more than OUTLIER_RATIO times the next); those, at most half the bars, are
    left beyond the bound. Infinite when nothing is cut."""
    sizes = sorted((abs(cost) for cost in costs), reverse=True)
    cut = _outlier_count(sizes)
    return sizes[cut] * 1.1 if cut else math.inf


def _outlier_count(sizes: list[float]) -> int:
    """How many of the largest `sizes` (sorted largest first) are outliers: each more than OUTLIER_RATIO
    times the next, at most half of them."""
    cut = 0
    while cut < len(sizes) // 2 and sizes[cut + 1] > 0 and sizes[cut] > OUTLIER_RATIO * sizes[cut + 1]:
        cut += 1
    return cut


# An action avoiding more CO₂ than OUTLIER_RATIO times the next largest is drawn this many times as wide.
NARROWED_RATIO = 2.0


def shown_widths(co2: list[float]) -> list[float]:
    """The CO₂ figures as the bars are drawn: the same, except outliers (each more than OUTLIER_RATIO
    times the next largest, at most half the bars), drawn NARROWED_RATIO times the largest ordinary one."""
    sizes = sorted(co2, reverse=True)
    cut = _outlier_count(sizes)
    if not cut:
        return list(co2)
    cap = NARROWED_RATIO * sizes[cut]
    return [min(value, cap) for value in co2]


def _width_break(centre: float, y_top: float, y_bottom: float, *, saves: bool) -> dict[str, Any]:
    """The upright slanted band (white, outlined) across the middle of a narrowed bar, reaching a little
    beyond its zero-line end so that it breaks that line too (not its other end, where its number is)."""
    y_top, y_bottom = (y_top - 5, y_bottom) if saves else (y_top, y_bottom + 5)
    band = [(centre - 4, y_top), (centre, y_top), (centre + 4, y_bottom), (centre, y_bottom)]
    return {
        "width_break_points": " ".join(f"{round(px, 2)},{round(py, 2)}" for px, py in band),
        "width_break_polygon": [round(v, 2) for point in band for v in point],
    }


def _break_mark(x0: float, w: float, y_end: float, *, downwards: bool, right: float) -> dict[str, Any]:
    """The slanted band (white, outlined) across a cut bar near its end, a little wider than the bar so
    that it shows on a narrow one, and where its figure is written: beside the bar (to its left when the
    bar is near the right edge)."""
    inside = 8.0 if not downwards else -8.0  # the band sits this far inside the bar from its cut end
    yb = y_end + inside
    x1, x2 = x0 - 3, x0 + w + 3
    band = [(x1, yb + 2), (x2, yb - 2), (x2, yb + 1), (x1, yb + 5)]
    on_left = x2 + 70 > right
    return {
        "break_points": " ".join(f"{round(px, 2)},{round(py, 2)}" for px, py in band),
        "break_polygon": [round(v, 2) for point in band for v in point],
        "value_x": round(x1 - 2 if on_left else x2 + 2, 2),
        "value_y": round(yb + 4, 2),
        "value_anchor": "end" if on_left else "start",
    }


def _nice_step(raw: float) -> float:
    if raw <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


def item_titles(plan: ActionPlan, lang: str) -> dict[str, str]:
    return {item.code: pick(item.title, lang) for item in plan.items}


def plan_item(plan: ActionPlan, code: str) -> PlanItem | None:
    return next((item for item in plan.items if item.code == code), None)
