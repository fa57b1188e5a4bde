"""Stored results: one FrameworkResult row per framework from a scoring result's JSON (`to_dict()`).

Used for the validated score of a review and the bulk demo data; the row fields match what
assessment_submit stores (score, level code, veto_failed, dimension_scores {code: {score, max, percent}}),
plus indicator_scores {indicator code: percent earned, or None when unanswered} that analytics averages in
the database (SQL's AVG/COUNT leave the JSON nulls out).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Exists, OuterRef

from assessment.models import Assessment, FrameworkResult


def dimension_scores(framework_result: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """{dimension code: {score, max, percent}} of one framework's result JSON."""
    return {
        d["code"]: {"score": d["score"], "max": d["max"], "percent": d["percent"]}
        for d in framework_result.get("dimensions") or []
    }


def indicator_scores(framework_result: Mapping[str, Any]) -> dict[str, float | None]:
    """{indicator code: percent of its available points earned} for applicable indicators, rounded to 2
    decimals; None for an unanswered one (status "missing": e.g. an SME digital change 增加/持平/降低 of a
    returned assessment without the figures that propose it), which analytics and exports show as
    unanswered instead of 0 % (the score still gives it no points); not-applicable indicators left out."""
    scores: dict[str, float | None] = {}
    for indicator in framework_result.get("indicators") or []:
        available = float(indicator.get("available") or 0)
        if indicator.get("status") == "not_applicable" or available <= 0:
            continue
        if indicator.get("status") == "missing":
            scores[indicator["code"]] = None
            continue
        scores[indicator["code"]] = round(100 * float(indicator.get("earned") or 0) / available, 2)
    return scores


def framework_result_rows(
    *, assessment: Assessment | int, result: Mapping[str, Any], validated: bool
) -> list[FrameworkResult]:
    """Unsaved FrameworkResult rows for a stored AssessmentResult JSON (`{"frameworks": [...], ...}`)."""
    assessment_id = assessment if isinstance(assessment, int) else assessment.pk
    return [
        FrameworkResult(
            assessment_id=assessment_id,
            framework=item["framework"],
            version=item["version"],
            score=item["score"],
            level=(item.get("level") or {}).get("code", "") or "",
            veto_failed=not (item.get("veto") or {}).get("passed", True),
            dimension_scores=dimension_scores(item),
            indicator_scores=indicator_scores(item),
            validated=validated,
        )
        for item in result.get("frameworks") or []
    ]


def framework_results_replace(*, assessment: Assessment, result: Mapping[str, Any], validated: bool) -> None:
    """Replace the assessment's self-assessed (validated=False) or validated rows by those of `result`."""
    FrameworkResult.objects.filter(assessment=assessment, validated=validated).delete()
    FrameworkResult.objects.bulk_create(
        framework_result_rows(assessment=assessment, result=result, validated=validated)
    )
    framework_results_mark(assessment_ids=[assessment.pk])


def framework_results_mark(*, assessment_ids: list[int] | None = None) -> int:
    """Set FrameworkResult.in_analytics on the rows of the assessments (None: every row): the validated
    row of a framework where there is one, else the self-assessed row. Only rows whose mark changes are
    written (three UPDATEs); returns their number."""
    rows = FrameworkResult.objects.all()
    if assessment_ids is not None:
        rows = rows.filter(assessment_id__in=assessment_ids)
    validated = FrameworkResult.objects.filter(
        assessment=OuterRef("assessment"), framework=OuterRef("framework"), validated=True
    )
    changed = rows.filter(validated=True, in_analytics=False).update(in_analytics=True)
    changed += rows.filter(Exists(validated), validated=False, in_analytics=True).update(in_analytics=False)
    changed += rows.filter(~Exists(validated), validated=False, in_analytics=False).update(in_analytics=True)
    return changed
