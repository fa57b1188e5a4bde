"""The method page (方法说明): what is official, what is indicative, what is the tool's own, and every
provisional value of the definition data. Public: officials, enterprises and visitors may read it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from assessment.selectors.method import configured_schemes, provisional_values


@require_GET
def method_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "assessment/method.html",
        {"frameworks": provisional_values(), "schemes": configured_schemes()},
    )
