from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from assessment.models import Enterprise, Invitation, Membership
from assessment.uscc import make_uscc
from tests.factories import TEST_PASSWORD, EnterpriseFactory, InvitationFactory, UserFactory

NEW_PASSWORD = "Lvzhiping-2026!"


def signup_data(**overrides) -> dict[str, str]:
    data = {
        "username": "jiamusi_boss",
        "display_name": "孙总",
        "email": "sun@example.com",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "name": "佳木斯粮油加工有限公司",
        "uscc": make_uscc(region_code="230800", org_body="31415926"),
        "city_code": "230800",
        "county": "桦南县",
        "industry_division": "C13",
        "industry_class": "C1331",
        "employees": "45",
        "revenue": "1800.50",
        "contact_name": "孙总",
        "contact_phone": "0454-1234567",
        "contact_email": "sun@example.com",
        "main_products": "大豆油",
    }
    data.update(overrides)
    return data


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


# --- sign-up -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_signs_up_and_lands_on_the_sme_home(client):
    response = client.post(reverse("signup"), signup_data(), follow=True)
    assert response.status_code == 200
    enterprise = Enterprise.objects.get(name="佳木斯粮油加工有限公司")
    assert enterprise.size_class == "small"
    assert enterprise.industry_class == "C1331"
    assert response.context["enterprise"] == enterprise
    assert "佳木斯市" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "overrides, field, text",
    [
        ({"uscc": "91350100M000100Y4"}, "uscc", "18位"),
        ({"uscc": "91350100MO00100Y43"}, "uscc", "I、O、S、V、Z"),
        ({"uscc": "91350100M000100Y44"}, "uscc", "校验位"),
        ({"employees": "-3"}, "employees", "不能为负数"),
        ({"revenue": "-1"}, "revenue", "不能为负数"),
        ({"password2": "something-else-2026"}, "password2", "不一致"),
        ({"industry_class": "C2611"}, "industry_class", "C131"),
    ],
)
def test_it_shows_bad_input_at_the_field_and_keeps_what_was_typed(client, overrides, field, text):
    data = signup_data(**overrides)
    response = client.post(reverse("signup"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert text in " ".join(form.errors[field])
    html = response.content.decode()
    for kept in ("佳木斯粮油加工有限公司", "桦南县", "大豆油", "jiamusi_boss", data["uscc"]):
        assert kept in html
    assert not Enterprise.objects.filter(name="佳木斯粮油加工有限公司").exists()


@pytest.mark.django_db
def test_it_refuses_a_duplicate_enterprise_at_the_field(client, enterprise):
    response = client.post(reverse("signup"), signup_data(uscc=enterprise.uscc))
    assert "已经注册" in " ".join(response.context["form"].errors["uscc"])
    assert "佳木斯粮油加工有限公司" in response.content.decode()


@pytest.mark.django_db
def test_it_shows_field_errors_in_english_after_switching_language(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.post(reverse("signup"), signup_data(uscc="91350100M000100Y44"))
    assert "check character" in " ".join(response.context["form"].errors["uscc"])


# --- home page per role --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_sends_anonymous_visitors_to_the_login_page(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    login_page = client.get(reverse("login"))
    assert reverse("signup") in login_page.content.decode()


@pytest.mark.django_db
def test_it_shows_the_manager_the_enterprise_card_members_and_management_links(
    login, sme_manager, sme_contributor
):
    response = login(sme_manager).get(reverse("home"))
    html = response.content.decode()
    assert response.templates[0].name == "assessment/home_sme.html"
    assert sme_manager.membership.enterprise.uscc in html
    assert "李填报" in html and "王经理" in html
    assert reverse("enterprise_members") in html and reverse("enterprise_edit") in html


@pytest.mark.django_db
def test_it_shows_the_contributor_the_enterprise_without_management_links(login, sme_contributor):
    html = login(sme_contributor).get(reverse("home")).content.decode()
    assert sme_contributor.membership.enterprise.name in html
    assert reverse("enterprise_members") not in html
    assert reverse("enterprise_edit") not in html


@pytest.mark.django_db
def test_it_shows_a_city_official_only_their_city(login, city_official, enterprise, other_enterprise):
    EnterpriseFactory(city_code="230100", size_class="micro", employees=5, revenue=10)
    response = login(city_official).get(reverse("home"))
    summary = response.context["summary"]
    assert response.templates[0].name == "assessment/home_official.html"
    assert summary.enterprises == 2
    assert summary.name == "哈尔滨市"
    assert [tally.code for tally in summary.by_city] == ["230100"]
    assert other_enterprise.name not in response.content.decode()


@pytest.mark.django_db
def test_it_shows_the_province_official_every_city(login, province_official, enterprise, other_enterprise):
    summary = login(province_official).get(reverse("home")).context["summary"]
    assert summary.enterprises == 2
    assert len(summary.by_city) == 13
    assert {t.code: t.count for t in summary.by_city}["230200"] == 1


@pytest.mark.django_db
def test_it_keeps_the_official_home_query_count_constant(
    login, province_official, django_assert_max_num_queries
):
    for index in range(30):
        EnterpriseFactory(city_code=["230100", "230600", "232700"][index % 3])
    client = login(province_official)
    with django_assert_max_num_queries(12):
        client.get(reverse("home"))


@pytest.mark.django_db
def test_it_shows_the_admin_a_link_to_the_admin_site(login, admin_user):
    html = login(admin_user).get(reverse("home")).content.decode()
    assert reverse("admin:index") in html
    assert login(admin_user).get(reverse("admin:assessment_enterprise_changelist")).status_code == 200


@pytest.mark.django_db
def test_it_explains_the_situation_to_a_user_without_a_role(login):
    response = login(UserFactory()).get(reverse("home"))
    assert response.templates[0].name == "assessment/home_norole.html"


@pytest.mark.django_db
def test_it_switches_the_home_page_to_english_and_back(login, sme_manager):
    client = login(sme_manager)
    assert "企业信息" in client.get(reverse("home")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("home")).content.decode()
    assert 'lang="en"' in html
    assert "Enterprise profile" in html and "Harbin" in html
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "企业信息" in client.get(reverse("home")).content.decode()


# --- members and invitations -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_runs_the_whole_invitation_flow(
    client, sme_manager, enterprise, django_capture_on_commit_callbacks
):
    client.force_login(sme_manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("invitation_create"), {"email": "new@example.com", "role": "contributor"}
        )
    assert response.status_code == 302
    link = re.search(r"https?://\S+/invitations/[0-9a-f-]+/", mail.outbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    client.logout()

    page = client.get("/" + path)
    assert page.status_code == 200 and enterprise.name in page.content.decode()
    response = client.post(
        "/" + path,
        {
            "username": "newcolleague",
            "display_name": "新同事",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__username="newcolleague")
    assert membership.enterprise == enterprise and membership.role == "contributor"
    assert client.get(reverse("home")).context["enterprise"] == enterprise
    assert client.get("/" + path).status_code == 410  # used up


@pytest.mark.django_db
def test_it_tells_the_invitee_an_invitation_has_expired(client, enterprise):
    invitation = InvitationFactory(enterprise=enterprise, expires_at=timezone.now() - dt.timedelta(hours=1))
    response = client.get(reverse("invitation_accept", args=[invitation.token]))
    assert response.status_code == 410
    assert "过期" in response.content.decode()
    response = client.post(
        reverse("invitation_accept", args=[invitation.token]),
        {"username": "late", "display_name": "迟到", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 410
    assert not Membership.objects.filter(user__username="late").exists()


@pytest.mark.django_db
def test_it_lets_a_signed_in_user_without_enterprise_accept(client, enterprise):
    invitation = InvitationFactory(enterprise=enterprise)
    user = UserFactory(email=invitation.email)
    client.force_login(user)
    assert client.post(reverse("invitation_accept", args=[invitation.token])).status_code == 302
    assert user.membership.enterprise == enterprise


@pytest.mark.django_db
def test_it_gives_404_for_an_unknown_invitation(client):
    assert client.get("/invitations/00000000-0000-0000-0000-000000000000/").status_code == 404


@pytest.mark.django_db
def test_it_keeps_the_typed_email_when_the_invitation_is_refused(login, sme_manager, other_manager):
    response = login(sme_manager).post(
        reverse("invitation_create"), {"email": other_manager.email, "role": "manager"}
    )
    assert response.status_code == 400
    assert other_manager.email in response.content.decode()
    assert "另一家企业" in " ".join(response.context["invite_form"].errors["email"])


@pytest.mark.django_db
def test_it_lets_the_manager_remove_and_revoke(login, sme_manager, sme_contributor, enterprise):
    client = login(sme_manager)
    invitation = InvitationFactory(enterprise=enterprise)
    revoke = reverse("invitation_revoke", args=[invitation.pk])
    assert client.post(revoke, {"confirm": "1"}).status_code == 302
    assert Invitation.objects.get(pk=invitation.pk).revoked_at is not None
    remove = reverse("membership_remove", args=[sme_contributor.membership.pk])
    assert client.post(remove, {"confirm": "1"}).status_code == 302
    assert not Membership.objects.filter(user=sme_contributor).exists()


@pytest.mark.django_db
def test_it_refuses_member_management_to_contributors_and_outsiders(
    login, sme_contributor, sme_manager, other_manager, city_official
):
    target = sme_manager.membership.pk
    for user in (sme_contributor, city_official):
        client = login(user)
        assert client.get(reverse("enterprise_members")).status_code == 403
        assert client.get(reverse("membership_remove", args=[target])).status_code == 403
        assert client.post(reverse("membership_remove", args=[target]), {"confirm": "1"}).status_code == 403
        assert client.get(reverse("enterprise_edit")).status_code == 403
    # another enterprise's manager cannot even see that the membership exists
    assert login(other_manager).get(reverse("membership_remove", args=[target])).status_code == 404
    assert (
        login(other_manager).post(reverse("membership_remove", args=[target]), {"confirm": "1"}).status_code
        == 404
    )
    assert Membership.objects.filter(pk=target).exists()


@pytest.mark.django_db
def test_it_only_accepts_posts_for_state_changes(login, sme_manager):
    client = login(sme_manager)
    assert client.get(reverse("invitation_create")).status_code == 405
    assert client.put(reverse("membership_remove", args=[sme_manager.membership.pk])).status_code == 405


@pytest.mark.django_db
def test_it_lets_the_manager_edit_the_profile(login, sme_manager, enterprise):
    client = login(sme_manager)
    data = signup_data(
        uscc=enterprise.uscc,
        name="哈尔滨绿源乳业股份有限公司",
        city_code="230100",
        industry_division="C14",
        industry_class="C1441",
        employees="1200",
        revenue="50000",
    )
    response = client.post(reverse("enterprise_edit"), data)
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.name == "哈尔滨绿源乳业股份有限公司" and enterprise.size_class == "large"


# --- password management ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_resets_a_password_by_email(client, sme_manager):
    response = client.post(reverse("password_reset"), {"email": sme_manager.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/reset/\S+/", mail.outbox[0].body).group(0)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    form_page = client.get(path, follow=True)
    assert form_page.context["validlink"]
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    sme_manager.refresh_from_db()
    assert sme_manager.check_password(NEW_PASSWORD)


@pytest.mark.django_db
def test_it_changes_a_password(login, sme_manager):
    client = login(sme_manager)
    assert client.get(reverse("password_change")).status_code == 200
    response = client.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    sme_manager.refresh_from_db()
    assert sme_manager.check_password(NEW_PASSWORD)


@pytest.mark.django_db
def test_it_logs_in_and_out(client, sme_manager):
    response = client.post(reverse("login"), {"username": "sme_manager", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_it_renders_translated_error_pages(client, sme_contributor):
    client.force_login(sme_contributor)
    response = client.get(reverse("enterprise_members"))
    assert response.status_code == 403 and "无权访问" in response.content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and "Page not found" in response.content.decode()


@pytest.mark.django_db
def test_a_signed_in_account_with_another_email_cannot_accept(client, enterprise):
    invitation = InvitationFactory(enterprise=enterprise, email="invitee@example.com")
    user = UserFactory(email="forwarded.to@example.com")
    client.force_login(user)
    page = client.get(reverse("invitation_accept", args=[invitation.token])).content.decode()
    assert "invitee@example.com" in page and "不能接受" in page
    assert "接受邀请</button>" not in page
    response = client.post(reverse("invitation_accept", args=[invitation.token]), follow=True)
    assert "只能由该邮箱的账户接受" in response.content.decode()
    assert not Membership.objects.filter(user=user).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
