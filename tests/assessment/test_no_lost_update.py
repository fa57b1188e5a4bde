"""No lost update: a page save writes only what this person changed since loading the page, a field
absent from the POST is never saved as empty, a colleague's newer answer is never overwritten unseen
(page save and autosave), and the autosave of many answers is one request in a fixed number of queries."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from django.urls import reverse

from assessment.models import Answer
from assessment.services.assessments import answer_save, answers_save, page_save_plan
from tests.builders import stored_answer

SECTION = "energy"
A = "energy.grid_electricity_kwh"
B = "energy.output_value_10k"


def loaded_page(client, assessment):
    """GET the page; return the save button's hidden base as the browser would post it back."""
    content = client.get(reverse("assessment_fill", args=[assessment.pk, SECTION])).content.decode()
    return unescape(re.search(r'name="_base" value="([^"]*)"', content).group(1))


# --- the rules as a pure function ----------------------------------------------------------------------


def test_plan_skips_a_field_this_person_did_not_change_even_when_a_colleague_did():
    plan = page_save_plan(posted={A: 1, B: 2}, present={A, B}, loaded={A: 1, B: 2}, current={A: 5, B: 2})
    assert plan == {}


def test_plan_writes_a_field_this_person_changed():
    plan = page_save_plan(posted={A: 3, B: 2}, present={A, B}, loaded={A: 1, B: 2}, current={A: 1, B: 2})
    assert plan == {A: 3}


def test_plan_never_saves_a_field_absent_from_the_post_as_empty():
    plan = page_save_plan(posted={A: None, B: 7}, present={B}, loaded={A: 1, B: 2}, current={A: 1, B: 2})
    assert plan == {B: 7}


def test_plan_without_a_base_compares_with_the_stored_values():
    plan = page_save_plan(posted={A: 1, B: 9}, present={A, B}, loaded=None, current={A: 1, B: 2})
    assert plan == {B: 9}


def test_plan_writes_a_changed_override_reason():
    plan = page_save_plan(
        posted={A: 1},
        present={A},
        loaded={A: 1},
        current={A: 1},
        posted_reasons={A: "能源审计报告"},
        current_reasons={A: ""},
    )
    assert plan == {A: 1}


# --- the write keeps a colleague's newer answer --------------------------------------------------------


def test_a_save_does_not_overwrite_an_answer_a_colleague_changed_after_it_was_seen(
    draft, sme_manager, sme_contributor
):
    first = answer_save(assessment=draft, user=sme_manager, code=A, value=100)
    answer_save(assessment=draft, user=sme_contributor, code=A, value=200)
    outcome = answers_save(assessment=draft, user=sme_manager, values={A: 300}, seen={A: first.updated_at})
    assert stored_answer(draft, A) == 200
    assert set(outcome.conflicts) == {A}
    conflict = outcome.conflicts[A]
    assert (conflict.mine, conflict.theirs) == (300, 200)


def test_a_save_after_seeing_the_colleagues_answer_overwrites_it(draft, sme_manager, sme_contributor):
    answer_save(assessment=draft, user=sme_manager, code=A, value=100)
    theirs = answer_save(assessment=draft, user=sme_contributor, code=A, value=200)
    outcome = answers_save(assessment=draft, user=sme_manager, values={A: 300}, seen={A: theirs.updated_at})
    assert not outcome.conflicts
    assert stored_answer(draft, A) == 300


def test_an_answer_given_meanwhile_where_none_was_seen_is_a_conflict(draft, sme_manager, sme_contributor):
    answer_save(assessment=draft, user=sme_contributor, code=A, value=200)
    outcome = answers_save(assessment=draft, user=sme_manager, values={A: 300}, seen={A: None})
    assert set(outcome.conflicts) == {A}
    assert stored_answer(draft, A) == 200


def test_this_persons_own_newer_save_is_not_a_conflict(draft, sme_manager):
    first = answer_save(assessment=draft, user=sme_manager, code=A, value=100)
    answer_save(assessment=draft, user=sme_manager, code=A, value=200)  # another tab
    outcome = answers_save(assessment=draft, user=sme_manager, values={A: 300}, seen={A: first.updated_at})
    assert not outcome.conflicts
    assert stored_answer(draft, A) == 300


# --- the page's save button ----------------------------------------------------------------------------


def test_a_stale_page_save_keeps_the_colleagues_answer_to_a_field_it_did_not_change(
    client, draft, sme_manager, sme_contributor
):
    answer_save(assessment=draft, user=sme_manager, code=A, value=100)
    client.force_login(sme_manager)
    base = loaded_page(client, draft)
    answer_save(assessment=draft, user=sme_contributor, code=A, value=200)
    response = client.post(
        reverse("assessment_fill", args=[draft.pk, SECTION]),
        {"_base": base, "_present": [A, B], A: "100", B: "55", "next": "stay"},
    )
    assert response.status_code == 302
    assert stored_answer(draft, A) == 200
    assert stored_answer(draft, B) == 55


def test_a_field_absent_from_the_page_post_is_not_saved_as_empty(client, draft, sme_manager):
    answer_save(assessment=draft, user=sme_manager, code=A, value=100)
    client.force_login(sme_manager)
    base = loaded_page(client, draft)
    response = client.post(
        reverse("assessment_fill", args=[draft.pk, SECTION]), {"_base": base, B: "55", "next": "stay"}
    )
    assert response.status_code == 302
    assert stored_answer(draft, A) == 100


def test_a_page_save_shows_both_values_when_both_people_changed_a_field(
    client, draft, sme_manager, sme_contributor
):
    answer_save(assessment=draft, user=sme_manager, code=A, value=100)
    client.force_login(sme_manager)
    base = loaded_page(client, draft)
    answer_save(assessment=draft, user=sme_contributor, code=A, value=200)
    url = reverse("assessment_fill", args=[draft.pk, SECTION])
    response = client.post(url, {"_base": base, "_present": [A], A: "300", "next": "stay"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "data-conflict" in content
    assert "200" in content and 'value="300"' in content  # theirs in words, mine still in the field
    assert stored_answer(draft, A) == 200
    # "keep mine": the page shown again carries the colleague's answer as its base, so saving writes mine
    new_base = unescape(re.search(r'name="_base" value="([^"]*)"', content).group(1))
    assert json.loads(new_base)[A][0] == 200
    kept = client.post(url, {"_base": new_base, "_present": [A], A: "300", "next": "stay"})
    assert kept.status_code == 302
    assert stored_answer(draft, A) == 300


def test_take_theirs_leaves_the_colleagues_answer(client, draft, sme_manager, sme_contributor):
    answer_save(assessment=draft, user=sme_manager, code=A, value=100)
    client.force_login(sme_manager)
    base = loaded_page(client, draft)
    answer_save(assessment=draft, user=sme_contributor, code=A, value=200)
    response = client.post(
        reverse("assessment_fill", args=[draft.pk, SECTION]),
        {"_base": base, "_present": [A, B], A: "300", B: "55", "take": A},
    )
    assert response.status_code == 302
    assert stored_answer(draft, A) == 200
    assert stored_answer(draft, B) == 55


# --- autosave --------------------------------------------------------------------------------------------


def test_autosave_does_not_overwrite_a_newer_answer_it_has_not_seen(
    client, draft, sme_manager, sme_contributor
):
    mine = answer_save(assessment=draft, user=sme_manager, code=A, value=100)
    answer_save(assessment=draft, user=sme_contributor, code=A, value=200)
    client.force_login(sme_manager)
    url = reverse("assessment_autosave", args=[draft.pk])
    data = {"question": A, A: "300", f"{A}__seen": mine.updated_at.isoformat()}
    body = client.post(url, data).json()
    assert body["ok"] is False and body["conflict"] is True
    assert body["theirs"] == 200 and "200" in body["theirs_text"] and "300" in body["mine_text"]
    assert stored_answer(draft, A) == 200
    # after the person chose to keep theirs, the script's base is the colleague's save time
    again = client.post(url, {**data, f"{A}__seen": body["at"]}).json()
    assert again["ok"] is True
    assert stored_answer(draft, A) == 300


@pytest.mark.parametrize("count", [1, 25])
def test_autosave_sends_many_answers_in_one_request_in_at_most_eight_queries(
    client, draft, sme_manager, django_assert_max_num_queries, count
):
    from assessment.selectors.assessments import assessment_definitions

    numbers = [
        q["code"]
        for d in assessment_definitions(draft)
        for q in d.get("questions") or []
        if q.get("type") == "number" and q.get("min", 0) <= 1 and not q.get("max")
    ]
    codes = list(dict.fromkeys(numbers))[:count]
    assert len(codes) == count
    client.force_login(sme_manager)
    url = reverse("assessment_autosave", args=[draft.pk])
    client.post(url, {"question": "mgmt.lawful_compliant", "mgmt.lawful_compliant": "true"})  # warm caches
    data: dict = {"question": codes}
    for code in codes:
        data[code] = "1"
        data[f"{code}__seen"] = ""
    with django_assert_max_num_queries(8):
        response = client.post(url, data)
    body = response.json()
    assert body["ok"] is True, body
    assert [r["question"] for r in body["results"]] == codes
    assert Answer.objects.filter(assessment=draft, question_code__in=codes, value=1).count() == count


def test_autosave_reports_each_refused_answer_and_saves_the_others(client, draft, sme_manager):
    client.force_login(sme_manager)
    response = client.post(
        reverse("assessment_autosave", args=[draft.pk]),
        {"question": [A, B, "no.such"], A: "-5", B: "12"},
    )
    body = response.json()
    results = {r["question"]: r for r in body["results"]}
    assert body["ok"] is False
    assert results[A]["ok"] is False and results[A]["error"]
    assert results[B]["ok"] is True
    assert results["no.such"]["ok"] is False
    assert stored_answer(draft, A) is None and stored_answer(draft, B) == 12


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("zh-hans", "%(name)s 于 %(time)s 修改了此题，请选择保留哪一个值。"),
        ("en", "%(name)s changed this question at %(time)s: choose which value to keep."),
    ],
)
def test_the_conflict_message_of_autosave_is_in_the_persons_language(
    client, draft, sme_manager, language, expected
):
    client.force_login(sme_manager)
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    content = client.get(reverse("assessment_fill", args=[draft.pk, SECTION])).content.decode()
    assert unescape(re.search(r'data-text-conflict="([^"]*)"', content).group(1)) == expected
