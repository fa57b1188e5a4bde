"""The officials' analytics add up the counted composite index by year: the validated result's
(profile.overall.index) where a reviewer validated answers, else the self-assessed total_score, as the
officials' queue shows it. Recomputes the "assessment" rows of the pre-aggregated analytics from the
entries (the groups do not change; the other rows never read the composite); reversed, the self-assessed
sums again. Frozen copy of assessment.services.analytics.composite_sql as written with this migration."""

from django.db import migrations

GROUP_KEY = ("year", "city_code", "industry_division", "size_class", "status", "frameworks")
AGGREGATE_COLUMNS = (*GROUP_KEY, "kind", "framework", "version", "code", "count", "total", "counted", "flagged")
SELF_ASSESSED = "a.total_score"


def _counted(vendor):
    if vendor == "postgresql":
        validated = "(a.validated_result #>> '{profile,overall,index}')::float8"
    else:
        validated = "CAST(json_extract(a.validated_result, '$.profile.overall.index') AS REAL)"
    return f"CASE WHEN a.validated_result IS NOT NULL THEN {validated} ELSE a.total_score END"


def _assessment_rows(apps, schema_editor, composite):
    connection = schema_editor.connection
    ScoreAggregate = apps.get_model("assessment", "ScoreAggregate")
    if not ScoreAggregate.objects.using(connection.alias).filter(kind="assessment").exists():
        return
    agg = ScoreAggregate._meta.db_table
    entry = apps.get_model("assessment", "AnalyticsEntry")._meta.db_table
    assessment = apps.get_model("assessment", "Assessment")._meta.db_table
    key = ", ".join(f"m.{column}" for column in GROUP_KEY)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {agg} WHERE kind = 'assessment'")
        cursor.execute(
            f"INSERT INTO {agg} ({', '.join(AGGREGATE_COLUMNS)}) "
            f"SELECT {key}, 'assessment', '', '', '', COUNT(*), COALESCE(SUM({composite}), 0), "
            f"COUNT({composite}), 0 FROM {entry} AS m JOIN {assessment} AS a ON a.id = m.assessment_id "
            f"GROUP BY {key} ORDER BY 1, 2"
        )


def counted_composite(apps, schema_editor):
    _assessment_rows(apps, schema_editor, _counted(schema_editor.connection.vendor))


def self_assessed_composite(apps, schema_editor):
    _assessment_rows(apps, schema_editor, SELF_ASSESSED)


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0020_enterprise_import_progressed_at"),
    ]

    operations = [migrations.RunPython(counted_composite, self_assessed_composite)]
