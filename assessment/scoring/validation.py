"""Answers checked against a definition (docs/definitions.md, "Answer values")."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from .compiled import CompiledDefinition, compile_definition
from .types import Problem

_SHARE_TOLERANCE = 0.5  # percentage points: shares are typed by people and rounded


def _problem(code: str, kind: str, zh: str, en: str) -> Problem:
    return Problem(code=code, kind=kind, message={"zh": zh, "en": en})


def _is_number(value: Any) -> bool:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer too large for a float (e.g. 400 typed digits) is no usable number
        return False


def _shown(value: Any, limit: int = 40) -> str:
    """A value for a message, shortened (a hostile answer may be 100 kB, or an int too long to print)."""
    try:
        text = repr(value)
    except ValueError:
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _range(question: Mapping[str, Any]) -> tuple[float | None, float | None]:
    low, high = question.get("min"), question.get("max")
    if question.get("type") == "percentage":
        low = 0 if low is None else low
        high = 100 if high is None else high
    return low, high


def _check_number(code: str, question: Mapping[str, Any], value: Any) -> list[Problem]:
    if not _is_number(value):
        shown = _shown(value)
        return [_problem(code, "wrong_type", f"应为数值，收到 {shown}", f"expected a number, got {shown}")]
    low, high = _range(question)
    if (low is not None and value < low) or (high is not None and value > high):
        bounds = f"[{'' if low is None else low}, {'' if high is None else high}]"
        return [
            _problem(code, "out_of_range", f"{value} 超出范围 {bounds}", f"{value} is out of range {bounds}")
        ]
    return []


def _check(
    compiled: CompiledDefinition,
    code: str,
    question: Mapping[str, Any],
    value: Any,
    answers: Mapping[str, Any],
) -> list[Problem]:
    kind = question.get("type")
    if question.get("per_product") and isinstance(value, dict) and kind in ("single", "number", "percentage"):
        return _check_per_product(compiled, code, question, value, answers)
    if kind == "single":
        if not isinstance(value, str):
            return [
                _problem(
                    code,
                    "wrong_type",
                    f"应为选项编码，收到 {value!r}",
                    f"expected an option code, got {value!r}",
                )
            ]
        if value not in compiled.options.get(code, {}):
            return [
                _problem(
                    code,
                    "unknown_option",
                    f"选项 {value!r} 不在列表中",
                    f"option {value!r} is not in the list",
                )
            ]
        return []
    if kind == "multiple":
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            return [
                _problem(
                    code,
                    "wrong_type",
                    f"应为选项编码列表，收到 {value!r}",
                    f"expected a list of option codes, got {value!r}",
                )
            ]
        options = compiled.options.get(code, {})
        problems = [
            _problem(
                code, "unknown_option", f"选项 {item!r} 不在列表中", f"option {item!r} is not in the list"
            )
            for item in value
            if item not in options
        ]
        if len(set(value)) != len(value):
            problems.append(_problem(code, "wrong_type", "选项重复", "an option is repeated"))
        exclusive = [item for item in value if options.get(item, {}).get("exclusive")]
        if exclusive and len(value) > 1:
            problems.append(
                _problem(
                    code,
                    "exclusive_combined",
                    f"选项 {exclusive[0]!r} 只能单独选择",
                    f"option {exclusive[0]!r} must stand alone",
                )
            )
        return problems
    if kind in ("number", "percentage"):
        return _check_number(code, question, value)
    if kind == "computed":
        return _check_number(code, question, value)  # an override
    if kind == "level":
        if not isinstance(value, int) or isinstance(value, bool):
            return [
                _problem(
                    code,
                    "wrong_type",
                    f"应为等级 1–4，收到 {value!r}",
                    f"expected a level 1-4, got {value!r}",
                )
            ]
        if value not in (1, 2, 3, 4):
            return [
                _problem(
                    code,
                    "out_of_range",
                    f"等级 {value} 不在 1–4 之间",
                    f"level {value} is not between 1 and 4",
                )
            ]
        return []
    if kind == "yesno":
        if not isinstance(value, bool):
            return [
                _problem(
                    code,
                    "wrong_type",
                    f"应为是/否（true/false），收到 {value!r}",
                    f"expected yes/no (true/false), got {value!r}",
                )
            ]
        return []
    if kind == "text":
        if not isinstance(value, str):
            return [_problem(code, "wrong_type", "应为文本", f"expected text, got {value!r}")]
        return []
    if kind == "file":
        return [
            _problem(
                code,
                "wrong_type",
                "文件题以上传的证明材料作答，不接受取值",
                "a file question is answered by uploaded evidence, not a value",
            )
        ]
    if kind == "products":
        return _check_products(code, value)
    return [_problem(code, "wrong_type", f"未知题型 {kind!r}", f"unknown question type {kind!r}")]


def _check_products(code: str, value: Any) -> list[Problem]:
    if not isinstance(value, list) or not all(
        isinstance(item, dict)
        and isinstance(item.get("name"), str)
        and item["name"]
        and _is_number(item.get("share"))
        for item in value
    ):
        return [
            _problem(
                code,
                "wrong_type",
                "应为产品列表 [{name, share}]",
                f'expected a list of {{"name", "share"}} objects, got {value!r}',
            )
        ]
    names = [item["name"] for item in value]
    if len(set(names)) != len(names):
        return [_problem(code, "wrong_type", "产品名称重复", "a product name is repeated")]
    if any(not 0 <= item["share"] <= 100 for item in value):
        return [
            _problem(code, "out_of_range", "产量占比应在 0–100 之间", "output shares must be within 0-100")
        ]
    total = sum(item["share"] for item in value)
    if abs(total - 100) > _SHARE_TOLERANCE:
        return [
            _problem(
                code,
                "shares_sum",
                f"产量占比合计 {total}，应为 100",
                f"output shares add up to {total}, not 100",
            )
        ]
    return []


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
