"""Large figures on pages read with thousands grouped and money in one unit per language; form inputs keep
plain, parseable values."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse


def test_the_sme_home_groups_employees_and_revenue(client, enterprise, sme_manager):
    enterprise.employees, enterprise.revenue = 1200, Decimal("32506.50")
    enterprise.save()
    client.force_login(sme_manager)
    content = client.get(reverse("home")).content.decode()
    assert "（1,200 人，营业收入 32,506.5 万元）" in content
    english = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "(1,200 employees, revenue 32,506.5 10k yuan)" in english
    assert "CNY" not in english


def test_the_profile_form_keeps_plain_values(client, enterprise, sme_manager):
    enterprise.employees, enterprise.revenue = 1200, Decimal("32506.50")
    enterprise.save()
    client.force_login(sme_manager)
    content = client.get(reverse("enterprise_edit")).content.decode()
    assert 'value="1200"' in content and 'value="32506.50"' in content
    assert "32,506" not in content
