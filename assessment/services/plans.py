"""Writes of the improvement plan: add, update, remove and reorder its actions.

Every change is atomic, locks the plan row (so two members' changes are applied one after the other),
bumps the plan's revision, stores the plan's figures for officials' analytics (services/plan_figures.py)
and records an AuditEvent. An update or removal carries the revision of the
row as this person last saw it: when someone else changed the row since, nothing is written and
PlanConflict says which values differ (theirs, now stored, and this person's). See docs/plan.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessment.actions import load_catalog
from assessment.exceptions import DomainError
from assessment.models import Assessment, AuditEvent, Plan, PlanAction, validate_quarter
from assessment.permissions import can_edit_plan
from assessment.services.plan_figures import plan_figures_refresh

if TYPE_CHECKING:
    from assessment.models import User

# The fields of a plan action a member edits, with their names for messages.
EDITABLE = {
    "owner": gettext_lazy("负责人"),
    "quarter": gettext_lazy("目标季度"),
    "status": gettext_lazy("状态"),
    "note": gettext_lazy("备注"),
}
OWNER_MAX = 100
NOTE_MAX = 2000


@dataclass(frozen=True)
class FieldConflict:
    field: str
    label: str
    mine: Any
    theirs: Any


class PlanConflict(DomainError):
    """A change made on an older revision of a row someone else changed since: nothing was written.
    `conflicts` lists the fields whose stored value differs from the one submitted; `current` is the
    row as stored now (None when it was removed)."""

    def __init__(
        self, message: str, *, conflicts: Sequence[FieldConflict], current: PlanAction | None
    ) -> None:
        super().__init__(message, code="conflict")
        self.conflicts = list(conflicts)
        self.current = current


def _require_member(user: User, assessment: Assessment) -> None:
    if not can_edit_plan(user, assessment):
        raise PermissionDenied


def _locked_plan(assessment: Assessment, user: User) -> Plan:
    """The assessment's plan, created on first use, locked for this transaction."""
    plan, _created = Plan.objects.get_or_create(assessment=assessment, defaults={"updated_by": user})
    return Plan.objects.select_for_update().get(pk=plan.pk)


def _bump(plan: Plan, user: User) -> None:
    """Count the change and store the plan's figures on its new revision (officials' analytics)."""
    plan.revision += 1
    plan.updated_by = user
    plan.save(update_fields=["revision", "updated_by", "updated_at"])
    plan_figures_refresh(plan_ids=[plan.pk])


def _audit(plan: Plan, user: User, action: str, detail: dict[str, Any]) -> None:
    AuditEvent.objects.create(
        actor=user,
        action=action,
        enterprise_id=plan.assessment.enterprise_id,
        assessment=plan.assessment,
        detail={"plan_revision": plan.revision, **detail},
    )


def clean_fields(values: dict[str, Any]) -> dict[str, str]:
    """The editable fields of `values` checked and normalised; DomainError (with its field) otherwise."""
    cleaned: dict[str, str] = {}
    for name, raw in values.items():
        if name not in EDITABLE:
            continue
        value = str(raw if raw is not None else "").strip()
        if name == "owner" and len(value) > OWNER_MAX:
            raise DomainError(_("负责人不能超过 %(n)d 个字。") % {"n": OWNER_MAX}, field=name)
        if name == "note" and len(value) > NOTE_MAX:
            raise DomainError(_("备注不能超过 %(n)d 个字。") % {"n": NOTE_MAX}, field=name)
        if name == "quarter":
            value = value.upper()
            try:
                validate_quarter(value)
            except ValidationError as error:
                raise DomainError(error.messages[0], field=name) from None
        if name == "status" and value not in PlanAction.Status.values:
            raise DomainError(_("请选择一个有效的状态。"), field=name)
        cleaned[name] = value
    return cleaned


def plan_action_add(
    *,
    assessment: Assessment,
    user: User,
    code: str,
    owner: str = "",
    quarter: str = "",
    status: str = PlanAction.Status.PLANNED,
    note: str = "",
) -> PlanAction:
    """Add a catalog action to the assessment's plan (the plan is created with its first action)."""
    _require_member(user, assessment)
    catalog = load_catalog()
    if code not in {action.code for action in catalog.actions}:
        raise DomainError(_("措施目录中没有这项措施，无法加入计划。"), field="code", code="unknown_action")
    fields = clean_fields({"owner": owner, "quarter": quarter, "status": status, "note": note})
    with transaction.atomic():
        plan = _locked_plan(assessment, user)
        if plan.actions.filter(action_code=code).exists():
            raise DomainError(_("这项措施已在计划中。"), field="code", code="duplicate_action")
        last = plan.actions.aggregate(last=Max("position"))["last"]
        try:
            with transaction.atomic():
                row = PlanAction.objects.create(
                    plan=plan,
                    action_code=code,
                    position=0 if last is None else last + 1,
                    created_by=user,
                    updated_by=user,
                    **fields,
                )
        except IntegrityError:
            raise DomainError(_("这项措施已在计划中。"), field="code", code="duplicate_action") from None
        _bump(plan, user)
        _audit(plan, user, "plan.action_add", {"code": code, **fields})
    return row


def _row(plan: Plan, code: str) -> PlanAction | None:
    return plan.actions.select_related("updated_by").filter(action_code=code).first()


def _stale(row: PlanAction, seen_revision: int | None, user: User) -> bool:
    """Someone else changed the row after this person last saw it (their own later edits do not count)."""
    return seen_revision is not None and row.revision != seen_revision and row.updated_by_id != user.pk


def _who(row: PlanAction) -> str:
    return str(row.updated_by) if row.updated_by else _("其他成员")


def plan_action_update(
    *,
    assessment: Assessment,
    user: User,
    code: str,
    values: dict[str, Any],
    seen_revision: int | None,
) -> PlanAction:
    """Change the owner, quarter, status or note of a planned action. `seen_revision`: the row's revision
    this person's form was built on (None: no check). Raises PlanConflict when someone else changed a
    field since to a value other than the one submitted."""
    _require_member(user, assessment)
    fields = clean_fields(values)
    with transaction.atomic():
        plan = _locked_plan(assessment, user)
        row = _row(plan, code)
        if row is None:
            raise PlanConflict(
                _("这项措施已被其他成员从计划中移除，您的修改未保存。"), conflicts=[], current=None
            )
        changed = {name: value for name, value in fields.items() if getattr(row, name) != value}
        if changed and _stale(row, seen_revision, user):
            conflicts = [
                FieldConflict(name, str(EDITABLE[name]), value, getattr(row, name))
                for name, value in changed.items()
            ]
            raise PlanConflict(
                _("%(who)s 在您打开页面后修改了这项措施，您的修改未保存。请核对后再保存。")
                % {"who": _who(row)},
                conflicts=conflicts,
                current=row,
            )
        if not changed:
            return row
        before = {name: getattr(row, name) for name in changed}
        for name, value in changed.items():
            setattr(row, name, value)
        row.revision += 1
        row.updated_by = user
        row.save(update_fields=[*changed, "revision", "updated_by", "updated_at"])
        _bump(plan, user)
        _audit(
            plan,
            user,
            "plan.action_update",
            {"code": code, "changes": {name: [before[name], changed[name]] for name in changed}},
        )
    return row


def plan_action_remove(*, assessment: Assessment, user: User, code: str, seen_revision: int | None) -> None:
    """Take an action out of the plan (marking it dropped keeps it on record instead). Refused with
    PlanConflict when someone else changed it after `seen_revision`; removing a removed one is a no-op."""
    _require_member(user, assessment)
    with transaction.atomic():
        plan = _locked_plan(assessment, user)
        row = _row(plan, code)
        if row is None:
            return
        if _stale(row, seen_revision, user):
            raise PlanConflict(
                _("%(who)s 在您打开页面后修改了这项措施，未移除。请核对后再操作。") % {"who": _who(row)},
                conflicts=[],
                current=row,
            )
        kept = {name: getattr(row, name) for name in EDITABLE}
        row.delete()
        _bump(plan, user)
        _audit(plan, user, "plan.action_remove", {"code": code, **kept})


def plan_actions_reorder(*, assessment: Assessment, user: User, codes: Sequence[str]) -> None:
    """Put the plan's actions in the order of `codes`, which must name every action of the plan once
    (otherwise someone added or removed one meanwhile: PlanConflict, nothing written)."""
    _require_member(user, assessment)
    with transaction.atomic():
        plan = _locked_plan(assessment, user)
        rows = {row.action_code: row for row in plan.actions.all()}
        if sorted(codes) != sorted(rows) or len(set(codes)) != len(codes):
            raise PlanConflict(
                _("计划的措施在您打开页面后有变动，顺序未保存。请刷新页面后再调整。"),
                conflicts=[],
                current=None,
            )
        before = sorted(rows, key=lambda c: (rows[c].position, rows[c].pk))
        if list(codes) == before:
            return
        for position, code in enumerate(codes):
            rows[code].position = position
        PlanAction.objects.bulk_update(list(rows.values()), ["position"])
        _bump(plan, user)
        _audit(plan, user, "plan.reorder", {"before": before, "after": list(codes)})
