"""Writes of the SME assessment journey: create, answer, attach evidence, submit.

Every write refuses (DomainError) once the assessment is neither a draft nor returned for changes:
submitted answers are locked. Answers are upserted per (assessment, question code), so two members
saving different questions at the same time lose nothing and the last writer wins per question.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessment import consistency
from assessment.exceptions import DomainError
from assessment.models import (
    Answer,
    Assessment,
    AuditEvent,
    Enterprise,
    Evidence,
    RevisionNotice,
    User,
)
from assessment.recommendations import recommend
from assessment.scoring import EnterpriseFacts, validate_answers
from assessment.selectors.assessments import (
    CONFIRMED_WARNINGS,
    EDITABLE_STATUSES,
    AssessmentPage,
    Evaluation,
    answer_values,
    assessment_definitions,
    assessment_page,
    assessment_versions,
    question_index,
    tag_revisions,
)
from assessment.selectors.factors import current_factor_set
from assessment.services.analytics import analytics_refresh
from assessment.services.plan_figures import plan_figures_refresh
from assessment.services.results import framework_results_replace
from questionnaires.definition import get_definition
from questionnaires.frameworks import families, selectable_families
from questionnaires.logic import (
    industry_matches,
    is_answered,
    open_proposals,
    proposal_inputs,
    proposed_choices,
    resolve_answers,
)
from questionnaires.models import QuestionnaireVersion
from questionnaires.question_types import question_type, takes_value
from questionnaires.text import text_language

FIRST_YEAR = 2015
RECOMMENDATIONS_STORED = 10


def _not_editable() -> DomainError:
    return DomainError(_("该评估已提交，答案已锁定，不能再修改。"), code="not_editable")


def _check_editable(assessment: Assessment) -> None:
    if assessment.status not in EDITABLE_STATUSES:
        raise _not_editable()


# --- create ---------------------------------------------------------------------------------------------


def industry_version(enterprise: Enterprise, family: str) -> QuestionnaireVersion | None:
    """A family's system for the enterprise's industry, e.g. clean production's (the sector system whose
    `applies_to.industries` matches), else the family's fallback system; current versions only."""
    facts = EnterpriseFacts.from_enterprise(enterprise)
    candidates = (
        QuestionnaireVersion.objects.live()
        .filter(framework__startswith=family, status=QuestionnaireVersion.Status.CURRENT)
        .defer("definition")
    )
    fallback = None
    for version in candidates.order_by("framework", "-version"):
        applies = get_definition(version.framework, version.version).get("applies_to") or {}
        if applies.get("fallback"):
            fallback = fallback or version
        elif industry_matches(facts.industry, applies.get("industries") or []):
            return version
    return fallback


def _current_version(framework: str, version: str | None = None) -> QuestionnaireVersion | None:
    rows = (
        QuestionnaireVersion.objects.live()
        .filter(framework=framework)
        .exclude(status=QuestionnaireVersion.Status.BANK)
    )
    if version:
        return rows.filter(version=version).defer("definition").first()
    return (
        rows.filter(status=QuestionnaireVersion.Status.CURRENT)
        .defer("definition")
        .order_by("-version")
        .first()
    )


def framework_versions(enterprise: Enterprise, frameworks: Iterable[str]) -> list[QuestionnaireVersion]:
    """Versions for the chosen frameworks: a family's code (questionnaires/families.yaml: its current
    version, or the system for the enterprise's industry) or an exact `framework` / `framework@version`."""
    chosen: list[QuestionnaireVersion] = []
    by_industry = {family.code for family in families() if family.by_industry}
    for name in frameworks:
        framework, _sep, version = str(name).partition("@")
        row = (
            industry_version(enterprise, framework)
            if framework in by_industry
            else _current_version(framework, version or None)
        )
        if row is None:
            raise DomainError(_("评估框架 %(name)s 尚未载入。") % {"name": name}, field="frameworks")
        if row.pk not in {v.pk for v in chosen}:
            chosen.append(row)
    return chosen


def _prefill_values(previous: Assessment, definitions: list[dict[str, Any]]) -> dict[str, Any]:
    """Last year's answers still valid for this year's questions (computed values and confirmations of
    warnings are not carried over: they are recomputed and re-confirmed)."""
    index = question_index(definitions)
    values = {
        a.question_code: a.value
        for a in previous.answers.all()
        if a.value is not None
        and a.question_code in index
        and a.question_code != CONFIRMED_WARNINGS
        and takes_value(index[a.question_code])
    }
    valid: dict[str, Any] = {}
    for code, value in values.items():
        if not validate_answers(definitions, {code: value}, allow_unknown=True):
            valid[code] = value
    return valid


def assessment_create(
    *,
    enterprise: Enterprise,
    year: int,
    frameworks: Iterable[str] | None = None,
    user: User | None,
    prefill: bool = True,
) -> Assessment:
    """Start the enterprise's assessment of `year` with the chosen frameworks (all by default), the
    current factor set, and (with `prefill`) last year's answers marked `prefilled` until confirmed."""
    this_year = timezone.localdate().year
    if not FIRST_YEAR <= int(year) <= this_year:
        raise DomainError(
            _("评估年度应在 %(first)s 至 %(last)s 之间。") % {"first": FIRST_YEAR, "last": this_year},
            field="year",
        )
    frameworks = list(frameworks) if frameworks is not None else [f.code for f in selectable_families()]
    if not frameworks:
        raise DomainError(_("请至少选择一个评估框架。"), field="frameworks")
    if Assessment.objects.filter(enterprise=enterprise, year=year).exists():
        raise DomainError(_("%(year)s 年度的评估已经存在。") % {"year": year}, field="year")
    versions = framework_versions(enterprise, frameworks)
    factor_set = current_factor_set()
    try:
        with transaction.atomic():
            assessment = Assessment.objects.create(
                enterprise=enterprise, year=year, created_by=user, factor_set=factor_set
            )
    except IntegrityError:
        raise DomainError(_("%(year)s 年度的评估已经存在。") % {"year": year}, field="year") from None
    with transaction.atomic():
        assessment.versions.set(versions)
        previous = None
        prefilled = 0
        if prefill:
            previous = (
                Assessment.objects.filter(enterprise=enterprise, year__lt=year).order_by("-year").first()
            )
            if previous is not None:
                definitions = assessment_definitions(assessment)
                values = _prefill_values(previous, definitions)
                Answer.objects.bulk_create(
                    [
                        Answer(
                            assessment=assessment,
                            question_code=code,
                            value=value,
                            prefilled=True,
                            updated_by=user,
                        )
                        for code, value in sorted(values.items())
                    ]
                )
                prefilled = len(values)
        AuditEvent.objects.create(
            actor=user,
            action="assessment.create",
            enterprise=enterprise,
            assessment=assessment,
            detail={
                "year": int(year),
                "frameworks": [f"{v.framework}@{v.version}" for v in versions],
                "factor_set": factor_set.pk if factor_set else None,
                "prefilled_from": previous.pk if previous else None,
                "prefilled": prefilled,
            },
        )
    return assessment


# --- answers --------------------------------------------------------------------------------------------


def assessment_question(
    definitions: list[dict[str, Any]], code: str, *, field: str | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(definition, question) of a question code of the assessment; DomainError on `field` (default: the
    code itself, the answer form's field) for a code none of its definitions asks."""
    for definition in definitions:
        for question in definition.get("questions") or []:
            if question["code"] == code:
                return definition, question
    raise DomainError(
        _("题目 %(code)s 不属于本次评估。") % {"code": code}, field=field or code, code="unknown_question"
    )


def _message(problem: Any) -> str:
    return problem.message.get(text_language())


def _clean_value(
    definitions: list[dict[str, Any]], code: str, value: Any, override_reason: str
) -> tuple[Any, str]:
    """The value to store (None clears the answer) and the override reason, or DomainError(field=code)."""
    definition, question = assessment_question(definitions, code)
    qtype = question_type(question)
    if qtype is not None and qtype.by_evidence:
        raise DomainError(_("此题以上传佐证材料作答。"), field=code)
    if not is_answered(value):
        return None, ""
    if qtype is not None:
        value = qtype.coerce(value)
    problems = validate_answers(definition, {code: value}, allow_unknown=True)
    if problems:
        raise DomainError(_message(problems[0]), field=code, code=problems[0].kind)
    reason = (override_reason or "").strip()
    if qtype is not None and qtype.derived:
        if not reason:
            raise DomainError(_("覆盖计算值时须说明理由。"), field=code, code="override_reason")
    else:
        reason = ""
    return value, reason


def answer_check(*, definitions: list[dict[str, Any]], code: str, value: Any) -> Any:
    """A person's answer to a question taking a value, checked as a save would check it (the question's
    rules, without writing): the value to store, or DomainError with the message."""
    return _clean_value(definitions, code, value, "")[0]


@dataclass(frozen=True)
class AnswerConflict:
    """A newer answer someone else saved after this person last saw the question: not overwritten."""

    code: str
    mine: Any
    theirs: Any
    by: str
    at: dt.datetime


def _conflicts(
    current: Mapping[str, Answer],
    user: User | None,
    values: Mapping[str, tuple[Any, str]],
    seen: Mapping[str, dt.datetime | None],
) -> dict[str, AnswerConflict]:
    """Answers among `seen` (code: the save time this person last saw, None for no answer) that someone
    else changed since, to a value other than the one now being saved (`current`: the stored rows)."""
    found: dict[str, AnswerConflict] = {}
    for code, base in seen.items():
        answer = current.get(code)
        if answer is None or code not in values:
            continue
        if answer.updated_by_id is not None and user is not None and answer.updated_by_id == user.pk:
            continue  # this person's own save (another tab, a page left before the reply came)
        if base is not None and answer.updated_at <= base:
            continue
        if answer.value is None and base is None:
            continue
        mine = values[code][0]
        if answer.value == mine:
            continue  # same value: nothing would be lost
        found[code] = AnswerConflict(
            code=code,
            mine=mine,
            theirs=answer.value,
            by=str(answer.updated_by) if answer.updated_by else "",
            at=answer.updated_at,
        )
    return found


def _refused(
    definitions: list[dict[str, Any]], current: Mapping[str, Answer], values: Mapping[str, tuple[Any, str]]
) -> dict[str, DomainError]:
    """Impossible combinations (assessment/consistency.py) the save would make, at the saved fields."""
    merged = {code: answer.value for code, answer in current.items()}
    merged.update({code: value for code, (value, _reason) in values.items()})
    return {
        code: DomainError(_message(problem), field=code, code=problem.kind)
        for code, problem in consistency.impossible(definitions, merged, values).items()
    }


@dataclass
class _Written:
    rows: list[Answer]
    conflicts: dict[str, AnswerConflict]
    refused: dict[str, DomainError]


# What a write of an answer sets (bulk_create's update_fields when the answer exists already).
ANSWER_WRITTEN_FIELDS = ["value", "prefilled", "proposed", "override_reason", "updated_by", "updated_at"]


def _upsert(
    assessment: Assessment,
    user: User | None,
    values: Mapping[str, tuple[Any, str]],
    seen: Mapping[str, dt.datetime | None] | None = None,
    definitions: list[dict[str, Any]] | None = None,
) -> _Written | None:
    """Write the answers if the assessment is still editable, in one transaction: the row lock on the
    assessment orders these writes with a concurrent submission and with other saves, so the checks
    and the write see the same rows. Left unwritten: an answer someone else changed since this person
    saw it (`seen`, see _conflicts), and one making an impossible combination with the stored answers
    (`definitions` given). Returns what was written and left, or None when not editable."""
    now = timezone.now()
    # savepoint=False: nothing is written before the status check, so there is nothing to roll back
    # to, and the query count of an autosave stays small.
    with transaction.atomic(savepoint=False):
        status = (
            Assessment.objects.select_for_update()
            .filter(pk=assessment.pk)
            .values_list("status", flat=True)
            .first()
        )
        if status not in EDITABLE_STATUSES:
            return None
        needed = set(seen or ()) & set(values)
        touched = _proposals_touched(definitions, values) if definitions is not None else {}
        if definitions is not None:
            needed |= consistency.related_codes(definitions, values)
        for choice, (_definition, reads) in touched.items():
            needed |= reads | {choice}
        current = (
            {
                answer.question_code: answer
                for answer in Answer.objects.filter(
                    assessment_id=assessment.pk, question_code__in=sorted(needed)
                ).select_related("updated_by")
            }
            if needed
            else {}
        )
        conflicts = _conflicts(current, user, values, seen) if seen else {}
        refused = _refused(definitions, current, values) if definitions is not None else {}
        rows = [
            Answer(
                assessment_id=assessment.pk,
                question_code=code,
                value=value,
                prefilled=False,
                proposed=False,
                override_reason=reason,
                updated_by=user,
                updated_at=now,
            )
            for code, (value, reason) in values.items()
            if code not in conflicts and code not in refused
        ]
        rows += _proposed_rows(assessment, user, now, touched, current, rows)
        if rows:
            Answer.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["assessment", "question_code"],
                update_fields=ANSWER_WRITTEN_FIELDS,
            )
    return _Written(rows=rows, conflicts=conflicts, refused=refused)


def _proposals_touched(
    definitions: list[dict[str, Any]], values: Mapping[str, Any]
) -> dict[str, tuple[dict[str, Any], set[str]]]:
    """The choice questions proposed from figures (`proposed_by`) that this save may propose: those whose
    figure reads an answer being written. Code -> (its definition, the codes its proposal reads)."""
    touched: dict[str, tuple[dict[str, Any], set[str]]] = {}
    for definition in definitions:
        for choice, reads in proposal_inputs(definition).items():
            if reads & set(values) and choice not in values:
                touched[choice] = (definition, reads)
    return touched


def _proposed_rows(
    assessment: Assessment,
    user: User | None,
    now: dt.datetime,
    touched: Mapping[str, tuple[dict[str, Any], set[str]]],
    current: Mapping[str, Answer],
    rows: list[Answer],
) -> list[Answer]:
    """Answers for the unanswered choices that the saved figures now propose (the computed change
    pre-selects 增加/持平/降低; the person may change it). A choice already answered is never replaced."""
    if not touched:
        return []
    values = {code: answer.value for code, answer in current.items()}
    values.update({row.question_code: row.value for row in rows})
    proposed = []
    for choice, (definition, _reads) in touched.items():
        if is_answered(values.get(choice)):
            continue
        option = proposed_choices(definition, resolve_answers(definition, values)).get(choice)
        if option is not None:
            proposed.append(_proposed_answer(assessment, choice, option, user, now))
    return proposed


def _proposed_answer(
    assessment: Assessment, code: str, option: str, user: User | None, now: dt.datetime
) -> Answer:
    """An option the figures propose as an answer marked `proposed`: nobody chose it yet."""
    return Answer(
        assessment_id=assessment.pk,
        question_code=code,
        value=option,
        prefilled=False,
        proposed=True,
        override_reason="",
        updated_by=user,
        updated_at=now,
    )


def answers_record_proposals(*, assessment: Assessment) -> dict[str, str]:
    """Record, as proposed by the system (`Answer.proposed`), the option the figures propose for each
    choice question with `proposed_by` that has no answer: an assessment stored before such a question
    existed (moved to the revision that added it) would otherwise score nothing there. The enterprise sees
    the option pre-selected and may change it; officials see it was proposed, not chosen. Without the
    figures nothing is recorded and the question stays unanswered. Editable assessments only (the caller
    holds the row lock); returns the options recorded by code."""
    values = answer_values(assessment.answers.all())
    proposals: dict[str, str] = {}
    for definition in assessment_definitions(assessment):
        proposals.update(open_proposals(definition, values))
    proposed_answers_store(assessment=assessment, proposals=proposals)
    return proposals


def proposed_answers_store(*, assessment: Assessment, proposals: Mapping[str, str]) -> None:
    """Store options proposed by the figures as answers marked `proposed` (nobody chose them); a cleared
    answer (value None) to the same question is replaced. The caller decides that it may write."""
    now = timezone.now()
    Answer.objects.bulk_create(
        [_proposed_answer(assessment, code, option, None, now) for code, option in proposals.items()],
        update_conflicts=True,
        unique_fields=["assessment", "question_code"],
        update_fields=ANSWER_WRITTEN_FIELDS,
    )


def answer_save(
    *, assessment: Assessment, user: User | None, code: str, value: Any, override_reason: str = ""
) -> Answer:
    """Validate one answer against its question and store it (an empty value clears it, a computed
    question's value is an override needing a reason). Saving confirms a prefilled answer.
    Queries: the assessment's versions, the locked status, the upsert."""
    _check_editable(assessment)
    definitions = assessment_definitions(assessment)
    cleaned = _clean_value(definitions, code, value, override_reason)
    written = _upsert(assessment, user, {code: cleaned}, definitions=definitions)
    if written is None:
        raise _not_editable()
    if code in written.refused:
        raise written.refused[code]
    return written.rows[0]


@dataclass
class SaveOutcome:
    """What a save of several answers did: rows written, refused values (by code, with the message),
    and answers left alone because someone else changed them since this person saw them."""

    saved: dict[str, Answer] = field(default_factory=dict)
    errors: dict[str, DomainError] = field(default_factory=dict)
    conflicts: dict[str, AnswerConflict] = field(default_factory=dict)


def answers_save(
    *,
    assessment: Assessment,
    user: User | None,
    values: Mapping[str, Any],
    override_reasons: Mapping[str, str] | None = None,
    seen: Mapping[str, dt.datetime | None] | None = None,
) -> SaveOutcome:
    """Store several answers in one transaction (a page's save button, or the autosave of everything
    the page script had queued). Valid answers are saved; invalid ones come back by code with their
    error. With `seen` (code: save time of the answer this person last saw, None for none), an answer
    someone else changed since is not overwritten but reported as a conflict.
    Queries: the assessment's versions, the locked status, the current answers the checks need, the upsert.
    A value making an impossible combination with the other answers (a part larger than its whole) is
    refused like an invalid one."""
    _check_editable(assessment)
    definitions = assessment_definitions(assessment)
    reasons = override_reasons or {}
    outcome = SaveOutcome()
    cleaned: dict[str, tuple[Any, str]] = {}
    for code, value in values.items():
        try:
            cleaned[code] = _clean_value(definitions, code, value, reasons.get(code, ""))
        except DomainError as error:
            outcome.errors[code] = error
    if cleaned:
        written = _upsert(assessment, user, cleaned, seen, definitions)
        if written is None:
            raise _not_editable()
        outcome.conflicts = written.conflicts
        outcome.errors.update(written.refused)
        outcome.saved = {row.question_code: row for row in written.rows}
    return outcome


def answers_save_many(
    *,
    assessment: Assessment,
    user: User | None,
    values: Mapping[str, Any],
    override_reasons: Mapping[str, str] | None = None,
) -> dict[str, DomainError]:
    """Store several answers at once without a conflict check; the invalid ones are returned by code."""
    return answers_save(
        assessment=assessment, user=user, values=values, override_reasons=override_reasons
    ).errors


def page_save_plan(
    *,
    posted: Mapping[str, Any],
    present: Iterable[str],
    loaded: Mapping[str, Any] | None,
    current: Mapping[str, Any],
    posted_reasons: Mapping[str, str] | None = None,
    current_reasons: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The answers a page's save button writes: only the fields this person changed since loading the
    page. `posted`: the valid values of the form; `present`: the fields the POST carried (a field
    absent from it is never saved as empty); `loaded`: the values the page showed (None when the
    client did not send them: the stored values stand in); `current`: the stored values now.
    A field someone else changed meanwhile is still returned when this person changed it too: the
    write's conflict check (answers_save with `seen`) keeps the newer answer and reports it."""
    present = set(present)
    posted_reasons = posted_reasons or {}
    current_reasons = current_reasons or {}
    plan: dict[str, Any] = {}
    for code, value in posted.items():
        if code not in present:
            continue
        stored = current.get(code)
        if value is None and isinstance(stored, dict):
            continue  # a per-product answer is not editable as such in the form: kept
        reason_changed = posted_reasons.get(code, "") != current_reasons.get(code, "")
        before = loaded.get(code) if loaded is not None and code in loaded else stored
        if value == before and not reason_changed:
            continue  # this person did not change it (a colleague may have, since)
        if value == stored and not reason_changed:
            continue  # already stored
        plan[code] = value
    return plan


def answers_confirm(*, assessment: Assessment, user: User | None, codes: Iterable[str] | None = None) -> int:
    """Confirm prefilled answers as they are (all of them, or those of `codes`). Returns how many."""
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        _check_editable(locked)
        rows = Answer.objects.filter(assessment=locked, prefilled=True)
        if codes is not None:
            rows = rows.filter(question_code__in=list(codes))
        return rows.update(prefilled=False, updated_by=user, updated_at=timezone.now())


# --- evidence -------------------------------------------------------------------------------------------

# (content type, kind) by leading bytes; Office Open XML files are zip archives checked further.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"),  # .doc .xls .ppt
)
_OOXML = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


# Programs an Office Open XML archive has no business carrying.
_EXECUTABLE = frozenset("exe dll com scr msi bat cmd ps1 vbs vbe js jse wsf hta jar lnk sh".split())
# The file name extensions each accepted type may have; the first is used when the name has another.
_EXTENSIONS: dict[str, tuple[str, ...]] = {
    "application/pdf": ("pdf",),
    "image/png": ("png",),
    "image/jpeg": ("jpg", "jpeg"),
    "image/gif": ("gif",),
    "image/webp": ("webp",),
    "application/x-ole-storage": ("doc", "xls", "ppt"),
    _OOXML["word/"]: ("docx",),
    _OOXML["xl/"]: ("xlsx",),
    _OOXML["ppt/"]: ("pptx",),
}


def evidence_filename(name: str, content_type: str) -> str | None:
    """The name to store and download a file of `content_type` under: `name` if its extension fits the
    type, else the name with the type's extension in place of its own (a PDF called setup.exe becomes
    setup.pdf). None for an Office 97-2003 file (one container for .doc, .xls, .ppt and also .msi)
    whose name does not say which of the three it is."""
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    allowed = _EXTENSIONS.get(content_type, ())
    if extension.lower() in allowed:
        return name
    if len(allowed) != 1:
        return None
    return f"{stem.strip() or 'file'}.{allowed[0]}"


def sniff_content_type(head: bytes, upload: UploadedFile | None = None) -> str | None:
    """The file's type from its content (magic bytes), not its name; None if not an accepted type."""
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    for magic, content_type in _MAGIC:
        if head.startswith(magic):
            return content_type
    if head.startswith(b"PK\x03\x04") and upload is not None:
        upload.seek(0)
        try:
            with zipfile.ZipFile(io.BytesIO(upload.read())) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile:
            return None
        finally:
            upload.seek(0)
        if any(name.lower().rsplit(".", 1)[-1] in _EXECUTABLE for name in names if "." in name):
            return None  # an Office file does not carry programs: a disguised archive
        if "[Content_Types].xml" in names:
            for prefix, content_type in _OOXML.items():
                if any(name.startswith(prefix) for name in names):
                    return content_type
    return None


def evidence_add(
    *, assessment: Assessment, user: User | None, question_code: str, upload: UploadedFile
) -> Evidence:
    """Attach an evidence file (PDF, image, Office document) to a question of the assessment. The type
    is read from the content and the file's name given the extension of that type (evidence_filename);
    the file is stored under a random name; the size is limited by settings.EVIDENCE_MAX_BYTES."""
    _check_editable(assessment)
    if question_code:
        assessment_question(assessment_definitions(assessment), question_code)
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise DomainError(
            _("文件过大：上限为 %(mb).1f MB。") % {"mb": limit / 1024 / 1024}, field="file", code="too_large"
        )
    if upload.size == 0:
        raise DomainError(_("文件为空。"), field="file", code="empty")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type = sniff_content_type(head, upload)
    if content_type is None:
        raise DomainError(
            _("不支持的文件类型：请上传 PDF、图片（PNG、JPEG、GIF、WebP）或 Office 文档。"),
            field="file",
            code="file_type",
        )
    uploaded_name = (upload.name or "file").replace("\\", "/").rsplit("/", 1)[-1][:240]
    name = evidence_filename(uploaded_name, content_type)
    if name is None:
        raise DomainError(
            _("文件名与内容不符：Office 97–2003 文件的名称须以 .doc、.xls 或 .ppt 结尾。"),
            field="file",
            code="file_name",
        )
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        _check_editable(locked)
        evidence = Evidence(
            assessment=locked,
            question_code=question_code or "",
            original_name=name,
            content_type=content_type,
            size=upload.size,
            uploaded_by=user,
        )
        evidence.file.save("upload", upload, save=False)
        evidence.save()
        AuditEvent.objects.create(
            actor=user,
            action="evidence.add",
            enterprise_id=locked.enterprise_id,
            assessment=locked,
            detail={"evidence": evidence.pk, "question": question_code, "name": name, "size": upload.size},
        )
    return evidence


def evidence_remove(*, evidence: Evidence, user: User | None) -> None:
    """Remove an evidence file (row and stored file) while the assessment is editable."""
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=evidence.assessment_id)
        _check_editable(locked)
        AuditEvent.objects.create(
            actor=user,
            action="evidence.remove",
            enterprise_id=locked.enterprise_id,
            assessment=locked,
            detail={
                "evidence": evidence.pk,
                "question": evidence.question_code,
                "name": evidence.original_name,
            },
        )
        storage, name = evidence.file.storage, evidence.file.name
        evidence.delete()
        transaction.on_commit(lambda: storage.delete(name) if name else None)


# --- submit ---------------------------------------------------------------------------------------------


def stored_result(*, page: AssessmentPage, evaluation: Evaluation) -> dict[str, Any]:
    """The result JSON stored with a submission: the scores (each framework tagged with the revision of
    its version it was scored on), the energy balance and the recommended actions as of now (so the
    results page shows what the report shows). `evaluation.result` must not be None."""
    assert evaluation.result is not None
    result = evaluation.result.to_dict()
    tag_revisions(result, assessment_versions(page.assessment))
    if evaluation.balance is not None:
        result["energy"] = evaluation.balance.to_dict()
    result["recommendations"] = [
        item.to_dict()
        for item in recommend(
            definitions=page.definitions,
            answers=evaluation.answers,
            enterprise=EnterpriseFacts.from_enterprise(page.assessment.enterprise),
            before=evaluation.result,
            calculator=evaluation.outputs,
        ).top(RECOMMENDATIONS_STORED)
    ]
    return result


def assessment_submit(*, assessment: Assessment, user: User | None) -> Assessment:
    """Submit a draft (or a returned assessment): refuse with missing required answers, prefilled
    answers not yet confirmed, energy input errors or unconfirmed warnings; else lock the answers,
    compute the energy balance and the scores with the factor set frozen as a snapshot, store the
    result and one FrameworkResult per framework, and record who submitted and when. A second
    submission (double click, two members) finds the status changed and is refused: it submits once."""
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().select_related("enterprise").get(pk=assessment.pk)
        _check_editable(locked)
        page = assessment_page(locked)
        # The factor set's content now (or the snapshot of an earlier submission) is frozen with the result.
        snapshot = page.factors
        evaluation = page.evaluate()
        if not evaluation.can_submit:
            raise DomainError(
                _("还不能提交：请先补全必答题、确认沿用的上年答案和计算提示（见提交前检查）。"),
                code="incomplete",
            )
        result = stored_result(page=page, evaluation=evaluation)
        profile = result.get("profile") or {}
        overall = profile.get("overall") or {}
        now = timezone.now()
        previous_status = locked.status
        locked.status = Assessment.Status.SUBMITTED
        locked.result = result
        locked.total_score = overall.get("index")
        locked.factor_snapshot = snapshot
        locked.submitted_by = user
        locked.submitted_at = now
        locked.save(
            update_fields=[
                "status",
                "result",
                "total_score",
                "factor_snapshot",
                "submitted_by",
                "submitted_at",
                "updated_at",
            ]
        )
        framework_results_replace(assessment=locked, result=result, validated=False)
        analytics_refresh(assessment_ids=[locked.pk])
        # The plan's figures rest on the answers and factors frozen now (one query without a plan).
        plan_figures_refresh(assessment_ids=[locked.pk])
        # Notices of a corrected definition were for the draft: the submission has seen the new revision.
        RevisionNotice.objects.filter(assessment=locked, dismissed_at__isnull=True).update(
            dismissed_at=now, dismissed_by=user
        )
        AuditEvent.objects.create(
            actor=user,
            action="assessment.submit",
            enterprise_id=locked.enterprise_id,
            assessment=locked,
            detail={
                "from": previous_status,
                "total_score": locked.total_score,
                "scores": {item["framework"]: item["score"] for item in result["frameworks"]},
                "factor_set": snapshot.get("id"),
            },
        )
    return locked


def assessment_years(*, today: dt.date | None = None) -> list[int]:
    """Years an assessment may be started for, newest first (the previous year is the usual one)."""
    this_year = (today or timezone.localdate()).year
    return list(range(this_year, FIRST_YEAR - 1, -1))
