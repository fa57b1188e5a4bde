"""Properties every shipped framework has, whatever its content: weights that add up, rules that read
questions the framework asks, full marks that can be reached, a source for every figure (unconfirmed ones
marked provisional), and questions in both languages with help.

These read the resolved definitions (banks merged, as the app stores them) and hold for any correct
content, so editing a figure or a text does not break them; the published figures themselves are
checked in the test_<framework>_content.py modules.
"""

from __future__ import annotations

import math
import re
from typing import Any

import pytest

from questionnaires.definition import (
    condition_references,
    formula_references,
    iter_dimensions,
    iter_indicators,
    iter_questions,
    question_index,
    rule_max_points,
    rule_questions,
)
from questionnaires.loader import resolved_definitions

FRAMEWORKS = {f"{d['framework']}@{d['version']}": d for d in resolved_definitions() if d["kind"] != "bank"}
UNCONFIRMED = re.compile(r"\[(C|U)\]")


@pytest.fixture(params=sorted(FRAMEWORKS), scope="module")
def definition(request: pytest.FixtureRequest) -> dict[str, Any]:
    return FRAMEWORKS[request.param]


def test_it_covers_every_method() -> None:
    assert {d.get("method") for d in FRAMEWORKS.values()} == {
        "clean_production",
        "green_factory_2018",
        "green_factory_2025",
        "sme_digital_2024",
    }


def test_its_weights_add_up(definition: dict[str, Any]) -> None:
    # Clean production weighs categories and the indicators of each category as shares of one; the
    # points methods give 100 points over the dimensions and each dimension's points to its indicators,
    # except green factory 2018, whose score sheet points per category are scaled to the category weight.
    method = definition.get("method")
    shares = method == "clean_production"
    dimensions = list(iter_dimensions(definition))
    assert math.isclose(sum(d["weight"] for d in dimensions), 1 if shares else 100), "dimensions"
    for dimension in dimensions:
        total = sum(i["weight"] for i in dimension["indicators"])
        if method == "green_factory_2018":
            assert total > 0, dimension["code"]
        else:
            assert math.isclose(total, 1 if shares else dimension["weight"]), dimension["code"]
    for indicator in iter_indicators(definition):
        if indicator.get("children"):
            children = sum(c["weight"] for c in indicator["children"])
            assert math.isclose(children, indicator["weight"]), indicator["code"]


def test_every_rule_and_condition_reads_questions_it_asks(definition: dict[str, Any]) -> None:
    asked = set(question_index(definition))
    for indicator in iter_indicators(definition):
        if indicator.get("rule"):
            read = set(rule_questions(indicator["rule"]))
            assert read, f"{indicator['code']} reads no question"
            assert read <= asked, (indicator["code"], read - asked)
    for question in iter_questions(definition):
        if question.get("formula"):
            assert set(formula_references(question["formula"])) <= asked, question["code"]
        if question.get("condition"):
            assert set(condition_references(question["condition"])) <= asked, question["code"]


def test_every_rule_can_give_full_marks(definition: dict[str, Any]) -> None:
    questions = question_index(definition)
    for indicator in iter_indicators(definition):
        if indicator.get("rule"):
            assert math.isclose(rule_max_points(indicator, questions), indicator["weight"]), indicator["code"]


def test_every_figure_cites_its_source_and_unconfirmed_ones_are_provisional(
    definition: dict[str, Any],
) -> None:
    for item in [*iter_dimensions(definition), *iter_indicators(definition)]:
        source = str(item.get("source") or "")
        assert source.strip(), f"{item['code']} has no source"
        if UNCONFIRMED.search(source):
            assert item.get("provisional") is True, f"{item['code']}: {source}"


def test_every_question_is_asked_in_both_languages_with_help_and_a_source(definition: dict[str, Any]) -> None:
    for question in iter_questions(definition):
        code = question["code"]
        assert question["text"]["zh"].strip() and question["text"]["en"].strip(), code
        assert str(question.get("source") or "").strip(), f"{code} has no source"
        assert "what" in question["help"], f"{code} help says not what to enter"
        for part, text in question["help"].items():
            assert text["zh"].strip() and text["en"].strip(), f"{code} help.{part}"
        for option in question.get("options") or []:
            assert option["text"]["zh"].strip() and option["text"]["en"].strip(), (code, option["code"])
