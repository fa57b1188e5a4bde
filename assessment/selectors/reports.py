"""Reads for the PDF improvement report: one assessment with everything it prints, and peer statistics.

A fixed number of queries whatever the number of answers, evidence files or peers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q

from assessment.models import Assessment, Evidence, FrameworkResult
from assessment.selectors.factors import factor_snapshot
from questionnaires.frameworks import framework_order

PEER_STATUSES = (Assessment.Status.SUBMITTED, Assessment.Status.ACCEPTED)
PEER_SCOPES = ("industry", "city", "size")


@dataclass
class ReportInputs:
    assessment: Assessment
    definitions: list[dict[str, Any]]
    answers: dict[str, Any]
    evidence: list[Evidence]
    factor_snapshot: dict[str, Any] | None
    previous_answers: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _framework_order(version: Any) -> tuple[int, str]:
    """Green factory, clean production, digital level, then anything else, by name."""
    return framework_order(version.framework), version.framework


def report_assessment(assessment_id: int) -> Assessment:
    """The assessment with its enterprise (one query); Assessment.DoesNotExist if absent."""
    return Assessment.objects.select_related("enterprise", "factor_set").get(pk=assessment_id)


def report_inputs(assessment: Assessment) -> ReportInputs:
    """Definitions, answers and evidence of one assessment, the previous year's answers and the factors
    (at most 7 queries)."""
    versions = list(assessment.versions.all())
    definitions = [
        v.definition
        for v in sorted(versions, key=_framework_order)
        if v.definition.get("kind", "framework") == "framework"
    ]
    answers = dict(assessment.answers.values_list("question_code", "value"))
    evidence = list(assessment.evidence.all().order_by("question_code", "uploaded_at"))
    previous = (
        Assessment.objects.filter(enterprise_id=assessment.enterprise_id, year=assessment.year - 1)
        .exclude(status=Assessment.Status.DRAFT)
        .first()
    )
    previous_answers = dict(previous.answers.values_list("question_code", "value")) if previous else None
    # A submitted assessment keeps the factors it was scored with; a draft uses its factor set as it is now.
    factors = assessment.factor_snapshot
    if factors is None and assessment.factor_set_id is not None:
        factors = factor_snapshot(assessment.factor_set)
    return ReportInputs(assessment, definitions, answers, evidence, factors, previous_answers)


def latest_submitted_assessment(enterprise_id: int) -> Assessment | None:
    """The enterprise's latest submitted or accepted assessment (the newest year)."""
    return (
        Assessment.objects.select_related("enterprise")
        .filter(enterprise_id=enterprise_id, status__in=PEER_STATUSES)
        .order_by("-year", "-submitted_at")
        .first()
    )


def peer_statistics(
    *, assessment: Assessment, scores: dict[str, float]
) -> dict[str, dict[str, dict[str, int]]]:
    """For each peer scope (same industry division, same city, same size class) and framework: how many
    peers submitted that year, how many scored below and how many scored the same (one query per scope).

    Peers are other enterprises' submitted or accepted assessments of the same year (self-assessed rows).
    """
    enterprise = assessment.enterprise
    scope_filters = {
        "industry": Q(assessment__enterprise__industry_division=enterprise.industry_division),
        "city": Q(assessment__enterprise__city_code=enterprise.city_code),
        "size": Q(assessment__enterprise__size_class=enterprise.size_class),
    }
    base = FrameworkResult.objects.filter(
        validated=False,
        assessment__year=assessment.year,
        assessment__status__in=PEER_STATUSES,
        framework__in=list(scores),
    ).exclude(assessment__enterprise_id=enterprise.pk)
    stats: dict[str, dict[str, dict[str, int]]] = {}
    for scope, condition in scope_filters.items():
        aggregates: dict[str, Any] = {}
        for index, (framework, score) in enumerate(scores.items()):
            aggregates[f"n{index}"] = Count("id", filter=Q(framework=framework))
            aggregates[f"below{index}"] = Count("id", filter=Q(framework=framework, score__lt=score))
            aggregates[f"equal{index}"] = Count("id", filter=Q(framework=framework, score=score))
        row = base.filter(condition).aggregate(**aggregates) if aggregates else {}
        stats[scope] = {
            framework: {"peers": row[f"n{i}"], "below": row[f"below{i}"], "equal": row[f"equal{i}"]}
            for i, framework in enumerate(scores)
        }
    return stats
