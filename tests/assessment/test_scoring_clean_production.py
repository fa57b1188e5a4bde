"""Clean production scoring: membership, Y_Ⅰ/Y_Ⅱ/Y_Ⅲ, level rule, limiting indicators (no database).

Contributions in the fixture (w × ω × 100): a.energy 15, a.process 15, b.reuse 42 (limiting), b.mgmt 28.
"""

from __future__ import annotations

import copy

import pytest

from assessment.scoring import EnterpriseFacts, score_framework
from tests.assessment.scoring_fixtures import clean_production, cp_worked_example_answers

LEVEL_ANSWER = {
    "energy": {"I": 0.9, "II": 1.2, "III": 1.8, "none": 2.5},
    "process": {"I": "lead", "II": "adv", "III": "basic", "none": "no"},
    "reuse": {"I": 95, "II": 85, "III": 75, "none": 50},
    "mgmt": {"I": "mlead", "II": "madv", "III": "mbasic", "none": "mno"},
}


def answers_at(energy, process, reuse, mgmt):
    return {
        "cpt.q.energy": LEVEL_ANSWER["energy"][energy],
        "cpt.q.process": LEVEL_ANSWER["process"][process],
        "cpt.q.reuse": LEVEL_ANSWER["reuse"][reuse],
        "cpt.q.mgmt": LEVEL_ANSWER["mgmt"][mgmt],
    }


def score(answers, definition=None):
    return score_framework(definition=definition or clean_production(), answers=answers)


def test_it_reproduces_the_domain_worked_example():
    # docs/provenance.md §3: A Ⅰ, Ⅱ; B Ⅰ, Ⅲ → Y_Ⅰ 57, Y_Ⅱ 72, Y_Ⅲ 100 → Ⅲ.
    result = score(cp_worked_example_answers())
    assert result.details["y"] == {"I": 57.0, "II": 72.0, "III": 100.0}
    assert result.level["code"] == "III"
    assert result.to_dict()["score"] == pytest.approx(76.33)  # (57 + 72 + 100) / 3
    assert [item.cp_level for item in result.indicators] == ["I", "II", "I", "III"]


def test_it_reaches_level_one_exactly_on_85_with_the_limiting_indicator_at_one():
    result = score(answers_at("II", "I", "I", "I"))
    assert result.details["y"]["I"] == 85.0
    assert result.level["code"] == "I"


def test_it_holds_the_level_down_when_a_limiting_indicator_is_below_it():
    definition = clean_production()
    definition["dimensions"][0]["indicators"][0]["limiting"] = True  # energy per unit becomes limiting
    result = score(answers_at("II", "I", "I", "I"), definition)
    assert result.details["y"]["I"] == 85.0
    assert result.level["code"] == "II"
    check_one = result.details["checks"][0]
    assert (check_one["y_met"], check_one["limiting_below"]) == (True, ["cpt.a.energy"])


def test_it_needs_y_two_of_85_for_level_two():
    result = score(answers_at("III", "II", "I", "I"))
    assert result.details["y"] == {"I": 70.0, "II": 85.0, "III": 100.0}
    assert result.level["code"] == "II"


def test_it_gives_level_two_without_y_three_at_100():
    result = score(answers_at("none", "II", "I", "I"))
    assert result.details["y"] == {"I": 70.0, "II": 85.0, "III": 85.0}
    assert result.level["code"] == "II"


def test_it_falls_below_three_when_y_three_is_under_100():
    result = score(answers_at("none", "III", "I", "I"))
    assert result.details["y"] == {"I": 70.0, "II": 70.0, "III": 85.0}
    assert result.level["code"] == "below_III"
    assert result.level["label"]["en"] == "Below level III"


def test_it_counts_a_missing_limiting_indicator_as_below_every_level():
    answers = answers_at("I", "I", "I", "I")
    del answers["cpt.q.reuse"]
    result = score(answers)
    reuse = next(item for item in result.indicators if item.code == "cpt.b.reuse")
    assert (reuse.status, reuse.cp_level, reuse.earned) == ("missing", "none", 0.0)
    assert result.missing == ["cpt.q.reuse"]
    assert result.level["code"] == "below_III"


def test_it_renormalises_omega_over_applicable_indicators():
    definition = clean_production()
    definition["dimensions"][1]["indicators"][1]["applies"] = {"industries": ["C22"]}
    result = score_framework(
        definition=definition, answers=answers_at("I", "II", "I", "none"), enterprise=EnterpriseFacts("C14")
    )
    # B keeps only water reuse, ω' = 1: Y_Ⅰ = 0.3 × 0.5 × 100 + 0.7 × 100 = 85.
    assert result.details["y"] == {"I": 85.0, "II": 100.0, "III": 100.0}
    assert result.level["code"] == "I"
    mgmt = next(item for item in result.indicators if item.code == "cpt.b.mgmt")
    assert mgmt.status == "not_applicable"


def test_it_renormalises_category_weights_when_a_whole_category_does_not_apply():
    definition = clean_production()
    definition["dimensions"][0]["applies"] = {"size_classes": ["large"]}
    result = score_framework(
        definition=definition,
        answers=answers_at("none", "none", "I", "II"),
        enterprise=EnterpriseFacts("C14", "small"),
    )
    # Only B: Y_Ⅰ = 60, Y_Ⅱ = Y_Ⅲ = 100.
    assert result.details["y"] == {"I": 60.0, "II": 100.0, "III": 100.0}
    assert result.dimension("cpt.b").max == pytest.approx(100.0)
    assert result.level["code"] == "II"


def test_it_weights_products_by_output_share():
    # Product A (70 %) at Ⅰ, product B (30 %) at Ⅲ: energy membership (0.7, 0.7, 1).
    answers = {
        **answers_at("I", "I", "I", "I"),
        "cpt.q.products": [{"name": "A", "share": 70}, {"name": "B", "share": 30}],
        "cpt.q.energy": {"A": 0.9, "B": 1.6},
    }
    result = score(answers)
    assert result.details["y"] == {"I": 95.5, "II": 95.5, "III": 100.0}
    energy = next(item for item in result.indicators if item.code == "cpt.a.energy")
    assert energy.cp_level == "III"  # the worst product
    assert result.level["code"] == "I"
    assert result.details["products"] == [{"name": "A", "share": 70.0}, {"name": "B", "share": 30.0}]


def test_it_holds_a_multi_product_plant_at_its_worst_product_for_a_limiting_indicator():
    definition = copy.deepcopy(clean_production())
    definition["dimensions"][0]["indicators"][0]["limiting"] = True
    answers = {
        **answers_at("I", "I", "I", "I"),
        "cpt.q.products": [{"name": "A", "share": 70}, {"name": "B", "share": 30}],
        "cpt.q.energy": {"A": 0.9, "B": 1.6},
    }
    assert score(answers, definition).level["code"] == "III"


def test_it_explains_the_next_level_of_an_indicator():
    result = score(answers_at("II", "I", "I", "I"))
    energy = next(item for item in result.indicators if item.code == "cpt.a.energy")
    assert energy.gap == {
        "zh": "达到Ⅰ级需 单位产品综合能耗 ≤ 1 kgce/t，综合得分 +5",
        "en": "level I needs energy per unit ≤ 1 kgce/t; summary score +5",
    }
    process = next(
        item for item in score(answers_at("I", "III", "I", "I")).indicators if item.code == "cpt.a.process"
    )
    assert process.gap["zh"].startswith("达到Ⅱ级需 「选项adv」")
