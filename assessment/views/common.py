"""Views shared by every role."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from assessment.models import Enterprise, OfficialProfile, User
from assessment.permissions import membership_of, official_profile_of
from assessment.views.enterprise import sme_home
from assessment.views.official import official_home


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """One home page per role: enterprise member, official, administrator; else an explanation."""
    membership = membership_of(request.user)
    if membership is not None:
        return sme_home(request, membership)
    profile = official_profile_of(request.user)
    if profile is not None:
        return official_home(request, profile)
    if request.user.is_staff:
        context = {
            "enterprise_count": Enterprise.objects.count(),
            "user_count": User.objects.count(),
            "official_count": OfficialProfile.objects.count(),
        }
        return render(request, "assessment/home_admin.html", context)
    return render(request, "assessment/home_norole.html")
