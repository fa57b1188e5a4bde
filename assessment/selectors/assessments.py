"""Reads for the SME assessment journey: sections of the questionnaire, page data, the evaluation of a
draft (missing answers, warnings, live scores) and the enterprise's list of assessments.

Every page selector runs a fixed number of queries whatever the number of questions, answers or
evidence files (asserted in tests/assessment/test_views_sme.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any, NamedTuple

from django.conf import settings
from django.db import connection
from django.db.models import BooleanField, IntegerField, Prefetch, QuerySet, Subquery
from django.db.models.expressions import RawSQL

from assessment.energy import EnergyBalance, calculator_outputs, energy_balance, energy_inputs_from_answers
from assessment.models import (
    Answer,
    Assessment,
    Enterprise,
    Evidence,
    FrameworkResult,
    Plan,
    PlanAction,
    ProposalDecision,
    ReviewComment,
    RevisionNotice,
    ValidatedAnswer,
)
from assessment.scoring import (
    AssessmentResult,
    EnterpriseFacts,
    ScoringInputError,
    compile_definition,
    score_assessment,
)
from assessment.selectors.factors import default_factors, factor_snapshot
from questionnaires import frameworks
from questionnaires.definition import definition_of, general_questions, get_definition, questions_of_dimension
from questionnaires.logic import (
    effective_answers,
    evaluate_condition,
    is_answered,
    is_applicable,
    resolve_answers,
)
from questionnaires.models import QuestionnaireVersion
from questionnaires.question_types import is_by_evidence, is_derived
from questionnaires.text import Text

EDITABLE_STATUSES = (Assessment.Status.DRAFT, Assessment.Status.RETURNED)
ENERGY_SECTION = "energy"
CONFIRMED_WARNINGS = "energy.confirmed_warnings"


# --- definitions and sections --------------------------------------------------------------------------


def assessment_versions(assessment: Assessment) -> list[QuestionnaireVersion]:
    """The framework versions of an assessment, without their JSON (one query), in a stable order."""
    versions = [
        v for v in assessment.versions.defer("definition") if v.status != QuestionnaireVersion.Status.BANK
    ]
    return sorted(versions, key=lambda v: (framework_order(v.framework), v.framework, v.version))


def tag_revisions(result: dict[str, Any] | None, versions: Iterable[QuestionnaireVersion]) -> None:
    """Mark each framework item of a result JSON with the revision of its version it is scored on."""
    revisions = {v.framework: v.revision for v in versions}
    for item in (result or {}).get("frameworks") or []:
        item["revision"] = revisions.get(item["framework"], 1)


def framework_order(framework: str) -> int:
    """Pages and results list the families in their order (green factory, clean production, SME digital)."""
    return frameworks.framework_order(framework)


class _StoredVersion(NamedTuple):
    """A framework version row an assessment points at, as definition_of reads it: its content hash,
    and its definition read only when no definition of that content is cached yet (one more query)."""

    pk: int
    content_hash: str

    @property
    def definition(self) -> dict[str, Any]:
        return QuestionnaireVersion.objects.values_list("definition", flat=True).get(pk=self.pk)


def _stored_versions(assessment: Assessment) -> list[_StoredVersion]:
    """The framework versions of an assessment as assessment_versions lists them (the shared bank left
    out, in its order), reduced to what definition_of reads: one plain query of text and integer columns
    (read alike by every backend) instead of a many-to-many queryset compiled on every page."""
    quote = connection.ops.quote_name
    link = Assessment.versions.through
    own, other = (quote(link._meta.get_field(name).column) for name in ("assessment", "questionnaireversion"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT v.id, v.framework, v.version, v.content_hash FROM {quote(link._meta.db_table)} t"
            f" JOIN {quote(QuestionnaireVersion._meta.db_table)} v ON t.{other} = v.id"
            f" WHERE t.{own} = %s AND v.status <> %s ORDER BY v.framework, v.version DESC, v.revision DESC",
            [assessment.pk, str(QuestionnaireVersion.Status.BANK)],
        )
        rows = cursor.fetchall()
    rows.sort(key=lambda row: (framework_order(row[1]), row[1], row[2]))
    return [_StoredVersion(pk, content_hash) for pk, _framework, _version, content_hash in rows]


def assessment_definitions(assessment: Assessment) -> list[dict[str, Any]]:
    """The resolved definitions of an assessment's frameworks: the revisions it points at (one query,
    remembered on the instance; definitions cached per process by content hash)."""
    cached = getattr(assessment, "_journey_definitions", None)
    if cached is None:
        cached = [definition_of(v) for v in _stored_versions(assessment)]
        assessment._journey_definitions = cached
    return cached


@dataclass(frozen=True)
class Section:
    """One page of the questionnaire: the energy calculator, a framework's general questions, or a dimension."""

    key: str
    kind: str  # energy | general | dimension
    framework: str | None
    framework_title: Text | None
    title: Text
    questions: tuple[dict[str, Any], ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(q["code"] for q in self.questions)


def _is_energy_input(question: Mapping[str, Any]) -> bool:
    return str(question.get("bank", "")).startswith("energy@") and not is_derived(question)


def _definitions_key(definitions: list[dict[str, Any]]) -> tuple[str, ...]:
    return tuple(f"{d.get('framework')}@{d.get('version')}#{id(d)}" for d in definitions)


# Keyed by the identity of the (process-cached) definition dicts; the dicts are kept alive with the
# entry so an id cannot be reused by another definition while cached.
_SECTIONS_CACHE: dict[tuple[str, ...], tuple[list[dict[str, Any]], tuple[Section, ...]]] = {}


GENERAL_TITLE = {"zh": "基本条件与通用题目", "en": "Prerequisites and general questions"}
SCENARIOS_TITLE = {"zh": "数字化经营场景", "en": "Digital operation scenarios"}


def build_sections(definitions: list[dict[str, Any]]) -> tuple[Section, ...]:
    """The pages of an assessment, in order: the energy calculator (its inputs are shared by the
    frameworks using them), then per framework its general questions (prerequisites, products,
    scenarios) and one page per dimension. A question read by several pages appears on each of them
    and is answered once (the crosswalk)."""
    key = _definitions_key(definitions)
    cached = _SECTIONS_CACHE.get(key)
    if cached is not None and all(a is b for a, b in zip(cached[0], definitions, strict=True)):
        return cached[1]
    sections: list[Section] = []
    energy: dict[str, dict[str, Any]] = {}
    for definition in definitions:
        for question in definition.get("questions") or []:
            if str(question.get("bank", "")).startswith("energy@"):
                energy.setdefault(question["code"], question)
    if energy:
        sections.append(
            Section(
                key=ENERGY_SECTION,
                kind="energy",
                framework=None,
                framework_title=None,
                title={"zh": "能源资源核算", "en": "Energy and resources"},
                questions=tuple(energy.values()),
            )
        )
    for definition in definitions:
        framework = definition["framework"]
        title = definition.get("title") or {"zh": framework, "en": framework}
        general = tuple(q for q in general_questions(definition) if not _is_energy_input(q))
        if general:
            scenarios = set((definition.get("settings") or {}).get("scenarios") or ())
            only_scenarios = bool(scenarios) and all(q["code"] in scenarios for q in general)
            sections.append(
                Section(
                    key=f"{framework}.general",
                    kind="general",
                    framework=framework,
                    framework_title=title,
                    # Named by what it holds: the SME digital page of general questions is its scenarios.
                    title=SCENARIOS_TITLE if only_scenarios else GENERAL_TITLE,
                    questions=general,
                )
            )
        for dimension in definition.get("dimensions") or []:
            questions = tuple(
                q for q in questions_of_dimension(definition, dimension["code"]) if not _is_energy_input(q)
            )
            sections.append(
                Section(
                    key=dimension["code"],
                    kind="dimension",
                    framework=framework,
                    framework_title=title,
                    title=dimension.get("title") or {"zh": dimension["code"], "en": dimension["code"]},
                    questions=questions,
                )
            )
    result = tuple(sections)
    if len(_SECTIONS_CACHE) > 64:
        _SECTIONS_CACHE.clear()
    _SECTIONS_CACHE[key] = (list(definitions), result)
    return result


def question_index(definitions: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Every question of the assessment by code (a bank question shared by frameworks appears once)."""
    index: dict[str, dict[str, Any]] = {}
    for definition in definitions:
        for question in definition.get("questions") or []:
            index.setdefault(question["code"], question)
    return index


def question_frameworks_index(definitions: Iterable[Mapping[str, Any]]) -> dict[str, list[str]]:
    """For each question code, the frameworks using it (the crosswalk shown at shared questions)."""
    found: dict[str, list[str]] = {}
    for definition in definitions:
        for question in definition.get("questions") or []:
            found.setdefault(question["code"], []).append(definition["framework"])
    return found


def section_of_question(sections: Iterable[Section], code: str) -> Section | None:
    """The first page that asks the question (where review links point)."""
    for section in sections:
        if code in section.codes:
            return section
    return None


# --- answers and the evaluation of a draft ----------------------------------------------------------------


def answer_values(answers: Iterable[Answer | PageAnswer]) -> dict[str, Any]:
    """Stored answers as the scoring engine reads them (cleared answers left out)."""
    return {a.question_code: a.value for a in answers if a.value is not None}


def assessment_factors(assessment: Assessment) -> dict[str, Any]:
    """The factor snapshot an assessment computes with: stored at submission, else its factor set's
    current content (one query), else the shipped factor file."""
    if assessment.factor_snapshot:
        return assessment.factor_snapshot
    if assessment.factor_set_id:
        return factor_snapshot(assessment.factor_set)
    return default_factors()


@dataclass
class Evaluation:
    """Everything the review page, the live preview and the submission need to know about the answers."""

    answers: dict[str, Any]
    resolved: dict[str, Any]  # answers plus computed values
    balance: EnergyBalance | None
    outputs: dict[str, float]
    result: AssessmentResult | None
    problems: list[dict[str, Any]]  # answers the scoring engine rejects (should not happen: saves validate)
    missing_required: list[str]
    asked: set[str]
    prefilled: list[str]
    warnings: list[dict[str, Any]] = field(default_factory=list)  # energy warnings not yet confirmed
    energy_errors: list[dict[str, Any]] = field(default_factory=list)

    @cached_property
    def missing(self) -> frozenset[str]:
        """missing_required as a set (the pages' progress counts read it per page)."""
        return frozenset(self.missing_required)

    @property
    def can_submit(self) -> bool:
        return (
            not self.missing_required
            and not self.warnings
            and not self.energy_errors
            and not self.prefilled
            and not self.problems
            and self.result is not None
        )


def _has_evidence(code: str, evidence_codes: set[str]) -> bool:
    return code in evidence_codes


def evaluate(
    *,
    definitions: list[dict[str, Any]],
    answers: Mapping[str, Any],
    enterprise: Enterprise,
    factors: Mapping[str, Any],
    prefilled: Iterable[str] = (),
    evidence_codes: Iterable[str] = (),
    score: bool = True,
    checks: bool = True,
) -> Evaluation:
    """Pure evaluation of a set of answers: energy balance, computed values, which questions are asked,
    missing required answers, warnings to confirm, and (with `score`) the scores.

    Without `checks` only the energy balance and the scores: no computed values, asked or missing
    questions (bulk scoring of generated demo answers, where they are not used)."""
    answers = {code: value for code, value in answers.items() if is_answered(value)}
    facts = EnterpriseFacts.from_enterprise(enterprise)
    balance = None
    outputs: dict[str, float] = {}
    inputs = energy_inputs_from_answers(answers)
    index = question_index(definitions)
    if any(code.startswith("energy.") for code in index):
        balance = energy_balance(inputs=inputs, factors=factors)
        outputs = calculator_outputs(balance)
    resolved = dict(answers)
    asked: set[str] = set()
    missing: list[str] = []
    if checks:
        for definition in definitions:
            # The computed questions' order from the compiled definition (built once per content).
            order = compile_definition(definition).computed
            for code, value in resolve_answers(definition, answers, calculator=outputs, order=order).items():
                resolved.setdefault(code, value)
        effective = effective_answers({"questions": list(index.values())}, resolved)
        evidence = set(evidence_codes)
        for code, question in index.items():
            # is_asked and is_applicable, called only for a question with a condition or `applies`
            # (most have neither: a few hundred calls fewer per page).
            condition, applies = question.get("condition"), question.get("applies")
            if (condition is not None and not evaluate_condition(condition, effective)) or (
                applies
                and not is_applicable(
                    applies, effective, industry=facts.industry, size_class=facts.size_class
                )
            ):
                continue
            asked.add(code)
            if not question.get("required") or is_derived(question):
                continue
            met = (
                _has_evidence(code, evidence) if is_by_evidence(question) else is_answered(answers.get(code))
            )
            if not met:
                missing.append(code)
    warnings: list[dict[str, Any]] = []
    energy_errors: list[dict[str, Any]] = []
    if balance is not None:
        warnings = [w.to_dict() for w in balance.unconfirmed_warnings]
        energy_errors = [e.to_dict() for e in balance.errors]
    result = None
    problems: list[dict[str, Any]] = []
    if score:
        try:
            result = score_assessment(
                definitions=definitions,
                answers=answers,
                enterprise=facts,
                calculator=outputs,
                allow_unknown=True,
            )
        except ScoringInputError as error:
            problems = [problem.to_dict() for problem in error.problems] or [
                {"code": "", "kind": "error", "message": {"zh": str(error), "en": str(error)}}
            ]
    prefilled_codes = [code for code in prefilled if code in asked]
    return Evaluation(
        answers=answers,
        resolved=resolved,
        balance=balance,
        outputs=outputs,
        result=result,
        problems=problems,
        missing_required=missing,
        asked=asked,
        prefilled=prefilled_codes,
        warnings=warnings,
        energy_errors=energy_errors,
    )


# --- pages ----------------------------------------------------------------------------------------------


class PageAnswer(NamedTuple):
    """A stored answer as the pages read it (models.Answer's columns, who saved it by name): a plain row,
    built for each of a page's answers at a third of the cost of a model instance and its saver's."""

    question_code: str
    value: Any
    prefilled: bool
    proposed: bool
    override_reason: str
    updated_at: dt.datetime
    updated_by_id: int | None
    saver_display_name: str | None
    saver_username: str | None

    @property
    def updated_by(self) -> str | None:
        """Who saved the answer, as User.__str__ names them; None when nobody (the system, a deleted user)."""
        return self.saver_display_name or self.saver_username


def page_answers(assessment: Assessment) -> dict[str, PageAnswer]:
    """An assessment's stored answers as plain rows by question code, in code order: one plain query
    instead of a compiled queryset, each column turned into what the ORM would return (the JSON decoded
    by the field itself, a naive save time made aware as Django's SQLite backend does; the database
    driver returns booleans and times, JSON as text, on SQLite and PostgreSQL alike)."""
    quote = connection.ops.quote_name
    saver = Answer._meta.get_field("updated_by")
    table, users = quote(Answer._meta.db_table), quote(saver.related_model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.question_code, a.value, a.prefilled, a.proposed, a.override_reason, a.updated_at,"
            f" a.updated_by_id, u.display_name, u.username FROM {table} a LEFT JOIN {users} u"
            " ON a.updated_by_id = u.id WHERE a.assessment_id = %s ORDER BY a.question_code",
            [assessment.pk],
        )
        rows = cursor.fetchall()
    decode = Answer._meta.get_field("value").from_db_value
    zone = connection.timezone if settings.USE_TZ else None
    answers = {}
    for code, value, prefilled, proposed, reason, saved, saver_id, display_name, username in rows:
        if zone is not None and saved.tzinfo is None:
            saved = saved.replace(tzinfo=zone)
        answers[code] = PageAnswer(
            code,
            None if value is None else decode(value, None, connection),
            bool(prefilled),
            bool(proposed),
            reason,
            saved,
            saver_id,
            display_name,
            username,
        )
    return answers


@dataclass
class AssessmentPage:
    """What a page of one assessment needs, read in a fixed number of queries."""

    assessment: Assessment
    definitions: list[dict[str, Any]]
    sections: tuple[Section, ...]
    answers: dict[str, PageAnswer]
    evidence: list[Evidence]
    comments: list[ReviewComment]
    factors: dict[str, Any]

    @property
    def values(self) -> dict[str, Any]:
        return answer_values(self.answers.values())

    @property
    def prefilled(self) -> list[str]:
        return [
            code for code, answer in self.answers.items() if answer.prefilled and answer.value is not None
        ]

    def evaluate(self, *, score: bool = True) -> Evaluation:
        return evaluate(
            definitions=self.definitions,
            answers=self.values,
            enterprise=self.assessment.enterprise,
            factors=self.factors,
            prefilled=self.prefilled,
            evidence_codes={e.question_code for e in self.evidence},
            score=score,
        )

    def comments_by_question(self) -> dict[str, list[ReviewComment]]:
        grouped: dict[str, list[ReviewComment]] = {}
        for comment in self.comments:
            grouped.setdefault(comment.question_code, []).append(comment)
        return grouped


def _page_facts_sql() -> dict[str, tuple[str, tuple[Any, ...]]]:
    """with_page_facts' EXISTS expressions, as SQL: compiling four ORM subqueries (Exists, OuterRef)
    cost the page more than the queries they save. The outer query's table is the assessments table."""
    quote = connection.ops.quote_name
    outer = quote(Assessment._meta.db_table)
    evidence, comment, notice, decision = (
        quote(model._meta.db_table) for model in (Evidence, ReviewComment, RevisionNotice, ProposalDecision)
    )
    action, plan, assessment = (quote(model._meta.db_table) for model in (PlanAction, Plan, Assessment))
    return {
        "page_has_evidence": (f"EXISTS(SELECT 1 FROM {evidence} x WHERE x.assessment_id = {outer}.id)", ()),
        "page_has_comments": (f"EXISTS(SELECT 1 FROM {comment} x WHERE x.assessment_id = {outer}.id)", ()),
        "page_has_rejections": (
            f"EXISTS(SELECT 1 FROM {decision} x WHERE x.assessment_id = {outer}.id AND x.decision = %s)",
            (str(ProposalDecision.Decision.REJECTED),),
        ),
        "page_has_open_notices": (
            f"EXISTS(SELECT 1 FROM {notice} x WHERE x.assessment_id = {outer}.id AND x.dismissed_at IS NULL)",
            (),
        ),
        # Any action of a plan of an earlier, no longer editable assessment of the enterprise: what
        # followup.last_year_plan reads (the latest such assessment's plan) can exist only then.
        "page_may_have_plan": (
            f"EXISTS(SELECT 1 FROM {action} x JOIN {plan} p ON x.plan_id = p.id"
            f" JOIN {assessment} a ON p.assessment_id = a.id WHERE a.enterprise_id = {outer}.enterprise_id"
            f" AND a.year < {outer}.year AND a.status NOT IN (%s, %s))",
            tuple(str(status) for status in EDITABLE_STATUSES),
        ),
    }


def _last_year_sql() -> tuple[str, tuple[Any, ...]]:
    """The id of the enterprise's latest submitted or accepted assessment of an earlier year (the one
    whose plan followup.last_year_done reads), as a subquery of with_page_facts."""
    quote = connection.ops.quote_name
    outer = quote(Assessment._meta.db_table)
    return (
        f"SELECT a.id FROM {outer} a WHERE a.enterprise_id = {outer}.enterprise_id AND a.year < {outer}.year"
        " AND a.status NOT IN (%s, %s) ORDER BY a.year DESC LIMIT 1",
        tuple(str(status) for status in EDITABLE_STATUSES),
    )


def with_page_facts(assessments: QuerySet[Assessment], **also: Any) -> QuerySet[Assessment]:
    """The assessments with what a page needs to know before reading more: the factor set (joined), and
    whether there is any evidence, review comment, open revision notice, rejected plan proposal, or
    improvement plan of an earlier year to read at all (EXISTS in the same query), and which assessment
    is last year's (`page_last_year_id`). assessment_page and the fill page skip the query of what is absent: a fresh draft's page reads nothing it cannot show. A fact says only that
    rows existed when the assessment was read, in the same request, as a separate query would have.
    `also`: the caller's own annotations, added in the same annotate() (each call costs a compile step)."""
    return assessments.select_related("factor_set").annotate(
        **{
            name: RawSQL(sql, params, output_field=BooleanField())
            for name, (sql, params) in _page_facts_sql().items()
        },
        page_last_year_id=RawSQL(*_last_year_sql(), output_field=IntegerField()),
        **also,
    )


def page_fact(assessment: Assessment, name: str) -> bool:
    """A fact of with_page_facts (`has_evidence`, `has_comments`, `has_open_notices`, `may_have_plan`,
    `has_rejections`): True (there may be something to read) when the assessment was read without them."""
    return getattr(assessment, f"page_{name}", True) is not False


def assessment_page(assessment: Assessment) -> AssessmentPage:
    """Definitions, answers (with who last changed them), evidence, review comments and factors of one
    assessment: 5 queries (versions, answers, evidence, comments, factors of a draft's factor set),
    fewer for an assessment read with_page_facts (no evidence or comments: not read; factor set joined)."""
    definitions = assessment_definitions(assessment)
    answers = page_answers(assessment)
    evidence = (
        list(Evidence.objects.filter(assessment=assessment).order_by("question_code", "uploaded_at"))
        if page_fact(assessment, "has_evidence")
        else []
    )
    comments = (
        list(
            ReviewComment.objects.filter(assessment=assessment)
            .select_related("author")
            .order_by("created_at")
        )
        if page_fact(assessment, "has_comments")
        else []
    )
    return AssessmentPage(
        assessment=assessment,
        definitions=definitions,
        sections=build_sections(definitions),
        answers=answers,
        evidence=evidence,
        comments=comments,
        factors=assessment_factors(assessment),
    )


def validated_answers(assessment: Assessment) -> dict[str, ValidatedAnswer]:
    """The reviewer's validated values of an assessment by question code (one query)."""
    return {
        v.question_code: v
        for v in ValidatedAnswer.objects.filter(assessment=assessment).select_related("reviewer")
    }


def answers_changed_since(assessment: Assessment, since: dt.datetime) -> list[Answer]:
    """Answers changed after `since` (what another member saved meanwhile), oldest first (one query)."""
    return list(
        Answer.objects.filter(assessment=assessment, updated_at__gt=since)
        .select_related("updated_by")
        .order_by("updated_at")
    )


def previous_assessment(assessment: Assessment) -> Assessment | None:
    """The enterprise's latest submitted or accepted assessment of an earlier year (one query)."""
    return (
        Assessment.objects.filter(enterprise_id=assessment.enterprise_id, year__lt=assessment.year)
        .exclude(status__in=EDITABLE_STATUSES)
        .order_by("-year")
        .first()
    )


def previous_values(assessment: Assessment) -> dict[str, Any]:
    """The answers of the enterprise's latest submitted or accepted assessment of an earlier year, by
    question code (what year-on-year checks compare with): one query."""
    previous = (
        Assessment.objects.filter(enterprise_id=assessment.enterprise_id, year__lt=assessment.year)
        .exclude(status__in=EDITABLE_STATUSES)
        .order_by("-year")
        .values("pk")[:1]
    )
    return dict(
        Answer.objects.filter(assessment_id__in=Subquery(previous)).values_list("question_code", "value")
    )


def enterprise_assessments(enterprise: Enterprise) -> list[Assessment]:
    """The enterprise's assessments, newest year first, with their framework results (two queries)."""
    return list(
        Assessment.objects.filter(enterprise=enterprise)
        .select_related("submitted_by")
        .prefetch_related(
            Prefetch(
                "framework_results",
                queryset=FrameworkResult.objects.filter(validated=False).order_by("framework"),
            )
        )
        .order_by("-year")
    )


@lru_cache(maxsize=32)
def _framework_titles(key: tuple[str, ...]) -> dict[str, Text]:
    titles: dict[str, Text] = {}
    for item in key:
        framework, version = item.split("@", 1)
        try:
            definition = get_definition(framework, version)
        except LookupError:
            continue
        titles[framework] = definition.get("title") or {"zh": framework, "en": framework}
    return titles


def framework_titles(versions: Iterable[QuestionnaireVersion]) -> dict[str, Text]:
    return _framework_titles(tuple(sorted(f"{v.framework}@{v.version}" for v in versions)))
