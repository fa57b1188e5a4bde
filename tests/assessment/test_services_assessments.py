"""Services of the SME journey: create, answer, evidence, submit, and the lock after submission."""

from __future__ import annotations

import io
import os
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessment.exceptions import DomainError
from assessment.models import Answer, Assessment, AuditEvent, Evidence, FrameworkResult
from assessment.selectors.assessments import assessment_definitions, assessment_page, build_sections
from assessment.services.assessments import (
    answer_save,
    answers_confirm,
    answers_save_many,
    assessment_create,
    assessment_submit,
    evidence_add,
    evidence_remove,
)
from tests.builders import demo_answers
from tests.factories import EnterpriseFactory

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def frameworks_of(assessment: Assessment) -> list[str]:
    return sorted(f"{v.framework}@{v.version}" for v in assessment.versions.all())


# --- create ---------------------------------------------------------------------------------------------


def test_it_creates_an_assessment_with_every_current_framework_and_the_factor_set(
    frameworks_loaded, factor_set, enterprise, sme_manager
):
    assessment = assessment_create(enterprise=enterprise, year=2025, user=sme_manager)
    assert frameworks_of(assessment) == [
        "clean_production_generic@2025",
        "green_factory@2025",
        "sme_digital@2024",
    ]
    assert assessment.factor_set == factor_set
    assert assessment.status == Assessment.Status.DRAFT
    assert AuditEvent.objects.filter(action="assessment.create", assessment=assessment).exists()


def test_it_chooses_the_sector_clean_production_system_by_industry(
    frameworks_loaded, factor_set, sme_manager
):
    paper_mill = EnterpriseFactory(industry_division="C22", main_products="包装纸板")
    assessment = assessment_create(
        enterprise=paper_mill, year=2025, frameworks=["clean_production"], user=sme_manager
    )
    assert frameworks_of(assessment) == ["clean_production_paper@2025"]


def test_it_accepts_an_exact_framework_version(frameworks_loaded, factor_set, enterprise, sme_manager):
    assessment = assessment_create(
        enterprise=enterprise, year=2025, frameworks=["green_factory@2018"], user=sme_manager
    )
    assert frameworks_of(assessment) == ["green_factory@2018"]


def test_it_refuses_a_second_assessment_for_the_same_year(draft, enterprise, sme_manager):
    with pytest.raises(DomainError) as error:
        assessment_create(enterprise=enterprise, year=2025, user=sme_manager)
    assert error.value.field == "year"


def test_it_refuses_a_future_year(frameworks_loaded, factor_set, enterprise, sme_manager):
    with pytest.raises(DomainError):
        assessment_create(enterprise=enterprise, year=2999, user=sme_manager)


def test_it_prefills_from_the_previous_assessment_marked_until_confirmed(
    filled_draft, enterprise, sme_manager
):
    assessment_submit(assessment=filled_draft, user=sme_manager)
    Assessment.objects.filter(pk=filled_draft.pk).update(year=2024)  # last year's, submitted
    nxt = assessment_create(enterprise=enterprise, year=2025, user=sme_manager)
    prefilled = {a.question_code: a for a in nxt.answers.all()}
    assert prefilled["mgmt.lawful_compliant"].prefilled is True
    assert prefilled["energy.grid_electricity_kwh"].value == demo_answers()["energy.grid_electricity_kwh"]
    assert not any(code.startswith("calc.") for code in prefilled)  # computed values are recomputed
    page = assessment_page(nxt)
    assert "mgmt.lawful_compliant" in page.evaluate(score=False).prefilled
    answer_save(assessment=nxt, user=sme_manager, code="mgmt.lawful_compliant", value=True)
    assert Answer.objects.get(assessment=nxt, question_code="mgmt.lawful_compliant").prefilled is False
    assert answers_confirm(assessment=nxt, user=sme_manager) == len(prefilled) - 1
    assert not Answer.objects.filter(assessment=nxt, prefilled=True).exists()


def test_it_starts_empty_without_prefill(filled_draft, enterprise, sme_manager):
    Assessment.objects.filter(pk=filled_draft.pk).update(year=2024, status=Assessment.Status.SUBMITTED)
    fresh = assessment_create(enterprise=enterprise, year=2025, user=sme_manager, prefill=False)
    assert not fresh.answers.exists()


# --- answers --------------------------------------------------------------------------------------------


def test_it_upserts_one_row_per_question_and_the_last_writer_wins(draft, sme_manager, sme_contributor):
    answer_save(assessment=draft, user=sme_manager, code="energy.grid_electricity_kwh", value=100)
    answer_save(assessment=draft, user=sme_contributor, code="energy.grid_electricity_kwh", value=200)
    answer_save(assessment=draft, user=sme_manager, code="energy.natural_gas_m3", value=50)
    rows = {a.question_code: a for a in Answer.objects.filter(assessment=draft)}
    assert len(rows) == 2
    assert rows["energy.grid_electricity_kwh"].value == 200
    assert rows["energy.grid_electricity_kwh"].updated_by == sme_contributor
    assert rows["energy.natural_gas_m3"].value == 50


def test_it_saves_one_answer_in_at_most_six_queries(draft, sme_manager, django_assert_max_num_queries):
    fresh = Assessment.objects.get(pk=draft.pk)
    with django_assert_max_num_queries(6):
        answer_save(assessment=fresh, user=sme_manager, code="mgmt.lawful_compliant", value=True)


@pytest.mark.parametrize(
    ("code", "value"),
    [
        ("energy.grid_electricity_kwh", -1),
        ("energy.grid_electricity_kwh", "many"),
        ("mgmt.lawful_compliant", "yes"),
        ("gf25.q.green_design", "no-such-option"),
        ("dig24.scenario.quality", 5),
        ("no.such.question", 1),
    ],
)
def test_it_rejects_values_that_do_not_fit_the_question(draft, sme_manager, code, value):
    with pytest.raises(DomainError) as error:
        answer_save(assessment=draft, user=sme_manager, code=code, value=value)
    assert error.value.field == code
    assert not Answer.objects.filter(assessment=draft).exists()


def test_it_rejects_an_exclusive_option_combined_with_others(draft, sme_manager):
    definitions = assessment_definitions(draft)
    question = next(
        q
        for d in definitions
        for q in d["questions"]
        if q["type"] == "multiple" and any(o.get("exclusive") for o in q.get("options") or [])
    )
    exclusive = next(o["code"] for o in question["options"] if o.get("exclusive"))
    other = next(o["code"] for o in question["options"] if not o.get("exclusive"))
    with pytest.raises(DomainError):
        answer_save(assessment=draft, user=sme_manager, code=question["code"], value=[exclusive, other])
    answer_save(assessment=draft, user=sme_manager, code=question["code"], value=[exclusive])


def test_it_clears_an_answer_with_an_empty_value(draft, sme_manager):
    answer_save(assessment=draft, user=sme_manager, code="energy.grid_electricity_kwh", value=100)
    answer_save(assessment=draft, user=sme_manager, code="energy.grid_electricity_kwh", value=None)
    assert Answer.objects.get(assessment=draft, question_code="energy.grid_electricity_kwh").value is None


def test_it_saves_the_valid_answers_of_a_page_and_returns_the_invalid_ones(draft, sme_manager):
    errors = answers_save_many(
        assessment=draft,
        user=sme_manager,
        values={"energy.grid_electricity_kwh": 10, "energy.natural_gas_m3": -3},
    )
    assert list(errors) == ["energy.natural_gas_m3"]
    assert Answer.objects.get(assessment=draft, question_code="energy.grid_electricity_kwh").value == 10


# --- evidence -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "content_type", "kept_name"),
    [
        ("report.pdf", PDF, "application/pdf", "report.pdf"),
        ("photo.jpg", PNG, "image/png", "photo.png"),  # the content decides, and the name follows it
        (
            "table.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "table.docx",
        ),
    ],
)
def test_it_accepts_evidence_by_its_content(
    draft, sme_manager, settings, tmp_path, name, content, content_type, kept_name
):
    settings.MEDIA_ROOT = tmp_path
    evidence = evidence_add(
        assessment=draft,
        user=sme_manager,
        question_code="mgmt.lawful_compliant",
        upload=SimpleUploadedFile(name, content),
    )
    assert evidence.content_type == content_type
    assert evidence.original_name == kept_name
    assert name not in evidence.file.name
    assert evidence.file.read() == content


@pytest.mark.parametrize(
    "content", [b"MZ\x90\x00 an executable", b"<html><script>alert(1)</script>", b"PK\x03\x04 not a real zip"]
)
def test_it_refuses_evidence_of_other_types_whatever_the_name(
    draft, sme_manager, settings, tmp_path, content
):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(DomainError) as error:
        evidence_add(
            assessment=draft, user=sme_manager, question_code="", upload=SimpleUploadedFile("a.pdf", content)
        )
    assert error.value.code == "file_type"
    assert not Evidence.objects.exists()


def test_it_refuses_evidence_over_the_size_limit(draft, sme_manager, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.EVIDENCE_MAX_BYTES = 1000
    with pytest.raises(DomainError) as error:
        evidence_add(
            assessment=draft, user=sme_manager, question_code="", upload=SimpleUploadedFile("a.pdf", PDF * 40)
        )
    assert error.value.code == "too_large"


def test_it_removes_evidence_with_its_file(
    draft, sme_manager, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    evidence = evidence_add(
        assessment=draft, user=sme_manager, question_code="", upload=SimpleUploadedFile("a.pdf", PDF)
    )
    path = evidence.file.path
    with django_capture_on_commit_callbacks(execute=True):
        evidence_remove(evidence=evidence, user=sme_manager)
    assert not Evidence.objects.exists()
    assert not os.path.exists(path)


# --- submit ---------------------------------------------------------------------------------------------


def test_it_refuses_to_submit_with_missing_required_answers(draft, sme_manager):
    with pytest.raises(DomainError) as error:
        assessment_submit(assessment=draft, user=sme_manager)
    assert error.value.code == "incomplete"
    draft.refresh_from_db()
    assert draft.status == Assessment.Status.DRAFT


def test_it_refuses_to_submit_with_an_unconfirmed_energy_warning(filled_draft, sme_manager):
    # Output value typed in yuan instead of 10,000 yuan: energy per output value looks 10,000 times too small.
    answer_save(assessment=filled_draft, user=sme_manager, code="energy.output_value_10k", value=98_000_000)
    evaluation = assessment_page(filled_draft).evaluate(score=False)
    assert evaluation.warnings
    with pytest.raises(DomainError):
        assessment_submit(assessment=filled_draft, user=sme_manager)
    answer_save(
        assessment=filled_draft,
        user=sme_manager,
        code="energy.confirmed_warnings",
        value=[w["code"] for w in evaluation.warnings],
    )
    assert assessment_submit(assessment=filled_draft, user=sme_manager).status == Assessment.Status.SUBMITTED


def test_it_submits_stores_the_scores_and_records_who_and_when(filled_draft, sme_manager):
    submitted = assessment_submit(assessment=filled_draft, user=sme_manager)
    submitted.refresh_from_db()
    assert submitted.status == Assessment.Status.SUBMITTED
    assert submitted.submitted_by == sme_manager and submitted.submitted_at is not None
    assert submitted.factor_snapshot["factors"]
    frameworks = [item["framework"] for item in submitted.result["frameworks"]]
    assert frameworks == ["green_factory", "clean_production_generic", "sme_digital"]
    assert submitted.total_score == submitted.result["profile"]["overall"]["index"]
    rows = {r.framework: r for r in FrameworkResult.objects.filter(assessment=submitted)}
    assert set(rows) == set(frameworks)
    for item in submitted.result["frameworks"]:
        assert rows[item["framework"]].score == item["score"]
        assert set(rows[item["framework"]].dimension_scores) == {d["code"] for d in item["dimensions"]}
    assert submitted.result["recommendations"]
    assert submitted.result["energy"]["indicators"]["calc.total_energy_tce"]["value"] > 0
    assert (
        AuditEvent.objects.filter(action="assessment.submit", assessment=submitted, actor=sme_manager).count()
        == 1
    )


def test_it_submits_once_when_submitted_twice(filled_draft, sme_manager, sme_contributor):
    stale = Assessment.objects.get(pk=filled_draft.pk)
    assessment_submit(assessment=filled_draft, user=sme_manager)
    with pytest.raises(DomainError) as error:
        assessment_submit(assessment=stale, user=sme_contributor)
    assert error.value.code == "not_editable"
    assert AuditEvent.objects.filter(action="assessment.submit").count() == 1
    assert FrameworkResult.objects.filter(assessment=filled_draft).count() == 3


def test_it_refuses_every_write_after_submission(filled_draft, sme_manager, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    evidence = evidence_add(
        assessment=filled_draft, user=sme_manager, question_code="", upload=SimpleUploadedFile("a.pdf", PDF)
    )
    stale = Assessment.objects.get(pk=filled_draft.pk)  # a copy read before the submission
    assessment_submit(assessment=filled_draft, user=sme_manager)
    writes = [
        lambda: answer_save(assessment=stale, user=sme_manager, code="mgmt.lawful_compliant", value=False),
        lambda: answers_save_many(
            assessment=stale, user=sme_manager, values={"mgmt.lawful_compliant": False}
        ),
        lambda: answers_confirm(assessment=stale, user=sme_manager),
        lambda: evidence_add(
            assessment=stale, user=sme_manager, question_code="", upload=SimpleUploadedFile("b.pdf", PDF)
        ),
        lambda: evidence_remove(evidence=evidence, user=sme_manager),
        lambda: assessment_submit(assessment=stale, user=sme_manager),
    ]
    for write in writes:
        with pytest.raises(DomainError) as error:
            write()
        assert error.value.code == "not_editable"
    assert Answer.objects.get(assessment=filled_draft, question_code="mgmt.lawful_compliant").value is True
    assert Evidence.objects.count() == 1


def test_it_lets_a_returned_assessment_be_edited_and_submitted_again(filled_draft, sme_manager):
    assessment_submit(assessment=filled_draft, user=sme_manager)
    Assessment.objects.filter(pk=filled_draft.pk).update(status=Assessment.Status.RETURNED)
    returned = Assessment.objects.get(pk=filled_draft.pk)
    answer_save(assessment=returned, user=sme_manager, code="mgmt.green_management_body", value=True)
    again = assessment_submit(assessment=returned, user=sme_manager)
    assert again.status == Assessment.Status.SUBMITTED
    assert FrameworkResult.objects.filter(assessment=again, validated=False).count() == 3


def test_it_puts_the_energy_calculator_first_and_one_page_per_dimension(draft):
    sections = build_sections(assessment_definitions(draft))
    keys = [s.key for s in sections]
    assert keys[0] == "energy"
    definitions = assessment_definitions(draft)
    for definition in definitions:
        for dimension in definition["dimensions"]:
            assert dimension["code"] in keys
    energy_inputs = {q["code"] for q in sections[0].questions if q["type"] != "computed"}
    for section in sections[1:]:
        assert not energy_inputs & set(section.codes), section.key
