"""The scoring rule-type registry: every shipped rule type registered, and a rule type added by tests alone.

The `target` rule type below exists only here: registering it in questionnaires/rule_types.py and its
rating in assessment/scoring/rules.py (the two registries' own APIs) is all it takes for the schema check,
the definition helpers, scoring, the officials' exports, the demo data and the revision wording to handle
it (docs/definitions.md, "Adding a scoring rule type").
"""

from __future__ import annotations

import copy
import random
from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from assessment.demo.officials import generate_answers, scoring_targets
from assessment.scoring import ScoringInputError, score_framework
from assessment.scoring.compiled import Indicator
from assessment.scoring.rules import RATINGS, Context, Rating, register_rating, unregister_rating
from questionnaires import rule_types
from questionnaires.definition import indicators_reading, question_index, rule_max_points, rule_questions
from questionnaires.question_types import is_number
from questionnaires.revisions import revision_changes
from questionnaires.rule_types import RuleCheck, RuleType, rule_type
from questionnaires.schema import check_definition, errors
from reports.exports import key_indicators

SHIPPED = {"linear", "options", "yesno", "bands", "level_points", "levels", "requirements"}


class Target(RuleType):
    """Full points once a figure reaches a target, none below it."""

    code = "target"
    keys = frozenset({"question", "at_least"})
    field_labels = {**RuleType.field_labels, "at_least": ("目标值", "target value")}

    def reads(self, kind):
        return kind.numeric

    def check(self, check: RuleCheck, rule: dict, where: str, *, limit: float | None) -> None:
        super().check(check, rule, where, limit=limit)
        if not is_number(rule.get("at_least")):
            check.error(where, "rule.at_least must be a number")

    def quantitative(self, rule: Mapping[str, Any]) -> bool:
        return True

    def demo_guided(self, rule: Mapping[str, Any]) -> bool:
        return True

    def demo_figure(self, rule: Mapping[str, Any], position: float) -> float | None:
        return float(rule["at_least"])  # every demo enterprise just reaches the target


def rate_target(indicator: Indicator, rule: Mapping[str, Any], available: float, ctx: Context) -> Rating:
    code = rule["question"]
    text = {"zh": f"达到 {rule['at_least']} 得满分", "en": f"Full points at {rule['at_least']} or more"}
    value = ctx.answers.get(code)
    if not is_number(value):
        return Rating(status="missing", rule=text, missing=[code])
    return Rating(
        status="scored", rule=text, answer=value, fraction=1.0 if value >= rule["at_least"] else 0.0
    )


@pytest.fixture
def target() -> Iterator[RuleType]:
    rule_types.register(Target)
    register_rating("target", rate_target)
    yield rule_types.get_rule_type("target")
    unregister_rating("target")
    rule_types.unregister("target")


DEFINITION: dict[str, Any] = {
    "schema": 1,
    "kind": "framework",
    "framework": "water_test",
    "version": "2026",
    "method": "green_factory_2025",
    "status": "current",
    "title": {"zh": "节水（测试）", "en": "Water (test)"},
    "source": "test fixture standard",
    "dimensions": [
        {
            "code": "wt.water",
            "title": {"zh": "用水", "en": "Water"},
            "weight": 100,
            "source": "test fixture",
            "indicators": [
                {
                    "code": "wt.water.reuse",
                    "title": {"zh": "重复利用率", "en": "Reuse rate"},
                    "weight": 60,
                    "source": "test fixture",
                    "rule": {"type": "target", "question": "wt.q.reuse", "at_least": 90},
                },
                {
                    "code": "wt.water.plan",
                    "title": {"zh": "节水计划", "en": "Water plan"},
                    "weight": 40,
                    "source": "test fixture",
                    "rule": {"type": "yesno", "question": "wt.q.plan"},
                },
            ],
        }
    ],
    "questions": [
        {
            "code": "wt.q.reuse",
            "type": "percentage",
            "text": {"zh": "工业用水重复利用率", "en": "Industrial water reuse rate"},
            "help": {"what": {"zh": "重复利用率", "en": "Reuse rate"}},
            "source": "test fixture",
        },
        {
            "code": "wt.q.plan",
            "type": "yesno",
            "text": {"zh": "是否有节水计划", "en": "Is there a water-saving plan"},
            "help": {"what": {"zh": "节水计划", "en": "A plan"}},
            "source": "test fixture",
        },
    ],
}


def _problems(definition: dict[str, Any]) -> list[str]:
    return [str(p) for p in errors(check_definition(copy.deepcopy(definition)))]


def _with_rule(**changes: Any) -> dict[str, Any]:
    definition = copy.deepcopy(DEFINITION)
    definition["dimensions"][0]["indicators"][0]["rule"] |= changes
    return definition


def test_it_registers_every_shipped_rule_type_and_rates_exactly_those() -> None:
    assert rule_types.rule_codes() == SHIPPED
    assert set(RATINGS) == SHIPPED
    assert rule_types.get_rule_type("linear").question_types() == {"number", "percentage", "computed"}
    assert rule_types.get_rule_type("levels").question_types() == {
        "number",
        "percentage",
        "computed",
        "single",
    }
    assert rule_types.rule_codes(lambda kind: kind.by_level) == {"levels"}
    assert rule_questions(
        {"type": "requirements", "items": [{"question": "a.q.x"}, {"question": "a.q.y"}]}
    ) == [
        "a.q.x",
        "a.q.y",
    ]


def test_it_rejects_an_unregistered_rule_type_in_the_schema_check_and_in_scoring() -> None:
    assert any("rule.type must be one of" in p and "'target'" in p for p in _problems(DEFINITION))
    with pytest.raises(ScoringInputError, match="unknown rule type 'target'"):
        score_framework(definition=DEFINITION, answers={"wt.q.reuse": 95, "wt.q.plan": True})


def test_a_registered_test_rule_type_passes_the_schema_check_with_its_own_checks(target: RuleType) -> None:
    assert _problems(DEFINITION) == []
    assert any("rule.at_least must be a number" in p for p in _problems(_with_rule(at_least="high")))
    assert any("unknown key 'benchmark'" in p for p in _problems(_with_rule(benchmark=3)))
    # The question types it reads come from its `reads`: a yes/no question is refused.
    assert any(
        "target rule question 'wt.q.plan' is a yesno question" in p
        for p in _problems(_with_rule(question="wt.q.plan"))
    )


def test_a_registered_test_rule_type_is_scored(target: RuleType) -> None:
    met = score_framework(definition=DEFINITION, answers={"wt.q.reuse": 95, "wt.q.plan": False})
    reuse = next(i for i in met.indicators if i.code == "wt.water.reuse")
    assert (reuse.earned, reuse.available, reuse.rule["en"]) == (60, 60, "Full points at 90 or more")
    assert met.score == 60
    below = score_framework(definition=DEFINITION, answers={"wt.q.plan": True})
    assert below.score == 40
    assert "wt.q.reuse" in below.missing


def test_a_registered_test_rule_type_is_read_by_the_definition_helpers_exports_demo_and_revisions(
    target: RuleType,
) -> None:
    indicator = DEFINITION["dimensions"][0]["indicators"][0]
    assert rule_type(indicator["rule"]) is target
    assert rule_questions(indicator["rule"]) == ["wt.q.reuse"]
    assert [i["code"] for i in indicators_reading(DEFINITION, "wt.q.reuse")] == ["wt.water.reuse"]
    assert rule_max_points(indicator, question_index(DEFINITION)) == 60
    assert [i["code"] for i in key_indicators(DEFINITION)] == ["wt.water.reuse"]
    veto, rules = scoring_targets([DEFINITION])
    assert rules == {"wt.q.reuse": indicator["rule"]}
    answers = generate_answers(
        random.Random(3),
        DEFINITION["questions"],
        maturity=0.5,
        template={},
        scale=1.0,
        products="产品",
        veto=veto,
        rules=rules,
    )
    assert answers["wt.q.reuse"] == 90
    changed = revision_changes(DEFINITION, _with_rule(at_least=95))
    assert [change.text["en"] for change in changed] == [
        "The target value of the indicator “Reuse rate” changed from 90 to 95."
    ]
