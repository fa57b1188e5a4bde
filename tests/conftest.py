"""Shared fixtures: named personas used by every app's tests, the shipped definitions and factor set
loaded, the dairy enterprise's drafts; the one Hypothesis configuration. App-specific fixtures live in
tests/<app>/conftest.py, the functions building test data in tests/builders.py.

Enterprise of sme_manager / sme_contributor: `enterprise` in 哈尔滨市 (230100).
other_manager runs `other_enterprise` in 齐齐哈尔市 (230200).
city_official sees 230100 only, other_city_official 230200 only, province_official everything.
Every persona's password is tests.factories.TEST_PASSWORD.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import translation
from hypothesis import HealthCheck, settings

from assessment.models import Assessment, Enterprise, FactorSet, Membership, User
from assessment.selectors.assessments import assessment_definitions, question_index
from assessment.selectors.factors import read_factor_file
from assessment.services.assessments import answers_save_many, assessment_create
from assessment.services.factors import factor_set_load
from questionnaires.definition import clear_definition_cache
from questionnaires.models import QuestionnaireVersion
from tests.builders import demo_answers, store_shipped_definitions
from tests.factories import EnterpriseFactory, MembershipFactory, OfficialProfileFactory, UserFactory

# Hypothesis: one configuration for every property test. No deadline (scoring a whole framework or
# writing to the database takes longer than Hypothesis' 200 ms on a loaded machine), and the health
# checks that only say a test is slow, draws much or reuses a function-scoped fixture (the database
# tests do, on purpose, and undo their writes in each example) are off. CI sets HYPOTHESIS_PROFILE=ci:
# fewer examples, derandomized so that a failure is reproducible.
_HYPOTHESIS = {
    "deadline": None,
    "suppress_health_check": [
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
}
settings.register_profile("default", max_examples=60, **_HYPOTHESIS)
settings.register_profile("ci", max_examples=30, derandomize=True, **_HYPOTHESIS)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """The default language again after every test: a request (or `translation.activate`) leaves its
    language active in the thread, and a later test in the same worker would render in it."""
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture
def media_root(settings, tmp_path) -> Path:
    """Uploads go to a folder of this test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


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


@pytest.fixture
def frameworks_loaded(db) -> None:
    """Every shipped definition stored (as load_questionnaires stores it)."""
    store_shipped_definitions()
    yield
    clear_definition_cache()


@pytest.fixture
def shipped_versions(frameworks_loaded) -> dict[tuple[str, str], QuestionnaireVersion]:
    """The stored shipped definitions by (framework, version)."""
    return {(v.framework, v.version): v for v in QuestionnaireVersion.objects.all()}


@pytest.fixture
def factor_set(db) -> FactorSet:
    """The shipped default factor set, loaded."""
    factor_set_load(data=read_factor_file())
    return FactorSet.objects.get(is_default=True)


@pytest.fixture
def draft(frameworks_loaded, factor_set, enterprise: Enterprise, sme_manager: User) -> Assessment:
    """The dairy enterprise's 2025 draft with every framework (generic clean production: C14)."""
    return assessment_create(enterprise=enterprise, year=2025, user=sme_manager)


@pytest.fixture
def filled_draft(draft: Assessment, sme_manager: User) -> Assessment:
    """`draft` with every demo answer of its questions saved."""
    known = question_index(assessment_definitions(draft))
    values = {code: value for code, value in demo_answers().items() if code in known}
    errors = answers_save_many(assessment=draft, user=sme_manager, values=values)
    assert not errors, {code: str(e.message) for code, e in errors.items()}
    return draft
