"""The schema check of definition files (docs/definitions.md).

`check_definition` checks one file on its own; `check_definitions` checks a set of files together
(duplicate question codes across files, `uses` of banks, references into banks). Both return a list
of `Problem` (file, code, problem); an empty list of errors means the files can be loaded.
Plain Python over the dict read from YAML: no ORM, no Django.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Mapping, Set
from dataclasses import dataclass
from typing import Any, TypeGuard

from questionnaires.frameworks import METHODS, get_method, method_codes
from questionnaires.logic import FormulaError, compile_formula, formula_references
from questionnaires.question_types import get_type, spoken_types, type_codes
from questionnaires.references import ReferenceError, check_citations, iter_refs, load_references
from questionnaires.rule_types import (
    BAND_BOUNDS,
    WEIGHT_TOLERANCE,
    check_bounds,
    get_rule_type,
    iter_rule_types,
    rule_codes,
)

FORMULA_REF_RE = re.compile(r"\{([^{}]*)\}")

SCHEMA_VERSION = 1
KINDS = {"framework", "bank"}
STATUSES = {"current", "legacy"}
SIZE_CLASSES = {"large", "medium", "small", "micro"}
CP_LEVELS = {"I", "II", "III", "none"}

CODE_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
OPTION_CODE_RE = re.compile(r"^[A-Za-z0-9_.+\-]+$")
INDUSTRY_RE = re.compile(r"^[A-T](\d{2}|\d{3}|\d{4})$")
USES_RE = re.compile(r"^([a-z][a-z0-9_]*)@(.+)$")
FORMULA_FUNCTIONS = {"min", "max", "abs"}

PROVENANCE_KEYS = {"source", "refs", "provisional", "provisional_note"}
TOP_KEYS = {
    "schema",
    "kind",
    "framework",
    "version",
    "method",
    "status",
    "title",
    "description",
    "applies_to",
    "uses",
    "settings",
    "prerequisites",
    "dimensions",
    "questions",
} | PROVENANCE_KEYS
DIMENSION_KEYS = {"code", "title", "description", "weight", "applies", "indicators"} | PROVENANCE_KEYS
INDICATOR_KEYS = {
    "code",
    "title",
    "description",
    "weight",
    "limiting",
    "applies",
    "rule",
    "children",
    "per_product",
} | PROVENANCE_KEYS
QUESTION_KEYS = {
    "code",
    "type",
    "text",
    "help",
    "unit",
    "required",
    "min",
    "max",
    "decimals",
    "options",
    "levels",
    "formula",
    "calculator",
    "condition",
    "applies",
    "constrained",
    "per_product",
    "proposed_by",
} | PROVENANCE_KEYS
OPTION_KEYS = {"code", "text", "points", "exclusive", "cp_level", "description"} | PROVENANCE_KEYS
LEVEL_KEYS = {"level", "text", "description"}
HELP_KEYS = {"what", "how", "example", "why"}
PREREQUISITE_KEYS = {"code", "question", "title", "description"} | PROVENANCE_KEYS
APPLIES_KEYS = {"industries", "size_classes", "when"}
APPLIES_TO_KEYS = {"industries", "fallback"}
COMPARISONS = {"equals", "not_equals", "in", "gt", "ge", "lt", "le", "answered"}
RULE_COMMON_KEYS = {"type", "note"} | PROVENANCE_KEYS


@dataclass(frozen=True)
class Problem:
    """One problem found in a definition file. `code` is the nearest code (or a key path)."""

    file: str
    code: str
    problem: str
    severity: str = "error"  # error | warning (warnings do not stop loading)

    def __str__(self) -> str:
        tag = "" if self.severity == "error" else "warning: "
        return f"{self.file}: {self.code}: {tag}{self.problem}"


def errors(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def one_of(value: Any, allowed: Iterable[str]) -> TypeGuard[str]:
    """`value in allowed` for any value read from a file (a list or dict is never a member)."""
    return isinstance(value, str) and value in allowed


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else []


def is_number(value: Any) -> TypeGuard[float]:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def formula_syntax_problem(formula: str) -> str | None:
    """Why a formula is not in the formula language (questionnaires.logic parses it), or None."""
    if "{" in FORMULA_REF_RE.sub("", formula) or "}" in FORMULA_REF_RE.sub("", formula):
        return f"formula has an unbalanced brace: {formula!r}"
    for ref in FORMULA_REF_RE.findall(formula):
        if not CODE_RE.match(ref):
            return f"formula reference {{{ref}}} is not a question code"
    try:
        compile_formula(formula)
    except FormulaError as exc:
        return f"formula is outside numbers, {{code}}, + - * / ( ) min max abs: {exc}"
    return None


def condition_references(condition: Any) -> set[str]:
    """Question codes a condition reads, tolerating malformed conditions (logic.py assumes valid ones)."""
    found: set[str] = set()
    if isinstance(condition, Mapping):
        if isinstance(condition.get("question"), str):
            found.add(condition["question"])
        for key in ("all", "any"):
            parts = condition.get(key)
            for part in parts if isinstance(parts, list) else []:
                found |= condition_references(part)
        if "not" in condition:
            found |= condition_references(condition["not"])
    return found


def find_cycle(graph: Mapping[str, Iterable[str]]) -> list[str] | None:
    """One cycle of a directed graph as a path [a, b, ..., a], or None."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in graph.get(node, ()):
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state and nxt in graph:
                cycle = visit(nxt)
                if cycle:
                    return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            cycle = visit(start)
            if cycle:
                return cycle
    return None


def iter_indicator_tree(indicators: Any) -> Iterator[dict]:
    """Indicators and their children, depth first (only well-formed dicts)."""
    for indicator in indicators if isinstance(indicators, list) else []:
        if isinstance(indicator, dict):
            yield indicator
            yield from iter_indicator_tree(indicator.get("children"))


class _FileChecker:
    """Checks one definition file; `references` collects (location, code, what) to resolve later."""

    PROVENANCE_KEYS: Set[str] = PROVENANCE_KEYS  # for the methods' settings checks (frameworks.SettingsCheck)

    def __init__(self, data: Any, file: str) -> None:
        self.data = data
        self.file = file
        self.problems: list[Problem] = []
        self.codes: dict[str, str] = {}  # code -> what defined it
        self.questions: dict[str, dict] = {}
        self.references: list[tuple[str, str, str]] = []
        self.method: str | None = None

    # --- reporting -------------------------------------------------------------------------
    def error(self, code: str, problem: str) -> None:
        self.problems.append(Problem(self.file, code, problem))

    def warn(self, code: str, problem: str) -> None:
        self.problems.append(Problem(self.file, code, problem, "warning"))

    def method_has(self, attribute: str) -> bool:
        """Whether the file's scoring method (questionnaires.frameworks) sets a flag, e.g. per_product."""
        return bool(getattr(get_method(self.method), attribute, False))

    # --- generic helpers -------------------------------------------------------------------
    def keys(self, obj: Any, where: str, allowed: Set[str], required: Iterable[str] = ()) -> bool:
        if not isinstance(obj, dict):
            self.error(where, f"must be a mapping, not {type(obj).__name__}")
            return False
        for key in sorted(set(obj) - allowed, key=str):
            self.error(where, f"unknown key {key!r}")
        for key in required:
            if key not in obj or obj[key] is None:
                self.error(where, f"missing required key {key!r}")
        return True

    def text(self, obj: dict, key: str, where: str, *, required: bool = False) -> None:
        if key not in obj:
            if required:
                self.error(where, f"missing required key {key!r}")
            return
        self.bilingual(obj[key], where, key)

    def bilingual(self, value: Any, where: str, key: str) -> None:
        if not isinstance(value, dict):
            self.error(where, f"{key} must be {{zh: ..., en: ...}}")
            return
        for extra in sorted(set(value) - {"zh", "en"}, key=str):
            self.error(where, f"{key} has unknown key {extra!r} (only zh and en)")
        for lang in ("zh", "en"):
            text = value.get(lang)
            if not isinstance(text, str) or not text.strip():
                self.error(where, f"{key}.{lang} text is missing or empty")

    def flag(self, obj: dict, key: str, where: str) -> None:
        if key in obj and not isinstance(obj[key], bool):
            self.error(where, f"{key} must be true or false")

    def provenance(self, obj: dict, where: str, *, needs_source: bool = False, why: str = "") -> None:
        if "source" in obj and (not isinstance(obj["source"], str) or not obj["source"].strip()):
            self.error(where, "source must be a non-empty string")
        elif needs_source and "source" not in obj:
            self.error(where, f"{why} but has no source")
        self.flag(obj, "provisional", where)
        if "provisional_note" in obj:
            self.bilingual(obj["provisional_note"], where, "provisional_note")

    def define(self, code: Any, where: str, what: str) -> str | None:
        if not isinstance(code, str) or not CODE_RE.match(code):
            self.error(
                where, f"{what} code {code!r} is not a lowercase dotted code like 'gf25.energy.intensity'"
            )
            return None
        if code in self.codes:
            self.error(code, f"duplicate code: used by a {self.codes[code]} and a {what}")
            return None
        self.codes[code] = what
        return code

    def refer(self, where: str, code: Any, what: str) -> None:
        if not isinstance(code, str) or not code:
            self.error(where, f"{what} must be a question code")
        else:
            self.references.append((where, code, what))

    # --- the file --------------------------------------------------------------------------
    def run(self) -> _FileChecker:
        data = self.data
        if not self.keys(data, "(file)", TOP_KEYS, ["schema", "kind", "framework", "version", "title"]):
            return self
        if data.get("schema") != SCHEMA_VERSION:
            self.error("(file)", f"schema must be {SCHEMA_VERSION}")
        kind = data.get("kind")
        if not one_of(kind, KINDS):
            self.error("(file)", f"kind must be one of {sorted(KINDS)}, not {kind!r}")
        if not isinstance(data.get("framework"), str) or not re.match(
            r"^[a-z][a-z0-9_]*$", data["framework"]
        ):
            self.error("(file)", "framework must be a lowercase slug like 'green_factory'")
        if not isinstance(data.get("version"), str) or not data["version"].strip():
            self.error("(file)", 'version must be a string (quote it: version: "2025")')
        self.text(data, "title", "(file)", required=True)
        self.text(data, "description", "(file)")
        self.provenance(data, "(file)")
        if "source" not in data:
            self.warn("(file)", "no source: name the document the file follows")
        if kind == "framework":
            self.check_framework_top(data)
        elif kind == "bank":
            for key in ("method", "settings", "prerequisites", "dimensions", "applies_to", "uses"):
                if key in data:
                    self.error("(file)", f"a bank has no {key!r}")
            if not isinstance(data.get("questions"), list) or not data["questions"]:
                self.error("(file)", "a bank needs a non-empty list of questions")
            if data.get("status") not in (None, "current", "legacy", "bank"):
                self.error("(file)", "status of a bank must be current, legacy or bank")
        self.check_questions(data.get("questions"))
        if kind == "framework":
            self.check_prerequisites(data.get("prerequisites"))
            self.check_dimensions(data.get("dimensions"))
            self.check_settings(data.get("settings"))
        self.check_cycles()
        self.check_per_product(data)
        self.check_refs(data)
        return self

    def check_refs(self, data: dict) -> None:
        """Every `refs` citation names an entry of questionnaires/references.yaml (docs/definitions.md)."""
        try:
            registry = load_references()
        except (OSError, ReferenceError, ValueError) as exc:
            self.error("(file)", f"the references registry cannot be read: {exc}")
            return
        for where, value in iter_refs(data):
            for problem in check_citations(value, where, registry):
                self.error(where, problem.split(": ", 1)[1])
        if data.get("kind") == "framework" and "refs" not in data:
            self.warn("(file)", "no refs: cite the document the framework follows (references.yaml id)")

    def check_per_product(self, data: dict) -> None:
        marked = [q["code"] for q in self.questions.values() if q.get("per_product") is True]
        dimensions = data.get("dimensions")
        if data.get("kind") == "framework" and isinstance(dimensions, list):
            marked += [
                i.get("code", "?")
                for d in dimensions
                if isinstance(d, dict)
                for i in iter_indicator_tree(d.get("indicators"))
                if i.get("per_product") is True
            ]
        if not marked:
            return
        raw_settings = data.get("settings")
        settings = raw_settings if isinstance(raw_settings, dict) else {}
        if (self.method is not None and not self.method_has("per_product")) or data.get("kind") == "bank":
            self.error(marked[0], "per_product is only for clean-production frameworks")
        elif self.method_has("per_product") and "products_question" not in settings:
            self.error(
                marked[0], "per_product needs settings.products_question (the products and their shares)"
            )

    def check_framework_top(self, data: dict) -> None:
        for key in ("method", "status", "source", "dimensions", "questions"):
            if key not in data:
                self.error("(file)", f"missing required key {key!r}")
        method = data.get("method")
        methods = method_codes()
        if method is not None and not one_of(method, methods):
            self.error("(file)", f"method must be one of {sorted(methods)}, not {method!r}")
        self.method = method if one_of(method, methods) else None
        if "status" in data and not one_of(data["status"], STATUSES):
            self.error("(file)", f"status must be one of {sorted(STATUSES)}, not {data['status']!r}")
        applies_to = data.get("applies_to")
        if applies_to is not None and self.keys(applies_to, "applies_to", APPLIES_TO_KEYS):
            self.industries(applies_to.get("industries"), "applies_to")
            self.flag(applies_to, "fallback", "applies_to")
        uses = data.get("uses", [])
        if not isinstance(uses, list):
            self.error("uses", "must be a list like [energy@2025]")
        else:
            for item in uses:
                if not isinstance(item, str) or not USES_RE.match(item):
                    self.error("uses", f"{item!r} is not 'bank@version' like 'energy@2025'")
            if len(set(map(str, uses))) != len(uses):
                self.error("uses", "lists a bank twice")

    def industries(self, value: Any, where: str) -> None:
        if value is None:
            return
        if not isinstance(value, list) or not value:
            self.error(where, "industries must be a non-empty list of GB/T 4754 codes like C14 or C1441")
            return
        for item in value:
            if not isinstance(item, str) or not INDUSTRY_RE.match(item):
                self.error(where, f"industry {item!r} is not a GB/T 4754 code like C14 or C1441")

    # --- questions -------------------------------------------------------------------------
    def check_questions(self, questions: Any) -> None:
        if questions is None:
            return
        if not isinstance(questions, list):
            self.error("questions", "must be a list")
            return
        for index, question in enumerate(questions):
            where = f"questions[{index}]"
            if not isinstance(question, dict):
                self.error(where, "must be a mapping")
                continue
            code = self.define(question.get("code"), where, "question")
            if code:
                self.questions[code] = question
            self.check_question(question, code or where)

    def check_question(self, q: dict, where: str) -> None:
        self.keys(q, where, QUESTION_KEYS, ["code", "type", "text"])
        qtype = q.get("type")
        kind = get_type(qtype)
        if kind is None:
            self.error(where, f"type must be one of {sorted(type_codes())}, not {qtype!r}")
            qtype = None
        self.text(q, "text", where)
        self.provenance(q, where)
        if "source" not in q:
            self.error(where, "question has no source (standard and clause, or document)")
        self.check_help(q.get("help"), where, kind is None or not kind.derived)
        for key in ("required", "constrained", "per_product"):
            self.flag(q, key, where)
        if "unit" in q:
            self.bilingual(q["unit"], where, "unit")
        if kind and not kind.numeric:
            for key in ("unit", "min", "max", "decimals"):
                if key in q:
                    self.error(where, f"{key!r} is only for {spoken_types(lambda t: t.numeric)} questions")
        self.check_range(q, where, qtype)
        if kind and kind.choice:
            self.check_options(q.get("options"), where, str(qtype), several=kind.several)
        elif "options" in q:
            self.error(where, f"options are only for {spoken_types(lambda t: t.choice)} questions")
        if kind and kind.scale:
            self.check_levels(q.get("levels"), where)
        elif "levels" in q:
            self.error(where, "levels are only for level questions")
        if "constrained" in q and kind is not None and not kind.scale:
            self.error(where, "constrained is only for level (scenario) questions")
        if kind and kind.derived:
            has_formula, has_calculator = "formula" in q, "calculator" in q
            if has_formula == has_calculator:
                self.error(where, "a computed question needs exactly one of formula or calculator")
            if has_formula:
                self.check_formula(q["formula"], where)
            if has_calculator and (not isinstance(q["calculator"], str) or not q["calculator"]):
                self.error(where, "calculator must be a calculator output key like calc.water_reuse_rate")
        else:
            for key in ("formula", "calculator"):
                if key in q:
                    self.error(where, f"{key!r} is only for computed questions")
        if "condition" in q:
            self.check_condition(q["condition"], where, "condition")
        if "applies" in q:
            self.check_applies(q["applies"], where)
        if "proposed_by" in q:
            if kind and kind.choice and not kind.several:
                self.check_proposed_by(q, where)
            else:
                self.error(
                    where,
                    f"proposed_by is only for {spoken_types(lambda t: t.choice and not t.several)} questions",
                )

    def check_proposed_by(self, q: dict, where: str) -> None:
        """`proposed_by: {question, options: [{gt|ge|lt|le, option}]}`: the option a figure proposes."""
        pwhere = f"{where}.proposed_by"
        proposal = q["proposed_by"]
        if not self.keys(proposal, pwhere, {"question", "options"}, ["question", "options"]):
            return
        self.refer(pwhere, proposal.get("question"), "proposed_by question")
        self.typed_refs.append(
            (pwhere, proposal.get("question"), type_codes(lambda t: t.numeric), "proposed_by question")
        )
        codes = {str(o.get("code")) for o in as_list(q.get("options")) if isinstance(o, dict)}
        bands = proposal.get("options")
        if not isinstance(bands, list) or not bands:
            self.error(pwhere, "proposed_by.options must be a non-empty list of {gt|ge|lt|le, option}")
            return
        for index, band in enumerate(bands):
            bwhere = f"{pwhere}.options[{index}]"
            if not self.keys(band, bwhere, set(BAND_BOUNDS) | {"option"}, ["option"]):
                continue
            check_bounds(self, band, bwhere)
            if str(band.get("option")) not in codes:
                self.error(bwhere, f"option {band.get('option')!r} is not an option of this question")

    def check_help(self, help_: Any, where: str, asked: bool) -> None:
        """Help is required for questions a person answers (what it means at least); computed ones
        explain themselves by their formula or calculator derivation."""
        if help_ is None:
            if asked:
                self.error(where, "question has no help (what, how, example, why)")
            return
        if not self.keys(help_, f"{where}.help", HELP_KEYS):
            return
        for key in sorted(HELP_KEYS & set(help_)):
            self.bilingual(help_[key], where, f"help.{key}")
        if asked and "what" not in help_:
            self.error(where, "help has no 'what' (what the question means)")
        missing = [key for key in ("how", "example", "why") if key not in help_]
        if asked and missing:
            self.warn(where, f"help has no {', '.join(missing)}")

    def check_range(self, q: dict, where: str, qtype: str | None) -> None:
        for key in ("min", "max"):
            if key in q and not is_number(q[key]):
                self.error(where, f"{key} must be a number")
        if is_number(q.get("min")) and is_number(q.get("max")) and q["min"] > q["max"]:
            self.error(where, f"min {q['min']} is greater than max {q['max']}")
        if "decimals" in q and (
            not isinstance(q["decimals"], int)
            or isinstance(q["decimals"], bool)
            or not 0 <= q["decimals"] <= 6
        ):
            self.error(where, "decimals must be a whole number from 0 to 6")

    def check_options(self, options: Any, where: str, qtype: str, *, several: bool) -> None:
        if not isinstance(options, list) or len(options) < 2:
            self.error(where, f"a {qtype} question needs a list of at least two options")
            return
        seen: set[str] = set()
        exclusive = 0
        for index, option in enumerate(options):
            owhere = f"{where}.options[{index}]"
            if not self.keys(option, owhere, OPTION_KEYS, ["code", "text"]):
                continue
            code = option.get("code")
            if not isinstance(code, str) or not OPTION_CODE_RE.match(code):
                # Answers store the code as a string: YAML's 1, yes, no, on, off must be quoted.
                self.error(
                    owhere,
                    f"option code {code!r} must be a short quoted word like 'a', 'none' or '1'",
                )
            elif str(code) in seen:
                self.error(where, f"duplicate option code {code!r}")
            else:
                seen.add(str(code))
            self.text(option, "text", owhere)
            self.provenance(option, owhere)
            if "points" in option and (not is_number(option["points"]) or option["points"] < 0):
                self.error(owhere, "points must be a number ≥ 0")
            if "cp_level" in option and not one_of(option["cp_level"], CP_LEVELS):
                self.error(owhere, f"cp_level must be one of {sorted(CP_LEVELS)}")
            self.flag(option, "exclusive", owhere)
            if option.get("exclusive"):
                exclusive += 1
                if not several:
                    self.error(owhere, "exclusive is only for options of a multiple question")
        if several and exclusive > 1:
            self.error(where, "more than one exclusive option: 'none of these' stands alone, once")
        if several and exclusive and exclusive == len(options):
            self.error(where, "every option is exclusive")

    def check_levels(self, levels: Any, where: str) -> None:
        if not isinstance(levels, list):
            self.error(where, "a level question needs levels 1-4, each with text")
            return
        numbers = []
        for index, level in enumerate(levels):
            lwhere = f"{where}.levels[{index}]"
            if not self.keys(level, lwhere, LEVEL_KEYS, ["level", "text"]):
                continue
            number = level.get("level")
            if number not in (1, 2, 3, 4) or isinstance(number, bool):
                self.error(where, f"level {number!r} is outside 1-4")
            else:
                numbers.append(number)
            self.text(level, "text", lwhere)
            self.text(level, "description", lwhere)
        if sorted(numbers) != [1, 2, 3, 4] and len(numbers) == len(levels):
            self.error(where, f"levels must be exactly 1, 2, 3 and 4 (found {sorted(numbers)})")

    def check_formula(self, formula: Any, where: str) -> None:
        if not isinstance(formula, str) or not formula.strip():
            self.error(where, "formula must be a non-empty string")
            return
        problem = formula_syntax_problem(formula)
        if problem:
            self.error(where, problem)
        refs = formula_references(formula)
        if not refs:
            self.error(where, "formula references no answer ({code})")
        for ref in sorted(refs):
            self.refer(where, ref, "formula reference")

    def check_condition(self, cond: Any, where: str, key: str) -> None:
        if not isinstance(cond, dict):
            self.error(where, f"{key} must be a mapping")
            return
        if "all" in cond or "any" in cond:
            group = "all" if "all" in cond else "any"
            self.keys(cond, where, {group})
            parts = cond[group]
            if not isinstance(parts, list) or not parts:
                self.error(where, f"{key}.{group} must be a non-empty list of conditions")
                return
            for part in parts:
                self.check_condition(part, where, f"{key}.{group}[]")
            return
        if "not" in cond:
            self.keys(cond, where, {"not"})
            self.check_condition(cond["not"], where, f"{key}.not")
            return
        if "question" not in cond:
            self.error(where, f"{key} needs question (or all / any / not)")
            return
        self.keys(cond, where, {"question"} | COMPARISONS)
        operators = COMPARISONS & set(cond)
        if len(operators) != 1:
            self.error(where, f"{key} needs exactly one of {sorted(COMPARISONS)}")
        for op in operators:
            value = cond[op]
            if op in {"gt", "ge", "lt", "le"} and not is_number(value):
                self.error(where, f"{key}.{op} must be a number")
            if op == "in" and (not isinstance(value, list) or not value):
                self.error(where, f"{key}.in must be a non-empty list")
            if op == "answered" and value is not True:
                self.error(where, f"{key}.answered must be true")
        self.refer(where, cond["question"], f"{key} question")
        self.condition_values.append((where, key, cond))

    condition_values: list[tuple[str, str, dict]]

    def check_applies(self, applies: Any, where: str) -> None:
        if not self.keys(applies, where, APPLIES_KEYS):
            return
        if not applies:
            self.error(where, "applies is empty")
        self.industries(applies.get("industries"), where)
        sizes = applies.get("size_classes")
        if sizes is not None and (
            not isinstance(sizes, list) or not sizes or not all(one_of(x, SIZE_CLASSES) for x in sizes)
        ):
            self.error(where, f"size_classes must be a list of {sorted(SIZE_CLASSES)}")
        if "when" in applies:
            self.check_condition(applies["when"], where, "applies.when")

    # --- prerequisites, dimensions, indicators, rules ---------------------------------------
    def check_prerequisites(self, prerequisites: Any) -> None:
        if prerequisites is None:
            return
        if not isinstance(prerequisites, list):
            self.error("prerequisites", "must be a list")
            return
        for index, pre in enumerate(prerequisites):
            where = f"prerequisites[{index}]"
            if not isinstance(pre, dict):
                self.error(where, "must be a mapping")
                continue
            code = self.define(pre.get("code"), where, "prerequisite") or where
            self.keys(pre, code, PREREQUISITE_KEYS, ["code", "question", "title"])
            self.text(pre, "title", code)
            self.text(pre, "description", code)
            self.provenance(pre, code, needs_source=True, why="a prerequisite comes from a standard")
            self.refer(code, pre.get("question"), "prerequisite question")
            self.typed_refs.append(
                (code, pre.get("question"), type_codes(lambda t: t.boolean), "prerequisite question")
            )

    typed_refs: list[tuple[str, Any, frozenset[str], str]]

    def check_dimensions(self, dimensions: Any) -> None:
        if not isinstance(dimensions, list) or not dimensions:
            self.error("dimensions", "must be a non-empty list")
            return
        weights = []
        for index, dim in enumerate(dimensions):
            where = f"dimensions[{index}]"
            if not isinstance(dim, dict):
                self.error(where, "must be a mapping")
                continue
            code = self.define(dim.get("code"), where, "dimension") or where
            self.keys(dim, code, DIMENSION_KEYS, ["code", "title", "weight", "indicators"])
            self.text(dim, "title", code)
            self.text(dim, "description", code)
            self.provenance(dim, code, needs_source=True, why="a dimension weight comes from a standard")
            if "applies" in dim:
                self.check_applies(dim["applies"], code)
            weight = self.weight(dim, code)
            if weight is not None:
                weights.append(weight)
            indicators = dim.get("indicators")
            if not isinstance(indicators, list) or not indicators:
                self.error(code, "indicators must be a non-empty list")
                continue
            child_weights = [
                w
                for w in (self.check_indicator(i, code, n) for n, i in enumerate(indicators))
                if w is not None
            ]
            self.check_sum(code, "indicator", child_weights, weight, len(indicators))
        self.check_sum("dimensions", "dimension", weights, None, len(dimensions))

    def weight(self, obj: dict, where: str) -> float | None:
        weight = obj.get("weight")
        if weight is None:
            return None
        if not is_number(weight) or weight <= 0:
            self.error(where, f"weight must be a number > 0, not {weight!r}")
            return None
        return float(weight)

    def check_sum(
        self, where: str, what: str, weights: list[float], parent: float | None, count: int
    ) -> None:
        """Weights per method (docs/definitions.md, Weights)."""
        if len(weights) != count or self.method is None:
            return  # a missing or bad weight is already reported
        total = sum(weights)
        omega = self.method_has("omega_weights")
        if what == "dimension":
            targets = [1.0, 100.0] if omega else [100.0]
            label = "dimension weights"
        elif what == "child":
            targets = [parent] if parent is not None else []
            label = "children's weights"
        elif omega:
            targets, label = [1.0, 100.0], "indicator weights ω of the dimension"
        elif self.method_has("points"):
            targets = [parent] if parent is not None else []
            label = "indicator points of the dimension"
        else:
            return  # green_factory_2018: points within a category are scaled to the category weight
        if targets and not any(abs(total - t) <= WEIGHT_TOLERANCE for t in targets):
            expected = " or ".join(f"{t:g}" for t in targets)
            self.error(where, f"{label} add up to {total:g}, not {expected}")

    def check_indicator(self, ind: Any, parent: str, index: int) -> float | None:
        where = f"{parent}.indicators[{index}]"
        if not isinstance(ind, dict):
            self.error(where, "must be a mapping")
            return None
        code = self.define(ind.get("code"), where, "indicator") or where
        self.keys(ind, code, INDICATOR_KEYS, ["code", "title", "weight"])
        self.text(ind, "title", code)
        self.text(ind, "description", code)
        self.flag(ind, "limiting", code)
        self.flag(ind, "per_product", code)
        if "limiting" in ind and self.method is not None and not self.method_has("per_product"):
            self.error(code, "limiting (限定性指标) is only for clean production")
        if "applies" in ind:
            self.check_applies(ind["applies"], code)
        weight = self.weight(ind, code)
        children = ind.get("children")
        rule = ind.get("rule")
        has_source = "source" in ind or (isinstance(rule, dict) and "source" in rule)
        if not has_source:
            self.error(code, "an indicator's weight comes from a standard but has no source")
        self.provenance(ind, code)
        if children is not None:
            if rule is not None:
                self.error(code, "an indicator with children has no rule of its own")
            if not isinstance(children, list) or not children:
                self.error(code, "children must be a non-empty list")
                return weight
            child_weights = [
                w for w in (self.check_indicator(c, code, n) for n, c in enumerate(children)) if w is not None
            ]
            self.check_sum(code, "child", child_weights, weight, len(children))
        elif rule is None:
            self.error(code, "missing required key 'rule' (or children)")
        else:
            self.check_rule(rule, code, weight)
        return weight

    def check_rule(self, rule: Any, where: str, weight: float | None) -> None:
        if not isinstance(rule, dict):
            self.error(where, "rule must be a mapping")
            return
        rtype = rule.get("type")
        kind = get_rule_type(rtype)
        if kind is None:
            self.error(where, f"rule.type must be one of {sorted(rule_codes())}, not {rtype!r}")
            return
        rwhere = f"{where}.rule"
        self.keys(rule, rwhere, kind.keys | RULE_COMMON_KEYS, kind.keys - kind.optional_keys)
        self.provenance(rule, rwhere)
        allowed_methods = sorted(method_codes(lambda m: rtype in m.own_rules))
        if allowed_methods and self.method and self.method not in allowed_methods:
            self.error(where, f"rule type {rtype!r} is only for {sorted(allowed_methods)}")
        kind.check(self, rule, where, limit=None if self.method_has("omega_weights") else weight)
        self.rules.append((where, rule, weight))

    rules: list[tuple[str, dict, float | None]]  # (where, rule, weight): checked against the question read

    def industry_code(self, value: Any) -> bool:
        return isinstance(value, str) and bool(INDUSTRY_RE.match(value))

    # --- settings ---------------------------------------------------------------------------
    def check_settings(self, settings: Any) -> None:
        method = get_method(self.method)
        if settings is None or method is None:
            return
        if not self.keys(settings, "settings", method.settings_keys | PROVENANCE_KEYS):
            return
        self.provenance(settings, "settings")
        method.check_settings(self, settings)

    def refer_typed(self, where: str, code: Any, types: frozenset[str], what: str) -> None:
        """`code` must name a question whose type is one of `types` (checked once all files are read)."""
        self.refer(where, code, what)
        self.expect_type(where, code, types, what)

    def expect_type(self, where: str, code: Any, types: frozenset[str], what: str) -> None:
        """A question `code` names, if it exists, must be of one of `types` (checked once all files are read)."""
        self.typed_refs.append((where, code, types, what))

    # --- cycles -------------------------------------------------------------------------------
    def check_cycles(self) -> None:
        conditions = {code: condition_references(q.get("condition")) for code, q in self.questions.items()}
        cycle = find_cycle(conditions)
        if cycle:
            self.error(cycle[0], "conditions form a cycle: " + " -> ".join(cycle))
        formulas = {
            code: formula_references(q["formula"])
            for code, q in self.questions.items()
            if isinstance(q.get("formula"), str)
        }
        cycle = find_cycle(formulas)
        if cycle:
            self.error(cycle[0], "formulas form a cycle: " + " -> ".join(cycle))


def _new_checker(data: Any, file: str) -> _FileChecker:
    checker = _FileChecker(data, file)
    checker.condition_values = []
    checker.typed_refs = []
    checker.rules = []
    return checker.run()


def _resolve_references(
    checker: _FileChecker,
    available: Mapping[str, tuple[dict, str]],
    elsewhere: Mapping[str, str] | None = None,
) -> None:
    """Check every reference of one file against its own questions and the questions of banks it uses.

    `available` maps question code -> (question, where it lives: 'this file' or 'bank@version');
    `elsewhere` maps the other files' question codes to the bank that defines them (for a precise hint).
    """
    for where, code, what in checker.references:
        if code in available:
            continue
        owner = (elsewhere or {}).get(code)
        if owner:
            checker.error(where, f"{what} {code!r} is in bank {owner}, which this file does not list in uses")
        else:
            checker.error(where, f"{what} {code!r} is not a question of this file or of a bank it uses")
    for where, code, types, what in checker.typed_refs:
        if isinstance(code, str) and code in available:
            qtype = available[code][0].get("type")
            if not one_of(qtype, types):
                checker.error(
                    where, f"{what} {code!r} is a {qtype} question; expected {' or '.join(sorted(types))}"
                )
    # Condition values must be possible answers of the question they test.
    for where, key, cond in checker.condition_values:
        tested = cond.get("question")
        question = available.get(tested, ({}, ""))[0] if isinstance(tested, str) else {}
        kind = get_type(question.get("type"))
        values = [cond[op] for op in ("equals", "not_equals") if op in cond]
        values += cond["in"] if isinstance(cond.get("in"), list) else []
        for value in values:
            problem = kind.condition_value_problem(question, cond["question"], value) if kind else None
            if problem:
                checker.error(where, f"{key} {problem}")
    # Each rule against the question it reads, by rule type in registration order.
    for rule_kind in iter_rule_types():
        for where, rule, weight in checker.rules:
            read = rule.get("question")
            if get_rule_type(rule.get("type")) is rule_kind and isinstance(read, str) and read in available:
                rule_kind.check_read(checker, rule, where, available[read][0], weight=weight)


def check_definition(data: Any, *, file: str = "<definition>") -> list[Problem]:
    """Check one file on its own: references may only go to its own questions."""
    checker = _new_checker(data, file)
    _resolve_references(checker, {code: (q, "this file") for code, q in checker.questions.items()})
    return checker.problems


def bank_key(data: Mapping[str, Any]) -> str:
    return f"{data.get('framework')}@{data.get('version')}"


def check_definitions(files: Mapping[str, Any]) -> list[Problem]:
    """Check a set of files (name -> data read from YAML) together. Banks are resolved by `uses`."""
    checkers = {name: _new_checker(data, name) for name, data in files.items()}
    problems: list[Problem] = []
    banks: dict[str, _FileChecker] = {}
    versions: dict[tuple[str, str], str] = {}
    current: dict[str, str] = {}
    question_owner: dict[str, str] = {}
    for name, checker in checkers.items():
        data = checker.data
        if not isinstance(data, dict):
            continue
        key = (str(data.get("framework")), str(data.get("version")))
        if key in versions:
            checker.error("(file)", f"{key[0]}@{key[1]} is also defined in {versions[key]}")
        versions[key] = name
        if data.get("kind") == "bank":
            banks[bank_key(data)] = checker
        elif data.get("status") == "current":
            if key[0] in current:
                checker.error("(file)", f"two current versions of {key[0]}: also {current[key[0]]}")
            current[key[0]] = name
        for code in checker.questions:
            if code in question_owner:
                checker.error(code, f"duplicate question code: also defined in {question_owner[code]}")
            else:
                question_owner[code] = name
        expected = (
            f"bank-{data.get('framework')}-{data.get('version')}"
            if data.get("kind") == "bank"
            else f"{data.get('framework')}-{data.get('version')}"
        )
        stem = re.sub(r"\.(ya?ml|json)$", "", name.rsplit("/", 1)[-1])
        if stem != expected:
            checker.warn("(file)", f"file name should be {expected}.yaml")
    bank_of_question = {code: key for key, bank in banks.items() for code in bank.questions}
    for checker in checkers.values():
        data = checker.data
        available = {code: (q, "this file") for code, q in checker.questions.items()}
        if isinstance(data, dict) and data.get("kind") == "framework" and isinstance(data.get("uses"), list):
            for use in data["uses"]:
                bank = banks.get(use) if isinstance(use, str) else None
                if bank is None:
                    if isinstance(use, str) and USES_RE.match(use):
                        checker.error("uses", f"bank {use!r} is not defined by any file")
                    continue
                for code, question in bank.questions.items():
                    available.setdefault(code, (question, use))
        _resolve_references(checker, available, bank_of_question)
    _check_systems_per_industry(checkers)
    for checker in checkers.values():
        problems.extend(checker.problems)
    return problems


def _check_systems_per_industry(checkers: Mapping[str, _FileChecker]) -> None:
    """Where a method has one system per industry (questionnaires.frameworks), the enterprise's industry
    must pick one current system of it, its fallback one when no sector system applies."""
    for method in [m for m in METHODS.values() if m.system_per_industry]:
        systems = [
            c
            for c in checkers.values()
            if isinstance(c.data, dict)
            and c.data.get("kind") == "framework"
            and c.data.get("method") == method.code
            and c.data.get("status") == "current"
        ]
        _check_one_system_per_industry(systems, method.system_per_industry)


def _check_one_system_per_industry(systems: list[_FileChecker], system: str) -> None:
    fallbacks: list[str] = []
    sectors: list[tuple[_FileChecker, list[str]]] = []
    for checker in systems:
        applies_to = (
            checker.data.get("applies_to") if isinstance(checker.data.get("applies_to"), dict) else {}
        )
        industries = [i for i in applies_to.get("industries") or [] if isinstance(i, str)]
        if applies_to.get("fallback") is True:
            fallbacks.append(bank_key(checker.data))
        elif not industries:
            checker.error("applies_to", f"a {system} needs applies_to.industries, or fallback: true")
        else:
            sectors.append((checker, industries))
    if len(fallbacks) > 1:
        for checker in systems:
            if bank_key(checker.data) in fallbacks[1:]:
                checker.error("applies_to", f"more than one fallback {system}: {', '.join(fallbacks)}")
    for index, (checker, industries) in enumerate(sectors):
        for other, other_industries in sectors[:index]:
            overlap = sorted(
                {a for a in industries for b in other_industries if a.startswith(b) or b.startswith(a)}
            )
            if overlap:
                checker.error(
                    "applies_to",
                    f"industries {', '.join(overlap)} are also claimed by {bank_key(other.data)}: "
                    "the industry must pick one system",
                )
