"""The improvement plan in real Chromium: a manager builds a plan of three recommended actions, sees the
projected scores move as they pick, gives an action an owner and a quarter, downloads the PDF and finds
the plan in it (pdftotext); the page fits a phone; no console errors."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from django.utils import timezone

from assessment.models import PlanAction
from assessment.projection import quarter_of, quarters_from
from tests.builders import submitted_assessment
from tests.e2e.test_journey import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def submitted(frameworks_loaded, factor_set, enterprise, sme_manager):
    return submitted_assessment(enterprise=enterprise, user=sme_manager)


def projected_scores(page) -> list[str]:
    return page.locator("[data-projected-score]").all_inner_texts()


def test_a_manager_builds_a_plan_of_three_actions_and_finds_it_in_the_pdf(
    live_server, new_context, console_errors, submitted, sme_manager, tmp_path
):
    page = new_context().new_page()
    login(page, live_server.url, "sme_manager")
    page.goto(f"{live_server.url}/assessments/{submitted.pk}/results/")
    page.click("#plan-link")
    page.wait_for_url(re.compile(r"/plan/$"))
    today = projected_scores(page)
    assert today and page.locator(".plan-row").count() == 0

    titles = []
    for count in (1, 2, 3):
        pick = page.locator(".plan-pick:not([hidden])").first
        titles.append(pick.locator("strong").inner_text())
        pick.locator("button[type=submit]").click()
        page.locator(".plan-row").nth(count - 1).wait_for()
        # The status line announces it (set a moment after the redraw, so that screen readers speak it).
        page.wait_for_function(
            "() => document.querySelector('#plan-status').textContent.startsWith('已加入计划')"
        )
    headings = page.locator(".plan-row h3").all_inner_texts()
    assert all(title in heading for title, heading in zip(titles, headings, strict=True))
    after = projected_scores(page)
    assert after != today  # the projected score moved as the actions were picked
    assert page.locator("#plan-frameworks .text-success").count() >= 1  # a gain (+…) is shown

    first = page.locator(".plan-row").first
    first.locator("[name=owner]").fill("设备科 张工")
    first.locator("button[value=update]").click()
    page.wait_for_function("() => document.querySelector('#plan-status').textContent.startsWith('已保存')")
    page.evaluate("() => { document.querySelector('#plan-status').textContent = ''; }")
    first = page.locator(".plan-row").first
    quarter = quarters_from(quarter_of(timezone.localdate()), 3)[-1]  # offered from this quarter on
    first.locator("select[name=quarter]").select_option(quarter)  # counts at once, no button
    page.wait_for_function(
        "(q) => document.querySelector('.plan-row select[name=quarter]').selectedOptions[0].value === q"
        " && document.querySelector('#plan-status').textContent.startsWith('已保存')",
        arg=quarter,
    )
    rows = list(PlanAction.objects.filter(plan__assessment=submitted).order_by("position"))
    assert len(rows) == 3 and (rows[0].owner, rows[0].quarter) == ("设备科 张工", quarter)

    # Dropping one takes it out of the projection.
    page.locator(".plan-row").nth(2).locator("select[name=status]").select_option("dropped")
    page.wait_for_function("() => document.querySelector('#plan-totals') !== null")
    page.wait_for_function(
        "() => document.querySelectorAll('.plan-row')[2].querySelector('.plan-figures').textContent.includes('不计入')"
    )

    with page.expect_download() as download:
        page.click("#plan-report-link")
    pdf = tmp_path / "report.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes()[:5] == b"%PDF-"
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    else:  # pragma: no cover - the CI image has poppler-utils
        from pypdf import PdfReader

        text = "\n".join(p.extract_text() for p in PdfReader(str(pdf)).pages)
    flat = re.sub(r"\s+", "", text)
    assert "本企业的改进计划" in flat and "设备科张工" in flat and quarter in flat
    assert "实施计划后的预计得分和等级" in flat and "已放弃" in flat
    for title in titles:
        assert re.sub(r"\s+", "", title)[:8] in flat
    assert flat.index("本企业的改进计划") < flat.index("其他建议措施")
    assert console_errors == []


def test_the_plan_page_fits_a_phone(live_server, new_context, console_errors, submitted, sme_manager):
    page = new_context(width=390, height=844).new_page()
    login(page, live_server.url, "sme_manager")
    page.goto(f"{live_server.url}/assessments/{submitted.pk}/plan/")
    page.locator(".plan-pick:not([hidden]) button[type=submit]").first.click()
    page.locator(".plan-row").first.wait_for()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    # On a phone the projection comes first, then the plan's actions.
    projection = page.locator("#plan-projection").bounding_box()
    rows = page.locator("#plan-rows").bounding_box()
    assert projection["y"] < rows["y"]
    assert console_errors == []
