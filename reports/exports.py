"""Exports of submissions for officials: an Excel workbook and CSV, in constant memory.

Workbook: a summary sheet (one row per assessment: the enterprise, status, the overall index as
self-assessed and as counted, each framework's score and level) and one sheet per framework version (one
row per assessment: score, level, veto, the validated score, every dimension's percent and the key
indicators' percent of points earned: quantitative and limiting indicators; 未答 for an unanswered one,
not 0).
CSV: the summary columns plus every framework's dimension percents, one row per assessment.
综合指数（核定）is the overall index the officials' queue and analytics count: the validated result's where
a reviewer validated answers, else the self-assessed one (never blank for want of a validation); the
workbook's header cells say so in a comment.

Rows are read with `.iterator(chunk_size)` (the framework results prefetched per chunk, the large
result JSON deferred) and written as they come: XlsxWriter's constant-memory workbook into a temporary file,
CSV as a generator for StreamingHttpResponse. Text cells starting with = + - @ (or a tab / carriage
return) are prefixed with an apostrophe so spreadsheet programs never evaluate them as formulas.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

import xlsxwriter
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from assessment import reference
from assessment.models import Assessment, Enterprise, FrameworkResult
from assessment.presentation import stored_level_text
from assessment.selectors.rating import rating_scheme_for
from assessment.selectors.review import SubmissionFilters, counted_total_score
from questionnaires.definition import DefinitionNotFound, get_definition, iter_dimensions, iter_indicators
from questionnaires.rule_types import rule_type
from questionnaires.text import active_language, pick

CHUNK = 1000
Progress = Callable[[int], None]  # called with the number of assessments written so far
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A cell value safe from formula injection: text starting with = + - @ gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


@dataclass
class FrameworkColumns:
    """Columns of one framework version's sheet, read from its definition."""

    framework: str
    version: str
    title: str
    dimensions: list[tuple[str, str]] = field(default_factory=list)
    indicators: list[tuple[str, str]] = field(default_factory=list)
    definition: dict[str, Any] = field(default_factory=dict)
    scheme: dict[str, Any] | None = None  # the rating scheme configured for this version, if any

    @property
    def key(self) -> tuple[str, str]:
        return (self.framework, self.version)

    def level(self, result: FrameworkResult) -> str:
        """The result's level as the results page words it: never a stored code; a green-factory tier
        only from a configured scheme, with its name."""
        return stored_level_text(
            self.definition,
            result.level,
            score=result.score,
            veto_failed=result.veto_failed,
            scheme=self.scheme,
            lang=active_language(),
        )


def key_indicators(definition: dict[str, Any]) -> list[dict[str, Any]]:
    """The indicators a framework sheet lists: the quantitative ones (linear, bands, level thresholds: their
    rule type's `quantitative`; a choice whose option the figures propose, such as the SME digital changes
    增加/持平/降低) and the limiting ones; every indicator for a framework that has none of these (e.g.
    GB/T 36132-2018)."""
    questions = {question["code"]: question for question in definition.get("questions") or []}
    leaves = list(iter_indicators(definition, leaves_only=True))
    chosen = [
        indicator
        for indicator in leaves
        if indicator.get("limiting") or _quantitative(indicator) or _proposed(indicator, questions)
    ]
    return chosen or leaves


def _proposed(indicator: dict[str, Any], questions: dict[str, dict[str, Any]]) -> bool:
    """The indicator scores a choice that figures propose (the question's `proposed_by`)."""
    question = questions.get((indicator.get("rule") or {}).get("question") or "")
    return bool(question and question.get("proposed_by"))


def _quantitative(indicator: dict[str, Any]) -> bool:
    rule = indicator.get("rule") or {}
    kind = rule_type(rule)
    return kind is not None and kind.quantitative(rule)


def framework_columns(framework: str, version: str) -> FrameworkColumns:
    try:
        definition = get_definition(framework, version)
    except DefinitionNotFound:
        return FrameworkColumns(framework, version, framework)
    return FrameworkColumns(
        framework=framework,
        version=version,
        title=pick(definition.get("title")),
        dimensions=[(d["code"], pick(d.get("title"))) for d in iter_dimensions(definition)],
        indicators=[(i["code"], pick(i.get("title"))) for i in key_indicators(definition)],
        definition=definition,
        scheme=rating_scheme_for(framework, version),
    )


def export_frameworks(assessments: QuerySet[Assessment]) -> list[FrameworkColumns]:
    """The framework versions present among the assessments (one query)."""
    keys = (
        FrameworkResult.objects.filter(assessment__in=assessments, validated=False)
        .values_list("framework", "version")
        .distinct()
        .order_by("framework", "version")
    )
    return [framework_columns(framework, version) for framework, version in keys]


def export_queryset(assessments: QuerySet[Assessment]) -> Iterator[Assessment]:
    """The assessments with enterprise and framework results, in chunks (memory independent of the count)."""
    return (
        assessments.select_related("enterprise")
        .annotate(counted_score=counted_total_score())
        .defer("result", "validated_result", "factor_snapshot")
        .prefetch_related(
            Prefetch("framework_results", queryset=FrameworkResult.objects.order_by("framework"))
        )
        .order_by("enterprise__city_code", "enterprise__name", "year", "id")
        .iterator(chunk_size=CHUNK)
    )


def _base_header() -> list[str]:
    return [
        _("企业名称"),
        _("统一社会信用代码"),
        _("所在地市"),
        _("行业大类"),
        _("企业规模"),
        _("评估年度"),
        _("状态"),
        _("提交时间"),
        _("审核时间"),
        _("综合指数（自评）"),
        _("综合指数（核定）"),
    ]


def counted_note() -> str:
    """What the counted overall index is (the workbook's comment on its header cell)."""
    return _("计入统计的综合指数：有审核核定值时为核定后的指数，否则与自评相同。")


def export_filename(kind: str, filters: SubmissionFilters, extension: str) -> str:
    """The download name: what, where (city code or the province's), which year, when."""
    scope = filters.city or reference.PROVINCE_CODE
    year = filters.year or "all"
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return f"{kind}-{scope}-{year}-{stamp}.{extension}"


def _date(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


class _Labels:
    """Translated labels looked up once per export (not once per cell)."""

    def __init__(self) -> None:
        self.cities = {city.code: city.name() for city in reference.CITIES}
        self.industries = {d.code: f"{d.code} {d.name()}" for d in reference.INDUSTRY_DIVISIONS}
        self.sizes = {code: str(label) for code, label in Enterprise.SizeClass.choices}
        self.statuses = {code: str(label) for code, label in Assessment.Status.choices}
        self.veto = {True: _("未通过"), False: _("通过")}
        self.unanswered = _("未答")


# One set per language: a background export (a thread, in the requester's language) runs next to the
# process's requests in other languages, so a single shared "current" set would mix languages.
_labels: dict[str, _Labels] = {}


def labels() -> _Labels:
    language = get_language() or ""
    found = _labels.get(language)
    if found is None:
        found = _labels[language] = _Labels()
    return found


def _base_row(assessment: Assessment) -> list[Any]:
    enterprise = assessment.enterprise
    names = labels()
    return [
        enterprise.name,
        enterprise.uscc,
        names.cities.get(enterprise.city_code, enterprise.city_code),
        names.industries.get(enterprise.industry_division, enterprise.industry_division),
        names.sizes.get(enterprise.size_class, enterprise.size_class),
        assessment.year,
        names.statuses.get(assessment.status, assessment.status),
        _date(assessment.submitted_at),
        _date(assessment.decided_at),
        assessment.total_score,
        assessment.counted_score,  # export_queryset annotates it
    ]


def _results(
    assessment: Assessment,
) -> tuple[dict[tuple[str, str], FrameworkResult], dict[tuple[str, str], FrameworkResult]]:
    own: dict[tuple[str, str], FrameworkResult] = {}
    validated: dict[tuple[str, str], FrameworkResult] = {}
    for result in assessment.framework_results.all():
        (validated if result.validated else own)[(result.framework, result.version)] = result
    return own, validated


def summary_header(frameworks: list[FrameworkColumns]) -> list[str]:
    header = _base_header()
    for columns in frameworks:
        header += [
            f"{columns.title} {_('得分')}",
            f"{columns.title} {_('等级')}",
            f"{columns.title} {_('否决项')}",
        ]
    return header


def summary_row(assessment: Assessment, frameworks: list[FrameworkColumns], own: dict) -> list[Any]:
    row = _base_row(assessment)
    for columns in frameworks:
        result = own.get(columns.key)
        if result is None:
            row += [None, "", ""]
        else:
            row += [
                result.score,
                columns.level(result),
                labels().veto[result.veto_failed],
            ]
    return row


def framework_header(columns: FrameworkColumns) -> list[str]:
    return [
        *_base_header(),
        _("得分"),
        _("等级"),
        _("否决项"),
        _("审核后得分"),
        _("审核后等级"),
        *[f"{title}（%）" for _code, title in columns.dimensions],
        *[f"{title}（%）" for _code, title in columns.indicators],
    ]


def framework_row(
    assessment: Assessment,
    columns: FrameworkColumns,
    result: FrameworkResult,
    validated: FrameworkResult | None,
) -> list[Any]:
    dimensions = result.dimension_scores or {}
    indicators = result.indicator_scores or {}
    return [
        *_base_row(assessment),
        result.score,
        columns.level(result),
        labels().veto[result.veto_failed],
        validated.score if validated else None,
        columns.level(validated) if validated else "",
        *[(dimensions.get(code) or {}).get("percent") for code, _title in columns.dimensions],
        *[_indicator_cell(indicators, code) for code, _title in columns.indicators],
    ]


def _indicator_cell(indicators: dict[str, float | None], code: str) -> Any:
    """An indicator's percent; 未答 for an unanswered one (stored as None), not 0; blank when the
    indicator does not apply."""
    if code in indicators and indicators[code] is None:
        return labels().unanswered
    return indicators.get(code)


def _safe(row: Iterable[Any]) -> list[Any]:
    return [neutralise(value) for value in row]


def write_xlsx(
    assessments: QuerySet[Assessment], target: str | IO[bytes], *, progress: Progress | None = None
) -> int:
    """Write the workbook to a path (or binary file); returns the number of assessments written.

    XlsxWriter in constant-memory mode: each sheet's rows go to a temporary file as they are written,
    so memory does not grow with the number of rows; strings are never turned into formulas.
    `progress` is called after every CHUNK rows (background exports record it)."""
    frameworks = export_frameworks(assessments)
    options = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    if not isinstance(target, str):
        options["in_memory"] = False
    workbook = xlsxwriter.Workbook(target, options)
    summary = workbook.add_worksheet(_("汇总"))
    summary.write_row(0, 0, _safe(summary_header(frameworks)))
    counted = len(_base_header()) - 1  # 综合指数（核定）, the last base column: say what it counts
    summary.write_comment(0, counted, counted_note())
    sheets: dict[tuple[str, str], list[Any]] = {}  # key -> [worksheet, next row]
    by_key = {columns.key: columns for columns in frameworks}
    for columns in frameworks:
        # Sheet names: at most 31 characters, none of []:*?/\
        sheet = workbook.add_worksheet(f"{columns.framework[:22]}-{columns.version}"[:31])
        sheet.write_row(0, 0, _safe([columns.title, columns.version]))
        sheet.write_row(1, 0, _safe(framework_header(columns)))
        sheet.write_comment(1, counted, counted_note())
        sheets[columns.key] = [sheet, 2]
    count = 0
    for assessment in export_queryset(assessments):
        own, validated = _results(assessment)
        count += 1
        summary.write_row(count, 0, _safe(summary_row(assessment, frameworks, own)))
        for key, result in own.items():
            if key in sheets:
                sheet, row = sheets[key]
                sheet.write_row(
                    row, 0, _safe(framework_row(assessment, by_key[key], result, validated.get(key)))
                )
                sheets[key][1] = row + 1
        if progress is not None and count % CHUNK == 0:
            progress(count)
    _plan_sheet(workbook.add_worksheet(_("改进计划")), assessments)
    workbook.close()
    return count


def _plan_sheet(sheet: Any, assessments: QuerySet[Assessment]) -> None:
    """One row per action of the improvement plans of the exported submissions (reports/plan_analytics)."""
    from reports.plan_analytics import plan_records, plan_sheet_header, plan_sheet_rows

    sheet.write_row(0, 0, _safe(plan_sheet_header()))
    for index, row in enumerate(plan_sheet_rows(plan_records(assessments)), start=1):
        sheet.write_row(index, 0, _safe(row))


def xlsx_tempfile(assessments: QuerySet[Assessment]) -> tuple[IO[bytes], int]:
    """The workbook in a temporary file (opened for reading, already unlinked) and the number of rows."""
    with tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False) as handle:
        path = handle.name
    try:
        count = write_xlsx(assessments, path)
        result = open(path, "rb")
    finally:
        os.unlink(path)
    return result, count


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_header(frameworks: list[FrameworkColumns]) -> list[str]:
    header = summary_header(frameworks)
    for columns in frameworks:
        header += [f"{columns.title} {_('审核后得分')}"]
        header += [f"{columns.title} {title}（%）" for _code, title in columns.dimensions]
    return header


def csv_lines(assessments: QuerySet[Assessment]) -> Iterator[str]:
    """CSV text line by line (UTF-8 BOM first, so spreadsheet programs read the Chinese correctly)."""
    frameworks = export_frameworks(assessments)
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(_safe(csv_header(frameworks)))
    for assessment in export_queryset(assessments):
        own, validated = _results(assessment)
        row = summary_row(assessment, frameworks, own)
        for columns in frameworks:
            result = own.get(columns.key)
            other = validated.get(columns.key)
            row.append(other.score if other else None)
            dimensions = (result.dimension_scores if result else None) or {}
            row += [(dimensions.get(code) or {}).get("percent") for code, _title in columns.dimensions]
        yield writer.writerow(_safe(row))


def write_csv(assessments: QuerySet[Assessment], target: IO[str], *, progress: Progress | None = None) -> int:
    count = -1
    for line in csv_lines(assessments):
        target.write(line)
        count += 1
        if progress is not None and count and count % CHUNK == 0:
            progress(count)
    return count
