"""Recommendations: applicability, simulated gains, ranking and roadmap, checked by hand on small fixtures.

Fixture definitions are the scoring tests' (tests/assessment/scoring_fixtures.py); the catalog is built
here so every gain below can be computed on paper.
"""

from __future__ import annotations

from typing import Any

import pytest

from assessment.actions import catalog_from_data
from assessment.actions.catalog import Effect
from assessment.recommendations import recommend, target_value
from tests.assessment import scoring_fixtures as fx


def t(zh: str) -> dict[str, str]:
    return {"zh": zh, "en": zh}


def action(
    code: str, effort: str, horizon: str, effects: list[dict[str, Any]], **extra: Any
) -> dict[str, Any]:
    return {
        "code": code,
        "title": t(code),
        "description": t("描述"),
        "why": t("原因"),
        "effort": effort,
        "horizon": horizon,
        "benefits": ["energy"],
        "support": ["epc"],
        "effects": effects,
        "improves": ["x"],
        "sources": [{"ref": "gbt36132-2025"}],
        **extra,
    }


def catalog(*actions: dict[str, Any]):
    return catalog_from_data(
        {
            "schema": 1,
            "kind": "actions",
            "catalog": "actions",
            "version": "test",
            "title": t("测试"),
            "effort_classes": {
                name: {"weight": weight, "label": t(name)}
                for name, weight in (("无费", 1), ("低费", 2), ("中费", 4), ("高费", 8))
            },
            "horizons": {key: {"label": t(key)} for key in ("short", "medium", "long")},
            "benefits": {
                key: t(key) for key in ("energy", "water", "waste", "co2", "quality", "pollution", "cost")
            },
            "support_channels": {"epc": {"title": t("合同能源管理"), "ref": "gbt36132-2025"}},
            "actions": list(actions),
        }
    )


BASIS = {"basis": t("测试目标")}

GF_CATALOG = catalog(
    # Veto item: gains no points but passes the prerequisite.
    action("act.lawful", "中费", "long", [{"question": "gft.q.lawful", "value": True}]),
    # Energy management system: 0 → 8 points, 低费 (2): priority 4.
    action("act.enms", "低费", "short", [{"question": "gft.q.enms", "value": True}]),
    # Intensity 3.9 (benchmark, 0 points) → 2.2 (leading, 8 points), 高费 (8): priority 1.
    action("act.intensity", "高费", "long", [{"question": "gft.q.intensity", "at_most": 2.2, **BASIS}]),
    # Platform 4 → 8 functions: 6 × 4/8 = 3 → 6 points, +3, 无费 (1): priority 3.
    action(
        "act.platform",
        "无费",
        "short",
        [{"question": "gft.q.platform", "increase_by": 4, "cap": 12, **BASIS}],
    ),
    # Measures [b] (8) → [a, b] (16): +8, 中费 (4): priority 2.
    action("act.measures", "中费", "medium", [{"question": "gft.q.measures", "include": ["a"]}]),
    # Already met: saving is "several".
    action("act.saving", "无费", "short", [{"question": "gft.q.saving", "value": "several"}]),
    # A question no definition has: not applicable.
    action("act.elsewhere", "无费", "short", [{"question": "zzz.q.unknown", "value": True}]),
    # Only for the textile industry.
    action(
        "act.textile",
        "无费",
        "short",
        [{"question": "gft.q.enms", "value": True}],
        applies={"industries": ["C17"]},
    ),
)


def gf_answers() -> dict[str, Any]:
    return {
        "gft.q.lawful": False,
        "gft.q.intensity": 3.9,
        "gft.q.platform": 4,
        "gft.q.renewable": 0,
        "gft.q.enms": False,
        "gft.q.reused_m3": 60,
        "gft.q.intake_m3": 40,
        "gft.q.saving": "several",
        "gft.q.has_boiler": True,
        "gft.q.boiler_eff": 80,
        "gft.q.equipment": 3,
        "gft.q.measures": ["b"],
    }


@pytest.fixture
def ranked():
    return recommend(definitions=[fx.green_factory_2025()], answers=gf_answers(), catalog=GF_CATALOG)


def test_it_ranks_veto_first_then_gain_per_effort(ranked):
    assert [item.action.code for item in ranked.items] == [
        "act.lawful",
        "act.enms",
        "act.platform",
        "act.measures",
        "act.intensity",
    ]
    assert [item.total_gain for item in ranked.items] == [0, 8, 3, 8, 8]
    assert [item.priority for item in ranked.items] == [0, 4, 3, 2, 1]


def test_it_says_which_veto_item_an_action_resolves(ranked):
    lawful = ranked.items[0]
    assert [v["code"] for v in lawful.fixes_veto] == ["gft.pre.lawful"]
    assert all(not item.fixes_veto for item in ranked.items[1:])


def test_it_leaves_out_met_targets_unknown_questions_and_other_industries(ranked):
    codes = {item.action.code for item in ranked.items}
    assert not codes & {"act.saving", "act.elsewhere", "act.textile"}


def test_it_shows_why_each_action_was_recommended(ranked):
    by_code = {item.action.code: item for item in ranked.items}
    why = by_code["act.platform"].triggers[0]
    assert (why.question, why.current, why.target) == ("gft.q.platform", 4, 8)
    measures = by_code["act.measures"].triggers[0]
    assert (measures.current, measures.target) == (["b"], ["a", "b"])


def test_it_reports_the_gain_per_framework_and_dimension(ranked):
    enms = next(item for item in ranked.items if item.action.code == "act.enms")
    (gain,) = enms.gains
    assert gain.framework == "gf_test"
    assert gain.delta == 8
    assert gain.dimensions == (("gft.energy", t("能源低碳化") | {"en": "Low-carbon energy"}, 8.0),)


def test_it_groups_the_ranking_into_a_roadmap_by_horizon(ranked):
    roadmap = ranked.roadmap()
    assert [i.action.code for i in roadmap["short"]] == ["act.enms", "act.platform"]
    assert [i.action.code for i in roadmap["medium"]] == ["act.measures"]
    assert [i.action.code for i in roadmap["long"]] == ["act.lawful", "act.intensity"]
    assert [i.action.code for i in ranked.top(2)] == ["act.lawful", "act.enms"]


def test_it_puts_a_limiting_indicator_before_a_better_ratio():
    # Clean production: water reuse 75 % is level Ⅲ on a limiting indicator (Ⅰ 90 / Ⅱ 80 / Ⅲ 70).
    answers = fx.cp_worked_example_answers() | {"cpt.q.reuse": 75}
    cp_catalog = catalog(
        action("act.reuse", "高费", "long", [{"question": "cpt.q.reuse", "at_least": 90, **BASIS}]),
        action("act.process", "无费", "short", [{"question": "cpt.q.process", "value": "lead"}]),
    )
    result = recommend(definitions=[fx.clean_production()], answers=answers, catalog=cp_catalog)
    assert [item.action.code for item in result.items] == ["act.reuse", "act.process"]
    reuse, process = result.items
    assert [(x["code"], x["before"], x["after"]) for x in reuse.lifts_limiting] == [
        ("cpt.b.reuse", "III", "I")
    ]
    assert process.priority > reuse.priority
    assert not process.lifts_limiting


@pytest.mark.parametrize(
    ("effect", "current", "expected"),
    [
        (Effect("q", "value", True), True, (True, True)),
        (Effect("q", "value", True), False, (False, True)),
        (Effect("q", "at_least", 85), 85, (True, 85)),
        (Effect("q", "at_least", 85), 84.9, (False, 85)),
        (Effect("q", "at_least", 85), None, (False, 85)),
        (Effect("q", "at_most", 2.2), 2.2, (True, 2.2)),
        (Effect("q", "reduce_by", 10), 0.5, (False, 0.45)),
        (Effect("q", "reduce_by", 10), None, (True, None)),
        (Effect("q", "increase_by", 2, cap=5), 4, (False, 5)),
        (Effect("q", "increase_by", 2, cap=5), 5, (True, 5)),
    ],
)
def test_it_computes_each_effect_target_by_hand(effect, current, expected):
    assert target_value(effect, current, {"options": []}) == expected


def test_it_replaces_an_exclusive_none_when_adding_options():
    question = {"options": [{"code": "a"}, {"code": "b"}, {"code": "none", "exclusive": True}]}
    assert target_value(Effect("q", "include", ("b",)), ["none"], question) == (False, ["b"])


def test_it_raises_only_the_products_below_the_target_level():
    question = {
        "per_product": True,
        "options": [
            {"code": "g1", "cp_level": "I"},
            {"code": "g2", "cp_level": "II"},
            {"code": "g3", "cp_level": "III"},
        ],
    }
    current = {"液态奶": "g1", "酸奶": "g3"}
    assert target_value(Effect("q", "value", "g2"), current, question) == (
        False,
        {"液态奶": "g1", "酸奶": "g2"},
    )
    assert target_value(Effect("q", "value", "g2"), {"液态奶": "g1"}, question)[0] is True
