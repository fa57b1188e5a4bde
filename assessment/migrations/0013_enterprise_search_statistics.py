"""Statistics on the expressions the officials' text search filters by (PostgreSQL 14 and later).

The queue and analytics search enterprises with `name__icontains` / `uscc__icontains`, which PostgreSQL
runs as UPPER(name) LIKE '%…%'. Without statistics on UPPER(name) the planner guesses that such a
filter keeps a handful of the 20,000 enterprises whatever the word, and joins the thousands it really
keeps by nested loops (a word in every name: 100,000 buffer reads where hash joins need 1,100).
Expression statistics give it the real share; ANALYZE (autovacuum's, or the one below) fills them.
A trigram index would not help the usual search: two Chinese characters hold no trigram.
Nothing on SQLite.
"""

from django.db import migrations

STATISTICS = "assessment_enterprise_search_stats"


def create(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql" or connection.pg_version < 140000:
        return
    table = apps.get_model("assessment", "Enterprise")._meta.db_table
    schema_editor.execute(
        f"CREATE STATISTICS IF NOT EXISTS {STATISTICS} ON (UPPER(name::text)), (UPPER(uscc::text)) FROM {table}"
    )
    schema_editor.execute(f"ANALYZE {table}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {STATISTICS}")


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0012_enterprise_import"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
