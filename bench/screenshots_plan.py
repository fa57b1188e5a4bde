"""Screenshots of the improvement plan: the page on a desktop and on a phone, and the plan's pages of the PDF.

    .venv/bin/python manage.py setup_demo
    .venv/bin/python manage.py runserver 127.0.0.1:8766 &
    .venv/bin/python bench/screenshots_plan.py --base http://127.0.0.1:8766

As the demo SME manager, on the latest submitted assessment: the plan seed_demo made for it
(assessment/demo/plans.py: actions done, in progress, planned and dropped, with owners, quarters and
notes) is shot as it is (1280 px and 390 px wide) and the PDF downloaded; the pages from "本企业的改进计划"
on are rendered with pdftoppm. With --build the plan is first emptied and three actions are added through
the page (the first recommended one, variable-speed drives, efficient motors), each with an owner, a
quarter and a status; this replaces the seeded plan, whose done actions the demo draft's proposals
(bench/screenshots.py plan_proposals) come from. Chinese glyphs without a system CJK font:
the script sets FONTCONFIG_FILE itself (bench/screenshots.py, `use_vendored_fonts`: the vendored
WenQuanYi Micro Hei in reports/fonts); one already set is kept.

Writes docs/screenshots/plan_desktop.png, plan_phone.png, plan_pdf_1.png and plan_pdf_2.png.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from playwright.sync_api import Page, sync_playwright
from screenshots import CHROMIUM, CHROMIUM_ARGS, OUT, TIMEOUT_MS, login, use_vendored_fonts

ACTIONS = ("act.energy.variable_speed_drives", "act.energy.efficient_motors")
DETAILS = (
    ("环保专员 李明", "Q2", "in_progress", "已完成现场摸底"),
    ("动力车间 王工", "Q3", "planned", ""),
    ("设备科 张工", "Q4", "planned", "先做电机能效普查"),
)


def _wait_saved(page: Page, prefix: str) -> None:
    page.wait_for_function(f"() => document.querySelector('#plan-status').textContent.startsWith('{prefix}')")
    page.evaluate("() => { document.querySelector('#plan-status').textContent = ''; }")


def build_plan(page: Page, url: str) -> None:
    page.goto(url)
    while page.locator(".plan-row").count():
        page.locator(".plan-row").first.locator("button[value=remove]").click()
        _wait_saved(page, "已移出计划")
    page.locator(".plan-pick:not([hidden]) button[type=submit]").first.click()
    _wait_saved(page, "已加入计划")
    for code in ACTIONS:
        pick = page.locator(f".plan-pick[data-code='{code}']")
        if pick.count():  # a recommended one, perhaps in the folded rest of the list
            pick.evaluate("(item) => { const d = item.closest('details'); if (d) { d.open = true; } }")
            pick.locator("button[type=submit]").click()
        else:
            page.locator("#plan-other").select_option(code)
            page.locator("#plan-other-form button[type=submit]").click()
        _wait_saved(page, "已加入计划")
    quarters = page.locator(".plan-row").first.locator("select[name=quarter] option").all_inner_texts()
    for index, (owner, quarter, status, note) in enumerate(DETAILS):
        row = page.locator(".plan-row").nth(index)
        row.locator("[name=owner]").fill(owner)
        row.locator("[name=note]").fill(note)
        wanted = next(q for q in quarters if q.endswith(quarter) and q[:4].isdigit())
        row.locator("select[name=quarter]").select_option(wanted)
        _wait_saved(page, "已保存")
        row = page.locator(".plan-row").nth(index)
        row.locator("select[name=status]").select_option(status)
        if status != "planned":
            _wait_saved(page, "已保存")
        row = page.locator(".plan-row").nth(index)
        row.locator("button[value=update]").click()
        _wait_saved(page, "已保存")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base", default="http://127.0.0.1:8766")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument(
        "--build", action="store_true", help="replace the seeded plan by three actions added through the page"
    )
    args = parser.parse_args()
    base = args.base.rstrip("/")
    args.out.mkdir(parents=True, exist_ok=True)
    use_vendored_fonts()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": base}])
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        login(page, base, "sme_manager")
        link = page.locator("tbody tr:has(a[href$='/results/']) a[href$='/plan/']").first.get_attribute(
            "href"
        )
        if args.build:
            build_plan(page, base + link)
        page.goto(base + link)
        page.screenshot(path=str(args.out / "plan_desktop.png"), full_page=True)
        with page.expect_download() as download:
            page.click("#plan-report-link")
        with tempfile.TemporaryDirectory() as tmp:
            pdf = Path(tmp) / "report.pdf"
            download.value.save_as(pdf)
            pages = int(
                next(
                    line.split()[-1]
                    for line in subprocess.run(
                        ["pdfinfo", str(pdf)], capture_output=True, text=True
                    ).stdout.splitlines()
                    if line.startswith("Pages:")
                )
            )
            first = next(
                number
                for number in range(1, pages + 1)
                if "本企业的改进计划"
                in subprocess.run(
                    ["pdftotext", "-f", str(number), "-l", str(number), str(pdf), "-"],
                    capture_output=True,
                    text=True,
                ).stdout
            )
            for offset in (0, 1):
                prefix = Path(tmp) / f"page{offset}"
                subprocess.run(
                    [
                        "pdftoppm",
                        "-png",
                        "-r",
                        "80",
                        "-f",
                        str(first + offset),
                        "-l",
                        str(first + offset),
                        str(pdf),
                        str(prefix),
                    ],
                    check=True,
                )
                produced = sorted(Path(tmp).glob(f"page{offset}*.png"))[0]
                (args.out / f"plan_pdf_{offset + 1}.png").write_bytes(produced.read_bytes())
        context.close()
        phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
        phone.add_cookies([{"name": "django_language", "value": "zh-hans", "url": base}])
        phone.set_default_timeout(TIMEOUT_MS)
        page = phone.new_page()
        login(page, base, "sme_manager")
        page.goto(base + link)
        page.screenshot(path=str(args.out / "plan_phone.png"), full_page=True)
        phone.close()
        browser.close()
    for name in ("plan_desktop", "plan_phone", "plan_pdf_1", "plan_pdf_2"):
        print(args.out / f"{name}.png")


if __name__ == "__main__":
    main()
