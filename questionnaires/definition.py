"""Small pure helpers over a resolved definition (the JSON stored in QuestionnaireVersion.definition).

Used by forms, scoring and reports. Everything here takes and returns plain dicts; only
`get_definition` and `definition_for_version` touch the database (once per version per process).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from questionnaires.logic import condition_references, formula_references
from questionnaires.rule_types import rule_questions, rule_type

if TYPE_CHECKING:
    from questionnaires.models import QuestionnaireVersion


class DefinitionNotFound(LookupError):
    """No loaded version for the framework (and version) asked for."""


# --- iteration ---------------------------------------------------------------------------------


def iter_dimensions(definition: Mapping[str, Any]) -> Iterator[dict]:
    yield from definition.get("dimensions") or []


def iter_indicators(definition: Mapping[str, Any], *, leaves_only: bool = False) -> Iterator[dict]:
    """Every indicator (2nd and 3rd level, depth first); `leaves_only`: only those with a rule."""
    for dimension in iter_dimensions(definition):
        yield from _indicator_tree(dimension.get("indicators") or [], leaves_only)


def _indicator_tree(indicators: Iterable[dict], leaves_only: bool) -> Iterator[dict]:
    for indicator in indicators:
        children = indicator.get("children")
        if not leaves_only or not children:
            yield indicator
        if children:
            yield from _indicator_tree(children, leaves_only)


def iter_questions(definition: Mapping[str, Any]) -> Iterator[dict]:
    yield from definition.get("questions") or []


def question_index(definition: Mapping[str, Any]) -> dict[str, dict]:
    return {q["code"]: q for q in iter_questions(definition)}


def find_question(definition: Mapping[str, Any], code: str) -> dict | None:
    for question in iter_questions(definition):
        if question.get("code") == code:
            return question
    return None


def find_indicator(definition: Mapping[str, Any], code: str) -> dict | None:
    for indicator in iter_indicators(definition):
        if indicator.get("code") == code:
            return indicator
    return None


def dimension_of(definition: Mapping[str, Any], indicator_code: str) -> dict | None:
    for dimension in iter_dimensions(definition):
        if any(
            i.get("code") == indicator_code for i in _indicator_tree(dimension.get("indicators") or [], False)
        ):
            return dimension
    return None


# --- references --------------------------------------------------------------------------------


def _applies_references(obj: Mapping[str, Any]) -> set[str]:
    applies = obj.get("applies") or {}
    return condition_references(applies.get("when"))


def indicator_references(indicator: Mapping[str, Any]) -> set[str]:
    """Codes an indicator (and its children) reads: rule questions and applicability conditions."""
    found = set(rule_questions(indicator.get("rule"))) | _applies_references(indicator)
    for child in indicator.get("children") or []:
        found |= indicator_references(child)
    return found


def framework_references(definition: Mapping[str, Any]) -> set[str]:
    """Every question code the framework's structure reads (rules, prerequisites, applicability,
    settings); not the questions' own conditions and formulas (see `with_dependencies`)."""
    found: set[str] = set()
    for dimension in iter_dimensions(definition):
        found |= _applies_references(dimension)
        for indicator in dimension.get("indicators") or []:
            found |= indicator_references(indicator)
    for prerequisite in definition.get("prerequisites") or []:
        if prerequisite.get("question"):
            found.add(prerequisite["question"])
    settings = definition.get("settings") or {}
    if settings.get("products_question"):
        found.add(settings["products_question"])
    found |= set(settings.get("scenarios") or [])
    return found


def question_dependencies(question: Mapping[str, Any]) -> set[str]:
    """Codes one question needs to be shown or computed: its condition, applicability and formula, and
    the figure that proposes its option (`proposed_by`)."""
    proposal = question.get("proposed_by")
    proposed = {proposal["question"]} if isinstance(proposal, Mapping) and "question" in proposal else set()
    return (
        condition_references(question.get("condition"))
        | _applies_references(question)
        | formula_references(question.get("formula") or "")
        | proposed
    )


def with_dependencies(codes: Iterable[str], questions: Mapping[str, Mapping[str, Any]]) -> set[str]:
    """`codes` plus, transitively, the questions their conditions and formulas read."""
    result: set[str] = set()
    pending = list(codes)
    while pending:
        code = pending.pop()
        if code in result:
            continue
        result.add(code)
        if code in questions:
            pending.extend(question_dependencies(questions[code]) - result)
    return result


# --- questions by dimension, crosswalk -----------------------------------------------------------


def questions_of_dimension(definition: Mapping[str, Any], dimension_code: str) -> list[dict]:
    """Questions a dimension's indicators read, with the questions their conditions and formulas need
    (bank questions included), in the order of the definition's `questions`. A question read by two
    dimensions appears in both."""
    index = question_index(definition)
    for dimension in iter_dimensions(definition):
        if dimension.get("code") == dimension_code:
            codes = _applies_references(dimension)
            for indicator in dimension.get("indicators") or []:
                codes |= indicator_references(indicator)
            wanted = with_dependencies(codes, index)
            return [q for q in iter_questions(definition) if q["code"] in wanted]
    raise KeyError(dimension_code)


def general_questions(definition: Mapping[str, Any]) -> list[dict]:
    """Questions no dimension reads: prerequisites (veto items), settings questions, evidence, profile."""
    index = question_index(definition)
    in_dimensions: set[str] = set()
    for dimension in iter_dimensions(definition):
        in_dimensions |= {q["code"] for q in questions_of_dimension(definition, dimension["code"])}
    return [q for code, q in index.items() if code not in in_dimensions]


def indicators_reading(definition: Mapping[str, Any], question_code: str) -> list[dict]:
    """Indicators whose rule reads the question (directly)."""
    return [
        i
        for i in iter_indicators(definition, leaves_only=True)
        if question_code in rule_questions(i.get("rule"))
    ]


def question_frameworks(
    question_code: str, definitions: Iterable[Mapping[str, Any]]
) -> list[tuple[str, str]]:
    """The crosswalk: (framework, version) of every definition that holds the question (its own or a
    referenced bank question). Answered once per assessment, it feeds each of them."""
    return [
        (d["framework"], d["version"])
        for d in definitions
        if d.get("kind") != "bank" and any(q.get("code") == question_code for q in iter_questions(d))
    ]


def provisional_items(definition: Mapping[str, Any]) -> list[dict]:
    """Every object marked `provisional: true`, as {code, kind, title, source} (for officials and docs)."""
    items: list[dict] = []

    def add(obj: Mapping[str, Any], kind: str, code: str | None = None) -> None:
        if obj.get("provisional") is True:
            title = obj.get("title") or obj.get("text") or {}
            items.append(
                {
                    "code": code or obj.get("code", ""),
                    "kind": kind,
                    "title": title,
                    "source": obj.get("source", ""),
                }
            )

    add(definition, "framework", f"{definition.get('framework')}@{definition.get('version')}")
    settings = definition.get("settings") or {}
    add(settings, "settings", "settings")
    for key, value in settings.items():
        if isinstance(value, dict):
            add(value, "settings", f"settings.{key}")
        elif isinstance(value, list):
            for n, entry in enumerate(value):
                if isinstance(entry, dict):
                    add(entry, "settings", f"settings.{key}.{entry.get('code', n)}")
    for dimension in iter_dimensions(definition):
        add(dimension, "dimension")
    for indicator in iter_indicators(definition):
        add(indicator, "indicator")
        rule = indicator.get("rule") or {}
        add(rule, "rule", f"{indicator['code']}.rule")
        for industry, values in (rule.get("by_industry") or {}).items():
            add(values, "benchmark", f"{indicator['code']}.rule.by_industry.{industry}")
    for prerequisite in definition.get("prerequisites") or []:
        add(prerequisite, "prerequisite")
    for question in iter_questions(definition):
        add(question, "question")
        for option in question.get("options") or []:
            add(option, "option", f"{question['code']}.{option.get('code')}")
    return items


def definition_diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """Human-readable list of what changed between two definitions: top-level keys and coded objects."""

    def coded(definition: Mapping[str, Any]) -> dict[str, Any]:
        objects: dict[str, Any] = {}
        for dimension in iter_dimensions(definition):
            objects[dimension["code"]] = {k: v for k, v in dimension.items() if k != "indicators"}
        for indicator in iter_indicators(definition):
            objects[indicator["code"]] = {k: v for k, v in indicator.items() if k != "children"}
        for key in ("prerequisites", "questions"):
            for obj in definition.get(key) or []:
                objects[obj["code"]] = obj
        return objects

    changes = [
        f"top-level {key!r} changed"
        for key in sorted(set(old) | set(new))
        if key not in ("dimensions", "prerequisites", "questions") and old.get(key) != new.get(key)
    ]
    before, after = coded(old), coded(new)
    changes += [f"{code} removed" for code in before if code not in after]
    changes += [f"{code} added" for code in after if code not in before]
    changes += [f"{code} changed" for code in before if code in after and before[code] != after[code]]
    return changes


def indicator_max_points(indicator: Mapping[str, Any]) -> float:
    """The most an indicator can earn (points methods): its weight (docs/definitions.md)."""
    children = indicator.get("children")
    if children:
        return sum(indicator_max_points(child) for child in children)
    return float(indicator.get("weight") or 0)


def metric_count(definition: Mapping[str, Any]) -> int:
    """How many metrics (rows of a standard's indicator table) a definition scores: a leaf indicator is
    one; a parent whose children all carry `applies` holds alternatives of one metric (e.g. energy per
    product or per output value) and is one; any other parent counts its children."""

    def count(indicator: Mapping[str, Any]) -> int:
        children = indicator.get("children") or []
        if not children:
            return 1
        if all(child.get("applies") for child in children):
            return 1
        return sum(count(child) for child in children)

    return sum(count(i) for d in iter_dimensions(definition) for i in d.get("indicators") or [])


def rule_max_points(indicator: Mapping[str, Any], questions: Mapping[str, Mapping[str, Any]]) -> float:
    """The most a leaf indicator's rule can give, read from the rule itself (options, bands, level
    points, requirement items: its rule type's `best`), capped at the weight: an independent check that
    full marks are reachable. `questions` is `question_index(definition)`."""
    weight = float(indicator.get("weight") or 0)
    rule = indicator.get("rule") or {}
    kind = rule_type(rule)
    best = kind.best(rule, questions, weight) if kind else weight
    return min(best, weight)


# --- loaded definitions: in-process cache ----------------------------------------------------------

_lock = threading.Lock()
_by_hash: dict[str, dict] = {}
_hash_of: dict[tuple[str, str | None], str] = {}


def short_titles(titles: list[str], length: int) -> list[str]:
    """Labels of at most `length` characters for chart axes that still tell the titles apart: when a
    title is too long, the words every title shares at the start are dropped ("Digital foundation /
    management / outcomes" -> "Foundation", "Management", "Outcomes"), then each label is cut with an
    ellipsis; titles that would still read the same keep the words that differ."""

    def cut(text: str) -> str:
        return text if len(text) <= length else text[: length - 1] + "…"

    def without_shared_words(group: list[str]) -> list[str]:
        words = [title.split() for title in group]
        shared = 0
        while all(len(w) > shared + 1 for w in words) and len({w[shared] for w in words}) == 1:
            shared += 1
        rest = [" ".join(w[shared:]) for w in words]
        return [text[:1].upper() + text[1:] for text in rest] if shared else list(group)

    if len(titles) > 1 and any(len(title) > length for title in titles):
        titles = without_shared_words(titles)
    labels = [cut(title) for title in titles]
    for label in {label for label in labels if labels.count(label) > 1}:
        group = [index for index, other in enumerate(labels) if other == label]
        for index, text in zip(group, without_shared_words([titles[i] for i in group]), strict=True):
            labels[index] = cut(text)
    return labels


def definition_for_version(version: QuestionnaireVersion) -> dict:
    """The definition of a version row already fetched, shared per content hash (no query)."""
    with _lock:
        return _by_hash.setdefault(version.content_hash, version.definition)


class StoredVersion(Protocol):
    """What definition_of reads of a stored version: a QuestionnaireVersion, or a lighter row."""

    @property
    def content_hash(self) -> str: ...

    @property
    def definition(self) -> Any: ...


def definition_of(version: StoredVersion) -> dict:
    """The definition of this very row (a revision an assessment points at), shared per content hash:
    no query when cached, else one (the row may have been fetched without its JSON)."""
    with _lock:
        cached = _by_hash.get(version.content_hash)
    if cached is not None:
        return cached
    definition = version.definition
    with _lock:
        return _by_hash.setdefault(version.content_hash, definition)


def get_definition(framework: str, version: str | None = None) -> dict:
    """The loaded definition of framework@version (version None: the current one, else the newest).

    Always the latest revision of the version. Reads the database once per (framework, version) per
    process; definitions are cached by content hash. After `load_questionnaires` changes an unfrozen version, other processes keep the old one
    until restarted (the command clears this process's cache).
    """
    key = (framework, version)
    with _lock:
        content_hash = _hash_of.get(key)
        if content_hash and content_hash in _by_hash:
            return _by_hash[content_hash]
    from questionnaires.models import QuestionnaireVersion

    # The latest revision: an earlier one is read through the row an assessment points at (definition_of).
    rows = QuestionnaireVersion.objects.live().filter(framework=framework).exclude(status="bank")
    if version is None:
        row = rows.filter(status="current").order_by("-version").first() or rows.order_by("-version").first()
    else:
        row = QuestionnaireVersion.objects.live().filter(framework=framework, version=version).first()
    if row is None:
        raise DefinitionNotFound(f"{framework}@{version or 'current'} is not loaded")
    definition = definition_for_version(row)
    with _lock:
        _hash_of[key] = row.content_hash
    return definition


def clear_definition_cache() -> None:
    with _lock:
        _by_hash.clear()
        _hash_of.clear()


def clear_definition_cache_on_change(**_kwargs: Any) -> None:
    """Signal receiver (questionnaires.apps): a saved or deleted version invalidates the cache."""
    clear_definition_cache()
