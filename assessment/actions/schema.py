"""Schema check of the recommended-actions catalog (assessment/actions/actions-<version>.yaml).

Pure Python over the parsed YAML: returns a list of precise problems, empty when the catalog is valid.
The shape is documented in docs/actions.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from questionnaires.references import ReferenceError, load_references, parse_citation

EFFORT_CLASSES = ("无费", "低费", "中费", "高费")
HORIZONS = ("short", "medium", "long")
BENEFITS = ("energy", "water", "waste", "co2", "quality", "pollution", "cost")
# One key per effect form: see docs/actions.md ("Effects").
# A citation of these kinds names its section (chapter, article): the document is long and not a standard.
SECTION_KINDS = ("article", "policy")
EFFECT_FORMS = ("value", "at_least", "at_most", "reduce_by", "increase_by", "include")

_TOP_KEYS = {
    "schema",
    "kind",
    "catalog",
    "version",
    "title",
    "description",
    "effort_classes",
    "horizons",
    "benefits",
    "support_channels",
    "actions",
}
_ACTION_KEYS = {
    "code",
    "title",
    "description",
    "why",
    "effort",
    "horizon",
    "benefits",
    "support",
    "effects",
    "improves",
    "sources",
    "applies",
}
_REQUIRED_ACTION_KEYS = _ACTION_KEYS - {"applies"}
_EFFECT_KEYS = {"question", "cap", "provisional", "basis", *EFFECT_FORMS}


def _bilingual_problem(value: Any, where: str) -> list[str]:
    if not isinstance(value, dict) or not all(
        isinstance(value.get(k), str) and value.get(k).strip() for k in ("zh", "en")
    ):
        return [f"{where}: needs non-empty zh and en text"]
    return []


def _check_effect(effect: Any, where: str) -> list[str]:
    if not isinstance(effect, dict):
        return [f"{where}: an effect is a mapping"]
    problems = []
    unknown = set(effect) - _EFFECT_KEYS
    if unknown:
        problems.append(f"{where}: unknown keys {sorted(unknown)}")
    if not isinstance(effect.get("question"), str) or not effect.get("question"):
        problems.append(f"{where}: missing question code")
    forms = [k for k in EFFECT_FORMS if k in effect]
    if len(forms) != 1:
        problems.append(f"{where}: needs exactly one of {', '.join(EFFECT_FORMS)} (has {forms or 'none'})")
        return problems
    form = forms[0]
    target = effect[form]
    if form in ("at_least", "at_most", "increase_by") and (
        isinstance(target, bool) or not isinstance(target, int | float)
    ):
        problems.append(f"{where}: {form} must be a number")
    if form == "reduce_by" and (
        isinstance(target, bool) or not isinstance(target, int | float) or not 0 < target < 100
    ):
        problems.append(f"{where}: reduce_by is a percentage between 0 and 100")
    if form == "increase_by" and isinstance(target, int | float) and target <= 0:
        problems.append(f"{where}: increase_by must be positive")
    if form == "include" and (
        not isinstance(target, list) or not target or not all(isinstance(x, str) for x in target)
    ):
        problems.append(f"{where}: include is a non-empty list of option codes")
    if form == "value" and not isinstance(target, bool | int | float | str):
        problems.append(f"{where}: value must be a yes/no, a number or an option code")
    if "cap" in effect and form != "increase_by":
        problems.append(f"{where}: cap only goes with increase_by")
    # A target figure is either sourced (basis) or an explicit planning assumption (provisional).
    if form in ("at_least", "at_most", "reduce_by", "increase_by"):
        if not effect.get("basis"):
            problems.append(f"{where}: a numeric target states its basis (zh, en)")
        else:
            problems += _bilingual_problem(effect["basis"], f"{where}.basis")
        if "provisional" in effect and not isinstance(effect["provisional"], bool):
            problems.append(f"{where}: provisional must be true or false")
    return problems


def validate_catalog(data: Any, *, known_codes: Iterable[str] | None = None) -> list[str]:
    """Every problem of a catalog, as "where: what" strings.

    `known_codes`, when given, is the set of question, indicator and dimension codes of the shipped
    definitions: every code an action names must be one of them.
    """
    if not isinstance(data, dict):
        return ["catalog: the file must be a mapping"]
    problems: list[str] = []
    unknown = set(data) - _TOP_KEYS
    if unknown:
        problems.append(f"catalog: unknown keys {sorted(unknown)}")
    if data.get("schema") != 1:
        problems.append("catalog: schema must be 1")
    if data.get("kind") != "actions":
        problems.append("catalog: kind must be 'actions'")
    if not isinstance(data.get("version"), str):
        problems.append("catalog: version must be a string")
    problems += _bilingual_problem(data.get("title"), "catalog.title")

    effort_classes = data.get("effort_classes") or {}
    if set(effort_classes) != set(EFFORT_CLASSES):
        problems.append(f"catalog.effort_classes: must define exactly {', '.join(EFFORT_CLASSES)}")
    for key, spec in effort_classes.items():
        weight = spec.get("weight") if isinstance(spec, dict) else None
        if isinstance(weight, bool) or not isinstance(weight, int | float) or weight <= 0:
            problems.append(f"catalog.effort_classes.{key}: weight must be a positive number")
        problems += _bilingual_problem(
            spec.get("label") if isinstance(spec, dict) else None, f"catalog.effort_classes.{key}.label"
        )
    horizons = data.get("horizons") or {}
    if set(horizons) != set(HORIZONS):
        problems.append(f"catalog.horizons: must define exactly {', '.join(HORIZONS)}")
    for key, spec in horizons.items():
        problems += _bilingual_problem(
            spec.get("label") if isinstance(spec, dict) else None, f"catalog.horizons.{key}.label"
        )
    benefits = data.get("benefits") or {}
    if set(benefits) != set(BENEFITS):
        problems.append(f"catalog.benefits: must define exactly {', '.join(BENEFITS)}")
    channels = data.get("support_channels") or {}
    try:
        registry = load_references()
    except (OSError, ReferenceError, ValueError) as exc:
        return [*problems, f"the references registry cannot be read: {exc}"]
    if not channels:
        problems.append("catalog.support_channels: none defined")
    for key, spec in channels.items():
        problems += _bilingual_problem(
            spec.get("title") if isinstance(spec, dict) else None, f"catalog.support_channels.{key}.title"
        )
        if isinstance(spec, dict) and spec.get("ref") not in registry:
            problems.append(f"catalog.support_channels.{key}: ref must name a reference (references.yaml)")

    known = set(known_codes) if known_codes is not None else None
    actions = data.get("actions")
    if not isinstance(actions, list) or not actions:
        return [*problems, "catalog.actions: must be a non-empty list"]
    seen: set[str] = set()
    for index, action in enumerate(actions):
        where = f"action[{index}]"
        if not isinstance(action, dict):
            problems.append(f"{where}: must be a mapping")
            continue
        code = action.get("code")
        if isinstance(code, str):
            where = code
            if not code.startswith("act."):
                problems.append(f"{where}: action codes start with 'act.'")
            if code in seen:
                problems.append(f"{where}: duplicate code")
            seen.add(code)
        else:
            problems.append(f"{where}: missing code")
        missing = _REQUIRED_ACTION_KEYS - set(action)
        if missing:
            problems.append(f"{where}: missing keys {sorted(missing)}")
        unknown = set(action) - _ACTION_KEYS
        if unknown:
            problems.append(f"{where}: unknown keys {sorted(unknown)}")
        for field in ("title", "description", "why"):
            if field in action:
                problems += _bilingual_problem(action[field], f"{where}.{field}")
        if "effort" in action and action["effort"] not in EFFORT_CLASSES:
            problems.append(f"{where}.effort: must be one of {', '.join(EFFORT_CLASSES)}")
        if "horizon" in action and action["horizon"] not in HORIZONS:
            problems.append(f"{where}.horizon: must be one of {', '.join(HORIZONS)}")
        for benefit in action.get("benefits") or []:
            if benefit not in BENEFITS:
                problems.append(f"{where}.benefits: unknown benefit {benefit!r}")
        if "benefits" in action and not action.get("benefits"):
            problems.append(f"{where}.benefits: name at least one")
        for channel in action.get("support") or []:
            if channel not in channels:
                problems.append(f"{where}.support: unknown support channel {channel!r}")
        sources = action.get("sources")
        if "sources" in action and (not isinstance(sources, list) or not sources):
            problems.append(f"{where}.sources: name at least one source")
        for source in sources if isinstance(sources, list) else []:
            cite = parse_citation(source)
            if cite is None or cite.ref not in registry:
                problems.append(f"{where}.sources: {source!r} must name a reference of references.yaml")
            elif registry[cite.ref]["kind"] in SECTION_KINDS and not cite.section:
                problems.append(f"{where}.sources: an article or policy document is cited with its section")
        effects = action.get("effects")
        if "effects" in action and (not isinstance(effects, list) or not effects):
            problems.append(f"{where}.effects: name at least one effect")
        for number, effect in enumerate(effects if isinstance(effects, list) else []):
            problems += _check_effect(effect, f"{where}.effects[{number}]")
            if known is not None and isinstance(effect, dict) and effect.get("question") not in known:
                problems.append(
                    f"{where}.effects[{number}]: unknown question code {effect.get('question')!r}"
                )
        improves = action.get("improves")
        if "improves" in action and (not isinstance(improves, list) or not improves):
            problems.append(f"{where}.improves: name at least one indicator or dimension")
        for target in improves if isinstance(improves, list) else []:
            if known is not None and target not in known:
                problems.append(f"{where}.improves: unknown indicator or dimension code {target!r}")
        applies = action.get("applies")
        if applies is not None and (
            not isinstance(applies, dict) or set(applies) - {"industries", "size_classes"}
        ):
            problems.append(f"{where}.applies: only industries and size_classes")
    return problems
