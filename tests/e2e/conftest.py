"""Browser tests: real Chromium (Debian's /usr/bin/chromium) driven by Playwright against pytest-django's
live server. Skipped only when Chromium is missing and CI is not "true"."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test are fine.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(config, items) -> None:
    if Path(CHROMIUM).exists() or os.environ.get("CI") == "true":
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing (set CI=true to fail instead)")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture(autouse=True)
def _e2e_settings(settings, tmp_path) -> None:
    settings.AXES_ENABLED = False
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="session")
def live_server(request) -> Iterator:
    """pytest-django's live server, started with a MEDIA_URL: Django's live server wraps the site in a
    media-files handler that cannot take MEDIA_URL = None (uploads are served only through the
    authorising view, so the path given here is one nothing links to)."""
    from django.test import override_settings
    from pytest_django.live_server_helper import LiveServer

    with override_settings(MEDIA_URL="/__media_not_served__/"):
        server = LiveServer(os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost")
    yield server
    server.stop()


@pytest.fixture
def console_errors() -> list[str]:
    """Collects console errors and uncaught exceptions of every page opened with `open_page`."""
    return []


@pytest.fixture
def new_context(browser, console_errors):
    contexts = []

    def make(*, width: int = 1280, height: int = 900, language: str = "zh-hans"):
        context = browser.new_context(
            viewport={"width": width, "height": height},
            accept_downloads=True,
            locale="zh-CN" if language == "zh-hans" else "en-US",
        )
        context.on("page", lambda page: _watch(page, console_errors))
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def _watch(page, errors: list[str]) -> None:
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
