"""The pre-aggregated figures of the officials' analytics (ScoreAggregate), kept current by SQL.

Each submitted, returned or accepted assessment belongs to one group (models.GROUP_KEY: year, city,
industry division, size class, status, self-assessed frameworks); AnalyticsEntry records the group it was
last counted in. analytics_refresh(assessment_ids=...) recomputes, inside the caller's transaction, every
group those assessments leave or join: their entries are rewritten from the live rows, then the groups'
aggregate rows are deleted and inserted again by INSERT … SELECT … GROUP BY over the groups' members.
Recomputing a group (rather than adding or subtracting one assessment's values) keeps the sums exactly
those of the live rows. Every write of what analytics reads calls it: submission (assessment_submit),
review decisions (status), enterprise profile edits (city, industry, size class) and the admin site;
bulk loads and restores call analytics_rebuild (also `manage.py rebuild_analytics`).

Each framework counts once per assessment, by its FrameworkResult row marked in_analytics: the validated
row where a reviewer validated answers, else the self-assessed one (results.framework_results_mark, run
here first), so a validation or its withdrawal refreshes the assessment's groups too. Likewise the
"assessment" rows add up the counted composite index (composite_sql: the validated result's where there is
one, else total_score), as the officials' queue shows it (selectors.review.counted_total_score). Returned
submissions are part of the groups (status is a group column); analytics leaves them out by default.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import connection, transaction

from assessment.models import (
    GROUP_KEY,
    AnalyticsEntry,
    Assessment,
    Enterprise,
    FrameworkResult,
    ScoreAggregate,
)
from assessment.selectors.review import REVIEW_STATUSES
from assessment.services.results import framework_results_mark
from questionnaires import frameworks

AGGREGATE_COLUMNS = (
    *GROUP_KEY,
    "kind",
    "framework",
    "version",
    "code",
    "count",
    "total",
    "counted",
    "flagged",
)

GroupKey = tuple[Any, ...]

# The 10-point band of a framework result's score fr.score, as its lower bound ("0" … "90"; 100 is in "90").
BAND_SQL = (
    "CASE " + " ".join(f"WHEN fr.score >= {low} THEN '{low}'" for low in range(90, 0, -10)) + " ELSE '0' END"
)


def _tables() -> dict[str, str]:
    return {
        "a": Assessment._meta.db_table,
        "e": Enterprise._meta.db_table,
        "fr": FrameworkResult._meta.db_table,
        "entry": AnalyticsEntry._meta.db_table,
        "agg": ScoreAggregate._meta.db_table,
    }


def _level_sql() -> str:
    """A counted result's level x.level as the level filter reads it: NO_LEVEL for every "no level
    reached" code of the registered methods (questionnaires.frameworks.normal_level)."""
    codes = ", ".join(repr(code) for code in sorted(frameworks.no_level_codes()))
    return f"CASE WHEN x.level IN ({codes}) THEN '{frameworks.NO_LEVEL}' ELSE x.level END"


def _frameworks_sql(t: dict[str, str]) -> str:
    """ ",slug:level,slug:level," of an assessment's counted framework results ("" without any), so the
    framework filter (",slug:") and the level filter (":level," or ",slug:level,") are group columns."""
    item = f"x.framework || ':' || {_level_sql()}"
    if connection.vendor == "postgresql":
        joined = f"string_agg({item}, ',' ORDER BY x.framework)"
        source = f"{t['fr']} AS x WHERE x.assessment_id = a.id AND x.in_analytics"
    else:
        # SQLite before 3.44 has no ORDER BY inside aggregates; the order only affects which assessments
        # share a group, never a figure (the framework filter matches ",slug," anywhere).
        joined = f"group_concat({item}, ',')"
        source = f"(SELECT framework, level FROM {t['fr']} WHERE assessment_id = a.id AND in_analytics = TRUE ORDER BY framework) AS x"
    return f"COALESCE((SELECT ',' || {joined} || ',' FROM {source}), '')"


def composite_sql() -> str:
    """The counted composite index of the assessment aliased a, in SQL: its validated result's
    profile.overall.index where a reviewer validated answers, else total_score. The same value as
    assessment.selectors.review.counted_total_score() (the live analytics and the queue)."""
    if connection.vendor == "postgresql":
        validated = "(a.validated_result #>> '{profile,overall,index}')::float8"
    else:
        validated = "CAST(json_extract(a.validated_result, '$.profile.overall.index') AS REAL)"
    return f"CASE WHEN a.validated_result IS NOT NULL THEN {validated} ELSE a.total_score END"


def json_values_sql(column: str, *, nested: bool) -> tuple[str, str]:
    """(join unnesting the JSON map `column` of the row aliased fr as d, d's numeric value) for PostgreSQL
    or SQLite; `nested`: the map's values are {percent: ...} objects. Shared with the live analytics."""
    if connection.vendor == "postgresql":
        each = f"CROSS JOIN LATERAL jsonb_each{'' if nested else '_text'}(fr.{column}) AS d"
        value = "(d.value ->> 'percent')::float8" if nested else "(d.value)::float8"
    else:
        each = f"JOIN json_each(fr.{column}) AS d"
        value = "json_extract(d.value, '$.percent')" if nested else "d.value"
    return each, value


def _aggregate_select(where: str) -> str:
    """INSERT … SELECT of every aggregate row of the entries matching `where` (an SQL condition on m)."""
    t = _tables()
    key = ", ".join(f"m.{column}" for column in GROUP_KEY)
    members = f"{t['entry']} AS m JOIN {t['fr']} AS fr ON fr.assessment_id = m.assessment_id AND fr.in_analytics = TRUE"
    composite = composite_sql()
    parts = [
        f"SELECT {key}, 'assessment', '', '', '', COUNT(*), COALESCE(SUM({composite}), 0), "
        f"COUNT({composite}), 0 FROM {t['entry']} AS m JOIN {t['a']} AS a ON a.id = m.assessment_id "
        f"WHERE {where} GROUP BY {key}",
        f"SELECT {key}, 'level', fr.framework, fr.version, fr.level, COUNT(*), COALESCE(SUM(fr.score), 0), "
        f"COUNT(fr.score), SUM(CASE WHEN fr.veto_failed THEN 1 ELSE 0 END) FROM {members} "
        f"WHERE {where} GROUP BY {key}, fr.framework, fr.version, fr.level",
        f"SELECT {key}, 'band', fr.framework, fr.version, {BAND_SQL}, COUNT(*), COALESCE(SUM(fr.score), 0), "
        f"COUNT(fr.score), 0 FROM {members} WHERE {where} GROUP BY {key}, fr.framework, fr.version, {BAND_SQL}",
    ]
    for kind, column, nested in (
        ("dimension", "dimension_scores", True),
        ("indicator", "indicator_scores", False),
    ):
        each, value = json_values_sql(column, nested=nested)
        parts.append(
            f"SELECT {key}, '{kind}', fr.framework, fr.version, d.key, COUNT(*), COALESCE(SUM({value}), 0), "
            f"COUNT({value}), 0 FROM {members} {each} WHERE {where} GROUP BY {key}, fr.framework, fr.version, d.key"
        )
    # Rows in the order analytics reads them (kind, framework, year, city): fewer pages per read.
    order = " ORDER BY 7, 8, 1, 2"
    return f"INSERT INTO {t['agg']} ({', '.join(AGGREGATE_COLUMNS)}) " + " UNION ALL ".join(parts) + order


def _entries_insert(where: str) -> str:
    t = _tables()
    return (
        f"INSERT INTO {t['entry']} (assessment_id, {', '.join(GROUP_KEY)}) "
        f"SELECT a.id, a.year, e.city_code, e.industry_division, e.size_class, a.status, {_frameworks_sql(t)} "
        f"FROM {t['a']} AS a JOIN {t['e']} AS e ON e.id = a.enterprise_id "
        f"WHERE a.status IN (%s, %s, %s) AND {where}"
    )


def _group_condition(groups: Sequence[GroupKey], alias: str = "") -> tuple[str, list[Any]]:
    prefix = f"{alias}." if alias else ""
    one = "(" + " AND ".join(f"{prefix}{column} = %s" for column in GROUP_KEY) + ")"
    return " OR ".join([one] * len(groups)), [value for group in groups for value in group]


def _lock_groups(groups: Iterable[GroupKey]) -> None:
    """Serialise concurrent recomputations of a group until commit (PostgreSQL; SQLite writes one at a
    time anyway): the second waits, then counts the first's committed entries too. Sorted: no deadlock."""
    if connection.vendor != "postgresql":
        return
    keys = sorted(
        int.from_bytes(hashlib.sha256(repr(group).encode()).digest()[:8], "big", signed=True)
        for group in groups
    )
    with connection.cursor() as cursor:
        for key in keys:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _entry_groups(ids: list[int]) -> set[GroupKey]:
    return set(AnalyticsEntry.objects.filter(assessment_id__in=ids).values_list(*GROUP_KEY).distinct())


# Inside analytics_deferred(): the ids whose refresh was put off (None outside).
_deferred: ContextVar[set[int] | None] = ContextVar("analytics_deferred", default=None)


@contextmanager
def analytics_deferred() -> Iterator[None]:
    """For bulk writers (seed_demo), not for requests: refreshes and rebuilds inside are put off, and one
    rebuild by SQL runs at the end if anything changed (cheaper than a refresh per assessment as the
    tables grow). If the block raises, nothing is rebuilt: run `manage.py rebuild_analytics`."""
    pending: set[int] = set()
    token = _deferred.set(pending)
    try:
        yield
    finally:
        _deferred.reset(token)
    if pending:
        analytics_rebuild()


def analytics_refresh(*, assessment_ids: Iterable[int]) -> int:
    """Recompute the aggregate rows of every group the assessments leave or join (after a change of
    their status, results, year or enterprise, or their deletion). Runs in the caller's transaction;
    returns the number of groups recomputed. A handful of queries whatever the size of the groups."""
    ids = sorted({int(pk) for pk in assessment_ids})
    if not ids:
        return 0
    pending = _deferred.get()
    if pending is not None:
        pending.update(ids)
        return 0
    with transaction.atomic():
        # Row locks: two refreshes of one assessment (e.g. an enterprise edit during a submission) in turn.
        list(Assessment.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))
        framework_results_mark(assessment_ids=ids)
        before = _entry_groups(ids)
        AnalyticsEntry.objects.filter(assessment_id__in=ids).delete()
        placeholders = ", ".join(["%s"] * len(ids))
        with connection.cursor() as cursor:
            cursor.execute(_entries_insert(f"a.id IN ({placeholders})"), [*REVIEW_STATUSES, *ids])
        groups = sorted(before | _entry_groups(ids), key=repr)
        if not groups:
            return 0
        _lock_groups(groups)
        condition, params = _group_condition(groups)
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {ScoreAggregate._meta.db_table} WHERE {condition}", params)
            member_condition, member_params = _group_condition(groups, "m")
            cursor.execute(_aggregate_select(member_condition), member_params * 5)
    return len(groups)


def analytics_refresh_enterprise(*, enterprise: Enterprise | int) -> int:
    """analytics_refresh for every assessment of an enterprise (its city, industry or size changed)."""
    enterprise_id = enterprise if isinstance(enterprise, int) else enterprise.pk
    return analytics_refresh(
        assessment_ids=Assessment.objects.filter(enterprise_id=enterprise_id).values_list("pk", flat=True)
    )


def analytics_rebuild() -> int:
    """Rebuild every entry and aggregate row from the live rows (after bulk loads and restores); returns
    the number of aggregate rows (0 when put off by analytics_deferred)."""
    pending = _deferred.get()
    if pending is not None:
        pending.add(0)  # marks a rebuild as due at the end of the block
        return 0
    t = _tables()
    with transaction.atomic(), connection.cursor() as cursor:
        framework_results_mark()
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {t['agg']}, {t['entry']}")
        else:
            cursor.execute(f"DELETE FROM {t['agg']}")
            cursor.execute(f"DELETE FROM {t['entry']}")
        cursor.execute(_entries_insert("1 = 1"), list(REVIEW_STATUSES))
        cursor.execute(_aggregate_select("1 = 1"))
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {t['entry']}")
            cursor.execute(f"ANALYZE {t['agg']}")
    return ScoreAggregate.objects.count()
