"""Screenshots of the officials' pages (queue, review, analytics, exports) in both languages, with real
Chromium.

    .venv/bin/python manage.py setup_demo            # or seed_demo on a database with questionnaires
    .venv/bin/python manage.py runserver 127.0.0.1:8766 &
    .venv/bin/python bench/screenshots_officials.py --base http://127.0.0.1:8766

The export shots (officials_export_*) need a province with more rows than EXPORT_DIRECT_MAX_ROWS and an
export slow enough to be caught half-way: `seed_demo --enterprises 5000` (about 10,000 rows, ~12 s).
Chinese glyphs without a system CJK font: the script sets FONTCONFIG_FILE itself (bench/screenshots.py,
`use_vendored_fonts`: the vendored WenQuanYi Micro Hei in reports/fonts); one already set is kept.

Writes docs/screenshots/officials_<page>.<lang>.png with bench/screenshots.py's machinery.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from playwright.sync_api import Page
from screenshots import OUT, Shot, take


def _open_first_review(status: str) -> object:
    def prepare(page: Page) -> None:
        base = page.url.split("/", 3)[:3]
        page.goto("/".join(base) + f"/review/?status={status}&sort=-score")
        page.goto("/".join(base) + page.locator("tbody a").first.get_attribute("href"))
        page.wait_for_load_state("networkidle")

    return prepare


def _open_review_with_forms(page: Page) -> None:
    _open_first_review("submitted")(page)
    page.locator("details.review-actions").nth(2).locator("summary").click()
    page.locator("details.review-actions").nth(2).scroll_into_view_if_needed()


def _validate_first_answer(page: Page) -> None:
    """Set a validated value (half the reported electricity) with a reason; show the scores side by side."""
    _open_first_review("submitted")(page)
    details = page.locator("details.review-actions").first
    details.locator("summary").click()
    form = details.locator("form[action$='/validate/']")
    reported = page.locator("li[id^='q-'] .fw-semibold").first.inner_text().split(" ")[0].replace(",", "")
    form.locator("input[name=value]").fill(str(round(float(reported) / 2)))
    form.locator("textarea[name=reason]").fill("电费单合计仅为填报量的一半，按电费单核定。")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    page.evaluate("window.scrollTo(0, 0)")


def _wait_for_exports_to_finish(page: Page) -> None:
    """One export in progress per official: wait until the previous shot's job has finished."""
    base = "/".join(page.url.split("/", 3)[:3])
    for _attempt in range(240):
        page.goto(base + "/reports/exports/")
        if page.locator(".export-running, .export-queued").count() == 0:
            return
        page.wait_for_timeout(500)


def _confirm_export(page: Page) -> None:
    _wait_for_exports_to_finish(page)
    base = "/".join(page.url.split("/", 3)[:3])
    page.goto(base + "/reports/analytics/?year=")
    page.locator("a[href*='/reports/exports/submissions.xlsx']").click()
    page.wait_for_load_state("networkidle")


def _export_in_progress(page: Page) -> None:
    _confirm_export(page)
    page.locator("form[action$='/exports/new'] button[type=submit]").click()
    page.wait_for_function(
        "() => { const p = document.getElementById('export-progress'); return p && p.value / p.max > 0.3; }",
        timeout=120_000,
    )


def _export_done(page: Page) -> None:
    _export_in_progress(page)
    page.wait_for_selector("#export-download", timeout=300_000)


def _import_list() -> bytes:
    """A list of twelve enterprises as an official would fill the template, three of its rows wrong: a
    mistyped credit code, a city outside the province, a revenue in words."""
    import io

    from openpyxl import Workbook

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from assessment.uscc import make_uscc

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        [
            "企业名称",
            "统一社会信用代码",
            "所在地市",
            "行业大类",
            "从业人员（人）",
            "上年营业收入（万元）",
            "管理员邮箱",
        ]
    )
    cities = [("230100", "哈尔滨市"), ("230200", "齐齐哈尔市"), ("230600", "大庆市"), ("231000", "牡丹江市")]
    industries = [
        "C13 农副食品加工业",
        "C14 食品制造业",
        "C26 化学原料和化学制品制造业",
        "C34 通用设备制造业",
    ]
    for n in range(12):
        code, city = cities[n % 4]
        sheet.append(
            [f"黑龙江新增示范制造有限公司{n + 1:02d}", make_uscc(region_code=code, org_body=f"8800{n:04d}"),
             city, industries[n % 4], 40 + n * 45, 1200 + n * 2600, f"new.manager{n + 1:02d}@example.com"]
        )  # fmt: skip
    sheet["B5"] = str(sheet["B5"].value)[:-1] + ("1" if str(sheet["B5"].value)[-1] != "1" else "2")
    sheet["C9"] = "沈阳市"
    sheet["F11"] = "约3000"
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _upload_import_list(page: Page) -> None:
    page.set_input_files(
        "#id_file",
        {"name": "enterprises.xlsx", "mimeType": "application/octet-stream", "buffer": _import_list()},
    )
    page.locator("#main form button[type=submit]").click()
    page.wait_for_load_state("networkidle")


SHOTS = [
    Shot("officials_queue", "/review/", user="province_official"),
    Shot("officials_queue_city", "/review/?status=submitted", user="city_official"),
    Shot(
        "officials_review",
        "/",
        user="province_official",
        prepare=_open_first_review("submitted"),
        full_page=False,
        viewport=(1280, 1500),
    ),
    Shot(
        "officials_review_validate",
        "/",
        user="province_official",
        prepare=_open_review_with_forms,
        full_page=False,
        viewport=(1280, 900),
    ),
    Shot(
        "officials_review_accepted",
        "/",
        user="province_official",
        prepare=_open_first_review("accepted"),
        full_page=False,
        viewport=(1280, 1100),
    ),
    Shot(
        "officials_review_validated",
        "/",
        user="province_official",
        prepare=_validate_first_answer,
        full_page=False,
        viewport=(1280, 1000),
    ),
    Shot("officials_analytics", "/reports/analytics/", user="province_official"),
    Shot("officials_analytics_city", "/reports/analytics/", user="city_official"),
    Shot("officials_export_confirm", "/", user="province_official", prepare=_confirm_export, full_page=False),
    Shot("officials_export_progress", "/", user="province_official", prepare=_export_in_progress),
    Shot("officials_export_done", "/", user="province_official", prepare=_export_done),
    Shot("officials_import", "/officials/enterprises/import/", user="province_official"),
    Shot(
        "officials_import_preview",
        "/officials/enterprises/import/",
        user="province_official",
        prepare=_upload_import_list,
    ),
]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base", default="http://127.0.0.1:8766")
    parser.add_argument("--only", default="", help="comma-separated shot names")
    args = parser.parse_args()
    wanted = {name for name in args.only.split(",") if name}
    take(args.base.rstrip("/"), [s for s in SHOTS if not wanted or s.name in wanted], OUT)


if __name__ == "__main__":
    main()
