"""Officials' analytics page, exports and the regional summary PDF (thin views).

Officials only (403 for everyone else); every figure and row comes from the jurisdiction-scoped
submissions (a city official: that city only, whatever the parameters say).
"""

from __future__ import annotations

from dataclasses import replace

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from assessment import reference
from assessment.selectors import review as selectors
from assessment.views.review import filter_context, require_official
from reports import charts
from reports.analytics import FIRST, cached_analytics
from reports.exports import csv_lines, xlsx_tempfile
from reports.regional import build_regional_data, render_regional_pdf


@login_required
@require_GET
def analytics(request: HttpRequest) -> HttpResponse:
    require_official(request)
    filters = selectors.filters_from(request.GET, user=request.user)
    if "year" not in request.GET:
        # Opened without a choice: the latest year (trends still span every year); "全部" sends year=.
        years = selectors.filter_years(request.user)
        filters = replace(filters, year=years[0] if years else None)
    data = cached_analytics(
        assessments=selectors.submissions(request.user, filters),
        trend_assessments=selectors.submissions(request.user, filters.without("year")),
        detail=filters.framework or FIRST,
    )
    context = filter_context(request, filters)
    context.update(
        analytics=data,
        status_chart=charts.status_bars(data.by_status),
        trend_chart=charts.trend_lines(data),
        level_charts={stats.key: charts.level_bar(stats.levels) for stats in data.frameworks},
    )
    return render(request, "reports/analytics.html", context)


def _filename(kind: str, filters: selectors.SubmissionFilters, extension: str) -> str:
    scope = filters.city or reference.PROVINCE_CODE
    year = filters.year or "all"
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return f"{kind}-{scope}-{year}-{stamp}.{extension}"


@login_required
@require_GET
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The filtered submissions as CSV (streamed) or an Excel workbook (built in a temporary file)."""
    require_official(request)
    filters = selectors.filters_from(request.GET, user=request.user)
    assessments = selectors.submissions(request.user, filters)
    if fmt == "csv":
        response = StreamingHttpResponse(csv_lines(assessments), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{_filename("submissions", filters, "csv")}"'
    elif fmt == "xlsx":
        handle, _count = xlsx_tempfile(assessments)
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=_filename("submissions", filters, "xlsx"),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def regional_pdf(request: HttpRequest) -> HttpResponse:
    """The regional summary of the official's jurisdiction (or, for the province, one city) for a year."""
    require_official(request)
    filters = selectors.filters_from(request.GET, user=request.user)
    years = selectors.filter_years(request.user)
    year = filters.year or (years[0] if years else timezone.localdate().year)
    filters = selectors.SubmissionFilters(city=filters.city, year=year)
    lang = request.GET.get("lang") or get_language() or "zh-hans"
    lang = "en" if lang.startswith("en") else "zh-hans"
    data = build_regional_data(
        assessments=selectors.submissions(request.user, filters),
        trend_assessments=selectors.submissions(request.user, filters.without("year")),
        city_code=filters.city,
        year=year,
        lang=lang,
    )
    response = HttpResponse(render_regional_pdf(data), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename("regional", filters, "pdf")}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
