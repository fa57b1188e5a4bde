"""Officials' analytics page and the regional summary PDF (thin views; exports: views_exports).

Officials only (403 for everyone else); every figure and row comes from the jurisdiction-scoped
submissions (a city official: that city only, whatever the parameters say).
"""

from __future__ import annotations

from dataclasses import replace

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from assessment.permissions import require_official
from assessment.selectors import review as selectors
from questionnaires.text import active_language, report_language
from reports import charts
from reports.analytics import FIRST, official_analytics
from reports.exports import export_filename
from reports.plan_analytics import plan_analytics, plan_context, plan_default_year
from reports.regional import render_regional_pdf
from reports.regional_data import build_regional_data


@login_required
@require_GET
def analytics(request: HttpRequest) -> HttpResponse:
    require_official(request)
    filters = selectors.filters_from(request.GET, user=request.user)
    plan_filters = filters
    year_defaulted = "year" not in request.GET  # "全部" sends year=, an explicit choice of every year
    if year_defaulted:
        # Opened without a choice: the latest finished year with submissions (trends still span every
        # year); the plans: the latest year whose plans have work done, else the same year.
        filters = replace(filters, year=selectors.default_year(request.user))
        plan_year = plan_default_year(user=request.user, filters=filters) or filters.year
        plan_filters = replace(filters, year=plan_year)
    data = official_analytics(user=request.user, filters=filters, detail=filters.framework or FIRST)
    context = selectors.filter_choices(user=request.user, filters=filters)
    context.update(
        analytics=data,
        status_chart=charts.status_bars(data.by_status),
        trend_chart=charts.trend_lines(data),
        level_charts={stats.key: charts.level_bar(stats.levels) for stats in data.frameworks},
        band_charts={stats.key: charts.band_bars(stats.bands) for stats in data.frameworks},
        returned_toggle=True,
        year_defaulted=year_defaulted,
        **plan_context(
            plan_analytics(user=request.user, filters=plan_filters, lang=active_language()),
            year=plan_filters.year,
            year_differs=plan_filters.year != filters.year,
        ),
    )
    return render(request, "reports/analytics.html", context)


@login_required
@require_GET
def regional_pdf(request: HttpRequest) -> HttpResponse:
    """The regional summary of the official's jurisdiction (or, for the province, one city) for a year."""
    require_official(request)
    filters = selectors.filters_from(request.GET, user=request.user)
    year = filters.year or selectors.default_year(request.user) or timezone.localdate().year
    filters = selectors.SubmissionFilters(city=filters.city, year=year)
    lang = report_language(request.GET.get("lang"))
    data = build_regional_data(
        user=request.user,
        city_code=filters.city,
        year=year,
        lang=lang,
    )
    response = HttpResponse(render_regional_pdf(data), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{export_filename("regional", filters, "pdf")}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
