"""CSRF on the SME journey's and the officials' state-changing endpoints, the autosave endpoint included
(issue 9, part 1): a POST without the token is refused with 403 and changes nothing; the autosave with the
token from the page (form field or X-CSRFToken header, as static/js/fill.js sends it) is accepted."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from assessment.models import Answer, Assessment
from assessment.selectors.assessments import assessment_definitions, build_sections
from assessment.services.assessments import assessment_submit
from tests.builders import fill_draft, pdf_upload

CODE = "dig24.q.devices_networked"


@pytest.fixture
def draft(frameworks_loaded, enterprise, sme_manager) -> Assessment:
    return fill_draft(enterprise=enterprise, user=sme_manager)


def _csrf_client(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def _token_from_page(client: Client, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)


@pytest.mark.django_db
def test_it_refuses_the_journeys_posts_without_the_csrf_token(draft, sme_manager, media_root):
    client = _csrf_client(sme_manager)
    section = build_sections(assessment_definitions(draft))[-1].key
    before = sorted(Answer.objects.filter(assessment=draft).values_list("question_code", "value"))
    posts = [
        (reverse("assessment_autosave", args=[draft.pk]), {"question": CODE, CODE: "77"}),
        (reverse("assessment_fill", args=[draft.pk, section]), {CODE: "77"}),
        (reverse("assessment_confirm", args=[draft.pk]), {}),
        (reverse("evidence_upload", args=[draft.pk]), {"question": "", "file": pdf_upload()}),
        (reverse("assessment_submit", args=[draft.pk]), {}),
        (reverse("assessment_start"), {"year": "2023", "frameworks": ["sme_digital"]}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    draft.refresh_from_db()
    assert draft.status == Assessment.Status.DRAFT
    assert sorted(Answer.objects.filter(assessment=draft).values_list("question_code", "value")) == before
    assert not draft.evidence.exists()
    assert Assessment.objects.count() == 1


@pytest.mark.django_db
def test_it_accepts_an_autosave_carrying_the_pages_token_in_the_header(draft, sme_manager):
    client = _csrf_client(sme_manager)
    section = build_sections(assessment_definitions(draft))[-1].key
    token = _token_from_page(client, reverse("assessment_fill", args=[draft.pk, section]))
    url = reverse("assessment_autosave", args=[draft.pk])
    response = client.post(url, {"question": CODE, CODE: "77"}, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200 and response.json()["ok"] is True
    assert Answer.objects.get(assessment=draft, question_code=CODE).value == 77
    response = client.post(url, {"question": CODE, CODE: "78", "csrfmiddlewaretoken": token})
    assert response.status_code == 200 and response.json()["ok"] is True
    # A token from elsewhere (not this client's cookie) is refused.
    assert client.post(url, {"question": CODE, CODE: "79"}, HTTP_X_CSRFTOKEN="x" * 64).status_code == 403
    assert Answer.objects.get(assessment=draft, question_code=CODE).value == 78


@pytest.mark.django_db
def test_it_refuses_the_officials_posts_without_the_csrf_token(draft, sme_manager, city_official):
    submitted = assessment_submit(assessment=draft, user=sme_manager)
    client = _csrf_client(city_official)
    for name, data in (
        ("review_comment", {"text": "请补充"}),
        ("review_validate", {"question": CODE, "value": "1", "reason": "核定"}),
        ("review_withdraw", {"question": CODE, "reason": "撤回"}),
        ("review_decide", {"decision": "accept", "note": ""}),
    ):
        assert client.post(reverse(name, args=[submitted.pk]), data).status_code == 403, name
    submitted.refresh_from_db()
    assert submitted.status == Assessment.Status.SUBMITTED
    assert not submitted.review_comments.exists() and not submitted.validated_answers.exists()
