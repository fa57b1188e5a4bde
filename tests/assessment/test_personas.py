from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.urls import reverse

from assessment.uscc import is_valid_uscc
from tests.factories import TEST_PASSWORD


def test_it_gives_the_personas_their_roles(
    sme_manager,
    sme_contributor,
    other_manager,
    city_official,
    other_city_official,
    province_official,
    admin_user,
):
    assert sme_manager.membership.role == "manager"
    assert sme_contributor.membership.enterprise == sme_manager.membership.enterprise
    assert other_manager.membership.enterprise != sme_manager.membership.enterprise
    assert city_official.official.city_code == "230100"
    assert other_city_official.official.city_code == "230200"
    assert province_official.official.is_province
    assert admin_user.is_superuser


def test_it_builds_enterprises_with_valid_codes_and_derived_sizes(enterprise, other_enterprise):
    assert is_valid_uscc(enterprise.uscc) and is_valid_uscc(other_enterprise.uscc)
    assert enterprise.uscc[2:8] == "230100"
    assert enterprise.size_class == "small"  # 120 employees (< 300), 5000 万元


def test_it_lets_personas_log_in_with_the_shared_password(rf, sme_manager):
    assert authenticate(rf.get("/"), username="sme_manager", password=TEST_PASSWORD) == sme_manager


@pytest.mark.parametrize(
    ("persona", "offered"),
    [
        ("sme_manager", False),
        ("sme_contributor", False),
        ("city_official", True),
        ("province_official", True),
        ("admin_user", False),
    ],
)
def test_it_offers_the_bulk_import_of_enterprises_to_officials_only(request, client, persona, offered):
    client.force_login(request.getfixturevalue(persona))
    page = client.get(reverse("home")).content.decode()
    assert (reverse("enterprise_import") in page) is offered
    assert client.get(reverse("enterprise_import")).status_code == (200 if offered else 403)
