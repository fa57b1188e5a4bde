"""Migrations are self-contained: 0005 fills the analytics aggregates with its own copy of the SQL."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

from django.apps import apps
from django.db import connection

from assessment.models import AnalyticsEntry, Assessment, ScoreAggregate
from assessment.services.analytics import analytics_rebuild
from tests.builders import make_submitted
from tests.factories import EnterpriseFactory

MIGRATION = importlib.import_module("assessment.migrations.0005_analytics_aggregates")
LATER = importlib.import_module("assessment.migrations.0009_analytics_validated_bands")
# RunPython hands the function a schema editor; the fill uses only its connection (SQLite refuses a
# real schema editor inside a test's transaction).
SCHEMA_EDITOR = SimpleNamespace(connection=connection)


def _rows() -> tuple[list[tuple], list[tuple]]:
    entries = sorted(AnalyticsEntry.objects.values_list())
    aggregates = sorted(
        ScoreAggregate.objects.values_list(*[f.name for f in ScoreAggregate._meta.fields][1:])
    )
    return entries, aggregates


def test_it_imports_nothing_of_the_app():
    source = open(MIGRATION.__file__, encoding="utf-8").read()
    assert "from assessment" not in source and "import assessment" not in source


def test_migration_0005_fills_the_aggregates_the_service_rebuilds(
    shipped_versions, enterprise, other_enterprise
):
    make_submitted(shipped_versions, enterprise=enterprise)
    make_submitted(
        shipped_versions, enterprise=other_enterprise, year=2024, status=Assessment.Status.ACCEPTED
    )
    make_submitted(
        shipped_versions,
        enterprise=EnterpriseFactory(city_code="230100", industry_division="C14"),
        changes={"gf25.q.renewable_share": 0},
    )
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


def test_migration_0005_does_nothing_without_submissions(db):
    MIGRATION.fill_aggregates(apps, SCHEMA_EDITOR)
    assert not ScoreAggregate.objects.exists()
