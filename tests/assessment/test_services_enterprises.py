from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from assessment.exceptions import DomainError
from assessment.models import AuditEvent, Enterprise, Invitation, Membership, OfficialProfile
from assessment.services.enterprises import (
    EnterpriseProfile,
    enterprise_signup,
    enterprise_update,
    invitation_accept,
    invitation_accept_new_account,
    invitation_create,
    invitation_revoke,
    membership_remove,
    official_create,
)
from assessment.uscc import make_uscc
from tests.factories import InvitationFactory, UserFactory

PASSWORD = "Lvzhiping-2026!"


def a_profile(**overrides) -> EnterpriseProfile:
    values = {
        "name": "大庆绿色化工有限公司",
        "uscc": make_uscc(region_code="230600", org_body="55667788"),
        "city_code": "230600",
        "industry_division": "C26",
        "employees": 350,
        "revenue": Decimal("2500"),
        "contact_name": "刘工",
        "contact_phone": "0459-1234567",
        "contact_email": "liu@example.com",
    }
    values.update(overrides)
    return EnterpriseProfile(**values)


@pytest.mark.django_db
def test_it_signs_up_an_account_with_its_enterprise_as_manager():
    membership = enterprise_signup(
        username="daqing", email="d@example.com", password=PASSWORD, display_name="刘总", profile=a_profile()
    )
    assert membership.role == Membership.Role.MANAGER
    enterprise = membership.enterprise
    assert enterprise.size_class == "medium"
    assert enterprise.size_rule_version == "MIIT-2011-300-industry"
    assert membership.user.check_password(PASSWORD)
    assert AuditEvent.objects.filter(action="enterprise.signup", enterprise=enterprise).exists()


@pytest.mark.django_db
def test_it_refuses_a_duplicate_enterprise_and_creates_no_account(enterprise):
    with pytest.raises(DomainError) as error:
        enterprise_signup(
            username="dup",
            email="x@example.com",
            password=PASSWORD,
            display_name="x",
            profile=a_profile(uscc=enterprise.uscc.lower()),
        )
    assert error.value.field == "uscc"
    assert not Enterprise.objects.filter(name="大庆绿色化工有限公司").exists()
    from assessment.models import User

    assert not User.objects.filter(username="dup").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"uscc": "91350100M000100Y44"}, "uscc"),
        ({"employees": -1}, "employees"),
        ({"revenue": Decimal("-0.01")}, "revenue"),
        ({"city_code": "110100"}, "city_code"),
        ({"industry_division": "B06"}, "industry_division"),
        ({"industry_class": "C1441"}, "industry_class"),  # C14 class under division C26
    ],
)
def test_it_refuses_bad_profiles_at_the_field(overrides, field):
    with pytest.raises(DomainError) as error:
        enterprise_signup(
            username="bad",
            email="b@example.com",
            password=PASSWORD,
            display_name="b",
            profile=a_profile(**overrides),
        )
    assert error.value.field == field


@pytest.mark.django_db
def test_it_rederives_the_size_class_on_update(sme_manager, enterprise):
    profile = a_profile(uscc=enterprise.uscc, employees=10, revenue=Decimal("100"))
    enterprise_update(enterprise=enterprise, user=sme_manager, profile=profile)
    enterprise.refresh_from_db()
    assert enterprise.size_class == "micro"
    event = AuditEvent.objects.get(action="enterprise.update")
    assert event.detail["employees"] == ["120", "10"]


@pytest.mark.django_db
def test_it_sends_an_expiring_invitation_by_email_after_commit(
    sme_manager, enterprise, django_capture_on_commit_callbacks, settings
):
    settings.INVITATION_VALID_DAYS = 3
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(
            enterprise=enterprise, email="Colleague@Example.com", role="contributor", invited_by=sme_manager
        )
    assert invitation.email == "colleague@example.com"
    assert invitation.expires_at - timezone.now() > dt.timedelta(days=2, hours=23)
    assert len(mail.outbox) == 1
    assert str(invitation.token) in mail.outbox[0].body
    assert mail.outbox[0].to == ["colleague@example.com"]


@pytest.mark.django_db
def test_it_replaces_a_pending_invitation_to_the_same_address(sme_manager, enterprise):
    first = invitation_create(
        enterprise=enterprise, email="a@example.com", role="contributor", invited_by=sme_manager
    )
    invitation_create(enterprise=enterprise, email="a@example.com", role="manager", invited_by=sme_manager)
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert Invitation.objects.filter(email="a@example.com", revoked_at__isnull=True).count() == 1


@pytest.mark.django_db
def test_it_does_not_invite_someone_already_in_an_enterprise(sme_manager, other_manager, enterprise):
    with pytest.raises(DomainError) as error:
        invitation_create(
            enterprise=enterprise, email=other_manager.email, role="contributor", invited_by=sme_manager
        )
    assert error.value.field == "email"


@pytest.mark.django_db
def test_it_accepts_an_invitation_with_a_new_account(enterprise):
    invitation = InvitationFactory(enterprise=enterprise, role="manager")
    membership = invitation_accept_new_account(
        invitation=invitation, username="newbie", password=PASSWORD, display_name="新同事"
    )
    assert membership.enterprise == enterprise and membership.role == "manager"
    assert membership.user.email == invitation.email
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    with pytest.raises(DomainError):
        invitation_accept_new_account(
            invitation=invitation, username="again", password=PASSWORD, display_name="x"
        )


@pytest.mark.django_db
def test_it_refuses_an_expired_invitation(enterprise):
    invitation = InvitationFactory(enterprise=enterprise, expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(DomainError) as error:
        invitation_accept(invitation=invitation, user=UserFactory())
    assert "过期" in str(error.value.message)
    assert not Membership.objects.filter(enterprise=enterprise).exists()


@pytest.mark.django_db
def test_it_refuses_a_revoked_invitation(sme_manager, enterprise):
    invitation = InvitationFactory(enterprise=enterprise)
    invitation_revoke(invitation=invitation, by=sme_manager)
    with pytest.raises(DomainError):
        invitation_accept(invitation=invitation, user=UserFactory())


@pytest.mark.django_db
def test_it_keeps_officials_and_members_out_of_other_enterprises(city_official, other_manager, enterprise):
    for user in (city_official, other_manager):
        with pytest.raises(DomainError):
            invitation_accept(invitation=InvitationFactory(enterprise=enterprise), user=user)


@pytest.mark.django_db
def test_it_removes_a_member_but_never_the_last_manager(sme_manager, sme_contributor):
    membership_remove(membership=sme_contributor.membership, by=sme_manager)
    assert not Membership.objects.filter(user=sme_contributor).exists()
    with pytest.raises(DomainError):
        membership_remove(membership=sme_manager.membership, by=sme_manager)
    assert AuditEvent.objects.filter(action="membership.remove").count() == 1


@pytest.mark.django_db
def test_it_creates_officials_for_a_city_or_the_province():
    city = official_create(username="mdj", email="m@example.com", password=PASSWORD, city_code="231000")
    province = official_create(username="prov", email="p@example.com", password=None, city_code="")
    assert city.city_code == "231000" and province.is_province
    assert not province.user.has_usable_password()
    with pytest.raises(DomainError):
        official_create(username="bad", email="b@example.com", password=None, city_code="999999")
    assert OfficialProfile.objects.count() == 2


@pytest.mark.django_db
def test_an_invitation_is_accepted_only_by_the_invited_address(enterprise):
    invitation = InvitationFactory(enterprise=enterprise, email="invitee@example.com")
    with pytest.raises(DomainError) as error:
        invitation_accept(invitation=invitation, user=UserFactory(email="someone.else@example.com"))
    assert error.value.code == "wrong_email" and "invitee@example.com" in str(error.value.message)
    with pytest.raises(DomainError):
        invitation_accept(invitation=invitation, user=UserFactory(email=""))
    assert not Membership.objects.filter(enterprise=enterprise).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    membership = invitation_accept(invitation=invitation, user=UserFactory(email=" Invitee@Example.com"))
    assert membership.enterprise == enterprise
