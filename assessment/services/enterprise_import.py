"""Officials' bulk import of enterprises: upload a list, check every row, create the valid ones and invite
their managers.

The uploaded rows are kept server-side (EnterpriseImport) between the preview and the confirmation. They
are checked again on every preview and on confirmation (`enterprise_import_check`); the confirmation
creates exactly the rows the preview showed as valid, or nothing (the check's fingerprint must match).
Each row is checked by the sign-up form's fields and the sign-up service's rules (size class derived the
same way), plus what a list adds: the official's jurisdiction, duplicates within the file and against the
enterprises already registered, and managers' addresses that cannot be invited.

A list of more than IMPORT_DIRECT_MAX_ROWS rows is checked and confirmed by background tasks
(assessment.tasks.check_enterprise_import, confirm_enterprise_import), as the officials' large exports
are: the upload and the confirmation only queue them, the list's page shows their progress, then the
preview the check stored (`ImportPreview`), then the outcome.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import uuid
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assessment import reference
from assessment.background import update_when_unlocked
from assessment.enterprise_list import COLUMN_KEYS, COLUMN_LABELS, is_example_name, read_enterprise_list
from assessment.exceptions import DomainError
from assessment.forms.enterprise_import import ROW_FIELD_COLUMNS, EnterpriseImportRowForm
from assessment.models import AuditEvent, Enterprise, EnterpriseImport, Membership, OfficialProfile, User
from assessment.services.enterprises import (
    EnterpriseProfile,
    invitation_email_problem,
    invitations_issue,
    profile_fields,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

logger = logging.getLogger(__name__)
# An upload not confirmed within this time is deleted when the next list is uploaded.
PREVIEW_KEPT = dt.timedelta(hours=24)
PREVIEW_VALID_ROWS = 200  # valid rows listed on the preview (all are counted and imported)
PREVIEW_ERRORS = 500  # problems listed on the preview (all are counted)
PROGRESS_EVERY = 500  # a background check records its progress once per this many rows


@dataclass(frozen=True)
class RowError:
    """A problem with one cell (or, with column "", the whole row): the row number in the file."""

    row: int
    column: str
    message: str
    value: str = ""

    @property
    def column_label(self) -> str:
        return str(COLUMN_LABELS[self.column]) if self.column else ""


@dataclass(frozen=True)
class ImportRow:
    """A valid row: the enterprise's profile and the address of its manager-to-be."""

    row: int
    profile: EnterpriseProfile
    manager_email: str

    @property
    def city_name(self) -> str:
        return reference.city_name(self.profile.city_code)

    @property
    def industry_label(self) -> str:
        return f"{self.profile.industry_division} {reference.industry_name(self.profile.industry_division)}"

    @property
    def size_class_label(self) -> str:
        return str(
            Enterprise.SizeClass(reference.size_class(self.profile.employees, self.profile.revenue)).label
        )


@dataclass
class ImportCheck:
    rows_read: int
    valid: list[ImportRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def rejected_rows(self) -> int:
        return len({error.row for error in self.errors})

    @property
    def fingerprint(self) -> str:
        """Identifies the valid rows and what would be created from them."""
        payload = json.dumps(
            [[item.row, item.profile.uscc, item.manager_email, item.profile.city_code] for item in self.valid]
        )
        return hashlib.sha256(payload.encode()).hexdigest()[:32]


@dataclass
class ImportPreview:
    """What the preview page shows of a check: the counts, the fingerprint, the first valid rows and the
    first problems. Stored as JSON (`EnterpriseImport.check_result`) by a background check."""

    rows_read: int
    valid_count: int
    rejected_rows: int
    error_count: int
    fingerprint: str
    valid: list[ImportRow]
    errors: list[RowError]

    SCALARS: ClassVar = ("rows_read", "valid_count", "rejected_rows", "error_count", "fingerprint")

    @classmethod
    def of(cls, check: ImportCheck) -> ImportPreview:
        return cls(
            rows_read=check.rows_read,
            valid_count=len(check.valid),
            rejected_rows=check.rejected_rows,
            error_count=len(check.errors),
            fingerprint=check.fingerprint,
            valid=check.valid[:PREVIEW_VALID_ROWS],
            errors=check.errors[:PREVIEW_ERRORS],
        )

    def as_json(self) -> dict[str, Any]:
        return {
            **{name: getattr(self, name) for name in self.SCALARS},
            "valid": [
                {
                    "row": item.row,
                    "manager_email": item.manager_email,
                    "profile": {**asdict(item.profile), "revenue": str(item.profile.revenue)},
                }
                for item in self.valid
            ],
            "errors": [asdict(error) for error in self.errors],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ImportPreview:
        valid = [
            ImportRow(
                row=item["row"],
                manager_email=item["manager_email"],
                profile=EnterpriseProfile(
                    **{**item["profile"], "revenue": Decimal(item["profile"]["revenue"])}
                ),
            )
            for item in data["valid"]
        ]
        return cls(
            **{name: data[name] for name in cls.SCALARS},
            valid=valid,
            errors=[RowError(**error) for error in data["errors"]],
        )


def _official(user: User) -> OfficialProfile:
    try:
        return user.official
    except OfficialProfile.DoesNotExist:
        raise DomainError(_("只有主管部门用户可以批量导入企业。"), code="not_official") from None


@transaction.atomic
def enterprise_import_upload(
    *, user: User, filename: str, data: bytes, size: int | None = None
) -> EnterpriseImport:
    """Read an uploaded list (DomainError, field "file", when the file cannot be read; `size` when `data`
    is only the beginning of a file over the limit) and keep its rows for the preview. Nothing about
    enterprises is written. Unconfirmed uploads older than PREVIEW_KEPT are deleted."""
    _official(user)
    parsed = read_enterprise_list(data, filename=filename, size=size)
    EnterpriseImport.objects.filter(
        confirmed_at__isnull=True, created_at__lt=timezone.now() - PREVIEW_KEPT
    ).delete()
    in_background = len(parsed.rows) > settings.IMPORT_DIRECT_MAX_ROWS
    batch = EnterpriseImport.objects.create(
        uploaded_by=user,
        filename=filename[-200:],
        rows=parsed.rows,
        row_count=len(parsed.rows),
        ignored_columns=parsed.ignored_columns[:50],
        in_background=in_background,
        status=EnterpriseImport.Status.CHECKING if in_background else EnterpriseImport.Status.READY,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        progressed_at=timezone.now(),
    )
    if in_background:
        transaction.on_commit(lambda: _enqueue("check_enterprise_import", batch.pk))
    return batch


def _enqueue(task_name: str, batch_id: uuid.UUID, *args: str) -> None:
    """Hand a list's task to the task backend; a backend that refuses it (unreachable queue,
    misconfiguration) fails the list with a message instead of leaving it waiting for ever."""
    from assessment import tasks

    try:
        getattr(tasks, task_name).enqueue(str(batch_id), *args)
    except Exception as error:
        logger.exception("enterprise list %s: %s could not be queued", batch_id, task_name)
        _record(
            batch_id,
            status=EnterpriseImport.Status.FAILED,
            message=_("后台任务无法排队：%(error)s") % {"error": f"{type(error).__name__}: {error}"},
        )


def _record(batch_id: uuid.UUID, **fields: Any) -> None:
    update_when_unlocked(EnterpriseImport.objects.filter(pk=batch_id), **fields)


def _number_text(value: str) -> str:
    """Thousands separators and spaces as spreadsheets write them, removed."""
    return "".join(value.split()).replace(",", "").replace("，", "")


def _form_data(cells: dict[str, object]) -> dict[str, str]:
    from assessment.enterprise_list import resolve_city, resolve_industry

    text = {key: str(cells.get(key) or "") for key in COLUMN_KEYS}
    return {
        "name": text["name"],
        "uscc": text["uscc"],
        "city_code": resolve_city(text["city"]) or text["city"],
        "industry_division": resolve_industry(text["industry"]) or text["industry"],
        "employees": _number_text(text["employees"]),
        "revenue": _number_text(text["revenue"]),
        "contact_email": text["manager_email"],
        "contact_name": text["contact_name"],
        "contact_phone": text["contact_phone"],
    }


def _taken(usccs: Iterable[str], emails: Iterable[str]) -> tuple[set[str], dict[str, str]]:
    """Credit codes already registered, and addresses that cannot be invited with the reason (two queries)."""
    usccs, emails = list(usccs), list(emails)
    registered = (
        set(Enterprise.objects.filter(uscc__in=usccs).values_list("uscc", flat=True)) if usccs else set()
    )
    unavailable: dict[str, str] = {}
    if emails:
        accounts = (
            User.objects.annotate(email_lower=Lower("email"))
            .filter(email_lower__in=emails)
            .select_related("membership", "official")
        )
        for account in accounts:
            membership = getattr(account, "membership", None)
            if membership is not None:
                unavailable[account.email_lower] = (
                    invitation_email_problem(membership, enterprise_pk=None) or ""
                )
            elif getattr(account, "official", None) is not None:
                unavailable[account.email_lower] = _("该邮箱属于主管部门账户，不能作为企业管理员。")
    return registered, unavailable


def enterprise_import_check(
    *,
    rows: list[dict[str, object]],
    official: OfficialProfile,
    progress: Callable[[int], None] | None = None,
) -> ImportCheck:
    """Every row checked (a few queries whatever the number of rows): the valid rows, and every problem
    with its row number in the file, column and a translated message, in file order. `progress` is told
    how many rows have been checked, every PROGRESS_EVERY rows."""
    check = ImportCheck(rows_read=len(rows))
    candidates: list[tuple[int, dict[str, str], dict]] = []
    errors: dict[int, list[RowError]] = {}
    for position, cells in enumerate(rows, start=1):
        if progress is not None and position % PROGRESS_EVERY == 0:
            progress(position)
        row = int(cells["row"])  # type: ignore[call-overload]
        data = _form_data(cells)
        form = EnterpriseImportRowForm(data)
        if not form.is_valid():
            errors[row] = [
                RowError(
                    row, ROW_FIELD_COLUMNS[name], str(messages[0]), _cell(cells, ROW_FIELD_COLUMNS[name])
                )
                for name, messages in form.errors.items()
                if name in ROW_FIELD_COLUMNS
            ]
            if "uscc" in form.cleaned_data:  # still counts for duplicates within the file
                candidates.append((row, {"uscc": form.cleaned_data["uscc"]}, {}))
            continue
        candidates.append((row, data, form.cleaned_data))
    registered, unavailable = _taken(
        {cleaned["uscc"] for _row, _data, cleaned in candidates if cleaned},
        {cleaned["contact_email"].lower() for _row, _data, cleaned in candidates if cleaned},
    )
    first_with_code: dict[str, int] = {}
    first_with_email: dict[str, int] = {}
    for row, data, cleaned in candidates:
        uscc = cleaned.get("uscc") or data["uscc"]
        problems = errors.setdefault(row, [])
        if uscc in first_with_code:
            problems.append(
                RowError(
                    row,
                    "uscc",
                    _("与第 %(row)s 行的统一社会信用代码相同。") % {"row": first_with_code[uscc]},
                    uscc,
                )
            )
        first_with_code.setdefault(uscc, row)
        if not cleaned:
            continue
        email = cleaned["contact_email"].lower()
        problems.extend(_row_problems(row, cleaned, official=official, registered=registered))
        if email in unavailable:
            problems.append(RowError(row, "manager_email", unavailable[email], email))
        elif email in first_with_email:
            problems.append(
                RowError(
                    row,
                    "manager_email",
                    _("该邮箱已是第 %(row)s 行企业的管理员邮箱；一个账户只能属于一家企业。")
                    % {"row": first_with_email[email]},
                    email,
                )
            )
        first_with_email.setdefault(email, row)
        if not problems:
            check.valid.append(ImportRow(row=row, profile=_profile(cleaned), manager_email=email))
    order = {key: position for position, key in enumerate(("", *COLUMN_KEYS))}
    check.errors = sorted(
        (error for row_errors in errors.values() for error in row_errors),
        key=lambda error: (error.row, order[error.column]),
    )
    check.valid.sort(key=lambda item: item.row)
    return check


def _cell(cells: dict[str, object], column: str) -> str:
    return str(cells.get(column) or "")[:100]


def _row_problems(
    row: int, cleaned: dict, *, official: OfficialProfile, registered: set[str]
) -> list[RowError]:
    problems = []
    if is_example_name(cleaned["name"]):
        problems.append(
            RowError(
                row, "name", _("这是模板中的示例行，不会导入。请删除该行或改为真实企业。"), cleaned["name"]
            )
        )
    if cleaned["uscc"] in registered:
        problems.append(RowError(row, "uscc", _("系统中已有该统一社会信用代码的企业。"), cleaned["uscc"]))
    if official.city_code and cleaned["city_code"] != official.city_code:
        problems.append(
            RowError(
                row,
                "city",
                _("%(city)s 不在您的管辖范围（%(jurisdiction)s）内。")
                % {
                    "city": reference.city_name(cleaned["city_code"]),
                    "jurisdiction": reference.city_name(official.city_code),
                },
                reference.city_name(cleaned["city_code"]),
            )
        )
    return problems


def _profile(cleaned: dict) -> EnterpriseProfile:
    return EnterpriseProfile(
        name=cleaned["name"],
        uscc=cleaned["uscc"],
        city_code=cleaned["city_code"],
        industry_division=cleaned["industry_division"],
        employees=cleaned["employees"],
        revenue=cleaned["revenue"],
        contact_name=cleaned.get("contact_name", ""),
        contact_phone=cleaned.get("contact_phone", ""),
        contact_email=cleaned["contact_email"].lower(),
    )


@transaction.atomic
def enterprise_import_confirm(*, batch: EnterpriseImport, user: User, fingerprint: str) -> EnterpriseImport:
    """Create the valid rows' enterprises in one transaction and invite each one's manager (e-mails sent by
    the background tasks once it commits). Refused (DomainError, nothing written) if the list was imported
    already, or if its check no longer gives the rows the preview showed (`fingerprint`)."""
    official = _official(user)
    batch = EnterpriseImport.objects.select_for_update().get(pk=batch.pk)
    if batch.confirmed_at is not None:
        raise DomainError(_("该名单已经导入，不能重复导入。"), code="import_done")
    check = enterprise_import_check(rows=batch.rows, official=official)
    changed = DomainError(
        _(
            "自您查看预览以来，名单的校验结果发生了变化（例如其中的企业已被注册）。请核对更新后的预览，再确认导入。"
        ),
        code="import_changed",
    )
    if check.fingerprint != fingerprint:
        raise changed
    if not check.valid:
        raise DomainError(_("名单中没有可以导入的企业。"), code="import_empty")
    enterprises = [Enterprise(**profile_fields(item.profile)) for item in check.valid]
    try:
        with transaction.atomic():
            enterprises = Enterprise.objects.bulk_create(enterprises)
    except IntegrityError:  # a sign-up or another import registered one of the codes since the check
        codes = [enterprise.uscc for enterprise in enterprises]
        taken = sorted(Enterprise.objects.filter(uscc__in=codes).values_list("uscc", flat=True))
        if not taken:
            raise changed from None
        raise DomainError(
            _(
                "导入时，统一社会信用代码 %(codes)s 的企业刚刚在系统中注册，名单没有导入，也没有写入任何数据。"
                "请核对更新后的预览，再确认导入。"
            )
            % {"codes": "、".join(taken[:5]) + ("…" if len(taken) > 5 else "")},
            code="import_race",
        ) from None
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=user,
            action="enterprise.import",
            enterprise=enterprise,
            detail={"uscc": enterprise.uscc, "import": str(batch.pk), "row": item.row},
        )
        for enterprise, item in zip(enterprises, check.valid, strict=True)
    )
    now = timezone.now()
    invitations_issue(
        addresses=[
            (enterprise, item.manager_email)
            for enterprise, item in zip(enterprises, check.valid, strict=True)
        ],
        role=Membership.Role.MANAGER,
        invited_by=user,
        now=now,
    )
    batch.confirmed_at = now
    batch.created_count = len(enterprises)
    batch.rejected_count = check.rejected_rows
    batch.rows = []
    batch.status = EnterpriseImport.Status.DONE
    batch.check_result = None
    batch.message = ""
    batch.save(
        update_fields=[
            "confirmed_at",
            "created_count",
            "rejected_count",
            "rows",
            "status",
            "check_result",
            "message",
        ]
    )
    return batch


def enterprise_import_current_preview(*, batch: EnterpriseImport, official: OfficialProfile) -> ImportPreview:
    """The preview of a list waiting for confirmation: checked now for a list checked in the request (in
    the page's language, reflecting enterprises registered meanwhile), the stored result of its
    background check otherwise."""
    if batch.in_background and batch.check_result is not None:
        return ImportPreview.from_json(batch.check_result)
    return ImportPreview.of(enterprise_import_check(rows=batch.rows, official=official))


@transaction.atomic
def enterprise_import_confirm_later(
    *, batch: EnterpriseImport, user: User, fingerprint: str
) -> EnterpriseImport:
    """Queue the confirmation of a list checked in the background (the task calls
    enterprise_import_confirm, which checks every row again). Refused (DomainError) if the list was
    imported already, is still being checked, or its stored preview is not the one shown (`fingerprint`).
    A second request while the first is queued or running changes nothing."""
    _official(user)
    batch = EnterpriseImport.objects.select_for_update().get(pk=batch.pk)
    if batch.confirmed_at is not None:
        raise DomainError(_("该名单已经导入，不能重复导入。"), code="import_done")
    if batch.status == EnterpriseImport.Status.CONFIRMING:
        return batch
    stored = batch.check_result or {}
    if batch.status != EnterpriseImport.Status.READY or not stored:
        raise DomainError(_("该名单还没有校验完成，请稍候。"), code="import_busy")
    if stored["fingerprint"] != fingerprint:
        raise DomainError(
            _("该名单的校验结果与您确认的预览不一致。请核对当前的预览，再确认导入。"), code="import_changed"
        )
    if not stored["valid_count"]:
        raise DomainError(_("名单中没有可以导入的企业。"), code="import_empty")
    batch.status = EnterpriseImport.Status.CONFIRMING
    batch.message = ""
    batch.language = translation.get_language() or settings.LANGUAGE_CODE
    batch.progressed_at = timezone.now()
    batch.save(update_fields=["status", "message", "language", "progressed_at"])
    transaction.on_commit(lambda: _enqueue("confirm_enterprise_import", batch.pk, fingerprint))
    return batch


@transaction.atomic
def enterprise_import_retry(*, batch: EnterpriseImport, user: User) -> EnterpriseImport:
    """Queue again the task of a stalled list (`is_stalled`: checking or importing in the background, no
    progress for IMPORT_STALLED_MINUTES), as the uploader: the check from its first row, or the
    confirmation of the preview it stored (which checks every row again). Audited. Refused (DomainError,
    nothing queued) when the list is not stalled: imported already, failed, or its task is working, or
    was queued again a moment ago (a second click). Safe if the first task was only slow: the
    confirmation locks the list and does nothing for a list imported already, so no enterprise is
    created twice (and credit codes are unique)."""
    _official(user)
    batch = EnterpriseImport.objects.select_for_update().defer("rows").get(pk=batch.pk)
    if batch.confirmed_at is not None:
        raise DomainError(_("该名单已经导入，不能重复导入。"), code="import_done")
    if not batch.is_stalled:
        raise DomainError(_("该名单的后台任务仍在进行，无需重试。"), code="import_not_stalled")
    status = batch.status
    fingerprint = (batch.check_result or {}).get("fingerprint", "")
    if status == EnterpriseImport.Status.CONFIRMING and not fingerprint:
        raise DomainError(_("该名单没有可以确认的预览，请重新上传。"), code="import_busy")
    batch.progressed_at = timezone.now()
    fields = ["progressed_at"]
    if status == EnterpriseImport.Status.CHECKING:
        batch.rows_checked = 0
        fields.append("rows_checked")
    batch.save(update_fields=fields)
    AuditEvent.objects.create(
        actor=user,
        action="enterprise.import_retry",
        detail={"import": str(batch.pk), "status": status, "filename": batch.filename},
    )
    if status == EnterpriseImport.Status.CHECKING:
        transaction.on_commit(lambda: _enqueue("check_enterprise_import", batch.pk))
    else:
        transaction.on_commit(lambda: _enqueue("confirm_enterprise_import", batch.pk, fingerprint))
    return batch


def _waiting(batch_id: uuid.UUID, status: str) -> EnterpriseImport | None:
    """The list, if it is waiting for the task that `status` stands for (a task delivered again, or for a
    list deleted meanwhile, finds nothing to do)."""
    return EnterpriseImport.objects.select_related("uploaded_by").filter(pk=batch_id, status=status).first()


def enterprise_import_run_check(batch_id: uuid.UUID) -> EnterpriseImport | None:
    """The background check of a list (task check_enterprise_import): every row checked in the uploader's
    language, with progress, and the preview stored. None if the list is gone or not waiting for a check.
    An error fails the list with its message."""
    batch = _waiting(batch_id, EnterpriseImport.Status.CHECKING)
    if batch is None:
        return None
    _record(batch_id, progressed_at=timezone.now())  # started: not stalled
    try:
        with translation.override(batch.language):
            check = enterprise_import_check(
                rows=batch.rows,
                official=_official(batch.uploaded_by),
                progress=lambda done: _record(batch_id, rows_checked=done, progressed_at=timezone.now()),
            )
            _record(
                batch_id,
                status=EnterpriseImport.Status.READY,
                rows_checked=check.rows_read,
                check_result=ImportPreview.of(check).as_json(),
                progressed_at=timezone.now(),
            )
    except Exception as error:
        logger.exception("enterprise list %s: the check failed", batch_id)
        with translation.override(batch.language):
            _record(batch_id, status=EnterpriseImport.Status.FAILED, message=_failure_message(error))
    batch.refresh_from_db()
    return batch


def enterprise_import_run_confirm(batch_id: uuid.UUID, fingerprint: str) -> EnterpriseImport | None:
    """The background confirmation of a list (task confirm_enterprise_import): enterprise_import_confirm
    in the uploader's name and language. When the rows no longer give the preview confirmed (a code
    registered meanwhile), nothing is written: the list is checked again and its new preview shown with the
    reason. Any other error fails the list with its message. None if the list is not waiting for this."""
    batch = _waiting(batch_id, EnterpriseImport.Status.CONFIRMING)
    if batch is None:
        return None
    _record(batch_id, progressed_at=timezone.now())  # started: not stalled
    with translation.override(batch.language):
        try:
            return enterprise_import_confirm(batch=batch, user=batch.uploaded_by, fingerprint=fingerprint)
        except DomainError as error:
            if error.code == "import_done":  # the same task delivered twice: the other one imported it
                return EnterpriseImport.objects.get(pk=batch_id)
            if error.code in ("import_changed", "import_race", "import_empty"):
                _record(
                    batch_id,
                    status=EnterpriseImport.Status.CHECKING,
                    rows_checked=0,
                    message=error.message,
                    progressed_at=timezone.now(),
                )
                return enterprise_import_run_check(batch_id)
            _record(batch_id, status=EnterpriseImport.Status.FAILED, message=error.message)
        except Exception as error:
            logger.exception("enterprise list %s: the confirmation failed", batch_id)
            _record(batch_id, status=EnterpriseImport.Status.FAILED, message=_failure_message(error))
    batch.refresh_from_db()
    return batch


def _failure_message(error: Exception) -> str:
    if isinstance(error, DomainError):
        return str(error.message)
    return _("处理名单时出错：%(error)s") % {"error": f"{type(error).__name__}: {error}"}
