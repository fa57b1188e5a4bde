"""Reflow and resized text (WCAG 2.1 AA 1.4.10 and 1.4.4).

At 320 CSS px (and at a phone's 390 px) no page of the main personas is wider than the screen, in either
language: buttons and words wrap instead of pushing the page sideways. Data tables may scroll inside their
own box (`.table-responsive`), which WCAG allows; the page itself may not. The pages are the accessibility
test's (tests/e2e/test_accessibility.py) plus every fill page, the plan with actions added and the review
page with its folded forms opened.

At 1280 px with the text at 200 % (the root font size doubled, as a browser's text-size setting does; not a
page zoom) the fill page and the results page do not overflow either, and no text is cut off inside a box
of fixed size.

Chromium draws Chinese with the vendored WenQuanYi Micro Hei (reports/fonts): the machine may have no CJK
font, and boxes of the fallback glyph are not as wide as the real ones.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.test_accessibility import (
    LANGUAGES,
    PERSONAS,
    _open_every_details,
    _plan_three_actions,
    _seed,
    _type_a_bad_number,
)
from tests.e2e.test_journey import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
WIDTHS = (320, 390)  # the first is checked after loading, the second after resizing the same page
FONTS = Path(__file__).resolve().parents[2] / "reports" / "fonts"
# Steps of the accessibility test that change what a narrow page shows (the others upload or export).
PREPARES = (_open_every_details, _plan_three_actions, _type_a_bad_number)
# Set SCREENSHOTS=<folder> to keep a picture of every page checked (to look at the layout).
SCREENSHOTS = os.environ.get("SCREENSHOTS")

# Elements whose text is cut off by their own box: overflow hidden (or clipped) and content taller or
# wider than the box. Visually hidden texts (1 px boxes, for screen readers) are meant to be.
CLIPPED_TEXT_JS = """() => [...document.querySelectorAll('body *')].filter((el) => {
    const style = getComputedStyle(el);
    if (!/hidden|clip/.test(style.overflowX + style.overflowY) || el.clientWidth <= 1) return false;
    if (!el.innerText || !el.innerText.trim() || el.offsetParent === null) return false;
    return el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1;
}).map((el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
    + ': ' + el.innerText.trim().slice(0, 40))"""


@pytest.fixture(scope="module")
def browser(browser, tmp_path_factory):
    """Chromium with the vendored Chinese font (a second instance, from the session's Playwright)."""
    conf = tmp_path_factory.mktemp("fonts") / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f'<include ignore_missing="yes">/etc/fonts/fonts.conf</include><dir>{FONTS}</dir></fontconfig>',
        encoding="utf-8",
    )
    instance = browser.browser_type.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, env={**os.environ, "FONTCONFIG_FILE": str(conf)}
    )
    yield instance
    instance.close()


def _page_width(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")


def _unreachable_scroll_boxes(page) -> int:
    """Tables scrolling sideways in their own box that the keyboard cannot reach (static/js/app.js gives
    them tabindex=0), counted after the page's resize handlers ran."""
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    return page.evaluate(
        "() => [...document.querySelectorAll('.table-responsive')]"
        ".filter(b => b.scrollWidth > b.clientWidth + 1 && b.tabIndex < 0).length"
    )


def _keep_screenshot(page, name: str) -> None:
    if SCREENSHOTS:
        folder = Path(SCREENSHOTS)
        folder.mkdir(parents=True, exist_ok=True)
        safe = "".join(c if c.isalnum() else "_" for c in name).strip("_")
        page.screenshot(path=str(folder / f"{safe}.png"), full_page=True)


@pytest.mark.parametrize("persona", ["sme_manager", "city_official", "province_official"])
def test_no_page_is_wider_than_a_narrow_screen(persona, live_server, new_context):
    spec = PERSONAS[persona]
    names = _seed(spec.enterprises)
    base = live_server.url
    wide: list[str] = []
    checked = 0

    def check(page, language: str) -> None:
        nonlocal checked
        label = page.url.removeprefix(base)
        for width in WIDTHS:
            if width != WIDTHS[0]:
                page.set_viewport_size({"width": width, "height": 844})
            if (found := _page_width(page)) > width:
                wide.append(f"[{language}] {width} px: {label} is {found} px wide")
            if unreachable := _unreachable_scroll_boxes(page):
                wide.append(
                    f"[{language}] {width} px: {label}: {unreachable} scrolling table(s) without focus"
                )
            _keep_screenshot(page, f"{persona}-{language}-{width}-{label}")
        page.set_viewport_size({"width": WIDTHS[0], "height": 844})
        checked += 1

    for language in LANGUAGES:
        page = new_context(width=WIDTHS[0], height=844, language=language).new_page()
        login(page, base, spec.username.format(**names))
        seen: set[tuple[str, object]] = set()
        for visit in spec.visits:
            path = visit.path.format(**names)
            prepare = visit.prepare if visit.prepare in PREPARES else None
            if path.endswith((".xlsx", ".csv")) or (path, prepare) in seen or (visit.prepare and not prepare):
                continue
            seen.add((path, prepare))
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            if prepare:
                prepare(page)
            check(page, language)
            if visit.follow:
                for href in [a.get_attribute("href") for a in page.locator(visit.follow).all()]:
                    page.goto(base + href)
                    page.wait_for_load_state("networkidle")
                    check(page, language)
    assert checked >= len(LANGUAGES) * len(seen)
    assert not wide, "pages wider than the screen:\n" + "\n".join(wide)


def test_text_at_200_percent_neither_overflows_nor_is_cut_off(live_server, new_context):
    names = _seed(1)
    base = live_server.url
    problems: list[str] = []
    for language in LANGUAGES:
        page = new_context(width=1280, height=900, language=language).new_page()
        login(page, base, "sme_manager")
        for path in (
            f"/assessments/{names['draft']}/fill/energy/",
            f"/assessments/{names['draft']}/results/",
            f"/assessments/{names['accepted']}/results/",
        ):
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            before = page.evaluate("() => getComputedStyle(document.body).fontSize")
            # Through the CSSOM: the site's Content-Security-Policy forbids injected <style> elements.
            page.evaluate("() => { document.documentElement.style.fontSize = '200%'; }")
            assert page.evaluate("() => getComputedStyle(document.body).fontSize") == (
                f"{2 * float(before.removesuffix('px')):g}px"
            )
            if (found := _page_width(page)) > 1280:
                problems.append(f"[{language}] {path} is {found} px wide")
            problems.extend(
                f"[{language}] {path}: cut off: {line}" for line in page.evaluate(CLIPPED_TEXT_JS)
            )
            _keep_screenshot(page, f"text200-{language}-{path}")
    assert not problems, "at 200 % text:\n" + "\n".join(problems)
