"""The management bank's help: a "why" names exactly the frameworks that reference the question.

Which frameworks reference a bank question is derived from the resolved definitions (rules, prerequisites,
applicability, conditions and formulas), so the test follows the frameworks when they change.
"""

from __future__ import annotations

import re
from functools import cache

import pytest
import yaml

from questionnaires.definition import iter_questions
from questionnaires.loader import DEFINITIONS_DIR, resolved_definitions

# A framework family as a "why" names it, in Chinese and English.
FAMILIES = {
    "green_factory": (re.compile("绿色工厂"), re.compile("green factory", re.IGNORECASE)),
    "clean_production": (re.compile("清洁生产(?!审核)"), re.compile("clean production", re.IGNORECASE)),
    "sme_digital": (re.compile("数字化"), re.compile("digital", re.IGNORECASE)),
}
# What must name a definition when only some definitions of its family reference the question.
QUALIFIERS = {
    ("green_factory", "2018"): ("2018", "2018"),
    ("green_factory", "2025"): ("2025", "2025"),
    ("clean_production_generic", "2025"): ("通用", "generic"),
    ("clean_production_paper", "2025"): ("造纸", "paper"),
}


def family_of(framework: str) -> str:
    return next(family for family in FAMILIES if framework.startswith(family))


def bank_questions() -> list[dict]:
    bank = yaml.safe_load((DEFINITIONS_DIR / "bank-management-2025.yaml").read_text(encoding="utf-8"))
    return bank["questions"]


@cache
def users() -> dict[str, set[tuple[str, str]]]:
    """Question code -> (framework, version) of every framework definition holding it."""
    found: dict[str, set[tuple[str, str]]] = {}
    for definition in resolved_definitions(DEFINITIONS_DIR):
        if definition.get("kind") == "bank":
            continue
        for question in iter_questions(definition):
            found.setdefault(question["code"], set()).add((definition["framework"], definition["version"]))
    return found


def test_it_knows_every_shipped_framework_family() -> None:
    frameworks = {d["framework"] for d in resolved_definitions(DEFINITIONS_DIR) if d.get("kind") != "bank"}
    assert {family_of(framework) for framework in frameworks} == set(FAMILIES)


@pytest.mark.parametrize("question", bank_questions(), ids=lambda question: question["code"])
@pytest.mark.parametrize("language", [0, 1], ids=["zh", "en"])
def test_it_names_in_why_exactly_the_frameworks_that_reference_the_question(
    question: dict, language: int
) -> None:
    why = question["help"]["why"]["zh" if language == 0 else "en"]
    referencing = users().get(question["code"], set())
    all_definitions = {(d["framework"], d["version"]) for d in resolved_definitions(DEFINITIONS_DIR)}
    for family, patterns in FAMILIES.items():
        members = {key for key in all_definitions if key[0] != "management" and key[0].startswith(family)}
        used = {key for key in referencing if key in members}
        named = bool(patterns[language].search(why))
        assert named == bool(used), (
            f"{question['code']}: names {family}: {named}, referenced by {sorted(used)}"
        )
        if named and used != members:
            for key in used:
                assert QUALIFIERS[key][language] in why, f"{question['code']}: does not say {key}"
