"""The officials' plan analytics added up by the database (summarise_in_database: one query on the
plans' stored figures) give the same numbers as adding up every plan action in Python (summarise over
plan_records), on generated plans: random actions and statuses, enterprises with plans in two years,
plans whose stored figures are missing or of another revision (computed on the request), an action code
the catalog no longer has."""

from __future__ import annotations

import random

import pytest

from assessment.actions import load_catalog
from assessment.models import Plan, PlanAction
from assessment.selectors.review import SubmissionFilters, submissions
from assessment.services.plan_figures import plan_figures_refresh
from reports.plan_analytics import comparable, plan_records, summarise, summarise_in_database
from tests.builders import make_submitted
from tests.factories import EnterpriseFactory

CITIES = ("230100", "230200", "230600")
INDUSTRIES = ("C14", "C34", "C26")
STATUSES = ("planned", "in_progress", "done", "dropped")


@pytest.fixture
def generated_plans(shipped_versions):
    generator = random.Random(20261206)
    codes = [action.code for action in load_catalog().actions]
    plans = []
    for index in range(8):
        enterprise = EnterpriseFactory(
            city_code=CITIES[index % 3],
            industry_division=INDUSTRIES[index % 3],
            size_class=("small", "medium", "micro")[index % 3],
        )
        for year in (2024, 2025) if index % 3 == 0 else (2025,):
            assessment = make_submitted(shipped_versions, enterprise=enterprise, year=year)
            plan = Plan.objects.create(assessment=assessment, revision=2)
            chosen = generator.sample(codes, generator.randint(2, 6))
            PlanAction.objects.bulk_create(
                PlanAction(plan=plan, action_code=code, position=position, status=generator.choice(STATUSES))
                for position, code in enumerate(chosen)
            )
            plans.append(plan)
    PlanAction.objects.create(plan=plans[0], action_code="act.retired.example", position=99, status="done")
    plan_figures_refresh()
    # Stale: never stored, and stored on an earlier revision of the plan.
    Plan.objects.filter(pk=plans[1].pk).update(figures=None)
    # Stored on revision 2, the plan changed since: those figures (here: made up) must not count.
    stale = Plan.objects.get(pk=plans[2].pk)
    made_up = {code: [1.0, 1.0, 1.0] for code in stale.actions.values_list("action_code", flat=True)}
    Plan.objects.filter(pk=stale.pk).update(revision=3, figures={**stale.figures, "actions": made_up})
    return plans


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_the_database_adds_up_the_same_numbers_as_python(generated_plans, province_official, lang):
    for filters in (SubmissionFilters(), SubmissionFilters(year=2025), SubmissionFilters(city="230200")):
        scope = submissions(province_official, filters.for_analytics())
        in_python = summarise(plan_records(scope), submissions=scope.count(), lang=lang)
        in_database = summarise_in_database(scope, submissions=scope.count(), lang=lang)
        assert comparable(in_database) == comparable(in_python)
    assert in_database.total.counted and in_database.channels  # generated data that counts something


def test_every_plan_stored_or_none_gives_the_same_numbers(
    generated_plans, province_official, django_assert_num_queries
):
    scope = submissions(province_official, SubmissionFilters().for_analytics())
    expected = comparable(summarise(plan_records(scope), submissions=0, lang="zh-hans"))
    assert expected["total"]["plans"] == 8 and expected["total"]["investment_wan"] > 0
    Plan.objects.update(figures=None)  # every plan stale: its money computed on the request
    # The prices, the rows grouped by enterprise and action; the stale rows, their answers and factors.
    with django_assert_num_queries(5):
        assert comparable(summarise_in_database(scope, submissions=0, lang="zh-hans")) == expected
    plan_figures_refresh()
    with django_assert_num_queries(2):  # stored: the prices and the grouped rows, nothing computed
        assert comparable(summarise_in_database(scope, submissions=0, lang="zh-hans")) == expected
