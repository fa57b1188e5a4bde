"""Screenshots of pages in both languages, with real Chromium (Playwright), against a running server.

    .venv/bin/python manage.py setup_demo
    .venv/bin/python manage.py runserver 127.0.0.1:8766 &
    .venv/bin/python bench/screenshots.py --base http://127.0.0.1:8766 [--only signup,home_sme]

Writes docs/screenshots/<name>.<lang>.png (lang: zh, en). Other areas add their pages to SHOTS.
The demo logins come from `manage.py seed_demo` (password demo-pass-2026).

Chinese glyphs: the machine may have no CJK font, and headless Chromium finds fonts through fontconfig.
The script (and the other bench/screenshots_*.py, through `use_vendored_fonts`) therefore sets
FONTCONFIG_FILE itself, to a temporary fonts.conf that includes /etc/fonts/fonts.conf and adds the
vendored WenQuanYi Micro Hei (reports/fonts); a FONTCONFIG_FILE already set is left as it is.
"""

from __future__ import annotations

import argparse
import atexit
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

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
PASSWORD = "demo-pass-2026"
OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
FONTS = Path(__file__).resolve().parent.parent / "reports" / "fonts"
FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>{fonts}</dir>
</fontconfig>
"""
LANGUAGES = {"zh": "zh-hans", "en": "en"}
TIMEOUT_MS = int(
    os.environ.get("SCREENSHOT_TIMEOUT_MS", "30000")
)  # Playwright's default; more on a busy machine


@dataclass(frozen=True)
class Shot:
    name: str
    path: str
    user: str | None = None  # demo username to sign in as, None for anonymous
    prepare: Callable[[Page], None] | None = None  # e.g. fill a form before the picture
    full_page: bool = True
    viewport: tuple[int, int] = (1280, 900)


def _signup_with_errors(page: Page) -> None:
    """Fill the sign-up form with typical mistakes and submit, to show the messages at the fields."""
    page.fill("#id_username", "harbin_new")
    page.fill("#id_display_name", "周经理")
    page.fill("#id_email", "zhou@example.com")
    page.fill("#id_password1", "Lvzhiping-2026!")
    page.fill("#id_password2", "Lvzhiping-2026!")
    page.fill("#id_name", "哈尔滨北方粮油有限公司")
    page.fill("#id_uscc", "91230100MA00000Z1X")
    page.select_option("#id_city_code", "230100")
    page.select_option("#id_industry_division", "C13")
    page.fill("#id_employees", "-5")
    page.fill("#id_revenue", "3200")
    page.fill("#id_contact_name", "周经理")
    page.fill("#id_contact_phone", "0451-88886666")
    page.fill("#id_contact_email", "zhou@example.com")
    page.click("#main form button[type=submit]")
    page.wait_for_load_state("networkidle")


def _invite(page: Page) -> None:
    """As the manager on the members page: invite a colleague (the success message shows the link)."""
    page.fill("#id_email", "colleague@example.com")
    page.select_option("#id_role", "contributor")
    page.click("form[action$='/invite/'] button[type=submit]")
    page.wait_for_load_state("networkidle")


def _open_invitation_link(page: Page) -> None:
    """Invite as the manager, sign out, then open the invitation link as the invitee would."""
    base = page.url.split("/", 3)[:3]
    page.goto("/".join(base) + "/enterprise/members/")
    _invite(page)
    link = page.locator(".alert-success").inner_text().rsplit(" ", 1)[-1].split("：")[-1].strip()
    page.click("nav form[action$='/logout/'] button")
    page.goto("/".join(base) + "/" + link.split("/", 3)[3])  # the mail's host is SITE_URL, not this server


# --- SME journey (issue 6): the demo manager's draft, its review and the results of a submitted year ---


def _draft_url(page: Page) -> str:
    """The demo manager's draft, from the home page's list (its "continue" button)."""
    return page.locator("tbody a.btn-success").first.get_attribute("href")


def _open_draft_section(section: str) -> Callable[[Page], None]:
    def prepare(page: Page) -> None:
        base = page.url.split("/", 3)[:3]
        page.goto("/".join(base) + _draft_url(page) + f"fill/{section}/")
        page.wait_for_load_state("networkidle")

    return prepare


def _fill_with_error(page: Page) -> None:
    _open_draft_section("energy")(page)
    page.fill('[name="energy.output_value_10k"]', "-9800")
    page.locator("#q-energy\\.output_value_10k [data-error]").filter(has_text=re.compile(".")).wait_for()
    page.locator("#q-energy\\.output_value_10k").scroll_into_view_if_needed()


def _open_draft_page(name: str) -> Callable[[Page], None]:
    def prepare(page: Page) -> None:
        base = page.url.split("/", 3)[:3]
        page.goto("/".join(base) + _draft_url(page) + f"{name}/")
        page.wait_for_load_state("networkidle")

    return prepare


def _open_workbook_page(page: Page) -> None:
    _open_draft_page("workbook")(page)


def _open_cells(book) -> list:  # an openpyxl workbook
    """The open (answer) cells of the question sheets, in order."""
    return [
        ws[f"D{row}"]
        for ws in book.worksheets
        if ws.sheet_state == "visible"
        for row in range(2, ws.max_row + 1)
        if ws[f"D{row}"].protection.locked is False
    ]


def _upload_workbook(*, conflict: bool) -> Callable[[Page], None]:
    """Download the draft's workbook, change answers in it with openpyxl and upload it: with `conflict`,
    the first answer is also changed on the web page meanwhile; else one cell is broken."""

    def prepare(page: Page) -> None:
        import io

        import openpyxl

        _open_workbook_page(page)
        workbook_url = page.url
        with page.expect_download() as download:
            page.click("[data-download=zh]")
        book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
        numbers = [cell for cell in _open_cells(book) if isinstance(cell.value, int)]
        yes_no = [cell for cell in _open_cells(book) if cell.offset(column=1).value == "是 / 否"]
        first = numbers[0]  # the energy page's first question: grid electricity
        if conflict:
            page.goto(workbook_url.replace("workbook/", "fill/energy/"))
            page.fill('[name="energy.grid_electricity_kwh"]', str(first.value + 5000))
            page.click("button[name=next][value=stay]")
            page.wait_for_load_state("networkidle")
        first.value = first.value + 1000
        numbers[3].value = numbers[3].value + 1
        yes_no[0].value = "否" if yes_no[0].value == "是" else "是"
        if not conflict:
            numbers[1].value = "大约两百万"
        buffer = io.BytesIO()
        book.save(buffer)
        page.goto(workbook_url)
        xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        page.set_input_files(
            "#workbook-file", files=[{"name": "wb.xlsx", "mimeType": xlsx, "buffer": buffer.getvalue()}]
        )
        page.click("#main form button[type=submit]")
        page.wait_for_url("**/workbook/*/")
        page.wait_for_load_state("networkidle")

    return prepare


def _open_latest_results(page: Page) -> None:
    base = page.url.split("/", 3)[:3]
    page.goto("/".join(base) + page.locator("tbody a.btn-outline-success").first.get_attribute("href"))
    page.wait_for_load_state("networkidle")


def _open_method(page: Page) -> None:
    """The SME digital equipment page with a computed rate's 计算方法 (formula in words) opened."""
    _open_draft_section("dig24.foundation")(page)
    rate = page.locator("[id='q-dig24.q.equipment_digital_rate']")
    rate.locator("details.method summary").click()
    rate.scroll_into_view_if_needed()


def _open_change_proposal(page: Page) -> None:
    """The SME digital outcomes page: a year-on-year change's option (增加/持平/降低) with the option its
    figures propose written under it."""
    _open_draft_section("dig24.outcomes")(page)
    card = page.locator("[id='q-dig24.q.energy_intensity_trend']")
    card.scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, -260)")


def _confirm_submit(page: Page) -> None:
    """The check page's confirmation before submitting: the carried-over answers are confirmed first
    (this changes the demo draft), then the submit button opens the confirmation (nothing submitted)."""
    _open_draft_page("review")(page)
    confirm_all = page.locator("form[action$='/confirm/'] button")
    if confirm_all.count():
        confirm_all.first.click()
        page.wait_for_load_state("networkidle")
    if page.locator("#submit-button").is_enabled():
        page.click("#submit-button")
        page.locator("#submit-confirm").wait_for(state="visible")


def _open_action_plan(view: str) -> Callable[[Page], None]:
    """The latest results' action plan (issue 15): figures per action, a view, the abatement curve."""

    def prepare(page: Page) -> None:
        _open_latest_results(page)
        page.goto(page.url.split("?")[0].split("#")[0] + f"?view={view}#action-plan")
        page.wait_for_load_state("networkidle")
        page.locator("#action-plan").scroll_into_view_if_needed()

    return prepare


def _scroll_to(selector: str) -> Callable[[Page], None]:
    def prepare(page: Page) -> None:
        page.locator(selector).first.scroll_into_view_if_needed()

    return prepare


def _draft_part(name: str, selector: str) -> Callable[[Page], None]:
    """A part of the demo draft's check page or results preview (issue 16: what last year's plan
    proposes, planned against achieved), from the plan seed_demo makes on the demo manager's previous
    year (assessment/demo/plans.py: some of its actions done)."""

    def prepare(page: Page) -> None:
        _open_draft_page(name)(page)
        _scroll_to(selector)(page)

    return prepare


PLAN_SHOTS: list[Shot] = [
    Shot(
        "plan_proposals",
        "/",
        user="sme_manager",
        prepare=_draft_part("review", "[data-plan-proposals]"),
        full_page=False,
    ),
    Shot(
        "plan_follow_through",
        "/",
        user="sme_manager",
        prepare=_draft_part("results", "[data-follow-through]"),
        viewport=(1280, 1400),
        full_page=False,
    ),
    Shot(
        "plan_analytics",
        "/reports/analytics/",
        user="province_official",
        prepare=_scroll_to("#plan-analytics"),
        viewport=(1280, 1600),
        full_page=False,
    ),
]


PHONE = (390, 844)
JOURNEY_SHOTS: list[Shot] = [
    Shot(
        "journey_fill_energy", "/", user="sme_manager", prepare=_open_draft_section("energy"), full_page=False
    ),
    Shot(
        "journey_fill_dimension",
        "/",
        user="sme_manager",
        prepare=_open_draft_section("gf25.energy"),
        full_page=False,
    ),
    Shot("journey_fill_error", "/", user="sme_manager", prepare=_fill_with_error, full_page=False),
    Shot("journey_review", "/", user="sme_manager", prepare=_open_draft_page("review"), full_page=False),
    Shot("journey_preview", "/", user="sme_manager", prepare=_open_draft_page("results"), full_page=False),
    Shot("journey_results", "/", user="sme_manager", prepare=_open_latest_results),
    Shot(
        "journey_fill_phone",
        "/",
        user="sme_manager",
        prepare=_open_draft_section("gf25.energy"),
        viewport=PHONE,
        full_page=False,
    ),
    Shot(
        "journey_review_phone",
        "/",
        user="sme_manager",
        prepare=_open_draft_page("review"),
        viewport=PHONE,
        full_page=False,
    ),
    Shot("journey_results_phone", "/", user="sme_manager", prepare=_open_latest_results, viewport=PHONE),
    Shot("journey_fill_method", "/", user="sme_manager", prepare=_open_method, full_page=False),
    Shot("journey_fill_change", "/", user="sme_manager", prepare=_open_change_proposal, full_page=False),
    Shot("journey_confirm_submit", "/", user="sme_manager", prepare=_confirm_submit, full_page=False),
    Shot(
        "action_plan",
        "/",
        user="sme_manager",
        prepare=_open_action_plan("ranked"),
        viewport=(1280, 1400),
        full_page=False,
    ),
    Shot(
        "action_plan_co2",
        "/",
        user="sme_manager",
        prepare=_open_action_plan("co2"),
        viewport=(1280, 1400),
        full_page=False,
    ),
    Shot("workbook", "/", user="sme_manager", prepare=_open_workbook_page, full_page=False),
    Shot("workbook_preview_errors", "/", user="sme_manager", prepare=_upload_workbook(conflict=False)),
    Shot("workbook_preview_conflict", "/", user="sme_manager", prepare=_upload_workbook(conflict=True)),
    Shot("journey_home", "/", user="sme_manager"),
    Shot("journey_home_phone", "/", user="sme_manager", viewport=PHONE),
    Shot("method", "/method/"),  # what is official, indicative, the tool's own; provisional values
]


SHOTS: list[Shot] = [
    Shot("login", "/accounts/login/"),
    Shot("signup", "/signup/"),
    Shot("signup_errors", "/signup/", prepare=_signup_with_errors),
    Shot("home_sme_manager", "/", user="sme_manager"),
    Shot("members", "/enterprise/members/", user="sme_manager", prepare=_invite),
    Shot("invitation_accept", "/", user="sme_manager", prepare=_open_invitation_link),
    Shot("home_sme_contributor", "/", user="sme_contributor"),
    Shot("home_city_official", "/", user="city_official"),
    Shot("home_province_official", "/", user="province_official"),
    Shot("home_admin", "/", user="admin"),
    *JOURNEY_SHOTS,
    *PLAN_SHOTS,
]


def use_vendored_fonts() -> None:
    """Let Chromium (started after this call) draw Chinese with the vendored font: FONTCONFIG_FILE set to a
    temporary fonts.conf adding reports/fonts to the system's fonts (removed at exit). An existing
    FONTCONFIG_FILE is kept."""
    if os.environ.get("FONTCONFIG_FILE"):
        return
    folder = tempfile.mkdtemp(prefix="screenshots-fonts-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    conf = Path(folder) / "fonts.conf"
    conf.write_text(FONTS_CONF.format(fonts=FONTS), encoding="utf-8")
    os.environ["FONTCONFIG_FILE"] = str(conf)


def login(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#main form button[type=submit]")
    page.wait_for_url(f"{base}/")


def take(base: str, shots: list[Shot], out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    use_vendored_fonts()
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for shot in shots:
                for suffix, language in LANGUAGES.items():
                    context = browser.new_context(
                        viewport={"width": shot.viewport[0], "height": shot.viewport[1]}, locale=language
                    )
                    context.add_cookies([{"name": "django_language", "value": language, "url": base}])
                    context.set_default_timeout(TIMEOUT_MS)
                    page = context.new_page()
                    errors: list[str] = []
                    page.on(
                        "console",
                        lambda msg, errors=errors: errors.append(msg.text) if msg.type == "error" else None,
                    )
                    if shot.user:
                        login(page, base, shot.user)
                    page.goto(base + shot.path)
                    if shot.prepare:
                        shot.prepare(page)
                    target = out / f"{shot.name}.{suffix}.png"
                    page.screenshot(path=str(target), full_page=shot.full_page)
                    written.append(target)
                    print(
                        f"{target.relative_to(out.parent.parent)}{'  console errors: ' + '; '.join(errors) if errors else ''}"
                    )
                    context.close()
        finally:
            browser.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base", default="http://127.0.0.1:8766")
    parser.add_argument("--only", default="", help="comma-separated shot names")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    wanted = {name for name in args.only.split(",") if name}
    shots = [shot for shot in SHOTS if not wanted or shot.name in wanted]
    take(args.base.rstrip("/"), shots, args.out)


if __name__ == "__main__":
    main()
