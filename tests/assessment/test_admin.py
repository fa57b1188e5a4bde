from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from tests.factories import AssessmentFactory, InvitationFactory

ASSESSMENT_MODELS = [model for model in apps.get_app_config("assessment").get_models()]


def test_it_registers_every_assessment_model_in_the_admin():
    assert [m.__name__ for m in ASSESSMENT_MODELS if m not in admin.site._registry] == []


@pytest.mark.django_db
@pytest.mark.parametrize("model", ASSESSMENT_MODELS, ids=lambda m: m.__name__)
def test_it_shows_each_admin_list_with_search_and_filters(
    client, admin_user, sme_manager, city_official, model
):
    AssessmentFactory(enterprise=sme_manager.membership.enterprise)
    InvitationFactory(enterprise=sme_manager.membership.enterprise)
    client.force_login(admin_user)
    url = reverse(f"admin:assessment_{model._meta.model_name}_changelist")
    assert client.get(url).status_code == 200
    assert client.get(url, {"q": "哈尔滨"}).status_code == 200


@pytest.mark.django_db
def test_it_filters_enterprises_and_officials_by_city(
    client, admin_user, enterprise, other_enterprise, city_official
):
    client.force_login(admin_user)
    response = client.get(reverse("admin:assessment_enterprise_changelist"), {"city": "230200"})
    assert list(response.context["cl"].result_list) == [other_enterprise]
    response = client.get(reverse("admin:assessment_officialprofile_changelist"), {"city": "230100"})
    assert [p.user for p in response.context["cl"].result_list] == [city_official]


@pytest.mark.django_db
def test_it_keeps_the_audit_trail_read_only_in_the_admin(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("admin:assessment_auditevent_add")).status_code == 403


@pytest.mark.django_db
def test_it_keeps_the_sme_home_query_count_constant(client, sme_manager, django_assert_max_num_queries):
    from tests.factories import MembershipFactory

    for _ in range(15):
        MembershipFactory(enterprise=sme_manager.membership.enterprise, role="contributor")
    client.force_login(sme_manager)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_it_validates_the_uscc_and_derives_the_size_in_the_admin(client, admin_user, enterprise):
    client.force_login(admin_user)
    url = reverse("admin:assessment_enterprise_change", args=[enterprise.pk])
    data = {
        "name": enterprise.name,
        "uscc": "91350100M000100Y44",
        "city_code": "230100",
        "county": "",
        "industry_division": "C14",
        "industry_class": "",
        "employees": 5,
        "revenue": "100",
        "contact_name": "张",
        "contact_phone": "1",
        "contact_email": "a@example.com",
        "main_products": "",
        "memberships-TOTAL_FORMS": 0,
        "memberships-INITIAL_FORMS": 0,
    }
    response = client.post(url, data)
    assert response.status_code == 200 and "uscc" in response.context["adminform"].form.errors
    data["uscc"] = "91350100M000100Y43"
    assert client.post(url, data).status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.size_class == "micro" and enterprise.uscc == "91350100M000100Y43"


@pytest.mark.django_db
def test_it_creates_an_official_with_a_jurisdiction_in_the_admin(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:assessment_officialprofile_add"),
        {"user": admin_user.pk, "city_code": "231100", "organisation": "黑河市工信局"},
    )
    assert response.status_code == 302
    admin_user.refresh_from_db()
    assert admin_user.official.city_code == "231100"
