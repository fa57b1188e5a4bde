"""Uploading an assessment's Excel workbook (docs/workbook.md): check every cell, keep the result for the
person's preview, apply it on confirmation as that person's answers in one transaction.

Every cell is read by its question type with the web form's field and then checked like a save of the
web form (the question's rules, impossible combinations with the other answers). Nothing is written
before the person confirms; a field changed online since the download is a conflict the person resolves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessment import consistency
from assessment.exceptions import DomainError
from assessment.models import Assessment, AuditEvent, User, WorkbookUpload
from assessment.selectors.assessments import EDITABLE_STATUSES, assessment_page
from assessment.selectors.workbook import version_keys
from assessment.services.assessments import SaveOutcome, answer_check, answers_save
from assessment.workbook import BaseAnswer, WorkbookError, read_workbook
from questionnaires.question_types import question_type
from questionnaires.text import text_language

UPLOAD_RETENTION = dt.timedelta(days=2)


@dataclass
class WorkbookCheck:
    """What an uploaded workbook would change: changes (code, cell, new value, the save time of the
    answer it replaces), conflicts with answers changed online since the download, errors by cell."""

    lang: str
    changes: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    unchanged: int = 0

    def payload(self) -> dict[str, Any]:
        return {
            "changes": self.changes,
            "conflicts": self.conflicts,
            "errors": self.errors,
            "unchanged": self.unchanged,
        }


def _same(a: Any, b: Any) -> bool:
    """Equal answers (a list of options in any order is the same choice; 12 and 12.0 the same number)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, list) and isinstance(b, list) and all(isinstance(x, str) for x in a + b):
        return sorted(a) == sorted(b)
    return bool(a == b)


def _error_text(error: forms.ValidationError) -> str:
    return "；".join(str(message) for message in error.messages)


def workbook_check(*, assessment: Assessment, data: bytes) -> WorkbookCheck:
    """Read an uploaded workbook of `assessment` and check every answer cell by the web form's rules:
    the question type's field, the question's own rules, impossible combinations with the other answers.
    Writes nothing. WorkbookError (translated) when the file is not this assessment's workbook."""
    page = assessment_page(assessment)
    read = read_workbook(
        data, assessment_id=assessment.pk, versions=version_keys(assessment), sections=page.sections
    )
    check = WorkbookCheck(lang=read.lang)
    definitions = page.definitions
    proposed: dict[str, Any] = {}
    refs: dict[str, str] = {}
    assert read.layout is not None
    questions = {row.code: row.question for row in read.layout.editable_rows()}
    for code, (ref, cell) in read.cells.items():
        question = questions[code]
        qtype = question_type(question)
        base = read.base.get(code, BaseAnswer(None, None))
        answer = page.answers.get(code)
        current = answer.value if answer else None
        if isinstance(base.value, Mapping) or isinstance(current, Mapping) or qtype is None:
            continue  # a per-product answer: changed on the web page only, as in the web form
        try:
            value = qtype.read_workbook_cell(question, cell, read.lang)
            if value is not None:
                value = answer_check(definitions=definitions, code=code, value=value)
        except forms.ValidationError as error:
            check.errors.append({"code": code, "ref": ref, "message": _error_text(error)})
            continue
        except DomainError as error:
            check.errors.append({"code": code, "ref": ref, "message": str(error.message)})
            continue
        if _same(value, base.value):
            check.unchanged += 1
            continue  # not changed in the workbook (a colleague's newer answer online stays)
        seen = answer.updated_at.isoformat() if answer else None
        if _same(value, current):
            check.unchanged += 1
            continue
        proposed[code] = value
        refs[code] = ref
        if not _same(current, base.value):
            check.conflicts.append(
                {
                    "code": code,
                    "ref": ref,
                    "value": value,
                    "base": base.value,
                    "theirs": current,
                    "seen": seen,
                }
            )
        else:
            check.changes.append({"code": code, "ref": ref, "value": value, "seen": seen})
    if proposed:
        merged = {code: answer.value for code, answer in page.answers.items()}
        merged.update(proposed)
        language = text_language()
        for code, problem in consistency.impossible(definitions, merged, proposed).items():
            check.errors.append(
                {"code": code, "ref": refs[code], "message": problem.message.get(language, "")}
            )
    failed = {error["code"] for error in check.errors}
    check.changes = [item for item in check.changes if item["code"] not in failed]
    check.conflicts = [item for item in check.conflicts if item["code"] not in failed]
    order = {row.code: index for index, row in enumerate(read.layout.editable_rows())}
    for items in (check.changes, check.conflicts, check.errors):
        items.sort(key=lambda item: order.get(item["code"], len(order)))
    return check


def workbook_upload_store(*, assessment: Assessment, user: User, data: bytes) -> WorkbookUpload:
    """Check an uploaded workbook and keep the result for the person's preview (the person's earlier
    unconfirmed uploads of this assessment, and anyone's older than two days, are dropped).
    DomainError when the assessment cannot be changed or the file is not its workbook."""
    if assessment.status not in EDITABLE_STATUSES:
        raise DomainError(_("该评估已提交，答案已锁定，不能再修改。"), code="not_editable")
    try:
        check = workbook_check(assessment=assessment, data=data)
    except WorkbookError as error:
        raise DomainError(str(error), code="workbook") from None
    with transaction.atomic():
        WorkbookUpload.objects.filter(assessment=assessment, user=user, applied_at__isnull=True).delete()
        WorkbookUpload.objects.filter(created_at__lt=timezone.now() - UPLOAD_RETENTION).delete()
        return WorkbookUpload.objects.create(
            assessment=assessment, user=user, language=check.lang, payload=check.payload()
        )


class _RolledBack(Exception):
    def __init__(self, outcome: SaveOutcome) -> None:
        self.outcome = outcome


def _seen(item: Mapping[str, Any]) -> dt.datetime | None:
    text = item.get("seen")
    try:
        return dt.datetime.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None


def workbook_upload_apply(
    *, upload: WorkbookUpload, user: User, keep_mine: set[str], keep_theirs: set[str]
) -> int:
    """Apply a checked upload as `user`'s answers, all in one transaction or none: its changes, and of
    its conflicts those resolved "keep mine" (`keep_mine`); "keep theirs" leaves the online answer.
    Returns how many answers were written. DomainError (nothing written) when the upload has errors,
    a conflict is unresolved, the upload was applied already, the assessment is locked, or an answer
    changed again after the preview."""
    payload = upload.payload or {}
    if upload.applied_at is not None:
        raise DomainError(_("该工作簿已确认保存过。"), code="applied")
    if payload.get("errors"):
        raise DomainError(_("工作簿中仍有错误：请修改后重新上传。"), code="errors")
    conflicts = payload.get("conflicts") or []
    unresolved = [c for c in conflicts if c["code"] not in keep_mine and c["code"] not in keep_theirs]
    if unresolved:
        raise DomainError(_("请为每一处冲突选择保留哪一个值。"), code="unresolved")
    chosen = [*payload.get("changes", []), *(c for c in conflicts if c["code"] in keep_mine)]
    values = {item["code"]: item["value"] for item in chosen}
    seen = {item["code"]: _seen(item) for item in chosen}
    assessment = upload.assessment
    try:
        with transaction.atomic():
            locked = WorkbookUpload.objects.select_for_update().get(pk=upload.pk)
            if locked.applied_at is not None:
                raise DomainError(_("该工作簿已确认保存过。"), code="applied")
            outcome = answers_save(assessment=assessment, user=user, values=values, seen=seen)
            if outcome.errors or outcome.conflicts:
                raise _RolledBack(outcome)
            locked.applied_at = timezone.now()
            locked.save(update_fields=["applied_at"])
            AuditEvent.objects.create(
                actor=user,
                action="assessment.workbook_import",
                enterprise_id=assessment.enterprise_id,
                assessment=assessment,
                detail={
                    "changed": len(values),
                    "kept_theirs": len(keep_theirs & {c["code"] for c in conflicts}),
                },
            )
    except _RolledBack as rolled_back:
        if rolled_back.outcome.conflicts:
            raise DomainError(
                _("预览之后有同事又修改了部分答案，未保存任何修改。请重新下载或重新上传工作簿。"),
                code="changed",
            ) from None
        first = next(iter(rolled_back.outcome.errors.values()))
        raise DomainError(
            _("有答案未通过检查（%(message)s），未保存任何修改。请重新上传工作簿。")
            % {"message": first.message},
            code="invalid",
        ) from None
    upload.applied_at = timezone.now()
    return len(values)
