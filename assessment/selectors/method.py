"""The method page's data: every provisional value of the current definitions, in plain words.

No question codes, source notes or confidence tags reach the page: each item is its title, what kind of
figure it is, the documents it cites (questionnaires/references.yaml) and, where the data says so, why it
is provisional.
"""

from __future__ import annotations

from typing import Any

from assessment.selectors.rating import rating_schemes
from questionnaires.definition import iter_dimensions, iter_indicators, iter_questions
from questionnaires.loader import resolved_definitions
from questionnaires.references import citations_for, cite_text, load_references
from questionnaires.text import active_language, pick

KINDS = {
    "framework": {"zh": "框架整体", "en": "Framework as a whole"},
    "dimension": {"zh": "维度权重", "en": "Dimension weight"},
    "indicator": {"zh": "指标权重或基准", "en": "Indicator weight or benchmark"},
    "rule": {"zh": "计分规则或基准值", "en": "Scoring rule or benchmark values"},
    "settings": {"zh": "等级规则", "en": "Level rule"},
    "question": {"zh": "题目的计分或分档", "en": "Points or bands of a question"},
}


def _item(obj: dict, kind: str, title: Any, registry: dict, fallback: list, lang: str) -> dict[str, Any]:
    cites = [cite_text(c, registry, lang) for c in citations_for(obj, registry, fallback)]
    return {
        "kind": pick(KINDS[kind]),
        "title": pick(title) or pick(KINDS[kind]),
        "cites": cites,
        "note": pick(obj.get("provisional_note")) if obj.get("provisional_note") else "",
    }


def provisional_values() -> list[dict[str, Any]]:
    """Per current framework: its title and the provisional items (kind, title, citations, note)."""
    lang = active_language()
    registry = load_references()
    out = []
    for definition in resolved_definitions():
        if definition.get("kind") == "framework" and definition.get("status") != "current":
            continue
        top = definition.get("refs") or []
        items = []
        if definition.get("provisional"):
            items.append(_item(definition, "framework", definition.get("title"), registry, top, lang))
        settings = definition.get("settings") or {}
        for value in settings.values():
            if isinstance(value, dict) and value.get("provisional"):
                items.append(_item(value, "settings", None, registry, top, lang))
        for dimension in iter_dimensions(definition):
            if dimension.get("provisional"):
                items.append(_item(dimension, "dimension", dimension.get("title"), registry, top, lang))
        for indicator in iter_indicators(definition):
            rule = indicator.get("rule") or {}
            if indicator.get("provisional"):
                items.append(_item(indicator, "indicator", indicator.get("title"), registry, top, lang))
            elif rule.get("provisional"):
                items.append(_item(rule, "rule", indicator.get("title"), registry, top, lang))
        for question in iter_questions(definition):
            if question.get("provisional") and not question.get("bank"):
                items.append(_item(question, "question", question.get("text"), registry, top, lang))
        out.append(
            {
                "title": pick(definition.get("title")),
                "framework": definition.get("framework"),
                "cites": [cite_text(c, registry, lang) for c in citations_for({"refs": top}, registry)],
                "items": items,
            }
        )
    return out


def configured_schemes() -> list[dict[str, Any]]:
    return [
        {
            "name": pick(scheme["name"]),
            "issuer": pick(scheme["issuer"]),
            "document": scheme["document"],
            "year": scheme["year"],
            "tiers": [(pick(t["label"]), t["min"]) for t in scheme["tiers"]],
        }
        for scheme in rating_schemes().values()
    ]
