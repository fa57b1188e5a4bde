"""A phone-sized screen (390 px wide): no page of the main personas is wider than the screen, in either
language (buttons wrap instead of pushing the page sideways). Tables scroll inside their own box and
do not count. The pages are the accessibility test's (tests/e2e/test_accessibility.py)."""

from __future__ import annotations

import pytest

from tests.e2e.test_accessibility import LANGUAGES, PERSONAS, _seed
from tests.e2e.test_journey import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
WIDTH = 390


@pytest.mark.parametrize("persona", ["sme_manager", "city_official", "province_official"])
def test_no_page_is_wider_than_a_phone(persona, live_server, new_context):
    spec = PERSONAS[persona]
    names = _seed(spec.enterprises)
    wide: list[str] = []
    for language in LANGUAGES:
        page = new_context(width=WIDTH, height=844, language=language).new_page()
        login(page, live_server.url, spec.username.format(**names))
        for path in dict.fromkeys(visit.path.format(**names) for visit in spec.visits):
            if path.endswith((".xlsx", ".csv")):
                continue
            page.goto(live_server.url + path)
            page.wait_for_load_state("networkidle")
            width = page.evaluate("() => document.documentElement.scrollWidth")
            if width > WIDTH:
                wide.append(f"[{language}] {path}: {width} px")
    assert not wide, "pages wider than the screen:\n" + "\n".join(wide)
