"""Writes of the follow-through: confirming or rejecting an answer last year's plan proposes.

A confirmation writes the proposed value through the answer service (validated like any answer, refused
once the assessment is submitted); both record the decision and an AuditEvent. docs/plan.md,
"Follow-through".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from assessment.exceptions import DomainError
from assessment.followup import Proposal
from assessment.models import Assessment, AuditEvent, ProposalDecision
from assessment.selectors.assessments import EDITABLE_STATUSES, answer_values, assessment_definitions
from assessment.selectors.followup import pending_proposals
from assessment.services.assessments import answer_save

if TYPE_CHECKING:
    from assessment.models import User


def _proposal(assessment: Assessment, code: str) -> Proposal:
    if assessment.status not in EDITABLE_STATUSES:
        raise DomainError(_("该评估已提交，答案已锁定，不能再修改。"), code="not_editable")
    definitions = assessment_definitions(assessment)
    answers = answer_values(assessment.answers.only("question_code", "value"))
    found = next(
        (
            item
            for item in pending_proposals(assessment, definitions=definitions, answers=answers)
            if item.question == code
        ),
        None,
    )
    if found is None:
        raise DomainError(_("这条建议已不再适用（已被确认、拒绝或答案已更改）。"), code="no_proposal")
    return found


def _decide(assessment: Assessment, user: User, proposal: Proposal, decision: str) -> None:
    ProposalDecision.objects.update_or_create(
        assessment=assessment,
        question_code=proposal.question,
        defaults={"value": proposal.value, "decision": decision, "decided_by": user},
    )
    AuditEvent.objects.create(
        actor=user,
        action=f"plan.proposal_{'confirm' if decision == ProposalDecision.Decision.CONFIRMED else 'reject'}",
        enterprise_id=assessment.enterprise_id,
        assessment=assessment,
        detail={
            "question": proposal.question,
            "value": proposal.value,
            "previous": proposal.current,
            "actions": list(proposal.actions),
        },
    )


def proposal_confirm(*, assessment: Assessment, user: User, code: str) -> Proposal:
    """Write the answer last year's plan proposes for question `code` (DomainError when there is no such
    proposal any more or the answer service refuses it)."""
    with transaction.atomic():
        proposal = _proposal(assessment, code)
        answer_save(assessment=assessment, user=user, code=code, value=proposal.value)
        _decide(assessment, user, proposal, ProposalDecision.Decision.CONFIRMED)
    return proposal


def proposal_reject(*, assessment: Assessment, user: User, code: str) -> Proposal:
    """Keep this year's answer of question `code` and stop proposing the plan's value for it."""
    with transaction.atomic():
        proposal = _proposal(assessment, code)
        _decide(assessment, user, proposal, ProposalDecision.Decision.REJECTED)
    return proposal
