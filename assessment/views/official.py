"""Officials' pages: the home page with a summary of their jurisdiction."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from assessment.models import OfficialProfile
from assessment.selectors.enterprises import jurisdiction_summary


def official_home_context(profile: OfficialProfile) -> dict[str, object]:
    """Context of the official home page. Other areas (review queue, analytics) add their keys here."""
    return {"profile": profile, "summary": jurisdiction_summary(city_code=profile.city_code or None)}


def official_home(request: HttpRequest, profile: OfficialProfile) -> HttpResponse:
    return render(request, "assessment/home_official.html", official_home_context(profile))
