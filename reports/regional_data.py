"""The regional summary's data: one jurisdiction (the province or a city) and one year.

build_regional_data makes every database read (through reports.analytics); reports/regional.py renders
the PDF from its RegionalData without a query, as reports/pdf.py renders the enterprise report's data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.utils import translation

from assessment import reference
from assessment.selectors.review import SubmissionFilters
from questionnaires.text import is_english
from reports.analytics import Analytics, official_analytics
from reports.plan_analytics import PlanAnalytics, plan_analytics, plan_note

if TYPE_CHECKING:
    from assessment.models import User


@dataclass
class RegionalData:
    lang: str
    region: str
    year: int
    generated: str
    analytics: Analytics
    city_code: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    plan: PlanAnalytics | None = None  # the jurisdiction's improvement plans (reports/plan_analytics.py)
    plan_note: str = ""

    @property
    def is_english(self) -> bool:
        return is_english(self.lang)


def build_regional_data(
    *,
    user: User,
    city_code: str,
    year: int,
    lang: str = "zh-hans",
    generated: date | None = None,
) -> RegionalData:
    """Every figure of the regional report of the official's jurisdiction (or, for the province, the city
    `city_code`) for a year: the analytics page's figures for every framework (the database reads)."""
    filters = SubmissionFilters(city=city_code, year=year)
    with translation.override(lang):
        data = official_analytics(user=user, filters=filters, lang=lang)
        plan = plan_analytics(user=user, filters=filters, lang=lang)
        note = plan_note()
    region = (
        reference.city_name(city_code, lang)
        if city_code
        else reference.PROVINCE_NAME["en" if lang == "en" else "zh"]
    )
    return RegionalData(
        lang=lang,
        region=region,
        year=year,
        generated=(generated or date.today()).isoformat(),
        analytics=data,
        city_code=city_code,
        plan=plan,
        plan_note=note,
    )
