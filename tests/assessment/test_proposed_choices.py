"""SME digital's year-on-year changes (增加/持平/降低): the enterprise chooses the option; the figures, when
given, pre-select the option they imply as a proposal (server-side on save, on the fill page by its
script), which the person may change and which never replaces a choice."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessment.models import Answer
from assessment.selectors.assessments import assessment_page
from assessment.services.assessments import answer_save, answers_save_many
from tests.builders import stored_answer

ENERGY = {
    "dig24.q.energy_last_year": 1100,
    "dig24.q.revenue_last_year": 9800,
    "dig24.q.energy_year_before": 1120,
    "dig24.q.revenue_year_before": 9100,
}  # 0.1122 against 0.1231 tce per 10k yuan: −8.8 %
CHOICE = "dig24.q.energy_intensity_trend"


@pytest.mark.django_db
def test_saving_the_figures_without_a_choice_stores_the_option_they_propose(draft, sme_manager):
    answers_save_many(assessment=draft, user=sme_manager, values=ENERGY)
    assert stored_answer(draft, CHOICE) == "decreased"
    # Marked as the system's proposal until a person saves the question (docs/definitions.md).
    assert Answer.objects.get(assessment=draft, question_code=CHOICE).proposed
    answer_save(assessment=draft, user=sme_manager, code=CHOICE, value="decreased")
    assert not Answer.objects.get(assessment=draft, question_code=CHOICE).proposed
    result = assessment_page(draft).evaluate(score=True).result
    digital = next(f for f in result.frameworks if f.framework == "sme_digital")
    assert next(i for i in digital.indicators if i.code == "dig24.outcomes.green").earned == 7


@pytest.mark.django_db
def test_the_last_missing_figure_saved_alone_completes_the_proposal(draft, sme_manager):
    partial = {k: v for k, v in ENERGY.items() if k != "dig24.q.energy_year_before"}
    answers_save_many(assessment=draft, user=sme_manager, values=partial)
    assert stored_answer(draft, CHOICE) is None  # without every figure there is no change, hence no proposal
    answer_save(
        assessment=draft, user=sme_manager, code="dig24.q.energy_year_before", value=1100 * 9100 / 9800
    )
    assert stored_answer(draft, CHOICE) == "unchanged"  # the same intensity in both years: 0.00 %


@pytest.mark.django_db
def test_a_choice_is_never_replaced_by_the_proposal(draft, sme_manager):
    # The person chose 持平 (a small change within the accuracy of their statistics) ...
    answer_save(assessment=draft, user=sme_manager, code=CHOICE, value="unchanged")
    answers_save_many(assessment=draft, user=sme_manager, values=ENERGY)
    assert stored_answer(draft, CHOICE) == "unchanged"
    # ... and a choice saved together with the figures stands too.
    answers_save_many(assessment=draft, user=sme_manager, values={**ENERGY, CHOICE: "increased"})
    assert stored_answer(draft, CHOICE) == "increased"
    digital = next(
        f
        for f in assessment_page(draft).evaluate(score=True).result.frameworks
        if f.framework == "sme_digital"
    )
    assert next(i for i in digital.indicators if i.code == "dig24.outcomes.green").earned == 0


@pytest.mark.django_db
def test_the_fill_page_shows_the_proposal_and_its_state_carries_it_for_the_script(client, draft, sme_manager):
    answers_save_many(assessment=draft, user=sme_manager, values=ENERGY)
    Answer.objects.filter(assessment=draft, question_code=CHOICE).delete()  # e.g. figures saved earlier
    client.force_login(sme_manager)
    page = client.get(reverse("assessment_fill", args=[draft.pk, "dig24.outcomes"]))
    html = page.content.decode()
    assert 'data-choice-proposal="decreased"' in html
    assert "按填写的数据，变化为 -8.80 %，建议选择“降低”；可以改选。" in html
    state = client.get(reverse("assessment_state", args=[draft.pk]), {"section": "dig24.outcomes"}).json()
    assert state["proposals"][CHOICE]["option"] == "decreased"
    assert state["proposals"]["dig24.q.pass_rate_trend"] is None  # no pass rates given: nothing proposed


@pytest.mark.django_db
def test_the_figures_are_asked_on_the_page_of_the_choice(draft):
    section = next(s for s in assessment_page(draft).sections if s.key == "dig24.outcomes")
    codes = list(section.codes)
    for figure in ("dig24.q.energy_last_year", "dig24.q.energy_intensity_change", CHOICE):
        assert figure in codes
    assert codes.index("dig24.q.energy_intensity_change") < codes.index(CHOICE)
