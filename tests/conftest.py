"""Shared fixtures: named personas used by every app's tests. App-specific fixtures live in tests/<app>/conftest.py.

Enterprise of sme_manager / sme_contributor: `enterprise` in 哈尔滨市 (230100).
other_manager runs `other_enterprise` in 齐齐哈尔市 (230200).
city_official sees 230100 only, other_city_official 230200 only, province_official everything.
Every persona's password is tests.factories.TEST_PASSWORD.
"""

from __future__ import annotations

import pytest

from assessment.models import Enterprise, Membership, User
from tests.factories import EnterpriseFactory, MembershipFactory, OfficialProfileFactory, UserFactory


@pytest.fixture
def enterprise(db) -> Enterprise:
    return EnterpriseFactory(name="哈尔滨绿源乳业有限公司", city_code="230100", industry_division="C14")


@pytest.fixture
def other_enterprise(db) -> Enterprise:
    return EnterpriseFactory(name="齐齐哈尔北方机械有限公司", city_code="230200", industry_division="C34")


@pytest.fixture
def sme_manager(enterprise) -> User:
    user = UserFactory(username="sme_manager", display_name="王经理")
    MembershipFactory(user=user, enterprise=enterprise, role=Membership.Role.MANAGER)
    return user


@pytest.fixture
def sme_contributor(enterprise) -> User:
    user = UserFactory(username="sme_contributor", display_name="李填报")
    MembershipFactory(user=user, enterprise=enterprise, role=Membership.Role.CONTRIBUTOR)
    return user


@pytest.fixture
def other_manager(other_enterprise) -> User:
    user = UserFactory(username="other_manager", display_name="赵经理")
    MembershipFactory(user=user, enterprise=other_enterprise, role=Membership.Role.MANAGER)
    return user


@pytest.fixture
def city_official(db) -> User:
    return OfficialProfileFactory(
        user=UserFactory(username="city_official", display_name="哈尔滨市工信局"), city_code="230100"
    ).user


@pytest.fixture
def other_city_official(db) -> User:
    return OfficialProfileFactory(
        user=UserFactory(username="other_city_official", display_name="齐齐哈尔市工信局"), city_code="230200"
    ).user


@pytest.fixture
def province_official(db) -> User:
    return OfficialProfileFactory(
        user=UserFactory(username="province_official", display_name="省工信厅"), city_code=""
    ).user


@pytest.fixture
def admin_user(db) -> User:
    return UserFactory(username="admin", display_name="系统管理员", is_staff=True, is_superuser=True)
