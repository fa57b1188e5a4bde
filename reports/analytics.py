"""Officials' analytics of a filtered set of submissions, aggregated in the database.

Every figure is a GROUP BY over FrameworkResult rows (self-assessed, validated=False) of the assessments
given; dimension and indicator averages unnest the rows' JSON score maps in SQL (PostgreSQL jsonb_each,
SQLite json_each). Python only labels and arranges the grouped rows, whose number does not grow with the
number of assessments. A fixed number of queries (6).

cached_analytics serves the same figures from Django's cache, keyed by the SQL of the scoped, filtered
querysets (jurisdiction and filters), the detail framework, the language and a fingerprint of the data
read (framework results, assessments, enterprises): any submission, re-scoring, review decision or
enterprise edit changes the fingerprint, so a cached figure is never older than the data (one query).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Avg, Count, QuerySet, Sum
from django.db.models.fields import IntegerField
from django.db.models.functions import Cast
from django.utils.translation import get_language

from assessment import reference
from assessment.models import Assessment, Enterprise, FrameworkResult
from assessment.selectors.review import level_catalogue, normal_level
from questionnaires.definition import DefinitionNotFound, get_definition, iter_dimensions, iter_indicators

Text = Mapping[str, str]
WEAKEST = 10  # indicators listed province-wide
WEAKEST_PER_CITY = 3
FIRST = "__first__"  # `detail`: the first framework (by slug) present
CACHE_SECONDS = 3600  # upper bound for changes the fingerprint cannot see (raw SQL, QuerySet.update)


def pick(text: Any, lang: str | None = None) -> str:
    lang = lang or get_language() or "zh-hans"
    if isinstance(text, Mapping):
        return str(text.get("en" if lang.startswith("en") else "zh") or text.get("zh") or "")
    return "" if text is None else str(text)


@dataclass
class LevelCount:
    code: str
    label: str
    count: int
    share: float  # % of the framework's assessments


@dataclass
class HeatRow:
    code: str
    label: str
    count: int
    cells: list[float | None]  # mean dimension percent, in the order of FrameworkStats.dimensions


@dataclass
class WeakIndicator:
    code: str
    title: str
    dimension: str
    mean: float  # mean % of available points earned
    count: int


@dataclass
class FrameworkStats:
    framework: str
    version: str
    title: str
    count: int
    mean_score: float | None
    veto_failed: int
    levels: list[LevelCount] = field(default_factory=list)
    dimensions: list[tuple[str, str]] = field(default_factory=list)  # (code, title)
    by_city: list[HeatRow] = field(default_factory=list)
    by_industry: list[HeatRow] = field(default_factory=list)
    weakest: list[WeakIndicator] = field(default_factory=list)
    weakest_by_city: list[tuple[str, list[WeakIndicator]]] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.framework}@{self.version}"

    @property
    def veto_share(self) -> float | None:
        return round(100 * self.veto_failed / self.count, 1) if self.count else None


@dataclass
class TrendPoint:
    year: int
    count: int
    mean_score: float | None


@dataclass
class Analytics:
    total: int
    by_status: list[tuple[str, str, int]]
    frameworks: list[FrameworkStats]
    years: list[int]
    trend_counts: list[TrendPoint]  # assessments per year
    trends: dict[str, list[TrendPoint]]  # framework@version -> mean score per year
    detail: str | None = None  # the framework slug whose heatmaps and weakest indicators were computed


def _definition(framework: str, version: str) -> dict[str, Any]:
    try:
        return get_definition(framework, version)
    except DefinitionNotFound:
        return {"framework": framework, "version": version, "title": {"zh": framework, "en": framework}}


def _ids_sql(results: QuerySet[FrameworkResult]) -> tuple[str, tuple[Any, ...]]:
    sql, params = results.values("id").query.sql_with_params()
    return sql, tuple(params)


def _unnest(results: QuerySet[FrameworkResult], *, column: str, group: str, nested: bool) -> list[tuple]:
    """(group value, framework, version, key, sum, count) of the JSON map `column` of the rows, grouped
    by an enterprise column and the map's keys. `nested`: values are {percent: ...} objects."""
    ids, params = _ids_sql(results)
    fr = FrameworkResult._meta.db_table
    a = Assessment._meta.db_table
    e = Enterprise._meta.db_table
    if connection.vendor == "postgresql":
        each = f"CROSS JOIN LATERAL jsonb_each{'' if nested else '_text'}(fr.{column}) AS d"
        value = "(d.value ->> 'percent')::float8" if nested else "(d.value)::float8"
    else:
        each = f"JOIN json_each(fr.{column}) AS d"
        value = "json_extract(d.value, '$.percent')" if nested else "d.value"
    sql = (
        f"SELECT e.{group}, fr.framework, fr.version, d.key, SUM({value}), COUNT({value}) "
        f"FROM {fr} AS fr JOIN {a} AS a ON a.id = fr.assessment_id JOIN {e} AS e ON e.id = a.enterprise_id "
        f"{each} WHERE fr.id IN ({ids}) GROUP BY e.{group}, fr.framework, fr.version, d.key"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _group_counts(rows: list[tuple]) -> dict[tuple[str, str, str], int]:
    counts: dict[tuple[str, str, str], int] = {}
    for group, framework, version, _key, _total, count in rows:
        counts[(group, framework, version)] = max(counts.get((group, framework, version), 0), int(count))
    return counts


def _heat(
    rows: list[tuple], counts: Mapping[tuple[str, str, str], int], stats: FrameworkStats, labeller: Any
) -> list[HeatRow]:
    cells: dict[str, dict[str, float | None]] = defaultdict(dict)
    for group, framework, version, key, total, count in rows:
        if (framework, version) == (stats.framework, stats.version):
            cells[group][key] = round(total / count, 1) if count else None
    return [
        HeatRow(
            group,
            labeller(group),
            counts.get((group, stats.framework, stats.version), 0),
            [cells[group].get(code) for code, _title in stats.dimensions],
        )
        for group in sorted(cells)
    ]


def _weak(
    sums: Mapping[str, list[float]], titles: Mapping[str, tuple[str, str]], limit: int
) -> list[WeakIndicator]:
    items = [
        WeakIndicator(code, *titles.get(code, (code, "")), round(total / count, 1), int(count))
        for code, (total, count) in sums.items()
        if count
    ]
    return sorted(items, key=lambda item: (item.mean, item.code))[:limit]


def build_analytics(
    *,
    assessments: QuerySet[Assessment],
    trend_assessments: QuerySet[Assessment] | None = None,
    lang: str | None = None,
    detail: str | None = None,
) -> Analytics:
    """Analytics of `assessments` (already narrowed to a jurisdiction and filters); trends across years
    use `trend_assessments` (the same filters without the year), by default `assessments`. Heatmaps and
    weakest indicators (the costly part) are computed for every framework, or with `detail` only for
    that framework slug (the page shows one framework's details at a time)."""
    lang = lang or get_language() or "zh-hans"
    trend_assessments = trend_assessments if trend_assessments is not None else assessments
    status_counts = dict(assessments.values_list("status").annotate(n=Count("id")).order_by())
    by_status = [
        (code, str(label), status_counts.get(code, 0))
        for code, label in Assessment.Status.choices
        if code != Assessment.Status.DRAFT
    ]
    total = sum(count for _code, _label, count in by_status)

    results = FrameworkResult.objects.filter(validated=False, assessment__in=assessments)
    level_rows = (
        results.values("framework", "version", "level")
        .annotate(n=Count("id"), veto=Sum(Cast("veto_failed", IntegerField())), score=Sum("score"))
        .order_by()
    )
    grouped: dict[tuple[str, str], dict[str, Any]] = {}
    for row in level_rows:
        entry = grouped.setdefault(
            (row["framework"], row["version"]), {"n": 0, "veto": 0, "score": 0.0, "levels": {}}
        )
        entry["n"] += row["n"]
        entry["veto"] += row["veto"] or 0
        entry["score"] += row["score"] or 0.0
        level = normal_level(row["level"])
        entry["levels"][level] = entry["levels"].get(level, 0) + row["n"]

    frameworks: list[FrameworkStats] = []
    for (framework, version), entry in sorted(grouped.items()):
        definition = _definition(framework, version)
        count = entry["n"]
        levels = [
            LevelCount(
                code,
                pick(label, lang),
                entry["levels"].get(code, 0),
                round(100 * entry["levels"].get(code, 0) / count, 1) if count else 0.0,
            )
            for code, label in level_catalogue(definition)
        ]
        frameworks.append(
            FrameworkStats(
                framework=framework,
                version=version,
                title=pick(definition.get("title"), lang),
                count=count,
                mean_score=round(entry["score"] / count, 2) if count else None,
                veto_failed=entry["veto"],
                levels=levels,
                dimensions=[(d["code"], pick(d.get("title"), lang)) for d in iter_dimensions(definition)],
            )
        )

    if detail == FIRST:
        detail = frameworks[0].framework if frameworks else None
    detailed = [stats for stats in frameworks if detail is None or stats.framework == detail]
    if detailed:
        narrowed = results if detail is None else results.filter(framework=detail)
        city_rows = _unnest(narrowed, column="dimension_scores", group="city_code", nested=True)
        industry_rows = _unnest(narrowed, column="dimension_scores", group="industry_division", nested=True)
        indicator_rows = _unnest(narrowed, column="indicator_scores", group="city_code", nested=False)
    else:
        city_rows = industry_rows = indicator_rows = []
    # Rows per group: the count of the dimension most often scored (every framework has dimensions
    # that always apply), so no separate counting query is needed.
    city_n = _group_counts(city_rows)
    industry_n = _group_counts(industry_rows)

    for stats in detailed:
        stats.by_city = _heat(city_rows, city_n, stats, lambda code: reference.city_name(code, lang))
        stats.by_industry = _heat(
            industry_rows, industry_n, stats, lambda code: f"{code} {reference.industry_name(code, lang)}"
        )
        definition = _definition(stats.framework, stats.version)
        dimension_titles = dict(stats.dimensions)
        titles = {}
        for dimension in iter_dimensions(definition):
            for indicator in iter_indicators({"dimensions": [dimension]}, leaves_only=True):
                titles[indicator["code"]] = (
                    pick(indicator.get("title"), lang),
                    dimension_titles[dimension["code"]],
                )
        province: dict[str, list[float]] = defaultdict(lambda: [0.0, 0])
        per_city: dict[str, dict[str, list[float]]] = defaultdict(dict)
        for city, framework, version, code, total_value, count in indicator_rows:
            if (framework, version) != (stats.framework, stats.version) or not count:
                continue
            province[code][0] += total_value
            province[code][1] += count
            per_city[city][code] = [total_value, count]
        stats.weakest = _weak(province, titles, WEAKEST)
        stats.weakest_by_city = [
            (reference.city_name(city, lang), _weak(per_city[city], titles, WEAKEST_PER_CITY))
            for city in sorted(per_city)
        ]

    trend_results = FrameworkResult.objects.filter(validated=False, assessment__in=trend_assessments)
    trend_rows = (
        trend_results.values("assessment__year", "framework", "version")
        .annotate(n=Count("id"), mean=Avg("score"))
        .order_by("assessment__year")
    )
    year_counts = (
        trend_assessments.values_list("year")
        .annotate(n=Count("id"), mean=Avg("total_score"))
        .order_by("year")
    )
    trends: dict[str, list[TrendPoint]] = defaultdict(list)
    for row in trend_rows:
        trends[f"{row['framework']}@{row['version']}"].append(
            TrendPoint(
                row["assessment__year"], row["n"], round(row["mean"], 2) if row["mean"] is not None else None
            )
        )
    trend_counts = [
        TrendPoint(year, n, round(mean, 2) if mean is not None else None) for year, n, mean in year_counts
    ]
    return Analytics(
        total=total,
        by_status=by_status,
        frameworks=frameworks,
        years=[point.year for point in trend_counts],
        trend_counts=trend_counts,
        trends=dict(trends),
        detail=detail,
    )


def data_fingerprint() -> tuple[Any, ...]:
    """What analytics reads, in one query of counts and maxima over indexed columns: rows of
    FrameworkResult (count, newest id: a replaced result is deleted and inserted with a new id),
    assessments and enterprises (count, last update: auto_now on every save, e.g. status changes)."""
    fr = FrameworkResult._meta.db_table
    a = Assessment._meta.db_table
    e = Enterprise._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM {fr}), (SELECT MAX(id) FROM {fr}), "
            f"(SELECT COUNT(*) FROM {a}), (SELECT MAX(updated_at) FROM {a}), "
            f"(SELECT COUNT(*) FROM {e}), (SELECT MAX(updated_at) FROM {e})"
        )
        return tuple(str(value) for value in cursor.fetchone())


def _cache_key(
    assessments: QuerySet[Assessment],
    trend_assessments: QuerySet[Assessment] | None,
    lang: str,
    detail: str | None,
    fingerprint: tuple[Any, ...],
) -> str:
    parts = [
        assessments.values("id").query.sql_with_params(),
        trend_assessments.values("id").query.sql_with_params() if trend_assessments is not None else None,
        lang,
        detail,
        fingerprint,
    ]
    return "analytics:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def cached_analytics(
    *,
    assessments: QuerySet[Assessment],
    trend_assessments: QuerySet[Assessment] | None = None,
    lang: str | None = None,
    detail: str | None = None,
) -> Analytics:
    """build_analytics through the cache (see the module's docstring): one query when the same
    jurisdiction, filters, framework and language were computed since the data last changed."""
    lang = lang or get_language() or "zh-hans"
    key = _cache_key(assessments, trend_assessments, lang, detail, data_fingerprint())
    data = cache.get(key)
    if data is None:
        data = build_analytics(
            assessments=assessments, trend_assessments=trend_assessments, lang=lang, detail=detail
        )
        cache.set(key, data, CACHE_SECONDS)
    return data
