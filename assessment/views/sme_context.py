"""Presentation helpers of the SME journey's pages: question rows, progress, radar chart, comparisons.

Plain functions over what the selectors read; no queries here.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.forms import BoundField
from django.utils.translation import gettext as _

from assessment.forms.answers import REASON_SUFFIX, AnswerForm
from assessment.models import Evidence, ReviewComment
from assessment.selectors.assessments import AssessmentPage, Evaluation, PageAnswer, Section
from assessment.views.review import display_answer
from questionnaires.definition import short_titles
from questionnaires.logic import (
    condition_references,
    formula_references,
    formula_words,
    is_answered,
    proposed_option,
)
from questionnaires.numbers import number_text
from questionnaires.question_types import is_by_evidence, is_derived, question_type
from questionnaires.references import citations_for, cite_text, load_references
from questionnaires.text import active_language, is_english, pick


@dataclass
class QuestionRow:
    question: Mapping[str, Any]
    code: str
    kind: str
    field: BoundField | None
    reason_field: BoundField | None
    required: bool
    asked: bool
    answered: bool
    prefilled: bool
    answer: PageAnswer | None
    computed: dict[str, Any] | None
    comments: list[ReviewComment]
    evidence: list[Evidence]
    frameworks: list[str]
    condition_json: str
    per_product_note: str = ""
    conflict: dict[str, Any] | None = None
    validated: dict[str, Any] | None = None
    checks: list[str] = field(default_factory=list)
    proposal: dict[str, Any] | None = None
    plan_proposal: dict[str, Any] | None = None  # an answer last year's improvement plan proposes
    choice_proposal: dict[str, Any] | None = None  # the option the figures propose (proposed_by)
    proposed: bool = False  # the stored answer is that option, recorded by the system (Answer.proposed)
    lang: str = ""  # the page's language, read once for the rows' texts (blank: the active one)

    @property
    def seen(self) -> str:
        """Save time of the answer as shown (the page script's base for its conflict check)."""
        return self.answer.updated_at.isoformat() if self.answer else ""

    @property
    def text(self) -> str:
        return pick(self.question.get("text"), self.lang or None) or self.code

    @property
    def unit(self) -> str:
        return pick(self.question.get("unit"), self.lang or None)

    @property
    def derived(self) -> bool:
        return is_derived(self.question)

    @property
    def by_evidence(self) -> bool:
        return is_by_evidence(self.question)

    @property
    def addon(self) -> str:
        """The text after the input (a unit, % for a percentage), as the question's type says."""
        qtype = question_type(self.question)
        return qtype.addon(self.question, self.lang or active_language()) if qtype else ""

    @property
    def client_value(self) -> str:
        """How fill.js reads this question's value for conditions (the type's `client_value`)."""
        qtype = question_type(self.question)
        return qtype.client_value if qtype else "text"

    @property
    def help(self) -> list[tuple[str, str]]:
        return _help(self.question)

    @property
    def provisional_note(self) -> str:
        return pick(self.question.get("provisional_note"), self.lang or None)

    @property
    def citations(self) -> list[str]:
        """The documents the question cites, as bibliographic text (never the internal source note)."""
        registry = load_references()
        lang = active_language()
        return [cite_text(c, registry, lang) for c in citations_for(self.question, registry)]


def _format(value: Any, decimals: int | None = None) -> str:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return "" if value is None else str(value)
    return number_text(value, decimals)


def computed_display(
    question: Mapping[str, Any], evaluation: Evaluation, questions: Mapping[str, Mapping[str, Any]]
) -> dict[str, Any]:
    """A computed question's value and how it was obtained: the energy calculator's derivation lines
    (input × coefficient = result) or the formula with the values it read."""
    code = question["code"]
    value = evaluation.resolved.get(code)
    derivation: list[str] = []
    note = ""
    calculator = question.get("calculator")
    if calculator and evaluation.balance is not None:
        indicator = evaluation.balance.indicators.get(calculator)
        if indicator is not None:
            derivation = [pick(line) for line in indicator.derivation]
            note = pick(indicator.note) if indicator.note else ""
            if value is None and indicator.value is not None and evaluation.balance.is_valid:
                value = float(indicator.value)
    elif question.get("formula"):
        lang = active_language()
        named = _("%(name)s（%(value)s）")

        def name(ref: str) -> str:
            label = pick((questions.get(ref) or {}).get("text"), lang) or ref
            return named % {"name": label, "value": _format(evaluation.resolved.get(ref)) or "—"}

        derivation = [formula_words(question["formula"], name, _formula_words(lang))]
    overridden = is_answered(evaluation.answers.get(code))
    return {
        "value": value,
        "text": _format(value, question.get("decimals")) if value is not None else "",
        "derivation": derivation,
        "note": note,
        "overridden": overridden,
    }


def choice_proposal(
    question: Mapping[str, Any], evaluation: Evaluation, questions: Mapping[str, Mapping[str, Any]]
) -> dict[str, Any] | None:
    """The option a choice question's figure proposes (`proposed_by`), in words, or None without the
    figure: {"option": code, "text": the sentence shown at the question}. A proposal, never a choice."""
    proposal = question.get("proposed_by")
    if not isinstance(proposal, Mapping):
        return None
    source = questions.get(proposal.get("question", "")) or {}
    option = proposed_option(question, evaluation.resolved, source)
    if option is None:
        return None
    value = evaluation.resolved.get(proposal["question"])
    label = next(
        (pick(o.get("text")) for o in question.get("options") or [] if o.get("code") == option), option
    )
    change = f"{_format(value, source.get('decimals', 2))} {pick(source.get('unit'))}".strip()
    return {
        "option": option,
        "text": _("按填写的数据，变化为 %(change)s，建议选择“%(option)s”；可以改选。")
        % {"change": change, "option": label},
    }


def attach_choice_proposals(
    rows: Iterable[QuestionRow], evaluation: Evaluation, questions: Mapping[str, Mapping[str, Any]]
) -> None:
    """Put on each choice question proposed from figures the option its figure proposes."""
    for row in rows:
        if "proposed_by" in row.question:
            row.choice_proposal = choice_proposal(row.question, evaluation, questions)


def answer_text(question: Mapping[str, Any], value: Any) -> str:
    """An answer as people read it (option texts, yes/no, numbers with their unit): as the review shows it."""
    return display_answer(question, value)


def attach_conflicts(rows: Iterable[QuestionRow], conflicts: Mapping[str, Any]) -> None:
    """Put each conflict (services.AnswerConflict) on its row, with both values in words."""
    for row in rows:
        conflict = conflicts.get(row.code)
        if conflict is not None:
            row.conflict = {
                "by": conflict.by,
                "at": conflict.at,
                "mine": answer_text(row.question, conflict.mine),
                "theirs": answer_text(row.question, conflict.theirs),
            }


def attach_validated(rows: Iterable[QuestionRow], validated: Mapping[str, Any]) -> None:
    """Put the reviewer's validated value (models.ValidatedAnswer), in words with the reason, on its row."""
    for row in rows:
        item = validated.get(row.code)
        if item is not None:
            row.validated = {
                "value": answer_text(row.question, item.value)
                if item.value is not None
                else _("不计分（未予认可）"),
                "reason": item.reason,
                "reviewer": item.reviewer,
            }


# Questions asking again what the enterprise gave at sign-up (its profile): question code -> profile field.
# The profile's figure is proposed at the question, never written without the person's click.
PROFILE_ANSWERS = {
    "dig24.q.employees_last_year": "employees",  # 上年度从业人员平均人数 / 从业人员（人）
    "dig24.q.revenue_last_year": "revenue",  # 上年度营业收入（万元） / 上年营业收入（万元）
}


def attach_proposals(rows: Iterable[QuestionRow], enterprise: Any) -> None:
    """Propose the sign-up figure at an unanswered question that asks it again (PROFILE_ANSWERS)."""
    for row in rows:
        name = PROFILE_ANSWERS.get(row.code)
        value = getattr(enterprise, name, None) if name else None
        if value is None or row.answered or row.field is None:
            continue
        number = float(value)
        text = _format(int(number) if number.is_integer() else number)
        row.proposal = {"value": text.replace(",", ""), "text": f"{text} {row.unit}".strip()}


def attach_checks(rows: Iterable[QuestionRow], found: Iterable[Any]) -> None:
    """Put each consistency finding (assessment.consistency.Inconsistency) on its question's row."""
    by_code: dict[str, list[str]] = {}
    for item in found:
        by_code.setdefault(item.code, []).append(pick(item.message))
    for row in rows:
        row.checks = by_code.get(row.code, [])


@lru_cache(maxsize=8)
def _formula_words(lang: str) -> dict[str, str]:
    """The functions of a formula in words, in `lang` (the active language: the key of the cache)."""
    return {
        "cap": _("%(x)s，超过 %(b)s 时按 %(b)s 计") % {"x": "{x}", "b": "{b}"},
        "min": _("%(a)s 与 %(b)s 中较小者") % {"a": "{a}", "b": "{b}"},
        "max": _("%(a)s 与 %(b)s 中较大者") % {"a": "{a}", "b": "{b}"},
        "abs": _("%(x)s 的绝对值") % {"x": "{x}"},
    }


def _help(question: Mapping[str, Any]) -> list[tuple[str, str]]:
    labels = {"what": _("含义"), "how": _("如何测算"), "example": _("示例"), "why": _("为什么重要")}
    help_texts = question.get("help") or {}
    return [(labels[key], pick(help_texts[key])) for key in labels if help_texts.get(key)]


def question_rows(
    section: Section,
    form: AnswerForm,
    page: AssessmentPage,
    evaluation: Evaluation,
    framework_titles: Mapping[str, Any],
    crosswalk: Mapping[str, list[str]],
    questions: Mapping[str, Mapping[str, Any]],
) -> list[QuestionRow]:
    comments = page.comments_by_question()
    evidence: dict[str, list[Evidence]] = {}
    for item in page.evidence:
        evidence.setdefault(item.question_code, []).append(item)
    rows = []
    lang = active_language()
    for question in section.questions:
        code = question["code"]
        kind = question.get("type", "")
        answer = page.answers.get(code)
        value = evaluation.answers.get(code)
        per_product = ""
        if isinstance(value, dict):  # a per-product answer (a products answer is a list)
            per_product = _("；").join(f"{name}: {_format(item)}" for name, item in value.items())
        rows.append(
            QuestionRow(
                question=question,
                code=code,
                kind=kind,
                field=form[code] if code in form.fields else None,
                reason_field=form[code + REASON_SUFFIX] if code + REASON_SUFFIX in form.fields else None,
                required=bool(question.get("required")) and not is_derived(question),
                asked=code in evaluation.asked,
                answered=is_answered(value) or (is_by_evidence(question) and bool(evidence.get(code))),
                prefilled=bool(answer and answer.prefilled and answer.value is not None),
                proposed=bool(answer and answer.proposed and answer.value is not None),
                answer=answer,
                computed=computed_display(question, evaluation, questions) if is_derived(question) else None,
                comments=comments.get(code, []),
                evidence=evidence.get(code, []),
                frameworks=[pick(framework_titles.get(f), lang) for f in crosswalk.get(code, [])],
                condition_json=json.dumps(question.get("condition")) if question.get("condition") else "",
                per_product_note=per_product,
                lang=lang,
            )
        )
    return rows


def condition_inputs(sections: Iterable[Section], evaluation: Evaluation) -> dict[str, Any]:
    """Current answers of every question a condition on these pages reads (for the page script)."""
    codes: set[str] = set()
    for section in sections:
        for question in section.questions:
            codes |= condition_references(question.get("condition"))
            codes |= formula_references(question.get("formula") or "")
    return {code: evaluation.resolved.get(code) for code in sorted(codes)}


@dataclass
class Progress:
    answered: int
    required: int

    @property
    def complete(self) -> bool:
        return self.answered >= self.required

    @property
    def percent(self) -> int:
        return 100 if not self.required else round(100 * self.answered / self.required)


# id(section) -> (section, its required questions that are answered, not computed). Sections are cached
# per process with their definitions (selectors.assessments.build_sections); the entry keeps its section
# alive, so an id is not reused while cached.
_REQUIRED: dict[int, tuple[Section, tuple[str, ...]]] = {}


def _required_questions(section: Section) -> tuple[str, ...]:
    entry = _REQUIRED.get(id(section))
    if entry is None or entry[0] is not section:
        if len(_REQUIRED) > 1000:
            _REQUIRED.clear()
        codes = tuple(q["code"] for q in section.questions if q.get("required") and not is_derived(q))
        entry = _REQUIRED[id(section)] = (section, codes)
    return entry[1]


def _required_codes(section: Section, evaluation: Evaluation) -> list[str]:
    asked = evaluation.asked
    return [code for code in _required_questions(section) if code in asked]


def section_progress(section: Section, evaluation: Evaluation) -> Progress:
    required = _required_codes(section, evaluation)
    missing = evaluation.missing
    return Progress(answered=sum(1 for code in required if code not in missing), required=len(required))


def overall_progress(sections: Iterable[Section], evaluation: Evaluation) -> Progress:
    required: set[str] = set()
    for section in sections:
        required.update(_required_codes(section, evaluation))
    return Progress(answered=len(required - evaluation.missing), required=len(required))


# --- results ----------------------------------------------------------------------------------------------


def radar_chart(dimensions: list[Mapping[str, Any]], *, size: int = 240) -> dict[str, Any] | None:
    """An SVG radar of dimension percentages (0–100), as coordinates for the template; None below 3 axes."""
    axes = [d for d in dimensions if d.get("percent") is not None]
    if len(axes) < 3:
        return None
    centre = size / 2
    radius = size / 2 - 24
    count = len(axes)

    def point(index: int, fraction: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * index / count
        return (
            round(centre + radius * fraction * math.cos(angle), 1),
            round(centre + radius * fraction * math.sin(angle), 1),
        )

    rings = [
        " ".join(f"{x},{y}" for x, y in (point(i, level / 4) for i in range(count))) for level in (1, 2, 3, 4)
    ]
    spokes = [point(i, 1.0) for i in range(count)]
    values = [point(i, max(0.0, min(1.0, float(d["percent"]) / 100))) for i, d in enumerate(axes)]
    labels = []
    titles = [pick(d.get("title")) for d in axes]
    english = is_english()
    for i, (d, short) in enumerate(zip(axes, short_titles(titles, 14 if english else 9), strict=True)):
        x, y = point(i, 1.18)
        anchor = "middle" if abs(x - centre) < 8 else ("start" if x > centre else "end")
        labels.append(
            {"x": x, "y": y, "anchor": anchor, "text": titles[i], "short": short, "percent": d["percent"]}
        )
    margin = 90  # room for the axis labels around the chart
    return {
        "size": size,
        "viewbox": f"{-margin} -20 {size + 2 * margin} {size + 40}",
        "centre": centre,
        "rings": rings,
        "spokes": spokes,
        "polygon": " ".join(f"{x},{y}" for x, y in values),
        "dots": values,
        "labels": labels,
    }


def strengths_and_weaknesses(
    indicators: list[Mapping[str, Any]], count: int = 3
) -> tuple[list[Mapping[str, Any]], list[Mapping[str, Any]]]:
    """Best-rated indicators (share of available points) and those losing the most points."""
    scored = [i for i in indicators if i.get("status") == "scored" and (i.get("available") or 0) > 0]
    strengths = sorted(scored, key=lambda i: (-(i["earned"] / i["available"]), -i["available"], i["code"]))
    strengths = [i for i in strengths if i["earned"] > 0][:count]
    rated = [
        i for i in indicators if i.get("status") in ("scored", "missing") and (i.get("available") or 0) > 0
    ]
    weakest = sorted(rated, key=lambda i: (-(i["available"] - i["earned"]), i["code"]))
    weakest = [i for i in weakest if i["available"] - i["earned"] > 0.005][: count + 2]
    return strengths, weakest


def dimension_changes(
    current: Mapping[str, Any], previous: Mapping[str, Any] | None
) -> dict[str, dict[str, Any]]:
    """Per framework and dimension code: the previous percentage and the change (None without one)."""
    if not previous:
        return {}
    before: dict[tuple[str, str], Any] = {}
    for framework in previous.get("frameworks") or []:
        for dimension in framework.get("dimensions") or []:
            before[(framework["framework"], dimension["code"])] = dimension.get("percent")
    changes: dict[str, dict[str, Any]] = {}
    for framework in current.get("frameworks") or []:
        for dimension in framework.get("dimensions") or []:
            old = before.get((framework["framework"], dimension["code"]))
            new = dimension.get("percent")
            if old is None or new is None:
                continue
            changes[dimension["code"]] = {"previous": old, "delta": round(new - old, 2)}
    return changes


def plan_proposal_rows(
    proposals: Iterable[Any], questions: Mapping[str, Mapping[str, Any]], urls: Mapping[str, str]
) -> list[dict[str, Any]]:
    """The answers last year's plan proposes as a person reads them: the question, this year's answer,
    the proposed one and the actions done that lead to it (assessment/followup.py's Proposal)."""
    from assessment.actions import load_catalog

    catalog = load_catalog()
    rows = []
    for proposal in proposals:
        question = questions.get(proposal.question) or {}
        rows.append(
            {
                "code": proposal.question,
                "text": pick(question.get("text")) or proposal.question,
                "current": display_answer(question, proposal.current)
                if is_answered(proposal.current)
                else "",
                "proposed": display_answer(question, proposal.value),
                "actions": [pick(catalog.get(code).title) for code in proposal.actions],
                "url": urls.get(proposal.question, ""),
            }
        )
    return rows


def attach_plan_proposals(rows: Iterable[QuestionRow], proposals: Iterable[dict[str, Any]]) -> None:
    """Put each answer last year's plan proposes (plan_proposal_rows) on its question's row."""
    by_code = {item["code"]: item for item in proposals}
    for row in rows:
        row.plan_proposal = by_code.get(row.code)
