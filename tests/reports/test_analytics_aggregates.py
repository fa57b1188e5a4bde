"""The pre-aggregated analytics (ScoreAggregate) give exactly the live figures, for every filter the
aggregates answer and after every kind of write; the page reads them in a fixed number of queries."""

from __future__ import annotations

import re
from dataclasses import asdict
from decimal import Decimal

import pytest
from django.contrib.admin import site
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from assessment.models import AnalyticsEntry, Assessment, Enterprise, FrameworkResult, ScoreAggregate
from assessment.selectors.assessments import assessment_definitions, question_index
from assessment.selectors.review import SubmissionFilters, submissions
from assessment.services.analytics import analytics_deferred, analytics_rebuild, analytics_refresh
from assessment.services.assessments import answers_save_many, assessment_create, assessment_submit
from assessment.services.enterprises import EnterpriseProfile, enterprise_update
from assessment.services.review import (
    ACCEPT,
    RETURN,
    review_decide,
    review_validate_answer,
    review_validation_withdraw,
)
from questionnaires.frameworks import normal_level
from questionnaires.models import QuestionnaireVersion
from reports.analytics import (
    FIRST,
    LevelRow,
    MapRow,
    TrendRow,
    YearRow,
    _AggregateSource,
    _DifferenceSource,
    _LiveSource,
    _search_analytics,
    aggregate_scope,
    aggregated_analytics,
    build_analytics,
    official_analytics,
)
from reports.regional_data import build_regional_data
from tests.builders import demo_answers, make_submitted
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.usefixtures("empty_cache")

FILTERS = [
    SubmissionFilters(),
    SubmissionFilters(year=2025),
    SubmissionFilters(year=2024),
    SubmissionFilters(year=2025, city="230100"),
    SubmissionFilters(city="230600"),
    SubmissionFilters(year=2025, industry="C34"),
    SubmissionFilters(year=2025, size="small"),
    SubmissionFilters(status="accepted"),
    SubmissionFilters(year=2025, status="submitted", industry="C14"),
    SubmissionFilters(framework="sme_digital"),
    SubmissionFilters(year=2025, framework="clean_production_generic"),
    SubmissionFilters(year=2025, framework="green_factory", city="230200"),
    SubmissionFilters(year=2030),
    # Returned submissions: left out unless asked for (or the status filter is "returned").
    SubmissionFilters(include_returned=True),
    SubmissionFilters(year=2024, include_returned=True),
    SubmissionFilters(status="returned"),
]


@pytest.fixture
def versions(frameworks_loaded):
    return {(v.framework, v.version): v for v in QuestionnaireVersion.objects.all()}


@pytest.fixture
def data(versions, factor_set, enterprise, other_enterprise, sme_manager):
    """Assessments in three cities, two industries, several sizes, statuses, years and framework sets,
    stored the way assessment_submit stores them; the dairy's 2025 one through the services themselves."""
    daqing = EnterpriseFactory(name="大庆石化配件有限公司", city_code="230600", industry_division="C34")
    tiny = EnterpriseFactory(
        name="哈尔滨小型机械厂",
        city_code="230100",
        industry_division="C34",
        employees=12,
        revenue=Decimal("300"),
    )
    rows = [
        make_submitted(versions, enterprise=other_enterprise, changes={"dig24.q.devices_digital": 0}),
        make_submitted(
            versions,
            enterprise=daqing,
            status=Assessment.Status.ACCEPTED,
            changes={"mgmt.lawful_compliant": False},
        ),
        make_submitted(versions, enterprise=daqing, year=2024, status=Assessment.Status.RETURNED),
        make_submitted(versions, enterprise=tiny, changes={"dig24.q.devices_digital": 120}),
        make_submitted(versions, enterprise=enterprise, year=2024, changes={"dig24.q.devices_digital": 120}),
    ]
    # An assessment of two frameworks only (no SME digital result).
    FrameworkResult.objects.filter(assessment=rows[3], framework="sme_digital").delete()
    analytics_refresh(assessment_ids=[rows[3].pk])
    draft = assessment_create(
        enterprise=enterprise, year=2025, frameworks=["green_factory", "sme_digital"], user=sme_manager
    )
    _fill(draft, sme_manager)
    rows.append(assessment_submit(assessment=draft, user=sme_manager))
    return rows


def _fill(assessment: Assessment, user) -> None:
    known = question_index(assessment_definitions(assessment))
    values = {code: value for code, value in demo_answers().items() if code in known}
    errors = answers_save_many(assessment=assessment, user=user, values=values)
    assert not errors, {code: str(e.message) for code, e in errors.items()}


def _live(user, filters: SubmissionFilters, detail: str | None = None):
    filters = filters.for_analytics()
    return build_analytics(
        assessments=submissions(user, filters),
        trend_assessments=submissions(user, filters.without("year")),
        detail=detail,
    )


def _aggregated(user, filters: SubmissionFilters, detail: str | None = None):
    scope = aggregate_scope(user=user, filters=filters.for_analytics())
    assert scope is not None
    trend = {lookup: value for lookup, value in scope.items() if lookup != "year"}
    return aggregated_analytics(scope=scope, trend_scope=trend, detail=detail)


def _rows() -> set[tuple]:
    fields = [f.name for f in ScoreAggregate._meta.fields if f.name != "id"]
    return set(ScoreAggregate.objects.values_list(*fields))


def assert_current(*users) -> None:
    """The aggregates kept so far equal a rebuild from scratch, and give the live figures."""
    kept = _rows()
    entries = set(AnalyticsEntry.objects.values_list())
    analytics_rebuild()
    assert _rows() == kept
    assert set(AnalyticsEntry.objects.values_list()) == entries
    for user in users:
        for filters in FILTERS[:4] + FILTERS[9:10]:
            assert asdict(_aggregated(user, filters, FIRST)) == asdict(_live(user, filters, FIRST)), filters


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: ",".join(f"{k}={v}" for k, v in f.query_items()))
@pytest.mark.parametrize("detail", [None, FIRST, "sme_digital"])
def test_the_aggregates_give_the_live_figures_for_every_group_filter(
    data, province_official, filters, detail
):
    live = _live(province_official, filters, detail)
    assert asdict(_aggregated(province_official, filters, detail)) == asdict(live)


def test_the_data_covers_what_the_comparison_needs(data, province_official):
    everything = _live(province_official, SubmissionFilters(include_returned=True))
    assert everything.total == 6 and everything.years == [2024, 2025]
    assert _live(province_official, SubmissionFilters()).total == 5  # the returned one left out
    assert {s.framework for s in everything.frameworks} == {
        "clean_production_generic",
        "green_factory",
        "sme_digital",
    }
    assert any(s.veto_failed for s in everything.frameworks)
    frameworks = set(AnalyticsEntry.objects.values_list("frameworks", flat=True))
    assert {re.sub(r":[^,]*", "", key) for key in frameworks} == {
        ",clean_production_generic,green_factory,sme_digital,",
        ",clean_production_generic,green_factory,",
        ",green_factory,sme_digital,",
    }
    # Each framework with the level of its counted result (the level filter is a group column).
    assert ",clean_production_generic:none,green_factory:none,sme_digital:L1," in frameworks
    assert len({key.split("sme_digital:")[-1] for key in frameworks if "sme_digital" in key}) >= 2


def test_a_city_officials_aggregates_are_that_citys(data, city_official, province_official):
    for filters in (SubmissionFilters(), SubmissionFilters(year=2025), SubmissionFilters(industry="C34")):
        mine = _aggregated(city_official, filters, FIRST)
        assert asdict(mine) == asdict(_live(city_official, filters, FIRST))
        assert {row.code for s in mine.frameworks for row in s.by_city} <= {"230100"}
    # Another city than the official's: answered by the live rows (nothing).
    assert aggregate_scope(user=city_official, filters=SubmissionFilters(city="230200")) is None


def test_text_searches_are_answered_from_the_live_rows(data, province_official):
    for filters in (SubmissionFilters(q="大庆"), SubmissionFilters(q="有限", year=2025)):
        assert aggregate_scope(user=province_official, filters=filters.for_analytics()) is None
        assert asdict(official_analytics(user=province_official, filters=filters)) == asdict(
            _live(province_official, filters)
        )


def test_the_aggregates_follow_every_write(data, versions, sme_manager, city_official, province_official):
    dairy = data[-1]
    assert_current(province_official, city_official)
    # Return, resubmission with other answers, acceptance.
    review_decide(assessment=dairy, reviewer=city_official, decision=RETURN, note="请补充")
    assert_current(province_official, city_official)
    dairy.refresh_from_db()
    answers_save_many(assessment=dairy, user=sme_manager, values={"dig24.q.devices_digital": 0})
    assessment_submit(assessment=dairy, user=sme_manager)
    assert_current(province_official, city_official)
    before = _rows()
    # A reviewer's validation: analytics count the validated score from then on.
    review_validate_answer(
        assessment=dairy, reviewer=city_official, code="dig24.q.devices_digital", value=120, reason="有台账"
    )
    assert _rows() != before
    counted = FrameworkResult.objects.get(assessment=dairy, framework="sme_digital", in_analytics=True)
    assert counted.validated
    assert_current(province_official, city_official)
    review_decide(assessment=dairy, reviewer=city_official, decision=ACCEPT, note="")
    assert_current(province_official, city_official)
    # The enterprise moves to another city and becomes small: its assessments change groups.
    enterprise = dairy.enterprise
    profile = EnterpriseProfile(
        name=enterprise.name,
        uscc=enterprise.uscc,
        city_code="230200",
        industry_division=enterprise.industry_division,
        employees=15,
        revenue=Decimal("200"),
        contact_name=enterprise.contact_name,
        contact_phone=enterprise.contact_phone,
        contact_email=enterprise.contact_email,
    )
    enterprise_update(enterprise=enterprise, user=sme_manager, profile=profile)
    assert AnalyticsEntry.objects.get(assessment_id=dairy.pk).city_code == "230200"
    assert_current(province_official, city_official)


def _counted_composite(assessment: Assessment) -> float | None:
    """The composite index officials count, read from the stored results in Python."""
    if assessment.validated_result is not None:
        return assessment.validated_result["profile"]["overall"]["index"]
    return assessment.total_score


def _year_means(user, value) -> dict[int, float]:
    """The mean of value(assessment) by year over the user's analytics (returned ones left out)."""
    by_year: dict[int, list[float]] = {}
    for assessment in submissions(user, SubmissionFilters().for_analytics()):
        by_year.setdefault(assessment.year, []).append(value(assessment))
    return {year: round(sum(values) / len(values), 2) for year, values in sorted(by_year.items())}


def test_the_by_year_composite_is_the_counted_one_on_both_sources(data, city_official, province_official):
    dairy = data[-1]
    review_validate_answer(
        assessment=dairy, reviewer=city_official, code="dig24.q.devices_digital", value=0, reason="无台账"
    )
    dairy.refresh_from_db()
    assert _counted_composite(dairy) not in (None, dairy.total_score)  # the validation changed it
    assert_current(province_official, city_official)
    for user in (province_official, city_official):
        counted = _year_means(user, _counted_composite)
        assert counted[2025] != _year_means(user, lambda a: a.total_score)[2025]
        for source in (_live, _aggregated):
            trend = source(user, SubmissionFilters(year=2025)).trend_counts
            assert {point.year: point.mean_score for point in trend} == counted, source
    # The validation withdrawn: the self-assessed composite counts again, on both sources.
    review_validation_withdraw(
        assessment=dairy, reviewer=city_official, code="dig24.q.devices_digital", reason="复核无误"
    )
    dairy.refresh_from_db()
    assert dairy.validated_result is None
    assert_current(province_official, city_official)
    for source in (_live, _aggregated):
        trend = source(province_official, SubmissionFilters()).trend_counts
        assert {point.year: point.mean_score for point in trend} == _year_means(
            province_official, lambda a: a.total_score
        )


def test_admin_edits_and_deletions_recompute_the_aggregates(rf, client, admin_user, data, province_official):
    request = rf.post("/admin/")
    request.user = admin_user
    # An assessment with the SME again (returned) moved to another year, its results edited, then deleted.
    returned = data[2]
    returned.year = 2023
    site._registry[Assessment].save_model(request, returned, None, True)
    assert_current(province_official)
    result = returned.framework_results.get(framework="green_factory", validated=False)
    result.score, result.level = 12.5, ""
    site._registry[FrameworkResult].save_model(request, result, None, True)
    assert_current(province_official)
    site._registry[FrameworkResult].delete_queryset(request, FrameworkResult.objects.filter(pk=result.pk))
    assert_current(province_official)
    client.force_login(admin_user)
    response = client.post(reverse("admin:assessment_assessment_delete", args=[returned.pk]), {"post": "yes"})
    assert response.status_code == 302 and not Assessment.objects.filter(pk=returned.pk).exists()
    assert not AnalyticsEntry.objects.filter(assessment_id=returned.pk).exists()
    assert_current(province_official)
    # An enterprise moved to another city.
    enterprise = data[0].enterprise
    enterprise.city_code = "230600"
    site._registry[Enterprise].save_model(request, enterprise, None, True)
    assert set(
        AnalyticsEntry.objects.filter(assessment_id=data[0].pk).values_list("city_code", flat=True)
    ) == {"230600"}
    assert_current(province_official)


def test_the_page_reads_the_aggregates_in_a_fixed_number_of_queries(
    client, data, province_official, django_assert_num_queries
):
    filters = SubmissionFilters(year=2025)
    official_analytics(user=province_official, filters=filters, detail=FIRST)  # definitions read once
    cache.clear()
    # The data fingerprint, status counts, levels, 3 details, 2 trends (the official's profile is read
    # once per user object).
    with django_assert_num_queries(8):
        computed = official_analytics(user=province_official, filters=filters, detail=FIRST)
    with django_assert_num_queries(1):
        cached = official_analytics(user=province_official, filters=filters, detail=FIRST)
    assert asdict(cached) == asdict(computed) == asdict(_live(province_official, filters, FIRST))
    client.force_login(province_official)
    page = client.get(reverse("officials_analytics"), {"year": "2025"}).context["analytics"]
    assert asdict(page) == asdict(computed)


def test_a_refresh_is_never_served_stale_from_the_cache(data, city_official, province_official):
    filters = SubmissionFilters(year=2025)
    before = official_analytics(user=province_official, filters=filters)
    review_decide(assessment=data[0], reviewer=province_official, decision=ACCEPT, note="")
    after = official_analytics(user=province_official, filters=filters)
    assert dict((c, n) for c, _l, n in after.by_status)["accepted"] == (
        dict((c, n) for c, _l, n in before.by_status)["accepted"] + 1
    )
    assert asdict(after) == asdict(_live(province_official, filters))


def test_the_regional_pdf_has_the_pages_figures(data, province_official):
    region = build_regional_data(user=province_official, city_code="230100", year=2025)
    assert asdict(region.analytics) == asdict(
        _live(province_official, SubmissionFilters(city="230100", year=2025))
    )
    assert region.analytics.total == 2


def test_rebuild_analytics_restores_aggregates_written_around_the_services(data, province_official, capsys):
    kept = _rows()
    ScoreAggregate.objects.all().delete()
    AnalyticsEntry.objects.all().delete()
    call_command("rebuild_analytics")
    assert "aggregate rows" in capsys.readouterr().out
    assert _rows() == kept


def test_rebuild_analytics_in_the_background_is_a_task(data, settings, capsys):
    from django_tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    kept = _rows()
    ScoreAggregate.objects.all().delete()
    call_command("rebuild_analytics", background=True)
    assert "enqueued" in capsys.readouterr().out and not ScoreAggregate.objects.exists()
    [result] = default_task_backend.results
    assert result.task.module_path == "assessment.tasks.rebuild_analytics"
    assert result.task.call() == len(kept) and _rows() == kept


def _levels() -> list[tuple[str, str]]:
    """(framework, level filter) pairs present in the data, each also without its framework."""
    pairs = set()
    for framework, level in FrameworkResult.objects.filter(in_analytics=True).values_list(
        "framework", "level"
    ):
        code = normal_level(level)
        pairs |= {(framework, code), ("", code)}
    return sorted(pairs)


def test_level_filters_are_group_columns_giving_the_live_figures(data, province_official, city_official):
    assert len(_levels()) >= 7
    for framework, level in _levels():
        for user in (province_official, city_official):
            for year, returned in ((None, False), (2025, False), (None, True)):
                filters = SubmissionFilters(
                    framework=framework, level=level, year=year, include_returned=returned
                )
                assert aggregate_scope(user=user, filters=filters.for_analytics()) is not None
                assert asdict(official_analytics(user=user, filters=filters, detail=FIRST)) == asdict(
                    _live(user, filters, FIRST)
                ), (user, filters)
    # A level nobody reached, and one of another framework: nothing, as the live rows say.
    for filters in (SubmissionFilters(level="L4"), SubmissionFilters(framework="green_factory", level="L2")):
        assert asdict(official_analytics(user=province_official, filters=filters)) == asdict(
            _live(province_official, filters)
        )


def test_broad_text_searches_give_the_live_figures_from_the_aggregates_less_the_assessments_left_out(
    data, province_official, city_official
):
    differences = 0
    for q in ("有限", "哈尔滨", "大庆", "齐齐哈尔", "石化", "91230", "nothing", "公司"):
        for user in (province_official, city_official):
            for year in (None, 2025):
                filters = SubmissionFilters(q=q, year=year).for_analytics()
                broader = aggregate_scope(user=user, filters=filters.without("q"))
                matching = submissions(user, filters).count()
                differences += 2 * matching > submissions(user, filters.without("q")).count()
                computed = _search_analytics(
                    user=user, filters=filters, scope=broader, lang="zh-hans", detail=FIRST
                )
                assert asdict(computed) == asdict(_live(user, filters, FIRST)), (user, filters)
                assert asdict(official_analytics(user=user, filters=filters, detail=FIRST)) == asdict(
                    computed
                )
    assert differences >= 4  # the subtraction was exercised, not only the live path


def test_a_broad_text_search_reads_few_live_rows(data, province_official, django_assert_max_num_queries):
    filters = SubmissionFilters(q="有限")
    expected = asdict(_live(province_official, filters, FIRST))
    official_analytics(user=province_official, filters=filters, detail=FIRST)
    cache.clear()
    # Fingerprint, the matching count, the total, the ids left out (this year, every year), 7 aggregate
    # and 7 live queries.
    with django_assert_max_num_queries(19):
        assert asdict(official_analytics(user=province_official, filters=filters, detail=FIRST)) == expected


def test_deferred_refreshes_rebuild_once_at_the_end(versions, factor_set, enterprise, sme_manager):
    """seed_demo's bulk writers: inside analytics_deferred a submission leaves the aggregates alone, and the
    block's end rebuilds them to what per-submission refreshes would have kept."""
    draft = assessment_create(
        enterprise=enterprise, year=2025, frameworks=["green_factory", "sme_digital"], user=sme_manager
    )
    _fill(draft, sme_manager)
    with analytics_deferred():
        assessment_submit(assessment=draft, user=sme_manager)
        assert not ScoreAggregate.objects.exists() and not AnalyticsEntry.objects.exists()
    assert AnalyticsEntry.objects.filter(assessment_id=draft.pk).exists()
    kept = _rows()
    assert kept
    analytics_refresh(assessment_ids=[draft.pk])
    assert _rows() == kept


def test_every_source_gives_the_same_typed_rows(data, province_official):
    filters = SubmissionFilters(include_returned=True).for_analytics()
    scope = aggregate_scope(user=province_official, filters=filters)
    trend = {lookup: value for lookup, value in scope.items() if lookup != "year"}
    everything = submissions(province_official, filters)
    live = _LiveSource(everything, everything)
    aggregates = _AggregateSource(scope, trend)
    # The aggregates less the live rows of none of the assessments: the aggregates again.
    nothing = everything.filter(pk=0)
    difference = _DifferenceSource(aggregates, _LiveSource(nothing, nothing))
    reads = {
        LevelRow: lambda source: source.level_rows(),
        MapRow: lambda source: source.unnest(kind="indicator", group="city_code", framework=None),
        TrendRow: lambda source: source.trend_rows(),
        YearRow: lambda source: source.year_rows(),
    }
    for row_type, read in reads.items():
        rows = [read(source) for source in (live, aggregates, difference)]
        assert rows[0] and all(type(row) is row_type for each in rows for row in each)
        # The same groups and counts (float sums may differ in their last digits by the order of addition).
        counts = [sorted(((*row[: len(row) - 3], row[-3]) for row in each), key=repr) for each in rows]
        if row_type is YearRow:
            counts = [sorted((row.year, row.assessments, row.counted) for row in each) for each in rows]
        assert counts[0] == counts[1] == counts[2], row_type
