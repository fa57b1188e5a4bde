"""Consistency rules: a part larger than its whole is refused at the field (rule read from the capped-share
formulas), a year-on-year jump beyond the documented bound is warned, formulas are shown in words."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessment.consistency import YEAR_ON_YEAR_FACTOR, implausible, impossible, part_whole_pairs
from assessment.exceptions import DomainError
from assessment.models import Answer, Assessment
from assessment.selectors.assessments import assessment_definitions, build_sections, section_of_question
from assessment.services.assessments import answer_save, answers_save
from questionnaires.logic import formula_share, formula_words

TOTAL = "dig24.q.devices_total"
DIGITAL = "dig24.q.devices_digital"
NETWORKED = "dig24.q.devices_networked"
WORDS = {"cap": "{x}, at most {b}", "min": "min of {a}, {b}", "max": "max of {a}, {b}", "abs": "|{x}|"}


def definition(*questions):
    return [{"questions": list(questions)}]


SHARE = {
    "code": "rate",
    "type": "computed",
    "text": {"zh": "比例", "en": "Rate"},
    "formula": "min({part} / {whole} * 100, 100)",
}
PART = {"code": "part", "type": "number", "text": {"zh": "其中：数字化设备", "en": "Digital devices"}}
WHOLE = {"code": "whole", "type": "number", "text": {"zh": "设备总数", "en": "All devices"}}


# --- pure rules --------------------------------------------------------------------------------------------


def test_a_capped_share_formula_names_a_part_and_its_whole():
    assert formula_share("min({a} / {b} * 100, 100)") == ("a", "b")
    assert formula_share("{a} / {b} * 100") is None
    assert formula_share("min({a} * 1000 / {b}, 100)") is None


def test_the_shipped_definitions_pair_the_digital_and_networked_devices_with_all_devices(
    frameworks_loaded, draft
):
    pairs = part_whole_pairs(assessment_definitions(draft))
    assert (DIGITAL, TOTAL) in pairs and (NETWORKED, TOTAL) in pairs


def test_a_part_larger_than_its_whole_is_refused_at_the_field_being_saved():
    found = impossible(definition(SHARE, PART, WHOLE), {"part": 150, "whole": 120}, ["part"])
    assert set(found) == {"part"}
    assert "150" in found["part"].message["zh"] and "120" in found["part"].message["zh"]
    lowered = impossible(definition(SHARE, PART, WHOLE), {"part": 150, "whole": 120}, ["whole"])
    assert set(lowered) == {"whole"}


@pytest.mark.parametrize("answers", [{"part": 120, "whole": 120}, {"part": 3}, {"part": 0, "whole": 0}])
def test_a_part_within_its_whole_or_without_one_passes(answers):
    assert impossible(definition(SHARE, PART, WHOLE), answers, ["part", "whole"]) == {}


def test_a_jump_beyond_the_bound_since_last_year_is_warned_not_within_it():
    limit = YEAR_ON_YEAR_FACTOR
    assert implausible(definition(WHOLE), {"whole": 100 * limit + 1}, {"whole": 100})[0].code == "whole"
    assert (
        implausible(definition(WHOLE), {"whole": 100}, {"whole": 100 * limit + 1})[0].kind == "year_on_year"
    )
    assert implausible(definition(WHOLE), {"whole": 100 * limit}, {"whole": 100}) == []
    assert implausible(definition(WHOLE), {"whole": 5}, {}) == []
    assert implausible(definition(WHOLE), {"whole": 5}, {"whole": 0}) == []
    # Shares and computed figures are not quantities of the plant: no year-on-year warning.
    for kind in ("percentage", "computed"):
        share = {**WHOLE, "type": kind}
        assert implausible(definition(share), {"whole": 100 * limit + 1}, {"whole": 100}) == []


def test_a_formula_is_put_in_words_with_the_question_names():
    text = formula_words("min({part} / {whole} * 100, 100)", {"part": "P", "whole": "W"}.get, WORDS)
    assert text == "P ÷ W × 100, at most 100"
    nested = formula_words("({a} - {b}) / ({a} - {c}) * 100", str.upper, WORDS)
    assert nested == "（A − B） ÷ （A − C） × 100"


# --- in the services and on the pages ----------------------------------------------------------------------


def test_saving_150_digital_devices_out_of_120_is_refused_and_nothing_is_stored(draft, sme_manager):
    answer_save(assessment=draft, user=sme_manager, code=TOTAL, value=120)
    with pytest.raises(DomainError) as refused:
        answer_save(assessment=draft, user=sme_manager, code=DIGITAL, value=150)
    assert refused.value.field == DIGITAL
    assert not Answer.objects.filter(assessment=draft, question_code=DIGITAL).exists()


def test_lowering_the_whole_below_a_stored_part_is_refused_at_the_whole(draft, sme_manager):
    answers_save(assessment=draft, user=sme_manager, values={TOTAL: 120, DIGITAL: 100})
    outcome = answers_save(assessment=draft, user=sme_manager, values={TOTAL: 80, NETWORKED: 10})
    assert set(outcome.errors) == {TOTAL}
    assert set(outcome.saved) == {NETWORKED}
    assert Answer.objects.get(assessment=draft, question_code=TOTAL).value == 120


def test_autosave_shows_the_refusal_at_the_field(client, draft, sme_manager):
    answer_save(assessment=draft, user=sme_manager, code=TOTAL, value=120)
    client.force_login(sme_manager)
    body = client.post(
        reverse("assessment_autosave", args=[draft.pk]), {"question": DIGITAL, DIGITAL: "150"}
    ).json()
    assert body["ok"] is False and "120" in body["error"]


def test_the_fill_page_shows_formulas_in_words_under_a_disclosure(client, draft, sme_manager):
    client.force_login(sme_manager)
    section = section_of_question(
        build_sections(assessment_definitions(draft)), "dig24.q.equipment_digital_rate"
    )
    content = client.get(reverse("assessment_fill", args=[draft.pk, section.key])).content.decode()
    card = content[content.index('id="q-dig24.q.equipment_digital_rate"') :][:4000]
    assert "计算方法" in card
    assert "min(" not in card and "*" not in card.split("计算方法", 1)[1][:600]
    assert "÷" in card


def test_the_check_page_warns_of_a_jump_since_last_year(client, draft, sme_manager):
    last = Assessment.objects.create(enterprise=draft.enterprise, year=draft.year - 1, status="accepted")
    Answer.objects.create(assessment=last, question_code=TOTAL, value=10)
    answer_save(assessment=draft, user=sme_manager, code=TOTAL, value=10 * YEAR_ON_YEAR_FACTOR + 5)
    client.force_login(sme_manager)
    content = client.get(reverse("assessment_review", args=[draft.pk])).content.decode()
    assert "data-check" in content and "上一年度为 10" in content


def test_the_page_state_brings_the_warnings_to_their_fields(client, draft, sme_manager):
    last = Assessment.objects.create(enterprise=draft.enterprise, year=draft.year - 1, status="accepted")
    Answer.objects.create(assessment=last, question_code=TOTAL, value=10)
    answer_save(assessment=draft, user=sme_manager, code=TOTAL, value=10 * YEAR_ON_YEAR_FACTOR + 5)
    section = section_of_question(build_sections(assessment_definitions(draft)), TOTAL)
    client.force_login(sme_manager)
    state = client.get(reverse("assessment_state", args=[draft.pk]), {"section": section.key}).json()
    assert list(state["checks"]) == [TOTAL]
    assert "上一年度为 10" in state["checks"][TOTAL][0]
