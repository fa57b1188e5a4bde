"""A definition prepared once for fast scoring: lookups by code, the indicator tree, computed order.

Compiling walks the whole definition; scoring then only reads the compiled form. Compiled forms are
cached by object identity (the same dict from `questionnaires.definition.get_definition`) and by a
hash of the content, so a definition is compiled once per content.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from questionnaires.frameworks import method_codes
from questionnaires.logic import computed_order
from questionnaires.rule_types import rule_questions

from .types import ScoringInputError, Text

_CACHE_SIZE = 64


@dataclass
class Indicator:
    code: str
    title: Text
    dimension: str
    parent: str | None
    weight: float
    applies: dict[str, Any] | None
    rule: dict[str, Any] | None
    limiting: bool
    children: list[Indicator]
    questions: list[str]  # question codes the rule reads
    provisional: bool


@dataclass
class Dimension:
    code: str
    title: Text
    weight: float
    applies: dict[str, Any] | None
    indicators: list[Indicator]


@dataclass
class CompiledDefinition:
    definition: dict[str, Any]
    framework: str
    version: str
    method: str
    settings: dict[str, Any]
    questions: dict[str, dict[str, Any]]
    options: dict[str, dict[str, dict[str, Any]]]
    dimensions: list[Dimension]
    leaves: list[Indicator]
    prerequisites: list[dict[str, Any]]
    computed: list[Mapping[str, Any]]
    has_conditions: bool
    conditional: list[dict[str, Any]]  # questions with a `condition`
    has_conditional_computed: bool
    scored_questions: set[str] = field(default_factory=set)
    provisional: bool = False
    text_cache: dict[tuple[Any, ...], Text] = field(default_factory=dict)  # rule wording, see rules.py


def _text(value: Any, fallback: str) -> Text:
    if isinstance(value, dict):
        return {"zh": str(value.get("zh", fallback)), "en": str(value.get("en", value.get("zh", fallback)))}
    if isinstance(value, str):
        return {"zh": value, "en": value}
    return {"zh": fallback, "en": fallback}


def _indicator(raw: dict[str, Any], dimension: str, parent: str | None) -> Indicator:
    code = raw["code"]
    children = [_indicator(child, dimension, code) for child in raw.get("children") or []]
    return Indicator(
        code=code,
        title=_text(raw.get("title"), code),
        dimension=dimension,
        parent=parent,
        weight=float(raw.get("weight", 0) or 0),
        applies=raw.get("applies") or None,
        rule=None if children else raw.get("rule"),
        limiting=bool(raw.get("limiting", False)),
        children=children,
        questions=[] if children else rule_questions(raw.get("rule")),
        provisional=bool(raw.get("provisional", False)),
    )


def _leaves(indicators: list[Indicator]) -> list[Indicator]:
    found: list[Indicator] = []
    for indicator in indicators:
        found.extend(_leaves(indicator.children) if indicator.children else [indicator])
    return found


def _compile(definition: dict[str, Any]) -> CompiledDefinition:
    method = definition.get("method")
    if method not in method_codes():
        raise ScoringInputError(f"unknown scoring method {method!r} of {definition.get('framework')!r}")
    questions = {q["code"]: q for q in definition.get("questions", [])}
    options = {
        code: {option["code"]: option for option in q.get("options") or []}
        for code, q in questions.items()
        if q.get("options")
    }
    dimensions = [
        Dimension(
            code=raw["code"],
            title=_text(raw.get("title"), raw["code"]),
            weight=float(raw.get("weight", 0) or 0),
            applies=raw.get("applies") or None,
            indicators=[_indicator(ind, raw["code"], None) for ind in raw.get("indicators") or []],
        )
        for raw in definition.get("dimensions", [])
    ]
    leaves = [leaf for dimension in dimensions for leaf in _leaves(dimension.indicators)]
    computed = computed_order(definition)
    return CompiledDefinition(
        definition=definition,
        framework=str(definition.get("framework", "")),
        version=str(definition.get("version", "")),
        method=method,
        settings=definition.get("settings") or {},
        questions=questions,
        options=options,
        dimensions=dimensions,
        leaves=leaves,
        prerequisites=list(definition.get("prerequisites") or []),
        computed=computed,
        has_conditions=any(q.get("condition") for q in questions.values()),
        conditional=[q for q in questions.values() if q.get("condition")],
        has_conditional_computed=any(q.get("condition") for q in computed),
        scored_questions={code for leaf in leaves for code in leaf.questions},
        provisional=bool(definition.get("provisional", False)),
    )


_lock = threading.Lock()
_by_identity: OrderedDict[int, tuple[dict[str, Any], CompiledDefinition]] = OrderedDict()
_by_hash: OrderedDict[str, CompiledDefinition] = OrderedDict()


def content_hash(definition: dict[str, Any]) -> str:
    payload = json.dumps(definition, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def compile_definition(definition: dict[str, Any]) -> CompiledDefinition:
    """The compiled form of a definition, built once per content (definitions are never mutated)."""
    hit = _by_identity.get(id(definition))
    if hit is not None and hit[0] is definition:
        return hit[1]
    digest = content_hash(definition)
    with _lock:
        compiled = _by_hash.get(digest)
        if compiled is None:
            compiled = _compile(definition)
            _by_hash[digest] = compiled
            if len(_by_hash) > _CACHE_SIZE:
                _by_hash.popitem(last=False)
        # Holding the dict keeps its id from being reused while it is cached.
        _by_identity[id(definition)] = (definition, compiled)
        if len(_by_identity) > _CACHE_SIZE:
            _by_identity.popitem(last=False)
    return compiled
