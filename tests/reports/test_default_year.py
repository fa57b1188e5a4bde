"""Which year officials' analytics open on: the latest finished year with submissions (not the current,
unfinished one), the plans' latest year with work done, and an explicit choice kept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from assessment.selectors.review import SubmissionFilters, default_year
from assessment.services.plans import plan_action_add
from reports.plan_analytics import plan_default_year
from tests.builders import make_submitted

THIS_YEAR = timezone.localdate().year
LAST_YEAR = THIS_YEAR - 1
MOTORS = "act.energy.efficient_motors"


@pytest.fixture
def years(shipped_versions, enterprise, other_enterprise, sme_manager):
    """Last year and the year before for Harbin, an early submission of this year for Qiqihar; only the
    year before last has a plan action done."""
    older = make_submitted(shipped_versions, enterprise=enterprise, year=LAST_YEAR - 1)
    plan_action_add(assessment=older, user=sme_manager, code=MOTORS, status="done")
    latest = make_submitted(shipped_versions, enterprise=enterprise, year=LAST_YEAR)
    plan_action_add(assessment=latest, user=sme_manager, code=MOTORS, status="planned")
    make_submitted(shipped_versions, enterprise=other_enterprise, year=THIS_YEAR)
    return older, latest


def test_it_skips_the_unfinished_current_year(years, province_official):
    assert default_year(province_official) == LAST_YEAR
    # Seen from the year after, this year has ended and is the default.
    assert default_year(province_official, today=dt.date(THIS_YEAR + 1, 3, 1)) == THIS_YEAR


def test_it_takes_the_current_year_when_no_earlier_one_has_submissions(
    shipped_versions, other_enterprise, province_official, city_official
):
    assert default_year(province_official) is None
    make_submitted(shipped_versions, enterprise=other_enterprise, year=THIS_YEAR)
    assert default_year(province_official) == THIS_YEAR
    assert default_year(city_official) is None  # Qiqihar's submission is not Harbin's official's


def test_the_plans_default_to_the_latest_year_with_work_done(years, province_official):
    assert plan_default_year(user=province_official, filters=SubmissionFilters()) == LAST_YEAR - 1
    assert plan_default_year(user=province_official, filters=SubmissionFilters(city="230200")) is None


def test_the_page_says_which_years_it_shows(client, years, province_official):
    client.force_login(province_official)
    response = client.get(reverse("officials_analytics"))
    assert response.context["filters"].year == LAST_YEAR
    assert response.context["analytics"].total == 1
    assert response.context["plan_year"] == LAST_YEAR - 1
    content = response.content.decode()
    assert f'data-default-year="{LAST_YEAR}"' in content
    assert f'data-plan-year="{LAST_YEAR - 1}"' in content
    assert response.context["plan"].total.done == 1


def test_an_explicit_year_is_kept_for_the_whole_page(client, years, province_official):
    client.force_login(province_official)
    response = client.get(reverse("officials_analytics"), {"year": THIS_YEAR})
    assert response.context["filters"].year == THIS_YEAR
    assert response.context["plan_year"] == THIS_YEAR and not response.context["plan_year_differs"]
    content = response.content.decode()
    assert "data-default-year" not in content and "data-plan-year" not in content
    every = client.get(reverse("officials_analytics"), {"year": ""})
    assert every.context["filters"].year is None and every.context["analytics"].total == 3
    assert every.context["plan"].total.plans == 1 and every.context["plan"].total.counted == 2


def test_the_english_page_says_it_too(client, years, province_official):
    client.force_login(province_official)
    content = client.get(reverse("officials_analytics"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"Showing {LAST_YEAR}: the latest finished year with submissions." in content


def test_the_regional_pdf_defaults_to_the_same_year(client, years, province_official):
    client.force_login(province_official)
    response = client.get(reverse("officials_regional_pdf"))
    assert response.status_code == 200
    assert str(LAST_YEAR) in response["Content-Disposition"]
