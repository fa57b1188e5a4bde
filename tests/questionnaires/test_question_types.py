"""The question-type registry: every shipped type registered, and a type added by tests alone.

The `stars` type below exists only here: registering it (the registry's own API) is all it takes for
the schema check, the answer form, the reviewer's input, scoring and display to handle it
(docs/definitions.md, "Adding a question type").
"""

from __future__ import annotations

import copy
import random
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from django import forms
from django.utils import translation

from assessment.forms.answers import AnswerForm
from assessment.forms.review import ValidateAnswerForm
from assessment.scoring import score_assessment, validate_answers
from questionnaires import question_types
from questionnaires.question_types import DemoYear, QuestionType, ValueProblem, display_value, question_type
from questionnaires.schema import check_definitions, errors
from tests.questionnaires.conftest import SHARED_BANK, VALID

SHIPPED = {
    "single",
    "multiple",
    "number",
    "percentage",
    "level",
    "yesno",
    "text",
    "file",
    "computed",
    "products",
}


class Stars(QuestionType):
    """A 1–5 star rating: a number a person picks from five radio buttons."""

    code = "stars"
    numeric = True  # bands and linear rules may read it
    client_value = "number"

    def problems(self, question, value, *, options=None):
        if isinstance(value, bool) or value not in (1, 2, 3, 4, 5):
            return [
                ValueProblem("out_of_range", f"星级 {value!r} 不在 1–5 之间", f"{value!r} is not 1-5 stars")
            ]
        return []

    def form_field(self, question, lang):
        choices = [(n, "★" * n) for n in range(1, 6)]
        return forms.TypedChoiceField(
            required=False, coerce=int, empty_value=None, choices=choices, widget=forms.RadioSelect
        )

    def parse_review(self, question, text):
        return text.count("★") or int(text)

    def display(self, question, value, lang):
        return "★" * value + "☆" * (5 - value)

    def demo_value(self, question, rng, *, maturity, typical=None):
        return rng.randint(1, 5)


@pytest.fixture
def stars() -> Iterator[QuestionType]:
    question_types.register(Stars)
    yield question_types.get_type("stars")
    question_types.unregister("stars")


def _beta_with_stars() -> dict[str, Any]:
    """The beta fixture framework with a stars question read by a bands rule."""
    beta = yaml.safe_load((VALID / "beta-2025.yaml").read_text(encoding="utf-8"))
    beta["dimensions"][0]["indicators"][0]["weight"] = 40
    beta["dimensions"][0]["indicators"].append(
        {
            "code": "beta.mgmt.service",
            "title": {"zh": "服务评价", "en": "Service rating"},
            "weight": 20,
            "source": "test fixture",
            "rule": {
                "type": "bands",
                "question": "beta.q.stars",
                "bands": [{"ge": 4, "points": 20}, {"ge": 2, "points": 10}, {"lt": 2, "points": 0}],
            },
        }
    )
    beta["questions"].append(
        {
            "code": "beta.q.stars",
            "type": "stars",
            "text": {"zh": "客户评价星级", "en": "Customer rating"},
            "help": {"what": {"zh": "星级", "en": "Stars"}},
            "source": "test fixture",
        }
    )
    return beta


def _problems(beta: dict[str, Any]) -> list[str]:
    bank = yaml.safe_load(SHARED_BANK.read_text(encoding="utf-8"))
    return [
        str(p) for p in errors(check_definitions({"bank-shared-2025.yaml": bank, "beta-2025.yaml": beta}))
    ]


def test_it_registers_every_shipped_type_once() -> None:
    assert SHIPPED <= set(question_types.REGISTRY)
    assert question_types.type_codes(lambda t: t.numeric) == {"number", "percentage", "computed"}
    assert question_types.type_codes(lambda t: t.choice) == {"single", "multiple"}


def test_it_rejects_an_unregistered_type_in_the_schema_check() -> None:
    problems = _problems(_beta_with_stars())
    assert any("type must be one of" in p and "'stars'" in p for p in problems)


def test_a_registered_test_type_passes_the_schema_check(stars: QuestionType) -> None:
    assert _problems(_beta_with_stars()) == []
    broken = _beta_with_stars()
    broken["questions"][-1]["options"] = [{"code": "a", "text": {"zh": "甲", "en": "A"}}]
    assert any("options are only for single and multiple questions" in p for p in _problems(broken))


def test_a_registered_test_type_is_answered_through_the_form(stars: QuestionType) -> None:
    question = _beta_with_stars()["questions"][-1]
    form = AnswerForm({"beta.q.stars": "4"}, questions=[question], answers={"beta.q.stars": 2})
    assert form.fields["beta.q.stars"].initial == 2
    assert form.fields["beta.q.stars"].label == "客户评价星级"
    assert form.is_valid(), form.errors
    assert form.answer_values() == ({"beta.q.stars": 4}, {})
    assert not AnswerForm({"beta.q.stars": "9"}, questions=[question]).is_valid()


def test_a_registered_test_type_is_read_from_a_reviewers_input(stars: QuestionType) -> None:
    question = _beta_with_stars()["questions"][-1]
    form = ValidateAnswerForm(
        {"code": "beta.q.stars", "value": "★★★", "reason": "核实"}, questions={"beta.q.stars": question}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["parsed_value"] == 3


def test_a_registered_test_type_is_validated_and_scored(stars: QuestionType) -> None:
    beta = _beta_with_stars()
    bank = yaml.safe_load(SHARED_BANK.read_text(encoding="utf-8"))
    for question in bank["questions"]:
        beta["questions"].append({**copy.deepcopy(question), "bank": "shared@2025"})
    problems = validate_answers(beta, {"beta.q.stars": 7}, allow_unknown=True)
    assert [(p.kind, p.message["en"]) for p in problems] == [("out_of_range", "7 is not 1-5 stars")]
    result = score_assessment(definitions=[beta], answers={"beta.q.stars": 4}, allow_unknown=True)
    service = next(i for i in result.frameworks[0].indicators if i.code == "beta.mgmt.service")
    assert (service.earned, service.available) == (20, 20)


def test_a_registered_test_type_is_displayed_and_makes_demo_values(stars: QuestionType) -> None:
    question = _beta_with_stars()["questions"][-1]
    assert display_value(question, 3, "zh-hans") == "★★★☆☆"
    assert display_value(question, None, "en", blank="n/a") == "n/a"
    value = question_type(question).demo_value(question, random.Random(1), maturity=0.5)
    assert question_type(question).problems(question, value) == []


@pytest.mark.parametrize(
    ("question", "value", "zh", "en"),
    [
        ({"type": "yesno"}, True, "是", "Yes"),
        (
            {"type": "level", "levels": [{"level": 2, "text": {"zh": "规范", "en": "Defined"}}]},
            2,
            "2级：规范",
            "Level 2: Defined",
        ),
        (
            {"type": "multiple", "options": [{"code": "a", "text": {"zh": "甲", "en": "A"}}]},
            ["a", "x"],
            "甲；x",
            "A; x",
        ),
        ({"type": "percentage"}, 12.5, "12.5 %", "12.5 %"),
        ({"type": "number", "unit": {"zh": "吨", "en": "t"}, "decimals": 1}, 1234, "1,234.0 吨", "1,234.0 t"),
        (
            {
                "type": "single",
                "per_product": True,
                "options": [{"code": "a", "text": {"zh": "甲", "en": "A"}}],
            },
            {"奶粉": "a"},
            "奶粉: 甲",
            "奶粉: A",
        ),
    ],
)
def test_each_type_displays_its_values_in_both_languages(question, value, zh, en) -> None:
    assert display_value(question, value, "zh-hans") == zh
    assert display_value(question, value, "en") == en


@pytest.mark.parametrize(
    ("qtype", "text", "expected"),
    [
        ("number", "1,200", 1200.0),
        ("level", "3", 3),
        ("yesno", "是", True),
        ("multiple", "a，b", ["a", "b"]),
        ("text", "x", "x"),
    ],
)
def test_each_type_reads_a_reviewers_text(qtype: str, text: str, expected: Any) -> None:
    assert question_types.get_type(qtype).parse_review({"type": qtype}, text) == expected


def test_the_form_labels_follow_the_active_language() -> None:
    question = {
        "code": "x.q",
        "type": "single",
        "text": {"zh": "问", "en": "Q"},
        "options": [{"code": "a", "text": {"zh": "甲", "en": "A"}}],
    }
    with translation.override("en"):
        form = AnswerForm(questions=[question])
    assert form.fields["x.q"].label == "Q"
    assert list(form.fields["x.q"].choices) == [("a", "A")]


def _shipped_questions() -> list[dict[str, Any]]:
    from questionnaires.definition import iter_questions
    from questionnaires.loader import resolved_definitions

    return [q for d in resolved_definitions() if d["kind"] != "bank" for q in iter_questions(d)]


@pytest.mark.parametrize("level", [0.0, 0.5, 1.0])
def test_the_demo_journeys_values_fit_every_shipped_question(level: float) -> None:
    rng = random.Random(7)
    questions = _shipped_questions()
    assert {q["type"] for q in questions} >= {"yesno", "single", "multiple", "level", "number", "products"}
    for question in questions:
        qtype = question_type(question)
        for value in (
            qtype.demo_filler(question, rng),
            qtype.demo_yearly(question, rng, DemoYear(level, None, {})),
        ):
            if value is not None:
                assert qtype.problems(question, qtype.coerce(value)) == [], (question["code"], value)


def test_the_demo_journey_keeps_the_template_plants_answer_where_the_type_does_not_vary_it() -> None:
    rng = random.Random(7)
    number = {"code": "x.q.n", "type": "number", "min": 0}
    products = {"code": "cp_x.q.products", "type": "products"}
    template = {"cp.q.products": [{"name": "乳粉", "share": 100}]}
    assert question_type(number).demo_yearly(number, rng, DemoYear(0.5, 12, {})) == 12
    assert question_type(products).demo_yearly(products, rng, DemoYear(0.5, None, template)) == [
        {"name": "乳粉", "share": 100}
    ]
    yesno = {"code": "x.q.b", "type": "yesno"}
    assert question_type(yesno).demo_yearly(yesno, rng, DemoYear(1.0, False, {})) is True
