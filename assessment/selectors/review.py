"""Reads for officials: the filtered set of submissions in a jurisdiction, the review queue and the
review page of one assessment.

Jurisdiction comes first in every read (assessments_visible_to: a city official sees that city's
non-draft assessments, the province official all of them); filters only narrow it down. The queue is
a fixed number of queries whatever the number of rows (count, status counts, one page, its results).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, NamedTuple

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, Exists, F, FloatField, OuterRef, Prefetch, Q, QuerySet, When
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils import timezone

from assessment import reference
from assessment.models import (
    Assessment,
    AuditEvent,
    Enterprise,
    FrameworkResult,
    ReviewComment,
    ValidatedAnswer,
)
from assessment.permissions import assessments_visible_to, official_profile_of
from assessment.presentation import stored_level_text
from assessment.selectors.assessments import AssessmentPage, assessment_page, validated_answers
from questionnaires import frameworks
from questionnaires.definition import DefinitionNotFound, get_definition
from questionnaires.models import QuestionnaireVersion
from questionnaires.text import is_english, pick

if TYPE_CHECKING:
    from assessment.models import User

REVIEW_STATUSES = (Assessment.Status.SUBMITTED, Assessment.Status.RETURNED, Assessment.Status.ACCEPTED)
# Sort keys offered on the queue: key -> ordering (a leading "-" in the request reverses it).
SORTS: dict[str, tuple[str, ...]] = {
    "submitted": ("submitted_at", "id"),
    "name": ("enterprise__name", "id"),
    "city": ("enterprise__city_code", "enterprise__name", "id"),
    "score": ("counted_score", "id"),
    "year": ("year", "enterprise__name", "id"),
    "status": ("status", "enterprise__name", "id"),
}
DEFAULT_SORT = "-submitted"
NONE_LEVEL = frameworks.NO_LEVEL_LABEL
PER_PAGE = 25
MAX_QUERY = 100


@dataclass(frozen=True)
class SubmissionFilters:
    """What the queue, analytics and exports are narrowed to (blank: no filter). Cleaned values only."""

    city: str = ""
    industry: str = ""
    size: str = ""
    framework: str = ""
    level: str = ""
    status: str = ""
    year: int | None = None
    q: str = ""
    sort: str = DEFAULT_SORT
    # Analytics leave returned submissions out unless asked (`returned=1`) or the status filter is
    # "returned"; the queue and exports list them whatever this says. exclude_returned is set by
    # for_analytics(), never from a request.
    include_returned: bool = False
    exclude_returned: bool = False

    def for_analytics(self) -> SubmissionFilters:
        """These filters as the analytics apply them: returned submissions left out unless asked for."""
        return replace(self, exclude_returned=not self.include_returned and not self.status)

    def without(self, *names: str) -> SubmissionFilters:
        return replace(self, **{name: SubmissionFilters.__dataclass_fields__[name].default for name in names})

    def query_items(self) -> list[tuple[str, str]]:
        """Non-default filters as (name, value) pairs for links (sorting, paging, exports)."""
        items = []
        for name in ("city", "industry", "size", "framework", "level", "status", "year", "q", "sort"):
            value = getattr(self, name)
            if value not in ("", None) and not (name == "sort" and value == DEFAULT_SORT):
                items.append((name, str(value)))
        if self.include_returned:
            items.append(("returned", "1"))
        return items


def _framework_slugs() -> set[str]:
    from questionnaires.models import QuestionnaireVersion

    return set(
        QuestionnaireVersion.objects.exclude(status="bank").values_list("framework", flat=True).distinct()
    )


def filters_from(params: Mapping[str, Any], *, user: User | None = None) -> SubmissionFilters:
    """Clean request parameters into filters; unknown values are dropped (never an error page).
    A city official's city filter is fixed to their city (jurisdiction also applies independently)."""

    def get(name: str) -> str:
        value = params.get(name, "")
        # NUL characters removed: PostgreSQL refuses them in a query (a 500 otherwise).
        return str(value).replace("\x00", "").strip() if value is not None else ""

    city = get("city") if reference.is_city_code(get("city")) else ""
    profile = official_profile_of(user) if user is not None else None
    if profile is not None and profile.city_code:
        city = profile.city_code
    industry = get("industry").upper()
    industry = industry if reference.is_industry_division(industry) else ""
    size = get("size") if get("size") in Enterprise.SizeClass.values else ""
    status = get("status") if get("status") in REVIEW_STATUSES else ""
    framework = get("framework")
    framework = framework if framework and framework in _framework_slugs() else ""
    level = frameworks.normal_level(get("level")[:32]) if get("level") else ""
    year_text = get("year")
    year = int(year_text) if year_text.isdigit() and 2000 <= int(year_text) <= 2100 else None
    sort = get("sort") or DEFAULT_SORT
    if sort.lstrip("-") not in SORTS:
        sort = DEFAULT_SORT
    return SubmissionFilters(
        city=city,
        industry=industry,
        size=size,
        framework=framework,
        level=level,
        status=status,
        year=year,
        q=get("q")[:MAX_QUERY],
        sort=sort,
        include_returned=get("returned") == "1",
    )


def submissions(user: User, filters: SubmissionFilters) -> QuerySet[Assessment]:
    """The user's visible submitted/returned/accepted assessments narrowed by the filters (no ordering)."""
    return apply_filters(assessments_visible_to(user), filters)


def apply_filters(queryset: QuerySet[Assessment], filters: SubmissionFilters) -> QuerySet[Assessment]:
    """Narrow assessments to submissions (not drafts) matching the filters; the caller applies jurisdiction."""
    queryset = queryset.filter(status__in=REVIEW_STATUSES)
    if filters.city:
        queryset = queryset.filter(enterprise__city_code=filters.city)
    if filters.industry:
        queryset = queryset.filter(enterprise__industry_division=filters.industry)
    if filters.size:
        queryset = queryset.filter(enterprise__size_class=filters.size)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    elif filters.exclude_returned:
        queryset = queryset.exclude(status=Assessment.Status.RETURNED)
    if filters.year:
        queryset = queryset.filter(year=filters.year)
    if filters.framework or filters.level:
        # The result analytics count: validated where a reviewer validated answers, else self-assessed.
        results = FrameworkResult.objects.filter(assessment=OuterRef("pk"), in_analytics=True)
        if filters.framework:
            results = results.filter(framework=filters.framework)
        if filters.level:
            # "none": no level reached, however the method stores it (the method registry).
            results = results.filter(
                Q(level__in=sorted(frameworks.no_level_codes()))
                if filters.level == frameworks.NO_LEVEL
                else Q(level=filters.level)
            )
        queryset = queryset.filter(Exists(results))
    if filters.q:
        text = filters.q
        queryset = queryset.filter(
            Q(enterprise__name__icontains=text) | Q(enterprise__uscc__icontains=text.upper())
        )
    return queryset


def counted_total_score() -> Case:
    """The composite index officials count, as the counted framework results: the validated one where a
    reviewer validated answers (Assessment.validated_result), else the self-assessed one (total_score)."""
    return Case(
        When(
            validated_result__isnull=False,
            then=Cast(KT("validated_result__profile__overall__index"), FloatField()),
        ),
        default=F("total_score"),
        output_field=FloatField(),
    )


def ordered(queryset: QuerySet[Assessment], sort: str) -> QuerySet[Assessment]:
    """The queryset in a queue order, annotated with `counted_score` (the composite index shown)."""
    queryset = queryset.annotate(counted_score=counted_total_score())
    key = sort.lstrip("-")
    fields = SORTS.get(key, SORTS["submitted"])
    if sort.startswith("-"):
        fields = tuple(f"-{name}" for name in fields)
    return queryset.order_by(*fields)


class StatusCount(NamedTuple):
    """How many assessments have one status: the review queue's tabs and the officials' analytics."""

    code: str
    label: str
    assessments: int


@dataclass
class ReviewQueue:
    page: Page
    total: int
    by_status: list[StatusCount]
    filters: SubmissionFilters
    rows: list[Assessment] = field(default_factory=list)


class _CountedPaginator(Paginator):
    """A paginator told its count (known from the status counts) instead of counting the rows again."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self.known_count = count

    @property
    def count(self) -> int:
        return self.known_count


def review_queue(
    *, user: User, filters: SubmissionFilters, page: Any = 1, per_page: int = PER_PAGE
) -> ReviewQueue:
    """One page of the filtered submissions with their enterprises and self-assessed/validated results,
    and the counts by status under the other filters, which also give the page count (3 queries)."""
    counts = dict(
        submissions(user, filters.without("status")).values_list("status").annotate(n=Count("id")).order_by()
    )
    by_status = [
        StatusCount(code, str(label), counts.get(code, 0))
        for code, label in Assessment.Status.choices
        if code in REVIEW_STATUSES
    ]
    queryset = (
        ordered(submissions(user, filters), filters.sort)
        .select_related("enterprise")
        .defer("result", "validated_result", "factor_snapshot")
        .prefetch_related(
            Prefetch("framework_results", queryset=FrameworkResult.objects.order_by("framework", "validated"))
        )
    )
    # The count under the filters is one of the status counts (or their sum): no COUNT query of its own.
    total = (
        counts.get(filters.status, 0)
        if filters.status
        else sum(counts.get(code, 0) for code in REVIEW_STATUSES)
    )
    paginator = _CountedPaginator(queryset, per_page, count=total)
    page_obj = paginator.get_page(page)
    return ReviewQueue(
        page=page_obj,
        total=paginator.count,
        by_status=by_status,
        filters=filters,
        rows=list(page_obj.object_list),
    )


@dataclass
class ReviewPage:
    """The review page of one assessment: the SME's page data plus the review's own rows."""

    page: AssessmentPage
    validated: dict[str, ValidatedAnswer]
    events: list[AuditEvent]
    framework_results: list[FrameworkResult]

    @property
    def assessment(self) -> Assessment:
        return self.page.assessment

    @property
    def comments(self) -> list[ReviewComment]:
        return self.page.comments


def review_page(assessment: Assessment) -> ReviewPage:
    """Definitions, answers, evidence, comments (assessment_page), validated answers, the audit trail and
    the stored results of one assessment: a fixed number of queries."""
    page = assessment_page(assessment)
    validated = validated_answers(assessment)
    events = list(
        AuditEvent.objects.filter(assessment=assessment)
        .select_related("actor")
        .order_by("-created_at", "-id")[:200]
    )
    results = list(FrameworkResult.objects.filter(assessment=assessment).order_by("framework", "validated"))
    return ReviewPage(page=page, validated=validated, events=events, framework_results=results)


@dataclass(frozen=True)
class ChangeSinceReturn:
    code: str
    before: Any
    after: Any


def changes_since_return(page: ReviewPage) -> tuple[AuditEvent | None, list[ChangeSinceReturn]]:
    """The latest return of a resubmitted assessment and the answers changed since (before, after), in
    questionnaire order; (None, []) when it was never returned or not resubmitted since. No query."""
    assessment = page.assessment
    event = next((e for e in page.events if e.action == "review.return"), None)
    if (
        event is None
        or "answers" not in (event.detail or {})
        or assessment.submitted_at is None
        or assessment.submitted_at < event.created_at
    ):
        return None, []
    before = event.detail["answers"] or {}
    after = page.page.values
    order = list(dict.fromkeys([*before, *after]))
    changes = [
        ChangeSinceReturn(code=code, before=before.get(code), after=after.get(code))
        for code in order
        if before.get(code) != after.get(code)
    ]
    position = {
        code: i
        for i, code in enumerate(q["code"] for d in page.page.definitions for q in d.get("questions") or [])
    }
    changes.sort(key=lambda c: position.get(c.code, len(position)))
    return event, changes


def filter_years(user: User) -> list[int]:
    """Years with submissions visible to the user, newest first (one query)."""
    return list(
        assessments_visible_to(user)
        .filter(status__in=REVIEW_STATUSES)
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )


def default_year(user: User, *, today: dt.date | None = None) -> int | None:
    """The year officials' analytics show when none is chosen: the latest year with submissions that has
    ended (the current year's assessments arrive mostly the year after, so it holds few); the current
    year only when no earlier year has any; None without submissions (one query)."""
    years = filter_years(user)
    this_year = (today or timezone.localdate()).year
    return next((year for year in years if year < this_year), years[0] if years else None)


def short_title(framework: str) -> str:
    """The framework's family's short title in the active language (questionnaires/families.yaml)."""
    return frameworks.short_title(framework, "en" if is_english() else "zh-hans")


def result_definition(framework: str, version: str) -> dict[str, Any]:
    """A stored result's framework version definition (cached), or a stand-in when it is gone."""
    try:
        return get_definition(framework, version)
    except DefinitionNotFound:
        return {"framework": framework, "version": version}


def filter_choices(*, user: User, filters: SubmissionFilters) -> dict[str, Any]:
    """The filter form's context shared by the queue, analytics and exports: the filters, their query
    string and the choices offered (cities of the jurisdiction, frameworks, levels, years)."""
    profile = official_profile_of(user)
    cities = (
        reference.CITIES if profile is None or not profile.city_code else [reference.city(profile.city_code)]
    )
    versions = list(
        QuestionnaireVersion.objects.live()
        .exclude(status="bank")
        .defer("definition")
        .order_by("framework", "-version")
    )
    english = is_english()
    # A framework filter matches every version of it: labelled by the current version's title (a legacy
    # version's title says "legacy"), the newest one where no version is current.
    titles: dict[str, str] = {}
    for v in sorted(versions, key=lambda v: v.status != QuestionnaireVersion.Status.CURRENT):
        titles.setdefault(v.framework, v.title_en if english else v.title_zh)
    titles = dict(sorted(titles.items()))
    levels: dict[str, str] = {}
    level_labels: dict[str, dict[str, str]] = {}
    lang = "en" if english else "zh-hans"
    for version in versions:
        definition = get_definition(version.framework, version.version)
        for code, _label in frameworks.level_catalogue(definition):
            label = stored_level_text(definition, code, lang=lang)  # as results are worded, never a code
            level_labels.setdefault(version.framework, {}).setdefault(code, label)
            if code != frameworks.NO_LEVEL:
                levels.setdefault(code, f"{short_title(version.framework)} · {label}")
    levels[frameworks.NO_LEVEL] = pick(NONE_LEVEL)
    return {
        "filters": filters,
        "filter_query": "&".join(f"{k}={v}" for k, v in filters.query_items() if k != "sort"),
        "city_choices": [(c.code, c.name()) for c in cities if c is not None],
        "city_fixed": bool(profile and profile.city_code),
        "industry_choices": reference.industry_choices(),
        "size_choices": Enterprise.SizeClass.choices,
        "status_choices": [(c, label) for c, label in Assessment.Status.choices if c in REVIEW_STATUSES],
        "framework_choices": list(titles.items()),
        "level_choices": list(levels.items()),
        "level_labels": level_labels,
        "year_choices": filter_years(user),
    }
