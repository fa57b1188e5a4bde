"""Which indicators and veto items a set of questions feeds, in a list of resolved definitions.

Used to keep each action's `improves` list true to the definitions (tests/assessment/test_actions.py)
and to regenerate it when definitions change. Pure Python.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from questionnaires.logic import formula_references
from questionnaires.question_types import is_derived
from questionnaires.rule_types import rule_questions


def _leaves(indicators: Iterable[Mapping[str, Any]]) -> Iterable[Mapping[str, Any]]:
    for indicator in indicators:
        if indicator.get("children"):
            yield from _leaves(indicator["children"])
        else:
            yield indicator


def _downstream(definition: Mapping[str, Any], codes: set[str]) -> set[str]:
    """The codes plus every computed question whose formula reads them, transitively."""
    computed = [
        (q["code"], formula_references(q["formula"]))
        for q in definition.get("questions", [])
        if is_derived(q) and q.get("formula")
    ]
    reached = set(codes)
    changed = True
    while changed:
        changed = False
        for code, references in computed:
            if code not in reached and references & reached:
                reached.add(code)
                changed = True
    return reached


def indicators_improved(definitions: Iterable[Mapping[str, Any]], questions: Iterable[str]) -> list[str]:
    """Codes of the leaf indicators and prerequisites (veto items) that read any of `questions`, and of
    the SME-digital scenario questions among them (scenarios count towards the level, not the score)."""
    found: list[str] = []
    for definition in definitions:
        reached = _downstream(definition, set(questions))
        scenarios = (definition.get("settings") or {}).get("scenarios") or []
        found += [code for code in scenarios if code in reached]
        for prerequisite in definition.get("prerequisites", []):
            if prerequisite.get("question") in reached:
                found.append(prerequisite["code"])
        for dimension in definition.get("dimensions", []):
            for indicator in _leaves(dimension.get("indicators", [])):
                if set(rule_questions(indicator.get("rule"))) & reached:
                    found.append(indicator["code"])
    return list(dict.fromkeys(found))


def known_codes(definitions: Iterable[Mapping[str, Any]]) -> set[str]:
    """Every question, indicator, dimension and prerequisite code of the definitions."""
    codes: set[str] = set()

    def walk(indicators: Iterable[Mapping[str, Any]]) -> None:
        for indicator in indicators:
            codes.add(indicator["code"])
            walk(indicator.get("children", []))

    for definition in definitions:
        codes |= {q["code"] for q in definition.get("questions", [])}
        codes |= {p["code"] for p in definition.get("prerequisites", [])}
        for dimension in definition.get("dimensions", []):
            codes.add(dimension["code"])
            walk(dimension.get("indicators", []))
    return codes
