"""Keyboard only, in real Chromium: the fill page, the improvement plan and the officials' review page are
walked with Tab from the top to the end. Every stop shows a focus ring that stands out from what is
behind it (3:1, WCAG 1.4.11), is on screen, and comes after the previous one in the page's order; the
walk leaves the page (no trap). Then each page's disclosures, dialog and scripted parts are used with
the keyboard alone, and the focus stays where the person is working."""

from __future__ import annotations

import pytest

from assessment.services.assessments import evidence_add
from tests.builders import make_submitted, pdf_upload
from tests.e2e.test_journey import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The focused element as seen by the person: what it is, whether it is on screen, whether it follows the
# previous stop in document order, and the contrast of its focus ring against the colour around it.
FOCUS_STOP_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) { return null; }
  const rgba = (text) => {
    const m = text.match(/rgba?\\(([^)]+)\\)/);
    if (!m) { return null; }
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, below) => [0, 1, 2].map((i) => top[i] * top[3] + below[i] * (1 - top[3]));
  const behind = (node) => {  // the colour the ring is drawn on: the ancestors' backgrounds, blended
    const layers = [];
    for (let n = node; n && n.nodeType === 1; n = n.parentElement) {
      const c = rgba(getComputedStyle(n).backgroundColor);
      if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) { break; } }
    }
    return layers.reverse().reduce((below, top) => over(top, below), [255, 255, 255]);
  };
  const luminance = (c) => {
    const l = c.map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2];
  };
  const contrast = (a, b) => {
    const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  const style = getComputedStyle(el);
  const around = behind(el.parentElement);
  let ring = 0;
  if (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2) {
    const colour = rgba(style.outlineColor);
    ring = colour ? contrast(over(colour, around), around) : 0;
  }
  const rect = el.getBoundingClientRect();
  const previous = window.__keyboardPrevious;
  const follows = !previous || !previous.isConnected
    || Boolean(previous.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
  window.__keyboardPrevious = el;
  return {
    name: `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}`
      + `${el.getAttribute("name") ? "[name=" + el.getAttribute("name") + "]" : ""}`
      + ` "${(el.innerText || el.value || el.getAttribute("aria-label") || "").trim().slice(0, 30)}"`,
    ring: Math.round(ring * 100) / 100,
    onScreen: rect.width > 0 && rect.height > 0 && rect.bottom > 0 && rect.top < innerHeight,
    follows,
    inMain: Boolean(el.closest("#main")),
  };
}"""
MAX_STOPS = 600
# Tab's starting point set to the top of the page (a stop focused and removed before the first element).
TOP_OF_PAGE_JS = """() => {
  const start = document.createElement("span");
  start.tabIndex = -1;
  document.body.prepend(start);
  start.focus();
  start.remove();
  window.scrollTo(0, 0);
  window.__keyboardPrevious = null;
}"""


def walk(page) -> list[dict]:
    """Tab from the top of the page to its end: each stop checked (ring, on screen, order). The walk ends
    when the focus leaves the page; coming back to a stop before that is a trap."""
    page.emulate_media(reduced_motion="reduce")  # no smooth scrolling: a stop is in view once focused
    page.evaluate(TOP_OF_PAGE_JS)
    assert page.locator("[tabindex]:not([tabindex='0']):not([tabindex='-1'])").count() == 0, (
        "positive tabindex"
    )
    stops: list[dict] = []
    problems: list[str] = []
    for _ in range(MAX_STOPS):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUS_STOP_JS)
        if stop is None:
            break
        if stops and stop["name"] == stops[0]["name"]:
            break  # the browser wrapped round to the first stop
        if not stop["follows"]:
            problems.append(f"out of order: {stop['name']} after {stops[-1]['name']}")
        if stop["ring"] < 3:
            problems.append(f"focus ring {stop['ring']}:1 at {stop['name']}")
        if not stop["onScreen"]:
            problems.append(f"focused off screen: {stop['name']}")
        stops.append(stop)
    else:
        pytest.fail(f"no way out after {MAX_STOPS} Tab presses (a trap?): {stops[-3:]}")
    assert not problems, "\n".join(problems)
    assert stops[0]["name"].startswith("a") and not stops[0]["inMain"], stops[0]  # the skip link comes first
    return stops


# An open modal dialog holds the focus, or the browser's own controls do: never the page behind it.
IN_DIALOG_OR_OUT_JS = "(s) => document.querySelector(s).contains(document.activeElement) || document.activeElement === document.body"


def focused(page, selector: str) -> bool:
    return page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector)


def test_the_fill_page_works_with_the_keyboard_alone(
    live_server, new_context, console_errors, draft, sme_manager
):
    evidence_add(
        assessment=draft, user=sme_manager, question_code="energy.grid_electricity_kwh", upload=pdf_upload()
    )
    base = live_server.url
    page = new_context().new_page()
    login(page, base, "sme_manager")
    page.goto(f"{base}/assessments/{draft.pk}/fill/energy/")
    stops = walk(page)
    assert len(stops) > 20 and any(stop["inMain"] for stop in stops)
    # The skip link takes the next Tab into the page's content.
    page.evaluate(TOP_OF_PAGE_JS)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("() => Boolean(document.activeElement.closest('#main'))")
    # The progress panel folds and unfolds from its summary.
    page.focus(".fill-nav summary")
    page.keyboard.press("Enter")
    assert page.locator(".fill-nav").get_attribute("open") is None
    page.keyboard.press(" ")
    assert page.locator(".fill-nav").get_attribute("open") is not None
    # A number typed and left with Tab is saved.
    page.focus('[name="energy.output_value_10k"]')
    page.keyboard.type("9800")
    page.keyboard.press("Tab")
    page.wait_for_function("() => document.body.innerText.includes('已保存')")
    # Deleting a file asks first in a modal dialog: the focus is on 取消 and stays in the dialog (or goes
    # out to the browser), Escape gives it back to the delete button; confirmed, the file goes and the
    # focus moves to the outcome.
    delete = "[data-confirm-item] [data-confirm]"
    page.focus(delete)
    page.keyboard.press("Enter")
    page.wait_for_selector("#confirm-dialog[open]")
    assert focused(page, "#confirm-dialog [data-confirm-cancel]")
    for _ in range(3):
        page.keyboard.press("Tab")
        assert page.evaluate(IN_DIALOG_OR_OUT_JS, "#confirm-dialog")
    page.keyboard.press("Escape")
    page.wait_for_selector("#confirm-dialog:not([open])", state="attached")
    assert focused(page, delete)
    page.keyboard.press("Enter")
    page.wait_for_selector("#confirm-dialog[open]")
    page.keyboard.press("Tab")
    assert focused(page, "#confirm-dialog [data-confirm-submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-confirm-item]", state="detached")
    assert focused(page, "#confirm-outcome")
    assert console_errors == []


def test_the_plan_page_works_with_the_keyboard_alone(live_server, new_context, console_errors, filled_draft):
    base = live_server.url
    page = new_context().new_page()
    login(page, base, "sme_manager")
    page.goto(f"{base}/assessments/{filled_draft.pk}/plan/")
    walk(page)
    # An action added with Enter: the focus goes to its owner field, the status is picked with the arrows.
    page.focus(".plan-pick:not([hidden]) button[type=submit]")
    page.keyboard.press("Enter")
    page.locator(".plan-row").first.wait_for()
    page.wait_for_function("() => document.activeElement && document.activeElement.name === 'owner'")
    page.keyboard.type("设备科 张工")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('#plan-status').textContent.length > 0")
    # Removed with Enter: the focus is not lost to the top of the page.
    page.focus(".plan-row button[value=remove]")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelectorAll('.plan-row').length === 0")
    assert page.evaluate("() => Boolean(document.activeElement.closest('#plan'))")
    walk(page)
    assert console_errors == []


def test_the_officials_review_page_works_with_the_keyboard_alone(
    live_server, new_context, console_errors, shipped_versions, enterprise, sme_manager, province_official
):
    assessment = make_submitted(shipped_versions, enterprise=enterprise, submitted_by=sme_manager)
    base = live_server.url
    page = new_context().new_page()
    login(page, base, province_official.username)
    page.goto(f"{base}/review/{assessment.pk}/")
    walk(page)
    # A question's review form opens from its summary; Tab goes into the form, Shift+Tab back out of it,
    # and closed again, its fields are passed over.
    row = page.locator("#main details:has(form textarea)").first
    row.locator("summary").focus()
    page.keyboard.press("Enter")
    assert row.get_attribute("open") is not None
    page.keyboard.press("Tab")
    assert row.evaluate(
        "(d) => d.contains(document.activeElement) && document.activeElement.tagName !== 'SUMMARY'"
    )
    page.keyboard.press("Shift+Tab")
    assert focused(page, "summary")
    page.keyboard.press("Enter")
    assert row.get_attribute("open") is None
    page.keyboard.press("Tab")
    assert not row.evaluate("(d) => d.contains(document.activeElement)")
    assert console_errors == []


def test_the_submit_dialog_keeps_and_gives_back_the_focus(
    live_server, new_context, console_errors, filled_draft
):
    """The check page's confirmation is a modal dialog: the focus is in it while open, Escape closes it and
    the focus returns to the button that opened it."""
    base = live_server.url
    page = new_context().new_page()
    login(page, base, "sme_manager")
    page.goto(f"{base}/assessments/{filled_draft.pk}/review/")
    opener = "#submit-button"
    page.focus(opener)
    page.keyboard.press("Enter")
    page.wait_for_selector("#submit-confirm[open]")
    for _ in range(4):
        assert page.evaluate(IN_DIALOG_OR_OUT_JS, "#submit-confirm")
        page.keyboard.press("Tab")
    page.keyboard.press("Escape")
    page.wait_for_selector("#submit-confirm:not([open])", state="attached")
    assert focused(page, opener)
    assert console_errors == []
