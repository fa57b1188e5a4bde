"""The improvement plan's writes: add, update, remove, reorder; no lost update; the audit trail; who edits."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from assessment.exceptions import DomainError
from assessment.models import AuditEvent, Plan, PlanAction
from assessment.permissions import can_edit_plan
from assessment.selectors.plans import plan_rows
from assessment.services.plans import (
    PlanConflict,
    plan_action_add,
    plan_action_remove,
    plan_action_update,
    plan_actions_reorder,
)

MOTORS = "act.energy.efficient_motors"
DRIVES = "act.energy.variable_speed_drives"
LED = "act.energy.led_lighting"


def audit(action):
    return list(AuditEvent.objects.filter(action=action).order_by("created_at", "id"))


# --- adding ----------------------------------------------------------------------------------------------


def test_the_first_action_creates_the_plan_and_is_audited(draft, sme_manager):
    assert not Plan.objects.filter(assessment=draft).exists()
    row = plan_action_add(
        assessment=draft, user=sme_manager, code=MOTORS, owner="设备科 张工", quarter="2026q3"
    )
    assert row.quarter == "2026Q3" and row.status == "planned" and row.revision == 1
    assert Plan.objects.get(assessment=draft).revision == 1
    (event,) = audit("plan.action_add")
    assert (event.actor, event.assessment, event.enterprise_id) == (sme_manager, draft, draft.enterprise_id)
    assert event.detail["code"] == MOTORS and event.detail["owner"] == "设备科 张工"
    with translation.override("en"):
        assert event.label == "Added an action to the improvement plan"
    with translation.override("zh-hans"):
        assert event.label == "在改进计划中加入了措施"


def test_actions_are_appended_in_order(draft, sme_manager, sme_contributor):
    plan_action_add(assessment=draft, user=sme_manager, code=MOTORS)
    plan_action_add(assessment=draft, user=sme_contributor, code=DRIVES)
    assert plan_rows(draft).codes == [MOTORS, DRIVES]
    assert plan_rows(draft).revision == 2


def test_an_unknown_or_repeated_action_is_refused(draft, sme_manager):
    with pytest.raises(DomainError) as error:
        plan_action_add(assessment=draft, user=sme_manager, code="act.nothing")
    assert error.value.code == "unknown_action"
    plan_action_add(assessment=draft, user=sme_manager, code=MOTORS)
    with pytest.raises(DomainError) as error:
        plan_action_add(assessment=draft, user=sme_manager, code=MOTORS)
    assert error.value.code == "duplicate_action"
    assert PlanAction.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("quarter", "2026Q5"),
        ("quarter", "Q3 2026"),
        ("quarter", "1999Q1"),
        ("owner", "王" * 101),
        ("status", "paused"),
    ],
)
def test_bad_values_are_refused_with_their_field(draft, sme_manager, field, value):
    with pytest.raises(DomainError) as error:
        plan_action_add(assessment=draft, user=sme_manager, code=MOTORS, **{field: value})
    assert error.value.field == field
    assert not PlanAction.objects.exists()


def test_the_database_refuses_a_malformed_quarter_whatever_writes_it(draft, sme_manager):
    from django.db import IntegrityError, transaction

    row = plan_action_add(assessment=draft, user=sme_manager, code=MOTORS)
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanAction.objects.filter(pk=row.pk).update(quarter="2026Q9")


# --- updating: no lost update ------------------------------------------------------------------------------


def test_an_update_changes_the_fields_and_records_old_and_new(draft, sme_manager):
    row = plan_action_add(assessment=draft, user=sme_manager, code=MOTORS, owner="张工")
    updated = plan_action_update(
        assessment=draft,
        user=sme_manager,
        code=MOTORS,
        values={"owner": "李工", "status": "in_progress", "note": "已询价"},
        seen_revision=row.revision,
    )
    assert (updated.owner, updated.status, updated.note, updated.revision) == (
        "李工",
        "in_progress",
        "已询价",
        2,
    )
    (event,) = audit("plan.action_update")
    assert event.detail["changes"] == {
        "owner": ["张工", "李工"],
        "status": ["planned", "in_progress"],
        "note": ["", "已询价"],
    }


def test_a_stale_update_of_a_row_a_colleague_changed_is_refused_showing_both_values(
    draft, sme_manager, sme_contributor
):
    seen = plan_action_add(assessment=draft, user=sme_manager, code=MOTORS, owner="张工").revision
    plan_action_update(
        assessment=draft, user=sme_contributor, code=MOTORS, values={"owner": "刘工"}, seen_revision=seen
    )
    with pytest.raises(PlanConflict) as error:
        plan_action_update(
            assessment=draft, user=sme_manager, code=MOTORS, values={"owner": "李工"}, seen_revision=seen
        )
    (conflict,) = error.value.conflicts
    assert (conflict.field, conflict.mine, conflict.theirs) == ("owner", "李工", "刘工")
    assert "李填报" in str(error.value.message)
    assert PlanAction.objects.get().owner == "刘工"
    assert len(audit("plan.action_update")) == 1


def test_a_stale_update_that_agrees_with_the_colleague_is_not_a_conflict(draft, sme_manager, sme_contributor):
    seen = plan_action_add(assessment=draft, user=sme_manager, code=MOTORS).revision
    plan_action_update(
        assessment=draft, user=sme_contributor, code=MOTORS, values={"status": "done"}, seen_revision=seen
    )
    row = plan_action_update(
        assessment=draft, user=sme_manager, code=MOTORS, values={"status": "done"}, seen_revision=seen
    )
    assert row.status == "done" and row.revision == 2


def test_an_update_after_seeing_the_colleagues_change_goes_through(draft, sme_manager, sme_contributor):
    plan_action_add(assessment=draft, user=sme_manager, code=MOTORS)
    theirs = plan_action_update(
        assessment=draft, user=sme_contributor, code=MOTORS, values={"owner": "刘工"}, seen_revision=1
    )
    mine = plan_action_update(
        assessment=draft,
        user=sme_manager,
        code=MOTORS,
        values={"owner": "李工"},
        seen_revision=theirs.revision,
    )
    assert mine.owner == "李工"


def test_this_persons_own_newer_change_is_not_a_conflict(draft, sme_manager):
    plan_action_add(assessment=draft, user=sme_manager, code=MOTORS)
    plan_action_update(
        assessment=draft, user=sme_manager, code=MOTORS, values={"owner": "A"}, seen_revision=1
    )
    row = plan_action_update(
        assessment=draft, user=sme_manager, code=MOTORS, values={"owner": "B"}, seen_revision=1
    )
    assert row.owner == "B"


def test_updating_an_action_a_colleague_removed_is_refused(draft, sme_manager, sme_contributor):
    plan_action_add(assessment=draft, user=sme_manager, code=MOTORS)
    plan_action_remove(assessment=draft, user=sme_contributor, code=MOTORS, seen_revision=1)
    with pytest.raises(PlanConflict) as error:
        plan_action_update(
            assessment=draft, user=sme_manager, code=MOTORS, values={"owner": "李工"}, seen_revision=1
        )
    assert error.value.current is None


# --- removing and reordering -----------------------------------------------------------------------------


def test_removing_is_audited_with_what_was_removed(draft, sme_manager):
    plan_action_add(assessment=draft, user=sme_manager, code=MOTORS, owner="张工", quarter="2026Q3")
    plan_action_remove(assessment=draft, user=sme_manager, code=MOTORS, seen_revision=1)
    assert not PlanAction.objects.exists()
    (event,) = audit("plan.action_remove")
    assert event.detail["code"] == MOTORS and event.detail["owner"] == "张工"


def test_removing_a_row_a_colleague_changed_meanwhile_is_refused(draft, sme_manager, sme_contributor):
    plan_action_add(assessment=draft, user=sme_manager, code=MOTORS)
    plan_action_update(
        assessment=draft, user=sme_contributor, code=MOTORS, values={"status": "done"}, seen_revision=1
    )
    with pytest.raises(PlanConflict):
        plan_action_remove(assessment=draft, user=sme_manager, code=MOTORS, seen_revision=1)
    assert PlanAction.objects.get().status == "done"


def test_reordering_puts_the_actions_in_the_given_order(draft, sme_manager):
    for code in (MOTORS, DRIVES, LED):
        plan_action_add(assessment=draft, user=sme_manager, code=code)
    plan_actions_reorder(assessment=draft, user=sme_manager, codes=[LED, MOTORS, DRIVES])
    assert plan_rows(draft).codes == [LED, MOTORS, DRIVES]
    (event,) = audit("plan.reorder")
    assert event.detail == {
        "plan_revision": 4,
        "before": [MOTORS, DRIVES, LED],
        "after": [LED, MOTORS, DRIVES],
    }


def test_a_reorder_missing_an_action_added_meanwhile_is_refused(draft, sme_manager, sme_contributor):
    plan_action_add(assessment=draft, user=sme_manager, code=MOTORS)
    plan_action_add(assessment=draft, user=sme_manager, code=DRIVES)
    plan_action_add(assessment=draft, user=sme_contributor, code=LED)
    with pytest.raises(PlanConflict):
        plan_actions_reorder(assessment=draft, user=sme_manager, codes=[DRIVES, MOTORS])
    assert plan_rows(draft).codes == [MOTORS, DRIVES, LED]


# --- who edits ---------------------------------------------------------------------------------------------


def test_members_edit_and_nobody_else(
    draft, sme_manager, sme_contributor, other_manager, city_official, admin_user
):
    assert can_edit_plan(sme_manager, draft) and can_edit_plan(sme_contributor, draft)
    for outsider in (other_manager, city_official, admin_user):
        assert not can_edit_plan(outsider, draft)
        with pytest.raises(PermissionDenied):
            plan_action_add(assessment=draft, user=outsider, code=MOTORS)
    assert not PlanAction.objects.exists()
