"""Reads of the follow-through: last year's plan seen from this year's assessment (docs/plan.md,
"Follow-through"). The computing is in assessment/followup.py (pure)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import QuerySet, Subquery

from assessment.actions import load_catalog
from assessment.followup import FollowThrough, Proposal, done_codes, plan_proposals, planned_vs_achieved
from assessment.models import Answer, Assessment, Plan, PlanAction, ProposalDecision
from assessment.projection import PlannedAction, sequence_reads
from assessment.recommendations import current_values
from assessment.scoring import EnterpriseFacts
from assessment.selectors.assessments import (
    EDITABLE_STATUSES,
    Evaluation,
    answer_values,
    assessment_definitions,
    assessment_factors,
    evaluate,
    page_fact,
    question_index,
)


@dataclass
class LastYearPlan:
    """Last year's assessment (the enterprise's latest submitted one of an earlier year), its plan's
    actions in the plan's order and its stored answers."""

    assessment_id: int
    year: int
    actions: list[PlanAction]
    answers: dict[str, Any]

    def planned(self) -> list[PlannedAction]:
        return [PlannedAction(r.action_code, r.status, r.quarter, r.position) for r in self.actions]


@dataclass
class DoneActions:
    """What the proposals need of last year's plan: its actions (the sequence rule's plain data) and
    last year's answers of the questions its done actions touch."""

    actions: list[PlannedAction]
    answers: dict[str, Any]


def _last_year_actions(assessment: Assessment) -> QuerySet[PlanAction]:
    """The actions of last year's plan, in the plan's order."""
    previous = (
        Assessment.objects.filter(enterprise_id=assessment.enterprise_id, year__lt=assessment.year)
        .exclude(status__in=EDITABLE_STATUSES)
        .order_by("-year")
        .values("pk")[:1]
    )
    return PlanAction.objects.filter(plan__assessment_id=Subquery(previous)).order_by("position", "id")


def last_year_plan(assessment: Assessment) -> LastYearPlan | None:
    """Last year's plan of this assessment's enterprise, or None when it has none: one query, and one
    more for last year's answers when there is a plan."""
    # Last year's assessment comes with every action row: its stored results are left out, or each
    # row would decode them (some 100 kB of JSON) again.
    actions = list(
        _last_year_actions(assessment)
        .select_related("plan__assessment")
        .defer("plan__assessment__result", "plan__assessment__validated_result")
    )
    if not actions:
        return None
    last = actions[0].plan.assessment
    answers = answer_values(Answer.objects.filter(assessment_id=last.pk).only("question_code", "value"))
    return LastYearPlan(last.pk, last.year, actions, answers)


_UNREAD = object()


def _plan_action_rows(assessment_id: int) -> list[tuple[str, str, int, int]]:
    """(action code, status, position, assessment id) of the actions of an assessment's plan, in the plan's
    order: one plain query (text and integer columns, read alike by every backend), without compiling a
    queryset."""
    quote = connection.ops.quote_name
    action, plan = quote(PlanAction._meta.db_table), quote(Plan._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT x.action_code, x.status, x.position, p.assessment_id FROM {action} x"
            f" JOIN {plan} p ON x.plan_id = p.id WHERE p.assessment_id = %s ORDER BY x.position, x.id",
            [assessment_id],
        )
        return cursor.fetchall()


def last_year_done(assessment: Assessment) -> DoneActions | None:
    """What plan_proposals needs of last year's plan, no more (the fill page reads it on every GET):
    None without a done action (one query), else the actions as plain rows and only the answers of the
    questions the done actions' effects touch, the only ones the sequence rule reads
    (projection.sequence_reads), instead of every answer (two queries). For an assessment read
    with_page_facts, last year's assessment is known: its actions are read in a plain query."""
    last_id = getattr(assessment, "page_last_year_id", _UNREAD)
    if last_id is None:
        return None  # read with_page_facts: the enterprise has no submitted assessment of an earlier year
    rows = (
        list(
            _last_year_actions(assessment).values_list(
                "action_code", "status", "position", "plan__assessment_id"
            )
        )
        if last_id is _UNREAD
        else _plan_action_rows(last_id)
    )
    actions = [PlannedAction(code, status, position=position) for code, status, position, _last in rows]
    done = done_codes(actions)
    if not done:
        return None
    return DoneActions(actions, _answer_values(rows[0][3], sequence_reads(done, load_catalog())))


def _answer_values(assessment_id: int, codes: Iterable[str]) -> dict[str, Any]:
    """These answers of an assessment as the scoring engine reads them (cleared answers left out): one
    plain query, the JSON decoded by the field itself as the ORM does."""
    wanted = sorted(set(codes))
    if not wanted:
        return {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT question_code, value FROM {quote(Answer._meta.db_table)} WHERE assessment_id = %s"
            f" AND question_code IN ({', '.join(['%s'] * len(wanted))})",
            [assessment_id, *wanted],
        )
        rows = cursor.fetchall()
    decode = Answer._meta.get_field("value").from_db_value
    values = {code: decode(value, None, connection) for code, value in rows if value is not None}
    return {code: value for code, value in values.items() if value is not None}


def rejected_values(assessment: Assessment) -> dict[str, Any]:
    """Question code → the proposed value a member rejected (one query)."""
    return dict(
        ProposalDecision.objects.filter(
            assessment=assessment, decision=ProposalDecision.Decision.REJECTED
        ).values_list("question_code", "value")
    )


def pending_proposals(
    assessment: Assessment,
    *,
    definitions: list[dict[str, Any]],
    answers: Mapping[str, Any],
    last: LastYearPlan | None = None,
) -> list[Proposal]:
    """The answers last year's plan proposes and nobody confirmed or rejected yet (at most three
    queries: last year's plan, the answers its done actions touch, the decisions; one when there is no
    plan or no done action). Proposals are made only while the assessment can still be edited."""
    if assessment.status not in EDITABLE_STATUSES:
        return []
    done = last_year_done(assessment) if last is None else DoneActions(last.planned(), last.answers)
    if done is None:
        return []
    return plan_proposals(
        actions=done.actions,
        last_values=done.answers,
        last_questions=question_index(definitions),
        definitions=definitions,
        answers=answers,
        catalog=load_catalog(),
        # An assessment read with_page_facts says whether there is any rejection to read.
        rejected=rejected_values(assessment) if page_fact(assessment, "has_rejections") else {},
    )


@dataclass
class FollowThroughView:
    """Planned against achieved for this assessment, with what the pages and the PDF show beside it."""

    last_year: int
    followed: FollowThrough
    actions: list[PlanAction]
    definitions: list[dict[str, Any]]  # last year's


def follow_through(
    assessment: Assessment, *, evaluation: Evaluation | None = None
) -> FollowThroughView | None:
    """Each action of last year's plan, planned against achieved this year (None without such a plan).

    `evaluation`: this year's, when the page has it (else computed). Queries: last year's plan and
    answers, last year's versions and factors; this year's answers when no evaluation is given."""
    last = last_year_plan(assessment)
    if last is None:
        return None
    previous = last.actions[0].plan.assessment
    definitions = assessment_definitions(previous)
    facts = EnterpriseFacts.from_enterprise(assessment.enterprise)
    before = evaluate(
        definitions=definitions,
        answers=last.answers,
        enterprise=assessment.enterprise,
        factors=assessment_factors(previous),
        checks=False,
    )
    if before.result is None:
        return None
    if evaluation is None:
        from assessment.selectors.assessments import assessment_page

        evaluation = assessment_page(assessment).evaluate()
    reported = dict(evaluation.resolved)
    if evaluation.result is not None:
        reported = current_values(reported, evaluation.result)
    followed = planned_vs_achieved(
        actions=last.planned(),
        definitions=definitions,
        last_answers=before.answers,
        last_values=current_values(before.answers, before.result),
        last_result=before.result,
        reported=reported,
        enterprise=facts,
        catalog=load_catalog(),
        calculator=before.outputs,
    )
    return FollowThroughView(last.year, followed, last.actions, definitions)
