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
def test_it_shows_each_admin_list_with_search_and_filters(client, admin_user, sme_manager, city_official, model):
    AssessmentFactory(enterprise=sme_manager.membership.enterprise)
    InvitationFactory(enterprise=sme_manager.membership.enterprise)
    client.force_login(admin_user)
    url = reverse(f"admin:assessment_{model._meta.model_name}_changelist")
    assert client.get(url).status_code == 200
    assert client.get(url, {"q": "哈尔滨"}).status_code == 200


@pytest.mark.django_db
def test_it_filters_enterprises_and_officials_by_city(client, admin_user, enterprise, other_enterprise, city_official):
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
