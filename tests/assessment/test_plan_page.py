"""The plan page: members pick and edit actions (with and without the page script), officials read,
a change answers with the redrawn projection in a fixed number of queries, nothing typed is lost."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from assessment.models import AuditEvent, PlanAction
from assessment.projection import quarters_from
from assessment.services.assessments import assessment_submit
from assessment.services.plans import plan_action_add, plan_action_update

MOTORS = "act.energy.efficient_motors"
DRIVES = "act.energy.variable_speed_drives"
SORTING = "act.waste.sorting"  # 8.46 points on the demo answers
JSON = {"HTTP_ACCEPT": "application/json"}


def url(assessment):
    return reverse("assessment_plan", args=[assessment.pk])


def post(client, assessment, **data):
    return client.post(url(assessment), data, **JSON)


@pytest.fixture
def submitted(filled_draft, sme_manager):
    return assessment_submit(assessment=filled_draft, user=sme_manager)


def test_the_page_lists_recommended_actions_first_and_the_catalog(client, submitted, sme_manager):
    client.force_login(sme_manager)
    response = client.get(url(submitted))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'id="plan-recommended"' in content and 'id="plan-other"' in content
    assert "还没有选择措施" in content
    assert "act.mgmt" not in re.sub(r'(value|data-code|id)="[^"]*"', "", content)  # no codes shown


def test_adding_without_the_script_redirects_and_the_row_appears(client, submitted, sme_manager):
    client.force_login(sme_manager)
    response = client.post(url(submitted), {"op": "add", "code": MOTORS})
    assert response.status_code == 302
    page = client.get(url(submitted)).content.decode()
    assert f'id="plan-{MOTORS}"' in page
    assert PlanAction.objects.get().created_by == sme_manager


def test_a_change_answers_with_the_redrawn_projection(client, submitted, sme_contributor):
    client.force_login(sme_contributor)
    data = post(client, submitted, op="add", code=SORTING).json()
    assert data["ok"] and data["codes"] == [SORTING]
    assert "data-projected-score" in data["projection"] and f'id="plan-{SORTING}"' in data["rows"]
    assert "(+" in data["projection"]  # a score gain is shown
    data = post(client, submitted, op="update", code=SORTING, revision=1, status="dropped").json()
    assert data["ok"] and "(+" not in data["projection"]  # a dropped action no longer counts


def test_a_stale_change_is_refused_with_both_values_and_nothing_is_written(
    client, submitted, sme_manager, sme_contributor
):
    plan_action_add(assessment=submitted, user=sme_manager, code=MOTORS, owner="张工")
    plan_action_update(
        assessment=submitted, user=sme_contributor, code=MOTORS, values={"owner": "刘工"}, seen_revision=1
    )
    client.force_login(sme_manager)
    response = post(client, submitted, op="update", code=MOTORS, revision=1, owner="李工", status="planned")
    assert response.status_code == 409
    data = response.json()
    assert (
        data["conflict"]
        and data["conflicts"][0]["theirs"] == "刘工"
        and data["conflicts"][0]["mine"] == "李工"
    )
    assert PlanAction.objects.get().owner == "刘工"


def test_bad_input_without_the_script_keeps_what_was_typed(client, submitted, sme_manager):
    plan_action_add(assessment=submitted, user=sme_manager, code=MOTORS)
    client.force_login(sme_manager)
    response = client.post(
        url(submitted),
        {
            "op": "update",
            "code": MOTORS,
            "revision": 1,
            "owner": "设备科",
            "quarter": "2026Q7",
            "note": "先询价",
        },
    )
    content = response.content.decode()
    assert response.status_code == 400
    assert "2027Q2" in content  # the message says how to write a quarter
    assert 'value="设备科"' in content and "先询价" in content
    assert PlanAction.objects.get().owner == ""


def test_a_json_error_keeps_the_row_and_says_why(client, submitted, sme_manager):
    plan_action_add(assessment=submitted, user=sme_manager, code=MOTORS)
    client.force_login(sme_manager)
    data = post(client, submitted, op="update", code=MOTORS, revision=1, owner="王" * 101).json()
    assert not data["ok"] and data["field"] == "owner"


def test_reordering_by_buttons_and_by_quarter(client, submitted, sme_manager):
    plan_action_add(assessment=submitted, user=sme_manager, code=MOTORS, quarter="2027Q1")
    plan_action_add(assessment=submitted, user=sme_manager, code=DRIVES, quarter="2026Q2")
    client.force_login(sme_manager)
    assert post(client, submitted, op="up", code=DRIVES).json()["codes"] == [DRIVES, MOTORS]
    assert post(client, submitted, op="down", code=DRIVES).json()["codes"] == [MOTORS, DRIVES]
    assert post(client, submitted, op="by_quarter").json()["codes"] == [DRIVES, MOTORS]
    assert AuditEvent.objects.filter(action="plan.reorder").count() == 3


def test_officials_of_the_jurisdiction_read_without_forms(
    client, submitted, sme_manager, city_official, province_official, other_city_official
):
    plan_action_add(assessment=submitted, user=sme_manager, code=MOTORS, owner="张工")
    for official in (city_official, province_official):
        client.force_login(official)
        content = client.get(url(submitted)).content.decode()
        assert "张工" in content and "plan-edit" not in content and "plan.js" not in content
        assert client.post(url(submitted), {"op": "add", "code": DRIVES}).status_code == 403
    client.force_login(other_city_official)
    assert client.get(url(submitted)).status_code == 404


def test_an_expired_session_gets_json_not_a_login_page(client, submitted):
    response = post(client, submitted, op="add", code=MOTORS)
    assert response.status_code == 401 and response.json()["login"]


def test_an_unknown_operation_is_refused(client, submitted, sme_manager):
    client.force_login(sme_manager)
    assert post(client, submitted, op="explode").status_code == 400


def test_a_change_takes_a_fixed_number_of_queries(
    client, submitted, sme_manager, django_assert_max_num_queries
):
    for code in (MOTORS, DRIVES, SORTING):
        plan_action_add(assessment=submitted, user=sme_manager, code=code)
    client.force_login(sme_manager)
    with django_assert_max_num_queries(30):
        data = post(client, submitted, op="update", code=MOTORS, revision=1, status="in_progress").json()
    assert data["ok"]


def test_the_results_page_links_to_the_plan(client, submitted, sme_manager):
    client.force_login(sme_manager)
    assert url(submitted) in client.get(reverse("assessment_results", args=[submitted.pk])).content.decode()
    assert url(submitted) in client.get(reverse("home")).content.decode()


def test_an_action_the_catalog_no_longer_has_is_listed_and_left_out_of_the_projection(
    client, submitted, sme_manager
):
    row = plan_action_add(assessment=submitted, user=sme_manager, code=MOTORS)
    PlanAction.objects.filter(pk=row.pk).update(action_code="act.retired.example")
    client.force_login(sme_manager)
    response = client.get(url(submitted))
    assert response.status_code == 200
    assert "措施目录中已无此措施" in response.content.decode()


def test_the_quarters_offered_start_at_the_current_quarter_and_keep_a_stored_earlier_one(
    client, submitted, sme_manager, monkeypatch
):
    monkeypatch.setattr(timezone, "localdate", lambda: dt.date(2026, 11, 5))
    plan_action_add(assessment=submitted, user=sme_manager, code=MOTORS, quarter="2025Q2")
    plan_action_add(assessment=submitted, user=sme_manager, code=DRIVES)
    client.force_login(sme_manager)
    page = client.get(url(submitted)).content.decode()
    first, second = re.findall(r'<select[^>]*name="quarter"[^>]*>(.*?)</select>', page, re.S)
    offered = re.findall(r'<option value="(20\d\dQ\d)"', second)
    assert offered == ["2025Q2", *quarters_from("2026Q4", 20)]  # the stored one, then from today on
    assert offered[-1] == "2031Q3" and "2026Q3" not in offered
    assert '<option value="2025Q2" selected>' in first and " selected" not in second
    data = post(client, submitted, op="update", code=MOTORS, revision=1, quarter="2025Q2", owner="张工")
    assert data.json()["ok"] and PlanAction.objects.get(action_code=MOTORS).quarter == "2025Q2"


def test_actions_already_planned_leave_the_first_places_to_those_still_to_choose(
    client, submitted, sme_manager
):
    """With the eight best-ranked actions in the plan, the eight shown before the "more" fold are the next
    ones, not eight hidden rows above a closed fold."""
    client.force_login(sme_manager)
    page = client.get(url(submitted)).content.decode()
    ranked = re.findall(r'<li class="border-bottom py-2 plan-pick" data-code="([^"]+)"', page)
    assert len(ranked) > 8
    for code in ranked[:8]:
        plan_action_add(assessment=submitted, code=code, user=sme_manager)
    page = client.get(url(submitted)).content.decode()
    before_fold = page.split('id="plan-recommended"', 1)[1].split("</ul>", 1)[0]
    shown = re.findall(r'plan-pick" data-code="([^"]+)"(?! hidden)>', before_fold)
    assert shown == ranked[8:16]
