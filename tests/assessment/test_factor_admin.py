"""Administrators edit factor sets without a code change; a set an assessment uses stays as it is."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from assessment.models import AuditEvent, Factor, FactorSet
from assessment.selectors.factors import FACTORS_FILE, current_factor_set, read_factor_file
from assessment.services.factors import factor_set_load
from tests.factories import AssessmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded_set() -> FactorSet:
    return factor_set_load(data=read_factor_file(FACTORS_FILE)).factor_set


def _inline_post(factor_set: FactorSet, **changes) -> dict:
    """The change form of a set, as the browser posts it, with some factor values changed."""
    factors = list(factor_set.factors.order_by("pk"))
    data = {
        "name": factor_set.name,
        "year": factor_set.year,
        "notes": factor_set.notes,
        "factors-TOTAL_FORMS": len(factors),
        "factors-INITIAL_FORMS": len(factors),
        "factors-MIN_NUM_FORMS": 0,
        "factors-MAX_NUM_FORMS": 1000,
    }
    for index, factor in enumerate(factors):
        prefix = f"factors-{index}-"
        data |= {
            f"{prefix}id": factor.pk,
            f"{prefix}factor_set": factor_set.pk,
            f"{prefix}key": factor.key,
            f"{prefix}label_zh": factor.label_zh,
            f"{prefix}label_en": factor.label_en,
            f"{prefix}value": changes.get(factor.key, factor.value),
            f"{prefix}unit": factor.unit,
            f"{prefix}year": factor.year or "",
            f"{prefix}source": factor.source,
        }
        if factor.provisional:
            data[f"{prefix}provisional"] = "on"
    return data


def test_it_lets_an_administrator_edit_an_unused_set(client, admin_user, loaded_set):
    client.force_login(admin_user)
    url = reverse("admin:assessment_factorset_change", args=[loaded_set.pk])
    response = client.post(url, _inline_post(loaded_set, **{"coef.natural_gas": "1.2143"}))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Factor.objects.get(factor_set=loaded_set, key="coef.natural_gas").value == Decimal("1.2143")


def test_it_shows_a_used_set_read_only(client, admin_user, loaded_set, enterprise):
    AssessmentFactory(enterprise=enterprise, factor_set=loaded_set)
    client.force_login(admin_user)
    changelist = client.get(reverse("admin:assessment_factorset_changelist"))
    assert changelist.status_code == 200
    url = reverse("admin:assessment_factorset_change", args=[loaded_set.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="factors-0-value"' not in page.content.decode()
    client.post(url, _inline_post(loaded_set, **{"coef.natural_gas": "1.2143"}))
    assert Factor.objects.get(factor_set=loaded_set, key="coef.natural_gas").value == Decimal("1.33")
    factor = Factor.objects.get(factor_set=loaded_set, key="coef.raw_coal")
    client.post(reverse("admin:assessment_factor_change", args=[factor.pk]), {"value": "9"})
    factor.refresh_from_db()
    assert factor.value == Decimal("0.7143")


def test_it_copies_a_set_and_makes_the_copy_the_default(client, admin_user, loaded_set, enterprise):
    AssessmentFactory(enterprise=enterprise, factor_set=loaded_set)
    client.force_login(admin_user)
    changelist = reverse("admin:assessment_factorset_changelist")
    client.post(changelist, {"action": "copy_sets", "_selected_action": [loaded_set.pk]})
    copy = FactorSet.objects.exclude(pk=loaded_set.pk).get()
    assert copy.name == f"{loaded_set.name} (copy)"
    assert copy.factors.count() == loaded_set.factors.count()
    assert not copy.is_default
    client.post(changelist, {"action": "make_default", "_selected_action": [copy.pk]})
    assert current_factor_set() == copy
    assert FactorSet.objects.filter(is_default=True).count() == 1
    assert AuditEvent.objects.filter(action="factor_set.made_default", actor=admin_user).exists()
