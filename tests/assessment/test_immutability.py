"""Immutability (issue 9, part 4): a submitted or accepted assessment cannot change by any path (form,
autosave, confirm, evidence, second submission, service calls, admin) except the return-for-revision
flow. Every refused attempt leaves the stored data exactly as it was."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.urls import reverse

from assessment.exceptions import DomainError
from assessment.models import Answer, Assessment, Evidence, FrameworkResult
from assessment.services import assessments as services
from assessment.services.review import review_decide
from tests.builders import PDF_BYTES, fill_draft, pdf_upload

CODE = "dig24.q.devices_networked"


@pytest.fixture(params=[Assessment.Status.SUBMITTED, Assessment.Status.ACCEPTED])
def locked(request, frameworks_loaded, enterprise, sme_manager, city_official, media_root) -> Assessment:
    assessment = fill_draft(enterprise=enterprise, user=sme_manager)
    services.evidence_add(assessment=assessment, user=sme_manager, question_code="", upload=pdf_upload())
    assessment = services.assessment_submit(assessment=assessment, user=sme_manager)
    if request.param == Assessment.Status.ACCEPTED:
        assessment = review_decide(assessment=assessment, reviewer=city_official, decision="accept", note="")
    assert assessment.status == request.param
    return Assessment.objects.get(pk=assessment.pk)


def snapshot(assessment: Assessment) -> str:
    row = Assessment.objects.get(pk=assessment.pk)
    return json.dumps(
        {
            "assessment": [
                row.status,
                row.result,
                row.total_score,
                str(row.submitted_at),
                str(row.updated_at),
            ],
            "answers": sorted(
                (a.question_code, a.value, a.prefilled, a.override_reason, str(a.updated_at))
                for a in Answer.objects.filter(assessment=row)
            ),
            "evidence": sorted(
                (e.pk, e.file.name, Path(e.file.path).read_bytes() == PDF_BYTES)
                for e in Evidence.objects.filter(assessment=row)
            ),
            "results": sorted(
                (r.framework, r.score, r.level, r.validated)
                for r in FrameworkResult.objects.filter(assessment=row)
            ),
        },
        sort_keys=True,
        default=str,
    )


# --- service calls ----------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "call",
    [
        lambda a, u: services.answer_save(assessment=a, user=u, code=CODE, value=100),
        lambda a, u: services.answer_save(assessment=a, user=u, code=CODE, value=None),
        lambda a, u: services.answers_save_many(assessment=a, user=u, values={CODE: 100}),
        lambda a, u: services.answers_confirm(assessment=a, user=u),
        lambda a, u: services.evidence_add(assessment=a, user=u, question_code="", upload=pdf_upload()),
        lambda a, u: services.evidence_remove(evidence=a.evidence.get(), user=u),
        lambda a, u: services.assessment_submit(assessment=a, user=u),
    ],
    ids=[
        "answer_save",
        "answer_clear",
        "answers_save_many",
        "answers_confirm",
        "evidence_add",
        "evidence_remove",
        "submit_again",
    ],
)
def test_it_refuses_every_service_write_to_a_locked_assessment(locked, sme_manager, call):
    before = snapshot(locked)
    with pytest.raises(DomainError) as caught:
        call(locked, sme_manager)
    assert caught.value.code == "not_editable"
    assert snapshot(locked) == before


@pytest.mark.django_db
def test_it_refuses_a_write_through_a_stale_object_that_still_says_draft(locked, sme_manager):
    """The check reads the status under a row lock: an in-memory object loaded before the submission
    (another tab, a slow request) cannot write."""
    before = snapshot(locked)
    stale = Assessment.objects.get(pk=locked.pk)
    stale.status = Assessment.Status.DRAFT
    for call in (
        lambda: services.answer_save(assessment=stale, user=sme_manager, code=CODE, value=100),
        lambda: services.answers_save_many(assessment=stale, user=sme_manager, values={CODE: 100}),
        lambda: services.answers_confirm(assessment=stale, user=sme_manager),
        lambda: services.evidence_add(
            assessment=stale, user=sme_manager, question_code="", upload=pdf_upload()
        ),
        lambda: services.assessment_submit(assessment=stale, user=sme_manager),
    ):
        with pytest.raises(DomainError):
            call()
    assert snapshot(locked) == before


# --- the pages --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_refuses_every_page_write_to_a_locked_assessment(client, locked, sme_manager, sme_contributor):
    before = snapshot(locked)
    evidence = locked.evidence.get()
    for user in (sme_manager, sme_contributor):
        client.force_login(user)
        response = client.post(
            reverse("assessment_autosave", args=[locked.pk]), {"question": CODE, CODE: "100"}
        )
        assert response.status_code == 409
        assert response.json()["ok"] is False
        sections = client.get(reverse("assessment_detail", args=[locked.pk]))
        assert sections.status_code == 302  # to the results: no form to fill
        from assessment.selectors.assessments import assessment_definitions, build_sections

        section = build_sections(assessment_definitions(locked))[-1].key
        client.post(reverse("assessment_fill", args=[locked.pk, section]), {CODE: "100"})
        client.post(reverse("assessment_confirm", args=[locked.pk]))
        client.post(reverse("evidence_upload", args=[locked.pk]), {"question": "", "file": pdf_upload()})
        client.post(reverse("evidence_delete", args=[locked.pk, evidence.pk]), {"confirm": "1"})
        response = client.post(reverse("assessment_submit", args=[locked.pk]))
        assert response.status_code == 302
        assert response.url == reverse("assessment_results", args=[locked.pk])
    assert snapshot(locked) == before


# --- the admin --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_shows_a_locked_assessment_and_its_answers_read_only_in_the_admin(client, locked, admin_user):
    before = snapshot(locked)
    client.force_login(admin_user)
    answer = locked.answers.get(question_code=CODE)
    evidence = locked.evidence.get()
    result = locked.framework_results.first()

    page = client.get(reverse("admin:assessment_answer_change", args=[answer.pk]))
    assert page.status_code == 200  # viewable
    assert b'name="value"' not in page.content  # but no input
    assert (
        client.post(
            reverse("admin:assessment_answer_change", args=[answer.pk]),
            {"assessment": locked.pk, "question_code": CODE, "value": "100", "override_reason": ""},
        ).status_code
        == 403
    )
    assert (
        client.post(reverse("admin:assessment_answer_delete", args=[answer.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert (
        client.post(
            reverse("admin:assessment_evidence_delete", args=[evidence.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("admin:assessment_frameworkresult_change", args=[result.pk]),
            {
                "assessment": locked.pk,
                "framework": result.framework,
                "version": result.version,
                "score": "99",
            },
        ).status_code
        == 403
    )
    # Bulk delete of answers through the changelist action.
    response = client.post(
        reverse("admin:assessment_answer_changelist"),
        {"action": "delete_selected", "_selected_action": [answer.pk], "post": "yes"},
    )
    assert response.status_code == 403
    # A new answer for the locked assessment.
    response = client.post(
        reverse("admin:assessment_answer_add"),
        {"assessment": locked.pk, "question_code": "new.code", "value": "1", "override_reason": ""},
    )
    assert response.status_code == 200 and b"errornote" in response.content
    # The assessment itself: every field read-only, not deletable.
    change = reverse("admin:assessment_assessment_change", args=[locked.pk])
    page = client.get(change)
    assert page.status_code == 200
    assert b'name="status"' not in page.content and b'name="total_score"' not in page.content
    response = client.post(
        change,
        {
            "status": "draft",
            "total_score": "1",
            "year": "2020",
            "framework_results-TOTAL_FORMS": "0",
            "framework_results-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 403
    assert (
        client.post(
            reverse("admin:assessment_assessment_delete", args=[locked.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    response = client.post(
        reverse("admin:assessment_assessment_changelist"),
        {"action": "delete_selected", "_selected_action": [locked.pk], "post": "yes"},
    )
    assert response.status_code == 403
    assert snapshot(locked) == before


@pytest.mark.django_db
def test_it_still_lets_the_admin_edit_a_draft_answer(
    client, frameworks_loaded, enterprise, sme_manager, admin_user
):
    draft = fill_draft(enterprise=enterprise, user=sme_manager)
    answer = draft.answers.get(question_code=CODE)
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:assessment_answer_change", args=[answer.pk]),
        {
            "assessment": draft.pk,
            "question_code": CODE,
            "value": "100",
            "override_reason": "",
            "updated_by": admin_user.pk,
        },
    )
    assert response.status_code == 302, (
        response.context["adminform"].form.errors if response.context else response
    )
    answer.refresh_from_db()
    assert answer.value == 100


# --- the one way back: return for revision ----------------------------------------------------------------


@pytest.mark.django_db
def test_it_reopens_an_assessment_only_through_return_for_revision(
    frameworks_loaded, enterprise, sme_manager, city_official, media_root
):
    assessment = services.assessment_submit(
        assessment=fill_draft(enterprise=enterprise, user=sme_manager), user=sme_manager
    )
    first_score = assessment.total_score
    with pytest.raises(DomainError):
        services.answer_save(assessment=assessment, user=sme_manager, code=CODE, value=100)
    returned = review_decide(
        assessment=assessment, reviewer=city_official, decision="return", note="请核实联网设备数"
    )
    assert returned.status == Assessment.Status.RETURNED
    services.answer_save(assessment=returned, user=sme_manager, code=CODE, value=100)
    resubmitted = services.assessment_submit(assessment=returned, user=sme_manager)
    assert resubmitted.status == Assessment.Status.SUBMITTED
    assert resubmitted.total_score != first_score
    accepted = review_decide(assessment=resubmitted, reviewer=city_official, decision="accept", note="")
    with pytest.raises(DomainError):
        services.answer_save(assessment=accepted, user=sme_manager, code=CODE, value=55)
    with pytest.raises(DomainError):
        review_decide(assessment=accepted, reviewer=city_official, decision="return", note="再改")
