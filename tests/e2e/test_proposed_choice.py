"""SME digital's change options in real Chromium: typing the figures pre-selects the option they imply
(shown as a proposal), and the person's own choice stands."""

from __future__ import annotations

import pytest

from assessment.models import Answer
from tests.e2e.test_journey import field_selector, login, wait_saved

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
CHOICE = "dig24.q.energy_intensity_trend"
FIGURES = {
    "dig24.q.energy_last_year": "1100",
    "dig24.q.revenue_last_year": "9800",
    "dig24.q.energy_year_before": "1120",
    "dig24.q.revenue_year_before": "9100",
}


def test_the_figures_pre_select_a_proposal_the_person_may_change(
    live_server, draft, sme_manager, new_context, console_errors
):
    page = new_context().new_page()
    login(page, live_server.url, "sme_manager")
    page.goto(f"{live_server.url}/assessments/{draft.pk}/fill/dig24.outcomes/")
    for code, value in FIGURES.items():
        page.fill(field_selector(code), value)
    page.wait_for_function(f"() => document.querySelector('{field_selector(CHOICE, 'decreased')}').checked")
    note = page.locator(f'[id="q-{CHOICE}"] [data-choice-proposal]')
    assert "建议选择“降低”" in note.inner_text() and "可以改选" in note.inner_text()
    wait_saved(page)
    assert Answer.objects.get(assessment=draft, question_code=CHOICE).value == "decreased"
    page.check(field_selector(CHOICE, "unchanged"))  # within the accuracy of the statistics: 持平
    wait_saved(page)
    page.reload()
    assert page.is_checked(field_selector(CHOICE, "unchanged"))
    assert Answer.objects.get(assessment=draft, question_code=CHOICE).value == "unchanged"
    assert "建议选择“降低”" in note.inner_text()  # the proposal is still shown, the choice stands
    assert console_errors == []
