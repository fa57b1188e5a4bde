"""Pure evaluation of the definition language: conditions, applicability, formulas, computed answers.

Everything here works on plain data (the resolved definition JSON and an answers dict keyed by
question code, see docs/definitions.md) and imports nothing from Django or from other apps, so the
schema check, the forms, the scoring engine and the reports all share one reading of the rules.

Conventions:
- An answer is *answered* when it is not None, not "" and not an empty list.
- A comparison (`equals`, `not_equals`, `in`, `gt`, `ge`, `lt`, `le`) against an unanswered question is
  false; use `answered: false` (or `not`) to test for a missing answer.
- For a multiple-choice answer (a list), `equals: x` means "x is among the chosen options",
  `not_equals: x` means "x is not among them" and `in: [...]` means "any of them is chosen".
- A formula whose input is missing, not a number, or that divides by zero has no value (None).
"""

from __future__ import annotations

import ast
import math
import operator
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any, TypeGuard

from questionnaires.question_types import is_derived

__all__ = [
    "FormulaError",
    "evaluate_condition",
    "condition_references",
    "evaluate_formula",
    "formula_references",
    "compile_formula",
    "industry_matches",
    "is_answered",
    "is_applicable",
    "is_asked",
    "effective_answers",
    "resolve_answers",
    "computed_order",
    "band_holds",
    "proposed_option",
    "proposal_inputs",
    "proposed_choices",
    "open_proposals",
]

_COMPARISONS = ("equals", "not_equals", "in", "gt", "ge", "lt", "le")
_REFERENCE = re.compile(r"\{([A-Za-z0-9_.\-]+)\}")
_MAX_DEPTH = 64


class FormulaError(ValueError):
    """A formula that is not in the formula language (raised at compile time, never at evaluation)."""


def is_answered(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value != {}


def _is_number(value: Any) -> TypeGuard[float]:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


# --- conditions -------------------------------------------------------------------------------------


def evaluate_condition(condition: Mapping[str, Any] | None, answers: Mapping[str, Any]) -> bool:
    """Evaluate a `condition` / `applies.when` object against the answers. None means "always"."""
    if condition is None:
        return True
    return _evaluate(condition, answers, 0)


def _evaluate(condition: Mapping[str, Any], answers: Mapping[str, Any], depth: int) -> bool:
    if depth > _MAX_DEPTH:
        raise ValueError("condition nested too deeply")
    if "all" in condition:
        return all(_evaluate(part, answers, depth + 1) for part in condition["all"])
    if "any" in condition:
        return any(_evaluate(part, answers, depth + 1) for part in condition["any"])
    if "not" in condition:
        return not _evaluate(condition["not"], answers, depth + 1)
    code = condition.get("question")
    if code is None:
        raise ValueError(f"condition without question: {condition!r}")
    value = answers.get(code)
    answered = is_answered(value)
    if "answered" in condition:
        return answered == bool(condition["answered"])
    if not answered:
        return False
    for key in _COMPARISONS:
        if key in condition:
            return _compare(key, value, condition[key])
    raise ValueError(f"condition without a comparison: {condition!r}")


def _compare(key: str, value: Any, operand: Any) -> bool:
    if key in ("gt", "ge", "lt", "le"):
        if not (_is_number(value) and _is_number(operand)):
            return False
        return {"gt": operator.gt, "ge": operator.ge, "lt": operator.lt, "le": operator.le}[key](
            value, operand
        )
    if isinstance(value, list):
        if key == "equals":
            return operand in value
        if key == "not_equals":
            return operand not in value
        return any(item in value for item in operand)
    if key == "equals":
        return _same(value, operand)
    if key == "not_equals":
        return not _same(value, operand)
    return any(_same(value, item) for item in operand)


def _same(value: Any, operand: Any) -> bool:
    # true == 1 in Python; keep yes/no answers apart from numbers.
    if isinstance(value, bool) or isinstance(operand, bool):
        return isinstance(value, bool) and isinstance(operand, bool) and value is operand
    return value == operand


def condition_references(condition: Mapping[str, Any] | None) -> set[str]:
    """Question codes a condition reads."""
    if not condition:
        return set()
    if "all" in condition or "any" in condition:
        parts = condition.get("all", condition.get("any")) or []
        return set().union(*(condition_references(part) for part in parts)) if parts else set()
    if "not" in condition:
        return condition_references(condition["not"])
    return {condition["question"]} if "question" in condition else set()


# --- applicability ----------------------------------------------------------------------------------


def industry_matches(industry: str | None, codes: Iterable[str]) -> bool:
    """Whether a GB/T 4754 code (division "C14" or class "C1441") falls under any listed code.

    A listed division covers its classes; a listed class needs the enterprise's class.
    """
    if not industry:
        return False
    industry = industry.upper()
    return any(industry.startswith(str(code).upper()) for code in codes)


def is_applicable(
    applies: Mapping[str, Any] | None,
    answers: Mapping[str, Any],
    *,
    industry: str | None = None,
    size_class: str | None = None,
) -> bool:
    """Whether an object carrying `applies` applies to this enterprise and these answers.

    An unknown industry or size class (None) does not exclude anything: without the enterprise's facts
    the engine cannot tell, so the object is kept and scored.
    """
    if not applies:
        return True
    industries = applies.get("industries")
    if industries and industry is not None and not industry_matches(industry, industries):
        return False
    size_classes = applies.get("size_classes")
    if size_classes and size_class is not None and size_class not in size_classes:
        return False
    return evaluate_condition(applies.get("when"), answers)


def is_asked(question: Mapping[str, Any], answers: Mapping[str, Any]) -> bool:
    """A question whose `condition` is false is not asked, not required and not scored."""
    return evaluate_condition(question.get("condition"), answers)


def effective_answers(definition: Mapping[str, Any], answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers with those of questions that are not asked (condition false) removed.

    Conditions are evaluated against the answers that remain, so a question hidden by a hidden
    question is hidden too (definitions have no condition cycles; the loop stops at a fixed point).
    """
    conditional = [q for q in definition.get("questions", []) if q.get("condition")]
    current = dict(answers)
    for _ in range(len(conditional) + 1):
        hidden = [q["code"] for q in conditional if q["code"] in current and not is_asked(q, current)]
        if not hidden:
            break
        for code in hidden:
            current.pop(code, None)
    return current


# --- formulas ---------------------------------------------------------------------------------------

_BINARY: dict[type, Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
_FUNCTIONS: dict[str, Callable[..., float]] = {"min": min, "max": max, "abs": abs}

Evaluator = Callable[[Mapping[str, Any]], "float | None"]


def formula_references(formula: str) -> set[str]:
    """The question codes a formula reads (`{code}` references)."""
    return set(_REFERENCE.findall(formula))


def _parse(formula: str) -> tuple[ast.AST, list[str]]:
    codes: list[str] = []

    def placeholder(match: re.Match[str]) -> str:
        codes.append(match.group(1))
        return f"__ref{len(codes) - 1}"

    return ast.parse(_REFERENCE.sub(placeholder, formula).strip(), mode="eval").body, codes


@lru_cache(maxsize=2048)
def _parsed(formula: str) -> tuple[ast.AST, list[str]]:
    """_parse, once per formula (the pages describe computed questions' formulas on every view): the
    tree is only read, never changed."""
    return _parse(formula)


@lru_cache(maxsize=2048)
def compile_formula(formula: str) -> Evaluator:
    """Parse a formula once (with `ast`, never eval) into a function of the values by code."""
    try:
        node, codes = _parse(formula)
    except SyntaxError as exc:
        raise FormulaError(f"invalid formula {formula!r}: {exc.msg}") from exc
    return _build(node, codes, formula)


class _Missing(Exception):
    pass


def _build(node: ast.AST, codes: list[str], formula: str) -> Evaluator:
    inner = _node(node, codes, formula)

    def evaluate(values: Mapping[str, Any]) -> float | None:
        try:
            result = inner(values)
        except (_Missing, ZeroDivisionError, OverflowError):
            return None
        return result if math.isfinite(result) else None

    return evaluate


def _node(node: ast.AST, codes: list[str], formula: str) -> Callable[[Mapping[str, Any]], float]:
    if isinstance(node, ast.Constant) and _is_number(node.value):
        constant = float(node.value)
        return lambda values: constant
    if isinstance(node, ast.Name) and node.id.startswith("__ref"):
        code = codes[int(node.id[5:])]

        def reference(values: Mapping[str, Any]) -> float:
            value = values.get(code)
            if not _is_number(value):
                raise _Missing
            return float(value)

        return reference
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        op = _BINARY[type(node.op)]
        left, right = _node(node.left, codes, formula), _node(node.right, codes, formula)
        return lambda values: op(left(values), right(values))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        operand = _node(node.operand, codes, formula)
        sign = -1.0 if isinstance(node.op, ast.USub) else 1.0
        return lambda values: sign * operand(values)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in _FUNCTIONS
        and not node.keywords
        and node.args
        and (node.func.id != "abs" or len(node.args) == 1)
    ):
        function = _FUNCTIONS[node.func.id]
        arguments = [_node(arg, codes, formula) for arg in node.args]
        return lambda values: float(function(*(arg(values) for arg in arguments)))
    raise FormulaError(f"not allowed in formula {formula!r}: {ast.dump(node)[:80]}")


def _ref(node: ast.AST, codes: list[str]) -> str | None:
    if isinstance(node, ast.Name) and node.id.startswith("__ref"):
        return codes[int(node.id[5:])]
    return None


def _constant(node: ast.AST) -> float | None:
    if isinstance(node, ast.Constant) and _is_number(node.value):
        return float(node.value)
    return None


@lru_cache(maxsize=2048)
def formula_share(formula: str) -> tuple[str, str] | None:
    """(part, whole) when the formula is a share capped at 100 %, `min({part} / {whole} * 100, 100)`:
    the part cannot be larger than its whole. None for any other formula."""
    try:
        node, codes = _parse(formula)
    except SyntaxError:
        return None
    if not (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "min"
        and len(node.args) == 2
        and _constant(node.args[1]) == 100
    ):
        return None
    ratio = node.args[0]
    if not (
        isinstance(ratio, ast.BinOp) and isinstance(ratio.op, ast.Mult) and _constant(ratio.right) == 100
    ):
        return None
    share = ratio.left
    if not (isinstance(share, ast.BinOp) and isinstance(share.op, ast.Div)):
        return None
    part, whole = _ref(share.left, codes), _ref(share.right, codes)
    return (part, whole) if part and whole else None


_WORD_OPERATORS = {ast.Add: "+", ast.Sub: "−", ast.Mult: "×", ast.Div: "÷"}
_PRECEDENCE = {ast.Add: 1, ast.Sub: 1, ast.Mult: 2, ast.Div: 2}


def formula_words(formula: str, name: Callable[[str], str], words: Mapping[str, str]) -> str:
    """A formula as people read it: each `{code}` by its name (`name(code)`), × ÷ + − for the
    operators, and the functions in words (`words`: "min" "max" "abs" "cap" templates with {a} {b}
    and {x}, e.g. {"cap": "{x}（超过 {b} 时按 {b} 计）"}). The formula text itself is never shown."""

    node, codes = _parsed(formula)

    def number(value: float) -> str:
        return str(int(value)) if value.is_integer() else f"{value:g}"

    def text(node: ast.AST, parent: int = 0, right: bool = False) -> str:
        code = _ref(node, codes)
        if code is not None:
            return name(code)
        constant = _constant(node)
        if constant is not None:
            return number(constant)
        if isinstance(node, ast.BinOp) and type(node.op) in _WORD_OPERATORS:
            level = _PRECEDENCE[type(node.op)]
            inner = (
                f"{text(node.left, level)} {_WORD_OPERATORS[type(node.op)]} {text(node.right, level, True)}"
            )
            needs = level < parent or (right and level == parent)
            return f"（{inner}）" if needs else inner
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return f"−{text(node.operand, 3)}"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            args = node.args
            function = node.func.id
            if function == "min" and len(args) == 2 and _constant(args[1]) is not None:
                return words["cap"].format(x=text(args[0]), b=number(_constant(args[1]) or 0))
            if function in ("min", "max") and len(args) == 2:
                return words[function].format(a=text(args[0]), b=text(args[1]))
            if function == "abs" and len(args) == 1:
                return words["abs"].format(x=text(args[0]))
        return ast.unparse(node)

    return text(node)


def evaluate_formula(formula: str, values: Mapping[str, Any]) -> float | None:
    """Value of a formula over the answers; None when an input is missing or it divides by zero."""
    return compile_formula(formula)(values)


# --- computed answers -------------------------------------------------------------------------------


def computed_order(definition: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The computed questions of a definition, each after the computed questions its formula reads."""
    computed = {q["code"]: q for q in definition.get("questions", []) if is_derived(q)}
    ordered: list[Mapping[str, Any]] = []
    state: dict[str, int] = {}

    def visit(code: str, depth: int) -> None:
        if state.get(code) == 2:
            return
        if state.get(code) == 1 or depth > _MAX_DEPTH:
            raise FormulaError(f"formula cycle through {code}")
        state[code] = 1
        formula = computed[code].get("formula")
        for reference in sorted(formula_references(formula)) if formula else ():
            if reference in computed:
                visit(reference, depth + 1)
        state[code] = 2
        ordered.append(computed[code])

    for code in computed:
        visit(code, 0)
    return ordered


def resolve_answers(
    definition: Mapping[str, Any],
    answers: Mapping[str, Any],
    *,
    calculator: Mapping[str, Any] | None = None,
    order: Sequence[Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """A copy of the answers with every computed question filled.

    A computed question takes, in order: the value given in `answers` (an override, kept as is), the
    value of its `formula` over the answers (computed questions in dependency order), or the value of
    its `calculator` key in `calculator` (the energy calculator's outputs). When none gives a number,
    the question stays missing (absent from the result). `order` is `computed_order(definition)` when
    the caller has it already.
    """
    resolved = dict(answers)
    for question in computed_order(definition) if order is None else order:
        code = question["code"]
        if is_answered(resolved.get(code)):
            continue
        value: float | None = None
        if question.get("formula"):
            value = evaluate_formula(question["formula"], resolved)
        elif question.get("calculator") and calculator is not None:
            candidate = calculator.get(question["calculator"])
            value = float(candidate) if _is_number(candidate) else None
        if value is None:
            resolved.pop(code, None)
        else:
            # Clean binary noise (0.1 + 0.2) so band and threshold edges compare as a person expects.
            resolved[code] = round(value, 9)
    return resolved


# --- options proposed from figures ------------------------------------------------------------------


def band_holds(band: Mapping[str, Any], x: float) -> bool:
    """Whether `x` lies within a band's bounds (any of gt/ge/lt/le; a band without bounds holds)."""
    return (
        ("gt" not in band or x > band["gt"])
        and ("ge" not in band or x >= band["ge"])
        and ("lt" not in band or x < band["lt"])
        and ("le" not in band or x <= band["le"])
    )


def proposed_option(
    question: Mapping[str, Any], values: Mapping[str, Any], source: Mapping[str, Any] | None = None
) -> str | None:
    """The option a choice question's `proposed_by` picks from the figure it names, or None.

    The figure (usually a computed change) is compared as the person sees it: rounded to the source
    question's `decimals` (two by default), so a change shown as 0.00 % proposes 持平. None when the
    question has no `proposed_by`, the figure is missing or no band holds. The person may choose
    another option: a proposal never replaces a choice (docs/definitions.md, Proposed options).
    """
    proposal = question.get("proposed_by")
    if not isinstance(proposal, Mapping):
        return None
    value = values.get(proposal.get("question", ""))
    if not _is_number(value):
        return None
    decimals = (source or {}).get("decimals", 2)
    shown = round(float(value), decimals if isinstance(decimals, int) else 2) + 0.0  # -0.0 -> 0.0
    for band in proposal.get("options") or []:
        if band_holds(band, shown):
            return str(band["option"])
    return None


def proposal_inputs(definition: Mapping[str, Any]) -> dict[str, set[str]]:
    """For each choice question with `proposed_by`: the codes its proposal reads (the figure, and
    through formulas every answer that figure is computed from)."""
    questions = {q["code"]: q for q in definition.get("questions", [])}
    found: dict[str, set[str]] = {}
    for question in questions.values():
        proposal = question.get("proposed_by")
        if not isinstance(proposal, Mapping):
            continue
        codes: set[str] = set()
        pending = [proposal["question"]]
        while pending and len(codes) <= len(questions):
            code = pending.pop()
            if code in codes:
                continue
            codes.add(code)
            formula = questions.get(code, {}).get("formula")
            if isinstance(formula, str):
                pending.extend(formula_references(formula))
        found[question["code"]] = codes
    return found


def proposed_choices(definition: Mapping[str, Any], resolved: Mapping[str, Any]) -> dict[str, str]:
    """The proposed option of every choice question with `proposed_by` whose figure is known, by code,
    from answers with the computed questions filled (resolve_answers), answered or not."""
    questions = {q["code"]: q for q in definition.get("questions", [])}
    found: dict[str, str] = {}
    for code, question in questions.items():
        proposal = question.get("proposed_by")
        if not isinstance(proposal, Mapping):
            continue
        option = proposed_option(question, resolved, questions.get(proposal.get("question", "")))
        if option is not None:
            found[code] = option
    return found


def open_proposals(definition: Mapping[str, Any], answers: Mapping[str, Any]) -> dict[str, str]:
    """The options the figures propose for the choice questions with `proposed_by` that have no answer
    (e.g. an assessment stored before the question existed), by code. A question without its figures
    proposes nothing and stays unanswered; an answered one keeps its answer."""
    proposed = proposed_choices(definition, resolve_answers(definition, answers))
    return {code: option for code, option in proposed.items() if not is_answered(answers.get(code))}
