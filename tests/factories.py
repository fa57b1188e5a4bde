"""factory-boy factories shared by every app's tests. Personas built from them live in tests/conftest.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.conf import settings
from django.utils import timezone

from assessment.models import Assessment, Enterprise, Invitation, Membership, OfficialProfile, User
from assessment.reference import size_class, size_rule_version
from assessment.uscc import make_uscc

TEST_PASSWORD = "demo-pass-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"黑龙江测试制造有限公司{n}")
    city_code = "230100"
    uscc = factory.LazyAttributeSequence(
        lambda enterprise, n: make_uscc(region_code=enterprise.city_code, org_body=f"{70000000 + n:08d}")
    )
    industry_division = "C14"
    employees = 120
    revenue = Decimal("5000.00")
    size_class = factory.LazyAttribute(
        lambda enterprise: size_class(enterprise.employees, enterprise.revenue)
    )
    size_rule_version = factory.LazyFunction(size_rule_version)
    contact_name = "张伟"
    contact_phone = "0451-86000000"
    contact_email = factory.Sequence(lambda n: f"contact{n}@example.com")
    main_products = "乳制品"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)
    role = Membership.Role.MANAGER


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    enterprise = factory.SubFactory(EnterpriseFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    role = Membership.Role.CONTRIBUTOR
    invited_by = None
    expires_at = factory.LazyFunction(
        lambda: timezone.now() + dt.timedelta(days=settings.INVITATION_VALID_DAYS)
    )


class OfficialProfileFactory(factory.django.DjangoModelFactory):
    """An official; city_code "" means the whole province."""

    class Meta:
        model = OfficialProfile

    user = factory.SubFactory(UserFactory)
    city_code = "230100"
    organisation = "工业和信息化局"


class AssessmentFactory(factory.django.DjangoModelFactory):
    """A bare assessment row (no answers, no versions attached)."""

    class Meta:
        model = Assessment

    enterprise = factory.SubFactory(EnterpriseFactory)
    year = 2025
    status = Assessment.Status.DRAFT
