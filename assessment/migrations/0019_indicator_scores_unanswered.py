"""Unanswered indicators (status "missing" in a stored result, e.g. an SME digital change 增加/持平/降低 of a
returned assessment without the figures that propose it) are kept as null in FrameworkResult.indicator_scores
instead of 0 %, so the officials' analytics leave them out of an indicator's mean and exports say 未答.
Rewrites the rows of results holding such an indicator and, if any changed, rebuilds the pre-aggregated
analytics as migration 0009 does (its frozen copy of the rebuild)."""

import importlib

from django.db import migrations

REVIEW_STATUSES = ("submitted", "returned", "accepted")


def _indicator_scores(framework_result, *, unanswered_as_null):
    """assessment.services.results.indicator_scores as written with this migration (frozen)."""
    scores = {}
    for indicator in framework_result.get("indicators") or []:
        available = float(indicator.get("available") or 0)
        if indicator.get("status") == "not_applicable" or available <= 0:
            continue
        if unanswered_as_null and indicator.get("status") == "missing":
            scores[indicator["code"]] = None
            continue
        scores[indicator["code"]] = round(100 * float(indicator.get("earned") or 0) / available, 2)
    return scores


def _rewrite(apps, schema_editor, *, unanswered_as_null):
    alias = schema_editor.connection.alias
    Assessment = apps.get_model("assessment", "Assessment")
    FrameworkResult = apps.get_model("assessment", "FrameworkResult")
    changed = False
    stored = (
        Assessment.objects.using(alias)
        .filter(status__in=REVIEW_STATUSES)
        .values_list("pk", "result", "validated_result")
        .iterator(chunk_size=200)
    )
    for pk, result, validated_result in stored:
        for validated, source in ((False, result), (True, validated_result)):
            for item in (source or {}).get("frameworks") or []:
                if not any(i.get("status") == "missing" for i in item.get("indicators") or []):
                    continue
                changed |= bool(
                    FrameworkResult.objects.using(alias)
                    .filter(assessment_id=pk, framework=item["framework"], validated=validated)
                    .update(indicator_scores=_indicator_scores(item, unanswered_as_null=unanswered_as_null))
                )
    if changed:
        rebuild = importlib.import_module("assessment.migrations.0009_analytics_validated_bands")
        rebuild.mark_and_rebuild(apps, schema_editor)


def unanswered_as_null(apps, schema_editor):
    _rewrite(apps, schema_editor, unanswered_as_null=True)


def unanswered_as_zero(apps, schema_editor):
    _rewrite(apps, schema_editor, unanswered_as_null=False)


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0018_enterprise_import_background"),
    ]

    operations = [migrations.RunPython(unanswered_as_null, unanswered_as_zero)]
