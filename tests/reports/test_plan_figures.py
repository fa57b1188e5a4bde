"""Each plan's figures stored when the plan services change it (assessment/plan_figures.py), and the
officials' plan analytics reading them: the same figures as computing every plan on each request, in a
bounded number of queries; figures of other prices or another revision are stale and computed again."""

from __future__ import annotations

import copy

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from assessment.economics.prices import default_prices
from assessment.models import Plan, Price, PriceSet
from assessment.plan_figures import prices_digest
from assessment.selectors.prices import current_prices
from assessment.selectors.review import SubmissionFilters, submissions
from assessment.services.assessments import assessment_submit
from assessment.services.plans import plan_action_add, plan_action_update, plan_actions_reorder
from assessment.services.prices import price_set_load, price_set_make_default
from assessment.tasks import refresh_plan_figures
from reports.plan_analytics import comparable, plan_analytics, plan_records, plan_sheet_rows
from tests.builders import make_planned
from tests.factories import EnterpriseFactory, MembershipFactory, UserFactory

MOTORS = "act.energy.efficient_motors"
GREEN_BODY = "act.mgmt.green_body"  # no money figures
PV = "act.energy.rooftop_pv"
GREEN_POWER = "act.energy.green_power"


@pytest.fixture
def plans(shipped_versions, enterprise, sme_manager, other_enterprise, other_manager):
    found = [
        make_planned(
            shipped_versions,
            enterprise,
            sme_manager,
            [(MOTORS, "done"), (GREEN_BODY, "planned"), (PV, "dropped"), (GREEN_POWER, "planned")],
        ),
        make_planned(
            shipped_versions, other_enterprise, other_manager, [(PV, "planned"), (MOTORS, "in_progress")]
        ),
    ]
    for index, city in enumerate(("230600", "230100", "230200")):
        enterprise = EnterpriseFactory(city_code=city, industry_division="C34" if index else "C14")
        user = UserFactory(username=f"planner{index}")
        MembershipFactory(user=user, enterprise=enterprise, role="manager")
        found.append(
            make_planned(shipped_versions, enterprise, user, [(GREEN_POWER, "done"), (MOTORS, "planned")])
        )
    return found


def analytics(user):
    return plan_analytics(user=user, filters=SubmissionFilters(year=2025), lang="zh-hans")


def sheet(user):
    return plan_sheet_rows(plan_records(submissions(user, SubmissionFilters(year=2025))))


def test_the_plan_services_store_the_figures_of_each_change(plans, sme_manager):
    assessment = plans[0]
    plan = Plan.objects.get(assessment=assessment)
    assert plan.figures["revision"] == plan.revision == 4
    assert plan.figures["prices"] == prices_digest(current_prices())
    # Counted actions with money figures only: not the management action nor the dropped PV.
    assert set(plan.figures["actions"]) == {MOTORS, GREEN_POWER}
    assert all(value > 0 for value in plan.figures["actions"][MOTORS])
    plan_action_update(
        assessment=assessment, user=sme_manager, code=PV, values={"status": "planned"}, seen_revision=None
    )
    plan.refresh_from_db()
    assert plan.figures["revision"] == 5 and PV in plan.figures["actions"]
    # The sequence rule: the order changes what each action acts on, so the stored figures follow it.
    before = plan.figures["actions"]
    plan_actions_reorder(assessment=assessment, user=sme_manager, codes=[GREEN_POWER, PV, GREEN_BODY, MOTORS])
    plan.refresh_from_db()
    assert plan.figures["revision"] == 6 and plan.figures["actions"] != before


def test_stored_figures_are_the_figures_computed_on_each_request(
    plans, province_official, city_official, django_assert_max_num_queries
):
    analytics(province_official)  # warm the catalog caches
    with django_assert_max_num_queries(7):
        stored = analytics(province_official)
    stored_city, stored_sheet = analytics(city_official), sheet(province_official)
    assert stored.total.plans == 5 and stored.total.investment_wan > 0
    # Every plan's stored figures gone: all computed as before storing them (answers and factors read).
    Plan.objects.update(figures=None)
    with django_assert_max_num_queries(10):
        computed = analytics(province_official)
    assert comparable(computed) == comparable(stored)  # every count and sum (the database adds in its order)
    assert (
        comparable(analytics(city_official)) == comparable(stored_city)
        and sheet(province_official) == stored_sheet
    )
    call_command("refresh_plan_figures", stdout=None)
    assert comparable(analytics(province_official)) == comparable(stored)


def test_figures_on_other_prices_are_computed_again_until_refreshed(plans, province_official):
    before = analytics(province_official)
    prices = copy.deepcopy(default_prices())
    prices["as_of"] = "2026-06-30"
    for entry in prices["prices"].values():
        if entry["carrier"] == "electricity":
            entry["low"], entry["high"] = "0.90", "1.20"
    price_set_load(data=prices)
    assert all(plan.figures["prices"] != prices_digest(current_prices()) for plan in Plan.objects.all())
    after = analytics(province_official)  # stale: computed on the new prices
    assert after.total.annual_saving_wan > before.total.annual_saving_wan
    assert after.total.investment_wan == pytest.approx(before.total.investment_wan)
    call_command("refresh_plan_figures", stdout=None)
    assert all(plan.figures["prices"] == prices_digest(current_prices()) for plan in Plan.objects.all())
    assert comparable(analytics(province_official)) == comparable(after)


def test_a_submission_stores_the_figures_on_the_answers_it_freezes(filled_draft, sme_manager):
    plan_action_add(assessment=filled_draft, user=sme_manager, code=MOTORS)
    plan = Plan.objects.get(assessment=filled_draft)
    computed = plan.figures["actions"][MOTORS]
    # As if the answers changed after the plan's last change: same revision and prices, other figures.
    Plan.objects.filter(pk=plan.pk).update(figures={**plan.figures, "actions": {MOTORS: [1.0, 1.0, 1.0]}})
    assessment_submit(assessment=filled_draft, user=sme_manager)
    plan.refresh_from_db()
    assert plan.figures["actions"][MOTORS] == computed


def fresh_on_current_prices() -> bool:
    digest = prices_digest(current_prices())
    return all(
        plan.figures["prices"] == digest and plan.figures["revision"] == plan.revision
        for plan in Plan.objects.all()
    )


def price_form(price, **changes):
    fields = ["price_set", "key", "carrier", "label_zh", "label_en", "low", "high", "unit", "ref", "section"]
    form = {name: getattr(price, name if name != "price_set" else "price_set_id") for name in fields}
    provisional = {"provisional": "on"} if price.provisional else {}
    return {**form, **provisional, "basis_zh": price.basis_zh, "basis_en": price.basis_en, **changes}


def test_a_price_changed_in_the_admin_queues_the_refresh_of_the_plans_figures(
    plans, province_official, admin_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_prices", stdout=None)
    assert fresh_on_current_prices()
    before = analytics(province_official)
    price = Price.objects.get(key="price.electricity.general", price_set__is_default=True)
    url = reverse("admin:assessment_price_change", args=[price.pk])
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = admin_client.post(url, price_form(price, low="1.50", high="1.90"))
    assert response.status_code == 302 and len(queued) == 1  # nothing runs before the commit
    assert not fresh_on_current_prices()
    queued[0]()  # the commit: the task runs (the immediate backend, as with DEBUG)
    assert fresh_on_current_prices()
    after = analytics(province_official)
    assert after.total.annual_saving_wan > before.total.annual_saving_wan
    # The stored figures are those the analytics would compute on the new prices.
    Plan.objects.update(figures=None)
    assert comparable(analytics(province_official)) == comparable(after)


def test_a_deleted_price_or_another_default_set_queues_the_refresh_too(
    plans, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        loaded = price_set_load(data=default_prices()).price_set
        Price.objects.get(price_set=loaded, key="price.electricity.general").delete()
    assert fresh_on_current_prices()
    with django_capture_on_commit_callbacks(execute=True):  # a set that is not the default: no change
        older = PriceSet.objects.create(name="older", as_of="2024-06-30")
        Price.objects.create(
            price_set=older,
            key="price.electricity.general",
            carrier="electricity",
            label_zh="电",
            label_en="Electricity",
            low="2.0",
            high="2.2",
            unit="元/kWh",
        )
    assert fresh_on_current_prices()
    with django_capture_on_commit_callbacks(execute=True):
        price_set_make_default(price_set=older)
    assert current_prices()["id"] == older.pk and fresh_on_current_prices()


def test_one_refresh_is_queued_per_transaction_and_a_second_one_writes_nothing(
    plans, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        loaded = price_set_load(data=default_prices()).price_set
    with django_capture_on_commit_callbacks(execute=True) as queued, transaction.atomic():
        for price in Price.objects.filter(price_set=loaded, carrier="electricity"):
            price.high += 1
            price.save()
    assert len(queued) == 1 and fresh_on_current_prices()
    assert refresh_plan_figures.call() == 0  # every plan fresh: nothing to write
