"""Views' side of confirmations (assessment.confirmations): a destructive POST is done only with
`confirm=1`; a GET, or a POST without it, answers with the confirmation page. The page script's dialog
posts with `Accept: application/json` and gets the outcome as JSON, so its page is not left."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from assessment.confirmations import Confirmation


def is_confirmed(request: HttpRequest) -> bool:
    return request.method == "POST" and request.POST.get("confirm") == "1"


def _wants_json(request: HttpRequest) -> bool:
    return request.headers.get("Accept", "").startswith("application/json")


def confirmation_page(request: HttpRequest, confirmation: Confirmation) -> HttpResponse:
    return render(request, "assessment/confirm.html", {"confirmation": confirmation})


def action_done(
    request: HttpRequest, message: str, then: str, *, ok: bool = True, leave: bool = False
) -> HttpResponse:
    """The outcome of a confirmed action: a message and a redirect to `then`; for the dialog, JSON
    with the message, and `then` as `redirect` only when the page it is on can no longer be shown
    (`leave`: one has left the enterprise)."""
    if _wants_json(request):
        if leave:  # the dialog's page goes to `then`, which shows the message
            messages.success(request, message)
        return JsonResponse({"ok": ok, "message": message, "redirect": then if leave else ""})
    (messages.success if ok else messages.error)(request, message)
    return redirect(then)
