"""The SME journey's pages: home list and start, fill pages with query budgets, autosave, evidence,
review, submit and results; access for every persona."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from assessment.models import Answer, Assessment, Evidence, ReviewComment
from assessment.selectors.assessments import assessment_definitions, build_sections
from assessment.services.assessments import answer_save, assessment_submit
from assessment.services.assessments import assessment_create as services_create

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def login(client, user):
    client.force_login(user)
    return client


def sections_of(assessment):
    return build_sections(assessment_definitions(assessment))


def test_it_lists_assessments_and_offers_to_start_one_on_the_home_page(client, draft, sme_manager):
    response = login(client, sme_manager).get(reverse("home"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "2025" in content
    assert reverse("assessment_detail", args=[draft.pk]) in content
    assert reverse("assessment_start") in content


def test_it_starts_an_assessment_with_the_chosen_frameworks(
    client, frameworks_loaded, factor_set, sme_manager
):
    response = login(client, sme_manager).post(
        reverse("assessment_start"), {"year": "2024", "frameworks": ["green_factory", "sme_digital"]}
    )
    assessment = Assessment.objects.get(year=2024)
    assert response.status_code == 302
    assert sorted(v.framework for v in assessment.versions.all()) == ["green_factory", "sme_digital"]


def test_it_refuses_to_start_without_a_framework(client, frameworks_loaded, factor_set, sme_manager):
    response = login(client, sme_manager).post(reverse("assessment_start"), {"year": "2024"})
    assert response.status_code == 400
    assert not Assessment.objects.exists()
    assert "请至少选择一个评估框架" in response.content.decode()


def test_it_renders_every_page_of_the_questionnaire(client, draft, sme_manager):
    login(client, sme_manager)
    for section in sections_of(draft):
        response = client.get(reverse("assessment_fill", args=[draft.pk, section.key]))
        assert response.status_code == 200, section.key
        content = response.content.decode()
        for question in section.questions[:3]:
            assert f'id="q-{question["code"]}"' in content


def test_it_renders_a_dimension_page_in_a_constant_number_of_queries(
    client, draft, sme_manager, django_assert_max_num_queries
):
    login(client, sme_manager)
    sections = sections_of(draft)
    smallest = min(sections, key=lambda s: len(s.questions))
    largest = max(sections, key=lambda s: len(s.questions))
    assert len(largest.questions) > 3 * len(smallest.questions)
    client.get(reverse("assessment_fill", args=[draft.pk, smallest.key]))  # warm the definition cache
    for section in (smallest, largest):
        with django_assert_max_num_queries(12):
            response = client.get(reverse("assessment_fill", args=[draft.pk, section.key]))
        assert response.status_code == 200


def test_it_autosaves_one_answer_in_at_most_six_queries(
    client, draft, sme_manager, django_assert_max_num_queries
):
    login(client, sme_manager)
    url = reverse("assessment_autosave", args=[draft.pk])
    client.post(url, {"question": "mgmt.lawful_compliant", "mgmt.lawful_compliant": "true"})
    with django_assert_max_num_queries(6):
        response = client.post(
            url, {"question": "energy.grid_electricity_kwh", "energy.grid_electricity_kwh": "1200000"}
        )
    assert response.status_code == 200
    assert response.json()["ok"] is True
    assert Answer.objects.get(assessment=draft, question_code="energy.grid_electricity_kwh").value == 1200000


def test_it_rejects_an_invalid_autosave_with_the_message_and_keeps_the_old_answer(client, draft, sme_manager):
    answer_save(assessment=draft, user=sme_manager, code="gf25.q.energy_limit_standard", value="none")
    login(client, sme_manager)
    response = client.post(
        reverse("assessment_autosave", args=[draft.pk]),
        {"question": "energy.grid_electricity_kwh", "energy.grid_electricity_kwh": "-5"},
    )
    assert response.status_code == 200
    assert response.json()["ok"] is False
    assert response.json()["error"]
    assert not Answer.objects.filter(assessment=draft, question_code="energy.grid_electricity_kwh").exists()


def test_it_answers_401_to_an_autosave_after_the_session_expired(client, draft):
    response = client.post(reverse("assessment_autosave", args=[draft.pk]), {"question": "x"})
    assert response.status_code == 401
    assert response.json()["login"] is True


def test_it_refuses_autosave_from_another_enterprise_and_from_officials(
    client, draft, other_manager, city_official
):
    url = reverse("assessment_autosave", args=[draft.pk])
    data = {"question": "mgmt.lawful_compliant", "mgmt.lawful_compliant": "true"}
    assert login(client, other_manager).post(url, data).status_code == 404
    assert (
        login(client, city_official).post(url, data).status_code == 404
    )  # drafts are not visible to officials


def test_it_lets_a_contributor_fill_the_draft(client, draft, sme_contributor):
    response = login(client, sme_contributor).post(
        reverse("assessment_autosave", args=[draft.pk]),
        {"question": "mgmt.lawful_compliant", "mgmt.lawful_compliant": "false"},
    )
    assert response.status_code == 200
    assert (
        Answer.objects.get(assessment=draft, question_code="mgmt.lawful_compliant").updated_by
        == sme_contributor
    )


def test_it_saves_valid_answers_and_keeps_typed_invalid_ones_on_the_save_button(client, draft, sme_manager):
    login(client, sme_manager)
    url = reverse("assessment_fill", args=[draft.pk, "energy"])
    response = client.post(
        url,
        {"energy.grid_electricity_kwh": "2500000", "energy.output_value_10k": "-12.5", "next": "stay"},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "部分答案未保存" in content
    assert 'value="-12.5"' in content  # the typed value is shown again
    assert "invalid-feedback" in content
    assert Answer.objects.get(assessment=draft, question_code="energy.grid_electricity_kwh").value == 2500000
    assert not Answer.objects.filter(assessment=draft, question_code="energy.output_value_10k").exists()


def test_it_requires_a_reason_to_override_a_computed_value(client, draft, sme_manager):
    login(client, sme_manager)
    url = reverse("assessment_autosave", args=[draft.pk])
    refused = client.post(url, {"question": "calc.total_energy_tce", "calc.total_energy_tce": "100"})
    accepted = client.post(
        url,
        {
            "question": "calc.total_energy_tce",
            "calc.total_energy_tce": "100",
            "calc.total_energy_tce__reason": "审计报告",
        },
    )
    assert refused.json()["ok"] is False
    assert accepted.json()["ok"] is True
    assert (
        Answer.objects.get(assessment=draft, question_code="calc.total_energy_tce").override_reason
        == "审计报告"
    )


def test_it_reports_computed_values_and_colleagues_changes_in_the_state(
    client, draft, sme_manager, sme_contributor
):
    login(client, sme_manager)
    since = json.loads(client.get(reverse("assessment_state", args=[draft.pk]) + "?section=energy").content)[
        "now"
    ]
    for code, value in (("energy.grid_electricity_kwh", 1_000_000), ("energy.output_value_10k", 5000)):
        answer_save(assessment=draft, user=sme_contributor, code=code, value=value)
    state = client.get(
        reverse("assessment_state", args=[draft.pk]), {"section": "energy", "since": since}
    ).json()
    assert {c["question"] for c in state["changes"]} == {
        "energy.grid_electricity_kwh",
        "energy.output_value_10k",
    }
    total = state["computed"]["calc.total_energy_tce"]
    assert total["value"] == pytest.approx(122.9, abs=0.05)  # 1,000,000 kWh × 0.1229 kgce/kWh (GB/T 2589)
    assert any("0.1229" in line for line in total["derivation"])


def test_it_shows_the_review_with_missing_answers_linked_to_their_questions(client, draft, sme_manager):
    response = login(client, sme_manager).get(reverse("assessment_review", args=[draft.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert (
        reverse("assessment_fill", args=[draft.pk, "green_factory.general"]) + "#q-mgmt.lawful_compliant"
        in content
    )
    assert "disabled" in content


def test_it_submits_once_and_shows_the_results(client, filled_draft, sme_manager):
    login(client, sme_manager)
    first = client.post(reverse("assessment_submit", args=[filled_draft.pk]))
    second = client.post(reverse("assessment_submit", args=[filled_draft.pk]))
    assert first.status_code == second.status_code == 302
    assert second.url == reverse("assessment_results", args=[filled_draft.pk])
    filled_draft.refresh_from_db()
    assert filled_draft.status == Assessment.Status.SUBMITTED
    assert filled_draft.framework_results.count() == 3
    page = client.get(reverse("assessment_results", args=[filled_draft.pk]))
    content = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in content and "radar" in content
    assert f"{filled_draft.result['frameworks'][0]['score']:.2f}" in content


def test_it_previews_the_results_of_a_draft(client, filled_draft, sme_manager):
    response = login(client, sme_manager).get(reverse("assessment_results", args=[filled_draft.pk]))
    assert response.status_code == 200
    assert "预览" in response.content.decode()


def test_it_redirects_fill_pages_of_a_submitted_assessment_to_its_results(client, filled_draft, sme_manager):
    assessment_submit(assessment=filled_draft, user=sme_manager)
    response = login(client, sme_manager).get(reverse("assessment_fill", args=[filled_draft.pk, "energy"]))
    assert response.status_code == 302
    assert response.url == reverse("assessment_results", args=[filled_draft.pk])
    locked = client.post(
        reverse("assessment_autosave", args=[filled_draft.pk]),
        {"question": "mgmt.lawful_compliant", "mgmt.lawful_compliant": "false"},
    )
    assert locked.status_code == 409


def test_it_shows_an_officials_comment_at_its_question_when_returned(
    client, filled_draft, sme_manager, city_official
):
    Assessment.objects.filter(pk=filled_draft.pk).update(status=Assessment.Status.RETURNED)
    ReviewComment.objects.create(
        assessment=filled_draft,
        question_code="mgmt.lawful_compliant",
        author=city_official,
        text="请补充环评批复文件",
    )
    response = login(client, sme_manager).get(
        reverse("assessment_fill", args=[filled_draft.pk, "green_factory.general"])
    )
    content = response.content.decode()
    assert "请补充环评批复文件" in content
    # At its question (it is also listed in the return notice at the top of the page).
    card = content[content.index('id="q-mgmt.lawful_compliant"') :]
    card = card[: card.index('class="card shadow-sm mb-3 question', 10)]
    assert "请补充环评批复文件" in card


def test_it_uploads_downloads_and_removes_evidence(
    client, draft, sme_manager, other_manager, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    login(client, sme_manager)
    upload = SimpleUploadedFile("环评批复.pdf", PDF, content_type="application/octet-stream")
    client.post(
        reverse("evidence_upload", args=[draft.pk]), {"question": "mgmt.lawful_compliant", "file": upload}
    )
    evidence = Evidence.objects.get(assessment=draft)
    assert evidence.content_type == "application/pdf"
    assert "环评批复" not in evidence.file.name
    download = client.get(reverse("evidence_download", args=[draft.pk, evidence.pk]))
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == PDF
    assert (
        login(client, other_manager)
        .get(reverse("evidence_download", args=[draft.pk, evidence.pk]))
        .status_code
        == 404
    )
    login(client, sme_manager).post(
        reverse("evidence_delete", args=[draft.pk, evidence.pk]), {"confirm": "1"}
    )
    assert not Evidence.objects.exists()


def test_it_hides_drafts_from_unrelated_users(client, draft, other_manager, city_official):
    for user in (other_manager, city_official):
        login(client, user)
        assert client.get(reverse("assessment_fill", args=[draft.pk, "energy"])).status_code == 404
        assert client.get(reverse("assessment_results", args=[draft.pk])).status_code == 404
        assert client.get(reverse("assessment_review", args=[draft.pk])).status_code == 404


def test_it_sends_anonymous_visitors_to_the_login_page(client, draft):
    response = client.get(reverse("assessment_fill", args=[draft.pk, "energy"]))
    assert response.status_code == 302
    assert reverse("login") in response.url


def test_it_confirms_the_prefilled_answers_of_one_page(client, filled_draft, enterprise, sme_manager):
    assessment_submit(assessment=filled_draft, user=sme_manager)
    Assessment.objects.filter(pk=filled_draft.pk).update(year=2024)
    nxt = services_create(enterprise=enterprise, year=2025, user=sme_manager)
    login(client, sme_manager)
    page = client.get(reverse("assessment_fill", args=[nxt.pk, "green_factory.general"]))
    assert 'id="confirm-page"' in page.content.decode()
    codes = page.context["prefilled_here"]
    assert "mgmt.lawful_compliant" in codes
    client.post(reverse("assessment_confirm", args=[nxt.pk]), {"question": codes})
    still = set(Answer.objects.filter(assessment=nxt, prefilled=True).values_list("question_code", flat=True))
    assert not still & set(codes)
    assert still  # other pages' answers still wait for confirmation


def test_it_shows_officials_the_results_of_a_returned_assessment_not_its_form(
    client, filled_draft, sme_manager, city_official
):
    assessment_submit(assessment=filled_draft, user=sme_manager)
    Assessment.objects.filter(pk=filled_draft.pk).update(status=Assessment.Status.RETURNED)
    login(client, city_official)
    detail = client.get(reverse("assessment_detail", args=[filled_draft.pk]))
    assert detail.url == reverse("assessment_results", args=[filled_draft.pk])
    assert client.get(reverse("assessment_fill", args=[filled_draft.pk, "energy"])).status_code == 403
    assert client.get(reverse("assessment_review", args=[filled_draft.pk])).status_code == 403
    assert client.get(reverse("assessment_results", args=[filled_draft.pk])).status_code == 200


def test_it_writes_only_changed_answers_on_the_save_button(client, draft, sme_manager):
    Answer.objects.create(
        assessment=draft, question_code="energy.grid_electricity_kwh", value=500, prefilled=True
    )
    Answer.objects.create(
        assessment=draft,
        question_code="cpg.q.product_energy_grade",
        value={"液态奶": "grade2"},
        prefilled=False,
    )
    login(client, sme_manager)
    client.post(
        reverse("assessment_fill", args=[draft.pk, "energy"]),
        {"energy.grid_electricity_kwh": "500", "energy.natural_gas_m3": "700", "next": "stay"},
    )
    rows = {a.question_code: a for a in Answer.objects.filter(assessment=draft)}
    assert rows["energy.grid_electricity_kwh"].prefilled is True  # unchanged: still to be confirmed
    assert rows["energy.natural_gas_m3"].value == 700
    section = next(s for s in sections_of(draft) if "cpg.q.product_energy_grade" in s.codes)
    client.post(reverse("assessment_fill", args=[draft.pk, section.key]), {"next": "stay"})
    assert Answer.objects.get(assessment=draft, question_code="cpg.q.product_energy_grade").value == {
        "液态奶": "grade2"
    }


def test_the_english_submit_confirmation_lists_frameworks_without_chinese_punctuation(
    client, filled_draft, sme_manager
):
    content = (
        login(client, sme_manager)
        .get(reverse("assessment_review", args=[filled_draft.pk]), HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    listed = content.split("data-confirm-frameworks>", 1)[1].split("</ul>", 1)[0]
    assert "Green factory" in listed and "(2025)" in listed
    assert "（" not in listed and "）" not in listed


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_results_preview_names_an_invalid_answer_by_its_question_not_its_code(
    client, filled_draft, sme_manager, language
):
    Answer.objects.filter(assessment=filled_draft, question_code="dig24.q.devices_digital").update(
        value="maybe"
    )
    login(client, sme_manager).post(reverse("set_language"), {"language": language, "next": "/"})
    response = client.get(reverse("assessment_results", args=[filled_draft.pk]))
    problems = response.context["problems"]
    assert [p["code"] for p in problems] == ["dig24.q.devices_digital"]
    html = response.content.decode()
    assert problems[0]["text"] and escape(f"{problems[0]['text']} — {problems[0]['message']}") in html
    assert "dig24.q.devices_digital" not in html
