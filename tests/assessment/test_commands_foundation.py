from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from assessment import reference
from assessment.demo import DEMO_LOGINS, DEMO_PASSWORD, DemoContext, run_demo_steps
from assessment.models import Enterprise, Membership, OfficialProfile, User
from assessment.uscc import is_valid_uscc


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


@pytest.mark.django_db
def test_it_seeds_enterprises_in_every_city_with_valid_codes_and_several_sizes():
    seed()
    enterprises = list(Enterprise.objects.all())
    assert len(enterprises) == 39
    assert {e.city_code for e in enterprises} == {c.code for c in reference.CITIES}
    assert all(is_valid_uscc(e.uscc) and e.uscc[2:8] == e.city_code for e in enterprises)
    assert len({e.industry_division for e in enterprises}) >= 5
    assert len({e.size_class for e in enterprises}) >= 3
    assert all(e.size_class == reference.size_class(e.employees, e.revenue) for e in enterprises)


@pytest.mark.django_db
def test_it_creates_the_documented_demo_logins_with_their_roles(rf):
    seed()
    for username, _role in DEMO_LOGINS:
        assert authenticate(rf.get("/"), username=username, password=DEMO_PASSWORD) is not None, username
    assert User.objects.get(username="sme_manager").membership.role == Membership.Role.MANAGER
    assert User.objects.get(username="sme_contributor").membership.enterprise.name == "哈尔滨绿源乳业有限公司"
    assert User.objects.get(username="city_official").official.city_code == "230100"
    assert User.objects.get(username="province_official").official.is_province
    assert User.objects.get(username="admin").is_superuser
    assert OfficialProfile.objects.count() == 14  # 13 cities + province


@pytest.mark.django_db
def test_it_is_idempotent_and_deterministic():
    seed()
    first = sorted(
        Enterprise.objects.values_list("uscc", "name", "employees", "revenue", "industry_division")
    )
    users = User.objects.count()
    assert "0 enterprises, 0 enterprise users" in seed()
    assert (
        sorted(Enterprise.objects.values_list("uscc", "name", "employees", "revenue", "industry_division"))
        == first
    )
    assert User.objects.count() == users


@pytest.mark.django_db
def test_it_extends_a_small_set_to_a_larger_one_keeping_the_first_enterprises():
    seed(enterprises=5)
    first = set(Enterprise.objects.values_list("uscc", "name"))
    seed(enterprises=40)
    assert Enterprise.objects.count() == 40
    assert first <= set(Enterprise.objects.values_list("uscc", "name"))


@pytest.mark.django_db
def test_it_runs_added_steps_with_the_shared_context():
    seen = []
    run_demo_steps(DemoContext(enterprises=3), steps=[lambda context: seen.append(context.enterprises)])
    assert seen == [3]


@pytest.mark.django_db
def test_it_creates_a_city_official_from_the_command_line():
    out = StringIO()
    call_command(
        "create_official",
        "mdj_official",
        "--city",
        "231000",
        "--email",
        "m@example.com",
        "--password",
        "Lvzhiping-2026!",
        "--no-input",
        stdout=out,
    )
    profile = OfficialProfile.objects.get(user__username="mdj_official")
    assert profile.city_code == "231000"
    assert "Mudanjiang" in out.getvalue()


@pytest.mark.django_db
def test_it_creates_a_province_official_without_a_usable_password():
    call_command("create_official", "prov", "--province", "--no-input", stdout=StringIO())
    user = User.objects.get(username="prov")
    assert user.official.is_province and not user.has_usable_password()


@pytest.mark.django_db
def test_it_refuses_an_unknown_city_code():
    with pytest.raises(CommandError):
        call_command("create_official", "x", "--city", "110100", "--no-input", stdout=StringIO())


@pytest.mark.django_db(transaction=True)
def test_it_sets_up_the_demo_and_prints_the_logins():
    out = StringIO()
    call_command("setup_demo", enterprises=3, stdout=out)
    call_command("setup_demo", enterprises=3, stdout=out)  # idempotent
    text = out.getvalue()
    assert Enterprise.objects.count() == 3
    for username, _ in DEMO_LOGINS:
        assert username in text
    assert DEMO_PASSWORD in text and "http://" in text
