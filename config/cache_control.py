"""`Cache-Control: private, no-store` on every response to a signed-in person.

Pages, PDFs, exports, evidence files and JSON of an account hold that account's (or its enterprise's)
data: no shared cache (a proxy) may keep them and no browser may keep them on disk after a logout.
Directives a view set are kept (patch_cache_control merges); `public` and `max-age` give way.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


class PrivateNoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
            if "max-age" in response.get("Cache-Control", ""):
                patch_cache_control(response, max_age=0)
        return response
