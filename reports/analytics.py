"""Officials' analytics of a filtered set of submissions, aggregated in the database.

Each framework of an assessment counts once, by its FrameworkResult row marked in_analytics: the
validated result where a reviewer validated answers, else the self-assessed one; so does the composite
index of the by-year figures (selectors.review.counted_total_score). Returned submissions are left out
unless the filters ask for them (SubmissionFilters.for_analytics).

Every figure is a GROUP BY, from one of two sources giving the same grouped rows:
- live (build_analytics): the counted FrameworkResult rows of the assessments given; dimension and
  indicator averages unnest the rows' JSON score maps in SQL (PostgreSQL jsonb_each, SQLite json_each).
  Its cost grows with the number of assessments (~0.8 s province-wide for 20,000 a year on PostgreSQL);
- pre-aggregated (aggregated_analytics): ScoreAggregate, sums and counts per group of submissions with
  the same year, city, industry division, size class, status and framework results with their levels,
  kept current by assessment.services.analytics; the groups matching the filters are added up.
official_analytics (the page and the regional PDF) uses the aggregates when every filter is a group
column (all but the text search); with a text search, the live rows of the matching assessments when
they are the fewer, else the aggregates less the live rows of the assessments the search leaves out.
Python only labels and arranges the grouped rows, whose number does not grow with the number of
assessments: 7 queries (6 from live rows on PostgreSQL: dimensions by city and by industry in one pass).
A text search reads the matching assessments' ids once (PostgreSQL) so that the reads which follow do
not each search every enterprise's name again.

Both go through Django's cache, keyed by the jurisdiction and filters, the detail framework, the
language and a fingerprint of the data read (framework results, assessments, enterprises, aggregates):
any submission, re-scoring, review decision or enterprise edit changes the fingerprint, so a cached
figure is never older than the data (one query).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar, cast

from django.core.cache import cache
from django.db import connection
from django.db.models import Case, Count, QuerySet, Sum, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.fields import CharField, IntegerField
from django.db.models.functions import Cast

from assessment import reference
from assessment.models import Assessment, Enterprise, FrameworkResult, ScoreAggregate
from assessment.permissions import official_profile_of
from assessment.presentation import stored_level_text
from assessment.selectors.review import StatusCount, SubmissionFilters, counted_total_score, submissions
from assessment.services.analytics import json_values_sql
from questionnaires.definition import DefinitionNotFound, get_definition, iter_dimensions, iter_indicators
from questionnaires.frameworks import NO_LEVEL, level_catalogue, normal_level
from questionnaires.text import active_language, pick

if TYPE_CHECKING:
    from assessment.models import User

WEAKEST = 10  # indicators listed province-wide
WEAKEST_PER_CITY = 3
FIRST = "__first__"  # `detail`: the first framework (by slug) present
CACHE_SECONDS = 3600  # upper bound for changes the fingerprint cannot see (raw SQL, QuerySet.update)
CACHE_FORMAT = 2  # raised when the cached Analytics' classes change (2: typed rows), so no old one is read


@dataclass
class LevelCount:
    code: str
    label: str
    count: int
    share: float  # % of the framework's assessments


@dataclass
class BandCount:
    low: int  # the band's lower bound: 0, 10, … 90 (90 holds 90–100)
    count: int
    share: float  # % of the framework's assessments

    @property
    def label(self) -> str:
        return f"{self.low}–{self.low + 10 if self.low == 90 else self.low + 9}"


BANDS = tuple(range(0, 100, 10))


# --- the grouped rows every source gives (live rows, aggregates, their difference) ------------------------
class LevelRow(NamedTuple):
    """Results of one framework version with one level (band None) or in one score band (level None)."""

    framework: str
    version: str
    level: str | None
    band: str | None
    results: int
    veto_failed: int | None
    score_total: float | None


class MapRow(NamedTuple):
    """Values of one key of a JSON score map (a dimension's percent, an indicator's) for one group value
    (a city or industry code) and framework version."""

    group: str
    framework: str
    version: str
    key: str
    results: int
    total: float | None
    counted: int


class TrendRow(NamedTuple):
    """Results of one framework version in one year."""

    year: int
    framework: str
    version: str
    results: int
    score_total: float | None
    counted: int


class YearRow(NamedTuple):
    """Assessments of one year and their counted composite indices (validated where there is one)."""

    year: int
    assessments: int
    score_total: float | None
    counted: int


Row = TypeVar("Row", bound=tuple[Any, ...])  # one of the row types above


class DimensionTitle(NamedTuple):
    code: str
    title: str


def _band_case() -> Case:
    """The 10-point band of FrameworkResult.score as its lower bound ("0" … "90"), as BAND_SQL."""
    return Case(
        *[When(score__gte=low, then=Value(str(low))) for low in range(90, 0, -10)],
        default=Value("0"),
        output_field=CharField(),
    )


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


class CityWeakest(NamedTuple):
    city: str  # the city's name
    indicators: list[WeakIndicator]


@dataclass
class FrameworkStats:
    framework: str
    version: str
    title: str
    count: int
    mean_score: float | None
    veto_failed: int
    levels: list[LevelCount] = field(default_factory=list)
    bands: list[BandCount] = field(default_factory=list)  # the score distribution, 0–9 … 90–100
    dimensions: list[DimensionTitle] = field(default_factory=list)
    by_city: list[HeatRow] = field(default_factory=list)
    by_industry: list[HeatRow] = field(default_factory=list)
    weakest: list[WeakIndicator] = field(default_factory=list)
    weakest_by_city: list[CityWeakest] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.framework}@{self.version}"

    @property
    def veto_share(self) -> float | None:
        return round(100 * self.veto_failed / self.count, 1) if self.count else None

    @property
    def has_levels(self) -> bool:
        """Some result reached a level: without one (or with no levels defined) a level chart says
        nothing and the score distribution stands alone."""
        return any(level.count for level in self.levels if level.code != "none")


@dataclass
class TrendPoint:
    year: int
    count: int
    mean_score: float | None


@dataclass
class Analytics:
    total: int
    by_status: list[StatusCount]
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


def _split(rows: list[LevelRow]) -> list[LevelRow]:
    """Rows grouped by both level and band as the level rows (band None) and the band rows (level None)
    the aggregates store."""
    sums: dict[tuple[str, str, str | None, str | None], list[Any]] = {}
    for row in rows:
        for key in (
            (row.framework, row.version, row.level, None),
            (row.framework, row.version, None, row.band),
        ):
            numbers = sums.setdefault(key, [0, 0, 0.0])
            numbers[0] += row.results
            numbers[1] += row.veto_failed or 0
            numbers[2] += row.score_total or 0.0
    return [LevelRow(*key, *numbers) for key, numbers in sums.items()]


class _LiveSource:
    """Grouped rows of the live tables: the counted FrameworkResult rows of `assessments`."""

    def __init__(self, assessments: QuerySet[Assessment], trend_assessments: QuerySet[Assessment]) -> None:
        self.assessments = assessments
        self.trend_assessments = trend_assessments
        self.results = FrameworkResult.objects.filter(in_analytics=True, assessment__in=assessments)

    def status_counts(self) -> dict[str, int]:
        return dict(self.assessments.values_list("status").annotate(n=Count("id")).order_by())

    def level_rows(self) -> list[LevelRow]:
        """The rows by level and by score band, from one GROUP BY of both."""
        return _split(
            [
                LevelRow(*row)
                for row in self.results.annotate(band=_band_case())
                .values_list("framework", "version", "level", "band")
                .annotate(n=Count("id"), veto=Sum(Cast("veto_failed", IntegerField())), score=Sum("score"))
                .order_by()
            ]
        )

    def _unnest_sql(self, *, kind: str, framework: str | None) -> tuple[str, str, tuple]:
        """(FROM … WHERE of the rows' JSON map of `kind` as d, d's numeric value, parameters)."""
        results = self.results if framework is None else self.results.filter(framework=framework)
        ids, params = results.values("id").query.sql_with_params()
        each, value = json_values_sql(f"{kind}_scores", nested=kind == "dimension")
        fr = FrameworkResult._meta.db_table
        a = Assessment._meta.db_table
        e = Enterprise._meta.db_table
        source = (
            f"FROM {fr} AS fr JOIN {a} AS a ON a.id = fr.assessment_id JOIN {e} AS e ON e.id = a.enterprise_id "
            f"{each} WHERE fr.id IN ({ids})"
        )
        return source, value, tuple(params)

    def unnest(self, *, kind: str, group: str, framework: str | None) -> list[MapRow]:
        """The JSON map of `kind` ("dimension" or "indicator") of the rows, grouped by an enterprise
        column (`group`) and the map's keys."""
        source, value, params = self._unnest_sql(kind=kind, framework=framework)
        sql = (
            f"SELECT e.{group}, fr.framework, fr.version, d.key, COUNT(*), SUM({value}), COUNT({value}) "
            f"{source} GROUP BY e.{group}, fr.framework, fr.version, d.key"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [MapRow(*row) for row in cursor.fetchall()]

    def dimension_rows(self, *, framework: str | None) -> tuple[list[MapRow], list[MapRow]]:
        """The dimension rows by city and by industry (as `unnest` gives them). On PostgreSQL one pass
        over the rows and their JSON (GROUPING SETS) instead of two."""
        if connection.vendor != "postgresql":
            return (
                self.unnest(kind="dimension", group="city_code", framework=framework),
                self.unnest(kind="dimension", group="industry_division", framework=framework),
            )
        source, value, params = self._unnest_sql(kind="dimension", framework=framework)
        sql = (
            f"SELECT GROUPING(e.city_code), e.city_code, e.industry_division, fr.framework, fr.version, d.key, "
            f"COUNT(*), SUM({value}), COUNT({value}) {source} GROUP BY GROUPING SETS "
            f"((e.city_code, fr.framework, fr.version, d.key), (e.industry_division, fr.framework, fr.version, d.key))"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        by_city = [MapRow(city, *rest) for by_industry, city, _industry, *rest in rows if not by_industry]
        by_industry = [MapRow(industry, *rest) for by_industry, _city, industry, *rest in rows if by_industry]
        return by_city, by_industry

    def trend_rows(self) -> list[TrendRow]:
        """The rows by year."""
        return [
            TrendRow(*row)
            for row in FrameworkResult.objects.filter(
                in_analytics=True, assessment__in=self.trend_assessments
            )
            .values_list("assessment__year", "framework", "version")
            .annotate(n=Count("id"), total=Sum("score"), counted=Count("score"))
            .order_by("assessment__year")
        ]

    def year_rows(self) -> list[YearRow]:
        """Assessments by year and their counted composite index (the validated one where a reviewer
        validated answers), as the officials' queue shows it and the aggregates add it up."""
        return [
            YearRow(*row)
            for row in self.trend_assessments.annotate(composite=counted_total_score())
            .values_list("year")
            .annotate(n=Count("id"), total=Sum("composite"), counted=Count("composite"))
            .order_by("year")
        ]


class _AggregateSource:
    """The same grouped rows added up from ScoreAggregate (assessment.services.analytics) for the groups
    matching `scope` (lookups on the group key); `trend_scope`: the same without the year."""

    def __init__(self, scope: Mapping[str, Any], trend_scope: Mapping[str, Any]) -> None:
        self.rows = ScoreAggregate.objects.filter(**scope)
        self.trend = ScoreAggregate.objects.filter(**trend_scope)

    def status_counts(self) -> dict[str, int]:
        kind = ScoreAggregate.Kind.ASSESSMENT
        return dict(self.rows.filter(kind=kind).values_list("status").annotate(n=Sum("count")).order_by())

    def level_rows(self) -> list[LevelRow]:
        level, band = ScoreAggregate.Kind.LEVEL, ScoreAggregate.Kind.BAND
        return [
            LevelRow(
                framework, version, code if kind == level else None, code if kind == band else None, *numbers
            )
            for kind, framework, version, code, *numbers in self.rows.filter(kind__in=(level, band))
            .values_list("kind", "framework", "version", "code")
            .annotate(n=Sum("count"), veto=Sum("flagged"), score=Sum("total"))
            .order_by()
        ]

    def unnest(self, *, kind: str, group: str, framework: str | None) -> list[MapRow]:
        rows = self.rows.filter(kind=kind)
        if framework is not None:
            rows = rows.filter(framework=framework)
        return [
            MapRow(*row)
            for row in rows.values_list(group, "framework", "version", "code")
            .annotate(rows=Sum("count"), total=Sum("total"), counted=Sum("counted"))
            .order_by()
        ]

    def dimension_rows(self, *, framework: str | None) -> tuple[list[MapRow], list[MapRow]]:
        return (
            self.unnest(kind="dimension", group="city_code", framework=framework),
            self.unnest(kind="dimension", group="industry_division", framework=framework),
        )

    def trend_rows(self) -> list[TrendRow]:
        return [
            TrendRow(*row)
            for row in self.trend.filter(kind=ScoreAggregate.Kind.LEVEL)
            .values_list("year", "framework", "version")
            .annotate(n=Sum("count"), total=Sum("total"), counted=Sum("counted"))
            .order_by("year")
        ]

    def year_rows(self) -> list[YearRow]:
        return [
            YearRow(*row)
            for row in self.trend.filter(kind=ScoreAggregate.Kind.ASSESSMENT)
            .values_list("year")
            .annotate(n=Sum("count"), total=Sum("total"), counted=Sum("counted"))
            .order_by("year")
        ]


def _subtract(plus: list[Row], minus: list[Row], keys: int) -> list[Row]:
    """Rows of `plus` less the rows of `minus` with the same first `keys` fields (sums and counts);
    rows left without members (their first number) are dropped, as a GROUP BY would not give them."""
    left: dict[tuple[Any, ...], list[Any]] = {row[:keys]: list(row[keys:]) for row in plus}
    for row in minus:
        numbers = left[row[:keys]]  # `minus` is a subset of `plus`: its groups are there
        values: tuple[Any, ...] = row[keys:]
        for index, value in enumerate(values):
            numbers[index] = (numbers[index] or 0) - (value or 0)
    if not plus:
        return []
    make = cast(Callable[[list[Any]], Row], type(plus[0])._make)  # type: ignore[attr-defined]
    return [make([*group, *counts]) for group, counts in left.items() if counts[0]]


class _DifferenceSource:
    """The rows of `plus` (aggregates of the group filters) less those of `minus` (the live rows of the
    assessments in them that a text search leaves out): a broad search unnests the fewer rows."""

    def __init__(self, plus: _AggregateSource, minus: _LiveSource) -> None:
        self.plus = plus
        self.minus = minus

    def status_counts(self) -> dict[str, int]:
        counts = self.plus.status_counts()
        for status, count in self.minus.status_counts().items():
            counts[status] -= count
        return counts

    def level_rows(self) -> list[LevelRow]:
        return _subtract(self.plus.level_rows(), self.minus.level_rows(), 4)

    def unnest(self, *, kind: str, group: str, framework: str | None) -> list[MapRow]:
        return _subtract(
            self.plus.unnest(kind=kind, group=group, framework=framework),
            self.minus.unnest(kind=kind, group=group, framework=framework),
            4,
        )

    def dimension_rows(self, *, framework: str | None) -> tuple[list[MapRow], list[MapRow]]:
        plus = self.plus.dimension_rows(framework=framework)
        minus = self.minus.dimension_rows(framework=framework)
        return _subtract(plus[0], minus[0], 4), _subtract(plus[1], minus[1], 4)

    def trend_rows(self) -> list[TrendRow]:
        return _subtract(self.plus.trend_rows(), self.minus.trend_rows(), 3)

    def year_rows(self) -> list[YearRow]:
        return _subtract(self.plus.year_rows(), self.minus.year_rows(), 1)


def _group_counts(rows: list[MapRow]) -> dict[tuple[str, str, str], int]:
    counts: dict[tuple[str, str, str], int] = {}
    for row in rows:
        group = (row.group, row.framework, row.version)
        counts[group] = max(counts.get(group, 0), int(row.counted))
    return counts


def _heat(
    rows: list[MapRow], counts: Mapping[tuple[str, str, str], int], stats: FrameworkStats, labeller: Any
) -> list[HeatRow]:
    cells: dict[str, dict[str, float | None]] = defaultdict(dict)
    for row in rows:
        if (row.framework, row.version) == (stats.framework, stats.version):
            cells[row.group][row.key] = round((row.total or 0.0) / row.counted, 1) if row.counted else None
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


def _mean(total: float | None, counted: int) -> float | None:
    return round((total or 0.0) / counted, 2) if counted else None


def build_analytics(
    *,
    assessments: QuerySet[Assessment],
    trend_assessments: QuerySet[Assessment] | None = None,
    lang: str | None = None,
    detail: str | None = None,
) -> Analytics:
    """Analytics of `assessments` (already narrowed to a jurisdiction and filters) from the live rows;
    trends across years use `trend_assessments` (the same filters without the year), by default
    `assessments`. Heatmaps and weakest indicators (the costly part) are computed for every framework, or
    with `detail` only for that framework slug (the page shows one framework's details at a time)."""
    source = _LiveSource(assessments, trend_assessments if trend_assessments is not None else assessments)
    return _compose(source, lang=lang, detail=detail)


def aggregated_analytics(
    *,
    scope: Mapping[str, Any],
    trend_scope: Mapping[str, Any],
    lang: str | None = None,
    detail: str | None = None,
) -> Analytics:
    """The same figures as build_analytics, added up from the pre-aggregated groups matching `scope`
    (ScoreAggregate lookups: year, city_code, industry_division, size_class, status, frameworks__contains)."""
    return _compose(_AggregateSource(scope, trend_scope), lang=lang, detail=detail)


def _compose(
    source: _LiveSource | _AggregateSource | _DifferenceSource, *, lang: str | None, detail: str | None
) -> Analytics:
    """Label and arrange the source's grouped rows (6–7 queries, whatever the number of assessments)."""
    lang = lang or active_language()
    status_counts = source.status_counts()
    by_status = [
        StatusCount(code, str(label), status_counts.get(code, 0))
        for code, label in Assessment.Status.choices
        if code != Assessment.Status.DRAFT
    ]
    total = sum(status.assessments for status in by_status)

    grouped: dict[tuple[str, str], dict[str, Any]] = {}
    for row in source.level_rows():
        entry = grouped.setdefault(
            (row.framework, row.version), {"n": 0, "veto": 0, "score": 0.0, "levels": {}, "bands": {}}
        )
        if row.level is None:  # a band row: the same results again, by score
            band = int(row.band or 0)
            entry["bands"][band] = entry["bands"].get(band, 0) + row.results
            continue
        entry["n"] += row.results
        entry["veto"] += row.veto_failed or 0
        entry["score"] += row.score_total or 0.0
        level = normal_level(row.level)
        entry["levels"][level] = entry["levels"].get(level, 0) + row.results

    frameworks: list[FrameworkStats] = []
    for (framework, version), entry in sorted(grouped.items()):
        definition = _definition(framework, version)
        count = entry["n"]
        catalogue = [code for code, _label in level_catalogue(definition)]
        # A stored code the version no longer gives (a green-factory tier stored before the default tiers
        # were removed) counts as no level; labels are worded as on the results page, never codes.
        for code in [code for code in entry["levels"] if code not in catalogue]:
            entry["levels"][NO_LEVEL] = entry["levels"].get(NO_LEVEL, 0) + entry["levels"].pop(code)
        levels = [
            LevelCount(
                code,
                stored_level_text(definition, code, lang=lang),
                entry["levels"].get(code, 0),
                round(100 * entry["levels"].get(code, 0) / count, 1) if count else 0.0,
            )
            for code in catalogue
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
                bands=[
                    BandCount(
                        low,
                        entry["bands"].get(low, 0),
                        round(100 * entry["bands"].get(low, 0) / count, 1) if count else 0.0,
                    )
                    for low in BANDS
                ],
                dimensions=[
                    DimensionTitle(d["code"], pick(d.get("title"), lang)) for d in iter_dimensions(definition)
                ],
            )
        )

    if detail == FIRST:
        detail = frameworks[0].framework if frameworks else None
    detailed = [stats for stats in frameworks if detail is None or stats.framework == detail]
    if detailed:
        city_rows, industry_rows = source.dimension_rows(framework=detail)
        indicator_rows = source.unnest(kind="indicator", group="city_code", framework=detail)
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
        for scored in indicator_rows:
            if (scored.framework, scored.version) != (
                stats.framework,
                stats.version,
            ) or not scored.counted:
                continue
            province[scored.key][0] += scored.total or 0.0
            province[scored.key][1] += scored.counted
            per_city[scored.group][scored.key] = [scored.total or 0.0, scored.counted]
        stats.weakest = _weak(province, titles, WEAKEST)
        stats.weakest_by_city = [
            CityWeakest(reference.city_name(city, lang), _weak(per_city[city], titles, WEAKEST_PER_CITY))
            for city in sorted(per_city)
        ]

    trends: dict[str, list[TrendPoint]] = defaultdict(list)
    for trend in source.trend_rows():
        trends[f"{trend.framework}@{trend.version}"].append(
            TrendPoint(trend.year, trend.results, _mean(trend.score_total, trend.counted))
        )
    trend_counts = [
        TrendPoint(year.year, year.assessments, _mean(year.score_total, year.counted))
        for year in source.year_rows()
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
    assessments and enterprises (count, last update: auto_now on every save, e.g. status changes) and
    the newest ScoreAggregate row (every refresh or rebuild inserts rows with new ids)."""
    fr = FrameworkResult._meta.db_table
    a = Assessment._meta.db_table
    e = Enterprise._meta.db_table
    agg = ScoreAggregate._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM {fr}), (SELECT MAX(id) FROM {fr}), "
            f"(SELECT COUNT(*) FROM {a}), (SELECT MAX(updated_at) FROM {a}), "
            f"(SELECT COUNT(*) FROM {e}), (SELECT MAX(updated_at) FROM {e}), (SELECT MAX(id) FROM {agg})"
        )
        return tuple(str(value) for value in cursor.fetchone())


def _through_cache(parts: list[Any], compute: Callable[[], Analytics]) -> Analytics:
    key = (
        f"analytics:{CACHE_FORMAT}:" + hashlib.sha256(repr([*parts, data_fingerprint()]).encode()).hexdigest()
    )
    data = cache.get(key)
    if data is None:
        data = compute()
        cache.set(key, data, CACHE_SECONDS)
    return data


def cached_analytics(
    *,
    assessments: QuerySet[Assessment],
    trend_assessments: QuerySet[Assessment] | None = None,
    lang: str | None = None,
    detail: str | None = None,
    compute: Callable[[], Analytics] | None = None,
) -> Analytics:
    """build_analytics through the cache (see the module's docstring): one query when the same
    jurisdiction, filters, framework and language were computed since the data last changed; `compute`:
    another way to the same figures."""
    lang = lang or active_language()
    parts = [
        assessments.values("id").query.sql_with_params(),
        trend_assessments.values("id").query.sql_with_params() if trend_assessments is not None else None,
        lang,
        detail,
    ]
    return _through_cache(
        parts,
        compute
        or (
            lambda: build_analytics(
                assessments=assessments, trend_assessments=trend_assessments, lang=lang, detail=detail
            )
        ),
    )


# Filters that are columns of the aggregate groups: SubmissionFilters field -> ScoreAggregate lookup.
GROUP_FILTERS = {
    "city": "city_code",
    "industry": "industry_division",
    "size": "size_class",
    "status": "status",
    "year": "year",
}


def aggregate_scope(*, user: User, filters: SubmissionFilters) -> dict[str, Any] | None:
    """ScoreAggregate lookups selecting the user's jurisdiction under the filters (as for_analytics()
    gives them), or None when the aggregates cannot answer: a text search (not part of the group key),
    or a user who is not an official."""
    profile = official_profile_of(user)
    if profile is None or filters.q or any(mark in filters.level for mark in ",:"):
        return None
    if profile.city_code and filters.city not in ("", profile.city_code):
        return None  # another city than the official's: nothing (the live path says so in no time)
    scope: dict[str, Any] = {
        lookup: getattr(filters, name) for name, lookup in GROUP_FILTERS.items() if getattr(filters, name)
    }
    if profile.city_code:
        scope["city_code"] = profile.city_code
    if filters.exclude_returned and not filters.status:
        scope["status__in"] = (Assessment.Status.SUBMITTED, Assessment.Status.ACCEPTED)
    # The group's ",slug:level,slug:level," (assessment.services.analytics).
    if filters.framework and filters.level:
        scope["frameworks__contains"] = f",{filters.framework}:{filters.level},"
    elif filters.framework:
        scope["frameworks__contains"] = f",{filters.framework}:"
    elif filters.level:
        scope["frameworks__contains"] = f":{filters.level},"
    return scope


def official_analytics(
    *, user: User, filters: SubmissionFilters, lang: str | None = None, detail: str | None = None
) -> Analytics:
    """Analytics of the official's jurisdiction under the filters (trends: the same without the year),
    through the cache: added up from the pre-aggregated groups when every filter is a group column
    (all but the text search); with a text search, from the live rows of the matching assessments when
    they are at most half of those without it, else from the aggregates less the live rows of the
    assessments the search leaves out (never more than half are unnested). The same figures whichever
    way. Returned submissions only when the filters ask."""
    lang = lang or active_language()
    filters = filters.for_analytics()
    scope = aggregate_scope(user=user, filters=filters)
    if scope is not None:
        trend_scope = _without_year(scope)
        return _through_cache(
            ["aggregate", sorted(scope.items()), lang, detail],
            lambda: aggregated_analytics(scope=scope, trend_scope=trend_scope, lang=lang, detail=detail),
        )
    broader = aggregate_scope(user=user, filters=filters.without("q"))
    if filters.q and broader is not None:
        return cached_analytics(
            assessments=submissions(user, filters),
            trend_assessments=submissions(user, filters.without("year")),
            lang=lang,
            detail=detail,
            compute=lambda: _search_analytics(
                user=user, filters=filters, scope=broader, lang=lang, detail=detail
            ),
        )
    return cached_analytics(
        assessments=submissions(user, filters),
        trend_assessments=submissions(user, filters.without("year")),
        lang=lang,
        detail=detail,
    )


def _without_year(scope: Mapping[str, Any]) -> dict[str, Any]:
    return {lookup: value for lookup, value in scope.items() if lookup != "year"}


def left_out(user: User, filters: SubmissionFilters) -> list[int]:
    """Ids of the assessments the text search removes from the same filters without it (one query; the
    seven reads of their rows then look them up by key)."""
    matching = submissions(user, filters).values("pk")
    return list(submissions(user, filters.without("q")).exclude(pk__in=matching).values_list("pk", flat=True))


def _by_key(queryset: QuerySet[Assessment]) -> tuple[QuerySet[Assessment], int]:
    """The assessments of `queryset` looked up by key, and how many they are. On PostgreSQL their ids
    are read once and passed as one array, so that the reads which follow do not each search every
    enterprise's name again (a scan of the enterprise table per read; a two-character Chinese word
    is too short for a trigram index). Elsewhere the queryset itself, with its count."""
    if connection.vendor != "postgresql":
        return queryset, queryset.count()
    ids = list(queryset.values_list("pk", flat=True))
    return _with_ids(ids), len(ids)


def _with_ids(ids: list[int]) -> QuerySet[Assessment]:
    if connection.vendor != "postgresql":
        return Assessment.objects.filter(pk__in=ids)
    return Assessment.objects.filter(pk__in=RawSQL("SELECT unnest(%s::bigint[])", (ids,)))


def _search_analytics(
    *, user: User, filters: SubmissionFilters, scope: Mapping[str, Any], lang: str, detail: str | None
) -> Analytics:
    """A text search (`scope`: the aggregate lookups of the other filters)."""
    assessments, matching = _by_key(submissions(user, filters))
    kind = ScoreAggregate.Kind.ASSESSMENT
    total = ScoreAggregate.objects.filter(**scope, kind=kind).aggregate(n=Sum("count"))["n"] or 0
    if 2 * matching <= total:  # the search keeps at most half: unnest those
        return build_analytics(
            assessments=assessments,
            trend_assessments=_by_key(submissions(user, filters.without("year")))[0],
            lang=lang,
            detail=detail,
        )
    trend_scope = _without_year(scope)
    if matching == total and submissions(user, filters.without("year")).count() == sum(
        ScoreAggregate.objects.filter(**trend_scope, kind=kind).values_list("count", flat=True)
    ):  # the search leaves nothing out (e.g. a word in every name): the aggregates alone
        return aggregated_analytics(scope=scope, trend_scope=trend_scope, lang=lang, detail=detail)
    minus = _LiveSource(
        _with_ids(left_out(user, filters)),
        _with_ids(left_out(user, filters.without("year"))),
    )
    source = _DifferenceSource(_AggregateSource(scope, trend_scope), minus)
    return _compose(source, lang=lang, detail=detail)
