"""The production smoke test: real Chromium against the app as deployed, run by the production stage of
.ci/run (.ci/production): gunicorn with DEBUG=false on PostgreSQL after collectstatic and migrate, and
`manage.py db_worker`. Black-box: nothing here touches the database; the stage passes the site's URL and
the official's credentials in the environment. Skipped when PRODUCTION_URL is unset (every other run).

One pass through the product: an SME signs up, fills every page (autosave), submits, sees the results and
downloads the PDF; the city official accepts it in the review queue and exports the submissions, which
the task worker builds while the page shows its progress."""

from __future__ import annotations

import os
import re

import pytest

from tests.builders import demo_answers
from tests.e2e.conftest import _watch
from tests.e2e.test_journey import field_selector, fill_visible_page, sign_up, wait_saved

URL = os.environ.get("PRODUCTION_URL", "").rstrip("/")
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not URL, reason="PRODUCTION_URL is not set (the production stage of .ci/run sets it)"),
]
ENTERPRISE = "哈尔滨北禾乳业有限公司"


@pytest.fixture
def production_page(browser, console_errors):
    # As the TLS-terminating proxy in front of the app would: HTTPS is announced by X-Forwarded-Proto.
    context = browser.new_context(
        viewport={"width": 1280, "height": 900},
        accept_downloads=True,
        locale="zh-CN",
        extra_http_headers={"X-Forwarded-Proto": "https"},
    )
    context.on("page", lambda page: _watch(page, console_errors))
    yield context.new_page()
    context.close()


def test_the_deployed_site_takes_a_submission_through_review_and_export(production_page, console_errors):
    page = production_page
    response = page.goto(f"{URL}/accounts/login/")
    assert response.status == 200
    assert response.headers.get("strict-transport-security", "").startswith("max-age=")
    css = page.locator("link[rel=stylesheet]").first.get_attribute("href")
    assert re.search(r"bootstrap\.min\.[0-9a-f]{12}\.css$", css), css  # the hashed name from collectstatic
    assert page.request.get(f"{URL}{css}").status == 200

    # The SME: sign-up, every page filled and autosaved, submission, results, PDF.
    sign_up(page, URL)
    assert "no-store" in (page.request.get(f"{URL}/").headers.get("cache-control") or "")
    page.select_option("#id_year", "2025")
    page.click("text=开始评估")
    page.wait_for_url(re.compile(r"/fill/energy/$"))
    answers = demo_answers()
    page.fill(field_selector("energy.grid_electricity_kwh"), str(answers["energy.grid_electricity_kwh"]))
    wait_saved(page)
    page.reload()
    assert page.input_value(field_selector("energy.grid_electricity_kwh")) == str(
        answers["energy.grid_electricity_kwh"]
    )
    while "/fill/" in page.url:
        if fill_visible_page(page, answers):
            fill_visible_page(page, answers)  # conditional questions revealed by the first pass
        page.click("#answers-form button[value=next]")
        page.wait_for_load_state()
        assert page.locator(".is-invalid").count() == 0, page.url
    assert page.url.endswith("/review/")
    page.locator("#submit-button").click()  # a confirmation first: frameworks, answers missing, figures
    page.locator("#submit-confirm").wait_for(state="visible")
    page.locator("#confirm-submit").click()
    page.wait_for_url(re.compile(r"/results/$"))
    assert page.locator("svg.radar").count() == 3
    with page.expect_download() as download:
        page.click("#report-link")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    page.locator("form[action$='/logout/'] button").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))

    # The city official: the review queue, acceptance.
    page.fill("#id_username", os.environ["PRODUCTION_OFFICIAL"])
    page.fill("#id_password", os.environ["PRODUCTION_OFFICIAL_PASSWORD"])
    page.click("#main form button[type=submit]")
    page.wait_for_url(f"{URL}/")
    page.goto(f"{URL}/review/")
    page.locator("a", has_text=ENTERPRISE).first.click()
    page.wait_for_url(re.compile(r"/review/\d+/$"))
    page.check("#decision input[name=decision][value=accept]")
    page.fill("#decision textarea[name=note]", "数据齐全，审核通过。")
    page.click("#decision button[type=submit]")
    page.wait_for_load_state()
    assert "该评估已审核通过" in page.inner_text("#main")

    # An export built by the task worker (every Excel export is a background job in this stage).
    page.goto(f"{URL}/reports/analytics/?year=2025")
    page.click("text=导出 Excel")
    page.click("text=开始后台导出")
    page.wait_for_url(re.compile(r"/reports/exports/[0-9a-f-]+/$"))
    page.wait_for_selector("#export-download", timeout=60_000)
    with page.expect_download() as download:
        page.click("#export-download")
    assert download.value.suggested_filename.endswith(".xlsx")
    with open(download.value.path(), "rb") as workbook:
        assert workbook.read(2) == b"PK"
    assert console_errors == []
