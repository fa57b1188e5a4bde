"""Answers checked against a definition (docs/definitions.md, "Answer values")."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from questionnaires.question_types import question_type

from .compiled import CompiledDefinition, compile_definition
from .types import Problem


def _problem(code: str, kind: str, zh: str, en: str) -> Problem:
    return Problem(code=code, kind=kind, message={"zh": zh, "en": en})


def _check(
    compiled: CompiledDefinition,
    code: str,
    question: Mapping[str, Any],
    value: Any,
    answers: Mapping[str, Any],
) -> list[Problem]:
    qtype = question_type(question)
    if qtype is None:
        kind = question.get("type")
        return [_problem(code, "wrong_type", f"未知题型 {kind!r}", f"unknown question type {kind!r}")]
    if question.get("per_product") and isinstance(value, dict) and qtype.per_product:
        return _check_per_product(compiled, code, question, value, answers)
    return [
        _problem(code, problem.kind, problem.zh, problem.en)
        for problem in qtype.problems(question, value, options=compiled.options.get(code, {}))
    ]


def _check_per_product(
    compiled: CompiledDefinition,
    code: str,
    question: Mapping[str, Any],
    value: Mapping[str, Any],
    answers: Mapping[str, Any],
) -> list[Problem]:
    problems: list[Problem] = []
    single = {**question, "per_product": False}
    for item in value.values():
        if item is not None:
            problems.extend(_check(compiled, code, single, item, answers))
    products_code = compiled.settings.get("products_question")
    products = answers.get(products_code) if products_code else None
    if isinstance(products, list):
        names = {item.get("name") for item in products if isinstance(item, dict)}
        unknown = sorted(set(value) - names)
        if unknown:
            problems.append(
                _problem(
                    code,
                    "unknown_option",
                    f"产品 {unknown[0]!r} 不在产品清单中",
                    f"product {unknown[0]!r} is not in the product list",
                )
            )
    return problems


def problems_in(
    compiled: CompiledDefinition, answers: Mapping[str, Any], *, allow_unknown: bool = False
) -> list[Problem]:
    problems: list[Problem] = []
    for code, value in answers.items():
        question = compiled.questions.get(code)
        if question is None:
            if not allow_unknown:
                problems.append(_problem(code, "unknown_code", "题目编码不存在", "unknown question code"))
            continue
        if value is None:
            continue  # unanswered
        problems.extend(_check(compiled, code, question, value, answers))
    return problems


def validate_answers(
    definition: Mapping[str, Any] | Sequence[Mapping[str, Any]],
    answers: Mapping[str, Any],
    *,
    allow_unknown: bool = False,
) -> list[Problem]:
    """Problems of the answers against one definition or several (an assessment's frameworks).

    With several definitions a code is unknown only if no definition has it. An empty list means valid.
    """
    definitions = [definition] if isinstance(definition, Mapping) else list(definition)
    compiled = [compile_definition(item) for item in definitions]  # type: ignore[arg-type]
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for item in compiled:
        own = {code: value for code, value in answers.items() if code in item.questions}
        for problem in problems_in(item, own):
            key = (problem.code, problem.message["en"])
            if key not in seen:  # a bank question shared by two frameworks is reported once
                seen.add(key)
                problems.append(problem)
    if not allow_unknown:
        known = set().union(*(item.questions for item in compiled)) if compiled else set()
        problems.extend(
            _problem(code, "unknown_code", "题目编码不存在", "unknown question code")
            for code in answers
            if code not in known
        )
    return problems
