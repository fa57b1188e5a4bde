"""Migrations are self-contained: 0005 fills the analytics aggregates, 0009 marks the counted results
and rebuilds them and 0021 sums the counted composite index, each with its own copy of the SQL (nothing
imported from the app)."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from assessment.models import AnalyticsEntry, Assessment, FrameworkResult, ScoreAggregate
from assessment.services.analytics import analytics_rebuild
from tests.builders import make_submitted
from tests.factories import EnterpriseFactory

MIGRATION = importlib.import_module("assessment.migrations.0005_analytics_aggregates")
LATER = importlib.import_module("assessment.migrations.0009_analytics_validated_bands")
COMPOSITE = importlib.import_module("assessment.migrations.0021_analytics_counted_composite")
# RunPython hands the function a schema editor; the fill uses only its connection (SQLite refuses a
# real schema editor inside a test's transaction).
SCHEMA_EDITOR = SimpleNamespace(connection=connection)


def _rows() -> tuple[list[tuple], list[tuple], list[tuple]]:
    entries = sorted(AnalyticsEntry.objects.values_list())
    aggregates = sorted(
        ScoreAggregate.objects.values_list(*[f.name for f in ScoreAggregate._meta.fields][1:])
    )
    marks = sorted(FrameworkResult.objects.values_list("pk", "in_analytics"))
    return entries, aggregates, marks


def _submissions(shipped_versions, enterprise, other_enterprise) -> None:
    make_submitted(shipped_versions, enterprise=enterprise)
    accepted = make_submitted(
        shipped_versions, enterprise=other_enterprise, year=2024, status=Assessment.Status.ACCEPTED
    )
    make_submitted(
        shipped_versions,
        enterprise=EnterpriseFactory(city_code="230100", industry_division="C14"),
        changes={"gf25.q.renewable_share": 0},
    )
    # A reviewer's validated results for the accepted one: lower scores, no level reached (each method's
    # own spelling), so the counted rows, the level group key and the bands all differ from the self-assessed.
    FrameworkResult.objects.bulk_create(
        [
            FrameworkResult(
                assessment=accepted,
                framework=row.framework,
                version=row.version,
                score=max((row.score or 0) - 25, 0),
                level="" if row.framework.startswith("green") else "below_III",
                veto_failed=True,
                dimension_scores=row.dimension_scores,
                indicator_scores=row.indicator_scores,
                validated=True,
            )
            for row in accepted.framework_results.filter(validated=False)
        ]
    )


@pytest.mark.parametrize("migration", [MIGRATION, LATER, COMPOSITE], ids=["0005", "0009", "0021"])
def test_it_imports_nothing_of_the_app(migration):
    source = open(migration.__file__, encoding="utf-8").read()
    for app in ("assessment", "questionnaires", "reports", "config"):
        assert f"from {app}" not in source and f"import {app}" not in source


def test_migration_0005_fills_the_aggregates_the_service_rebuilds(
    shipped_versions, enterprise, other_enterprise
):
    _submissions(shipped_versions, enterprise, other_enterprise)
    analytics_rebuild()
    expected = _rows()
    assert expected[0] and expected[1]
    ScoreAggregate.objects.all().delete()
    AnalyticsEntry.objects.all().delete()
    MIGRATION.fill_aggregates(apps, SCHEMA_EDITOR)
    # 0005's copy of the SQL predates the group key with levels, the validated results and the score
    # bands: 0009 rebuilds once, so an upgrade through both ends with what the service rebuilds.
    LATER.mark_and_rebuild(apps, SCHEMA_EDITOR)
    assert _rows() == expected


def test_migration_0009_marks_the_counted_results_and_rebuilds_as_the_service_does(
    shipped_versions, enterprise, other_enterprise
):
    _submissions(shipped_versions, enterprise, other_enterprise)
    analytics_rebuild()
    expected = _rows()
    assert any(in_analytics is False for _pk, in_analytics in expected[2])
    assert any(row[6] == "band" for row in expected[1])
    # As the field arrives: every row counted (db_default), nothing aggregated.
    FrameworkResult.objects.update(in_analytics=True)
    ScoreAggregate.objects.all().delete()
    AnalyticsEntry.objects.all().delete()
    LATER.mark_and_rebuild(apps, SCHEMA_EDITOR)
    assert _rows() == expected


@pytest.mark.parametrize(
    "fill",
    [MIGRATION.fill_aggregates, LATER.mark_and_rebuild, COMPOSITE.counted_composite],
    ids=["0005", "0009", "0021"],
)
def test_the_migrations_do_nothing_without_submissions(db, fill):
    fill(apps, SCHEMA_EDITOR)
    assert not ScoreAggregate.objects.exists()
    assert not AnalyticsEntry.objects.exists()


def _validate_overall(assessment: Assessment, index: float) -> None:
    """A reviewer's validated result of the assessment with another composite index."""
    validated = {
        **assessment.result,
        "profile": {**assessment.result["profile"], "overall": {"index": index}},
    }
    Assessment.objects.filter(pk=assessment.pk).update(validated_result=validated)


def test_migration_0021_sums_the_counted_composite_as_the_service_does(
    shipped_versions, enterprise, other_enterprise
):
    _submissions(shipped_versions, enterprise, other_enterprise)
    accepted = Assessment.objects.get(status=Assessment.Status.ACCEPTED)
    assert accepted.total_score is not None
    _validate_overall(accepted, accepted.total_score - 20)
    analytics_rebuild()
    expected = _rows()
    # Upgraded through 0009 (which sums the self-assessed composite), then 0021.
    ScoreAggregate.objects.all().delete()
    AnalyticsEntry.objects.all().delete()
    LATER.mark_and_rebuild(apps, SCHEMA_EDITOR)
    year = ScoreAggregate.objects.get(kind="assessment", year=2024)
    assert (year.count, year.total) == (1, accepted.total_score)
    COMPOSITE.counted_composite(apps, SCHEMA_EDITOR)
    assert _rows() == expected
    year = ScoreAggregate.objects.get(kind="assessment", year=2024)
    assert (year.count, year.total) == (1, accepted.total_score - 20)
    # Reversed: the self-assessed sums again, every other row as it was.
    COMPOSITE.self_assessed_composite(apps, SCHEMA_EDITOR)
    assert ScoreAggregate.objects.get(kind="assessment", year=2024).total == accepted.total_score
    others = [row for row in _rows()[1] if row[6] != "assessment"]
    assert others == [row for row in expected[1] if row[6] != "assessment"]
