from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from assessment.models import Assessment
from assessment.permissions import (
    enterprises_visible_to,
    get_assessment_for_user,
    get_enterprise_for_member,
    official_scope,
    require_manager,
)
from tests.factories import AssessmentFactory, EnterpriseFactory


@pytest.fixture
def submitted(enterprise) -> Assessment:
    return AssessmentFactory(enterprise=enterprise, year=2025, status=Assessment.Status.SUBMITTED)


@pytest.fixture
def draft(enterprise) -> Assessment:
    return AssessmentFactory(enterprise=enterprise, year=2026, status=Assessment.Status.DRAFT)


def test_it_finds_the_members_enterprise(sme_manager, sme_contributor, enterprise):
    assert get_enterprise_for_member(sme_manager) == enterprise
    assert get_enterprise_for_member(sme_contributor) == enterprise


def test_it_refuses_the_enterprise_to_non_members(city_official, admin_user):
    for user in (city_official, admin_user):
        with pytest.raises(PermissionDenied):
            get_enterprise_for_member(user)


def test_it_requires_a_manager_of_that_very_enterprise(
    sme_manager, sme_contributor, other_manager, enterprise
):
    assert require_manager(sme_manager, enterprise).role == "manager"
    for user in (sme_contributor, other_manager):
        with pytest.raises(PermissionDenied):
            require_manager(user, enterprise)


def test_it_scopes_officials_to_their_city_or_the_province(
    city_official, other_city_official, province_official, sme_manager
):
    assert official_scope(city_official) == "230100"
    assert official_scope(other_city_official) == "230200"
    assert official_scope(province_official) is None
    with pytest.raises(PermissionDenied):
        official_scope(sme_manager)


def test_it_shows_officials_only_enterprises_of_their_jurisdiction(
    enterprise, other_enterprise, city_official, other_city_official, province_official, admin_user
):
    EnterpriseFactory(city_code="232700")
    assert set(enterprises_visible_to(city_official)) == {enterprise}
    assert set(enterprises_visible_to(other_city_official)) == {other_enterprise}
    assert enterprises_visible_to(province_official).count() == 3
    assert enterprises_visible_to(admin_user).count() == 3


def test_it_shows_members_only_their_own_enterprise(
    sme_contributor, other_manager, enterprise, other_enterprise
):
    assert list(enterprises_visible_to(sme_contributor)) == [enterprise]
    assert list(enterprises_visible_to(other_manager)) == [other_enterprise]
    assert not enterprises_visible_to(AnonymousUser()).exists()


def test_it_lets_members_read_and_write_their_assessments(sme_manager, sme_contributor, draft):
    for user in (sme_manager, sme_contributor):
        assert get_assessment_for_user(user, draft.pk, write=True) == draft


def test_it_hides_other_enterprises_assessments_with_404(other_manager, other_city_official, submitted):
    for user in (other_manager, other_city_official):
        with pytest.raises(Http404):
            get_assessment_for_user(user, submitted.pk)


def test_it_lets_officials_in_scope_read_but_not_write_submitted_assessments(
    city_official, province_official, submitted
):
    for user in (city_official, province_official):
        assert get_assessment_for_user(user, submitted.pk) == submitted
        with pytest.raises(PermissionDenied):
            get_assessment_for_user(user, submitted.pk, write=True)


def test_it_hides_drafts_from_officials(city_official, province_official, draft):
    for user in (city_official, province_official):
        with pytest.raises(Http404):
            get_assessment_for_user(user, draft.pk)


def test_it_gives_404_for_unknown_or_malformed_ids(sme_manager):
    with pytest.raises(Http404):
        get_assessment_for_user(sme_manager, 999999)
    with pytest.raises(Http404):
        get_assessment_for_user(sme_manager, "abc")
