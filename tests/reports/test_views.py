"""The report download: who may download which assessment's PDF."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessment.models import Assessment
from tests.reports.conftest import store_assessment

pytestmark = pytest.mark.usefixtures("loaded_definitions")


def download(client, user, assessment, **params):
    if user is not None:
        client.force_login(user)
    return client.get(reverse("assessment_report_pdf", args=[assessment.pk]), params)


def test_it_lets_the_manager_download_the_report(client, demo, enterprise, sme_manager):
    response = download(client, sme_manager, store_assessment(demo, enterprise))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="report-')
    assert response.content.startswith(b"%PDF-")


def test_it_serves_the_english_report_on_request(client, demo, enterprise, sme_contributor):
    response = download(client, sme_contributor, store_assessment(demo, enterprise), lang="en")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('-en.pdf"')


def test_it_lets_members_preview_a_draft(client, demo, enterprise, sme_manager):
    draft = store_assessment(demo, enterprise, status=Assessment.Status.DRAFT)
    assert download(client, sme_manager, draft).status_code == 200


@pytest.mark.parametrize("persona", ["city_official", "province_official"])
def test_it_lets_officials_of_the_jurisdiction_download_a_submitted_report(
    client, demo, enterprise, persona, request
):
    official = request.getfixturevalue(persona)
    assert download(client, official, store_assessment(demo, enterprise)).status_code == 200


@pytest.mark.parametrize("persona", ["other_manager", "other_city_official"])
def test_it_hides_the_report_from_users_outside(client, demo, enterprise, persona, request):
    user = request.getfixturevalue(persona)
    assert download(client, user, store_assessment(demo, enterprise)).status_code == 404


def test_it_hides_drafts_from_officials(client, demo, enterprise, city_official):
    draft = store_assessment(demo, enterprise, status=Assessment.Status.DRAFT)
    assert download(client, city_official, draft).status_code == 404


def test_it_sends_anonymous_users_to_the_login(client, demo, enterprise):
    response = download(client, None, store_assessment(demo, enterprise))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
