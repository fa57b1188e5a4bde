"""The Excel workbook round trip (issue 20, items 1 and 2): download, fill offline, upload, preview, confirm."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from assessment.exceptions import DomainError
from assessment.models import Answer, Assessment, AuditEvent, WorkbookUpload
from assessment.selectors.assessments import assessment_page
from assessment.selectors.workbook import version_keys, workbook_bytes
from assessment.services.assessments import answers_save
from assessment.services.workbook import workbook_check, workbook_upload_apply, workbook_upload_store
from assessment.workbook import (
    ANSWER_COLUMN,
    FORBIDDEN_IN_SHEET_NAMES,
    MAX_ROWS,
    MAX_UPLOAD_BYTES,
    META_SHEET,
    WorkbookError,
    read_workbook,
)

pytestmark = pytest.mark.django_db


def _book(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def _save(book: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _find(book: openpyxl.Workbook, text: str) -> tuple[str, int]:
    """(sheet, row) of the first editable row whose question text contains `text`."""
    for ws in book.worksheets:
        if ws.sheet_state != "visible":
            continue
        for row in range(2, ws.max_row + 1):
            if (
                text in str(ws[f"B{row}"].value or "")
                and ws[f"{ANSWER_COLUMN}{row}"].protection.locked is False
            ):
                return ws.title, row
    raise AssertionError(f"no editable row with {text!r}")


# --- export -----------------------------------------------------------------------------------------------


def test_it_writes_one_protected_sheet_per_page_with_a_very_hidden_meta_sheet(filled_draft, sme_manager):
    book = _book(workbook_bytes(filled_draft, lang="zh-hans", user=sme_manager))
    page = assessment_page(filled_draft)
    visible = [ws for ws in book.worksheets if ws.sheet_state == "visible"]
    assert len(visible) == len(page.sections) + 1  # the instructions first
    names = [ws.title for ws in book.worksheets]
    assert len(set(names)) == len(names)
    assert all(len(name) <= 31 and not FORBIDDEN_IN_SHEET_NAMES.search(name) for name in names)
    assert book[META_SHEET].sheet_state == "veryHidden"
    meta = {row[0]: row[1] for row in book[META_SHEET].iter_rows(max_row=9, values_only=True)}
    assert meta["assessment"] == filled_draft.pk
    assert meta["versions"] == ",".join(version_keys(filled_draft))
    assert re.fullmatch(r"[0-9a-f]{64}", meta["checksum"])
    sheet = visible[1]
    assert sheet.protection.sheet
    assert [c.value for c in sheet[1]] == [
        "序号",
        "题目",
        "单位",
        "答案",
        "允许的取值",
        "填写说明",
        "填写人",
        "填写时间",
    ]
    assert sheet["A2"].value == 1  # numbered as people count, not by internal code
    assert sheet["B2"].protection.locked and not sheet["D2"].protection.locked
    assert not any(
        "." in str(c.value) and str(c.value).startswith(("energy.", "gf25.")) for row in sheet for c in row
    )
    assert sheet["G2"].value == "王经理"


def test_it_offers_drop_downs_for_choices_and_bounds_for_numbers(filled_draft, sme_manager):
    book = _book(workbook_bytes(filled_draft, lang="zh-hans", user=sme_manager))
    kinds = {dv.type for ws in book.worksheets for dv in ws.data_validations.dataValidation}
    assert {"list", "whole", "decimal"} <= kinds
    lists = [dv for ws in book.worksheets for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert all(dv.formula1.startswith("'_lists'!") for dv in lists)
    sheet, row = _find(book, "是否")  # a yes/no question offers 是/否
    cell = f"{ANSWER_COLUMN}{row}"
    options = [
        dv.formula1 for dv in book[sheet].data_validations.dataValidation if cell in str(dv.sqref).split()
    ]
    assert options


def test_it_writes_english_on_request(filled_draft, sme_manager):
    book = _book(workbook_bytes(filled_draft, lang="en", user=sme_manager))
    assert book.worksheets[0].title == "Instructions"
    assert book.worksheets[1]["D1"].value == "Answer"


def test_the_export_command_writes_the_workbook(filled_draft, tmp_path):
    target = tmp_path / "wb.xlsx"
    call_command("export_workbook", "--assessment", str(filled_draft.pk), "-o", str(target), "--lang", "en")
    assert _book(target.read_bytes())[META_SHEET]["B3"].value == filled_draft.pk


# --- upload -----------------------------------------------------------------------------------------------


def test_an_unedited_workbook_changes_nothing(filled_draft, sme_manager):
    data = workbook_bytes(filled_draft, lang="zh-hans", user=sme_manager)
    check = workbook_check(assessment=filled_draft, data=data)
    assert (check.changes, check.conflicts, check.errors) == ([], [], [])
    assert check.unchanged > 50


def test_it_lists_changes_and_cell_referenced_errors_and_applies_nothing_before_confirming(
    filled_draft, sme_manager, sme_contributor
):
    book = _book(workbook_bytes(filled_draft, lang="zh-hans", user=sme_manager))
    sheet, row = _find(book, "生产设备总数")
    book[sheet][f"D{row}"] = 157
    bad_sheet, bad_row = _find(book, "全年从电网购入的电量")
    book[bad_sheet][f"D{bad_row}"] = "很多"
    upload = workbook_upload_store(assessment=filled_draft, user=sme_contributor, data=_save(book))
    payload = upload.payload
    assert [c["ref"] for c in payload["changes"]] == [f"{sheet}!D{row}"]
    assert payload["errors"][0]["ref"] == f"{bad_sheet}!D{bad_row}"
    assert payload["errors"][0]["message"]
    before = Answer.objects.get(assessment=filled_draft, question_code=payload["changes"][0]["code"]).value
    assert before != 157
    with pytest.raises(DomainError):
        workbook_upload_apply(upload=upload, user=sme_contributor, keep_mine=set(), keep_theirs=set())
    assert (
        Answer.objects.get(assessment=filled_draft, question_code=payload["changes"][0]["code"]).value
        == before
    )


def test_confirming_saves_the_changes_as_that_persons_answers_in_one_go(
    filled_draft, sme_manager, sme_contributor
):
    book = _book(workbook_bytes(filled_draft, lang="zh-hans", user=sme_manager))
    sheet, row = _find(book, "生产设备总数")
    book[sheet][f"D{row}"] = 157
    yes_sheet, yes_row = _find(book, "是否")
    old = book[yes_sheet][f"D{yes_row}"].value
    book[yes_sheet][f"D{yes_row}"] = "否" if old == "是" else "是"
    upload = workbook_upload_store(assessment=filled_draft, user=sme_contributor, data=_save(book))
    assert len(upload.payload["changes"]) == 2
    count = workbook_upload_apply(upload=upload, user=sme_contributor, keep_mine=set(), keep_theirs=set())
    assert count == 2
    codes = [c["code"] for c in upload.payload["changes"]]
    answers = Answer.objects.filter(assessment=filled_draft, question_code__in=codes)
    assert {a.updated_by for a in answers} == {sme_contributor}
    assert 157 in [a.value for a in answers]
    assert AuditEvent.objects.filter(action="assessment.workbook_import", actor=sme_contributor).count() == 1
    with pytest.raises(DomainError):  # applied once
        workbook_upload_apply(upload=upload, user=sme_contributor, keep_mine=set(), keep_theirs=set())


def test_a_field_changed_online_since_the_download_is_a_conflict_never_overwritten_unseen(
    filled_draft, sme_manager, sme_contributor
):
    data = workbook_bytes(filled_draft, lang="zh-hans", user=sme_contributor)
    book = _book(data)
    sheet, row = _find(book, "生产设备总数")
    book[sheet][f"D{row}"] = 157
    upload_data = _save(book)
    code = workbook_check(assessment=filled_draft, data=upload_data).changes[0]["code"]
    answers_save(assessment=filled_draft, user=sme_manager, values={code: 170})  # online, meanwhile
    upload = workbook_upload_store(assessment=filled_draft, user=sme_contributor, data=upload_data)
    assert upload.payload["changes"] == []
    assert [c["code"] for c in upload.payload["conflicts"]] == [code]
    with pytest.raises(DomainError):  # unresolved
        workbook_upload_apply(upload=upload, user=sme_contributor, keep_mine=set(), keep_theirs=set())
    assert Answer.objects.get(assessment=filled_draft, question_code=code).value == 170
    workbook_upload_apply(upload=upload, user=sme_contributor, keep_mine={code}, keep_theirs=set())
    assert Answer.objects.get(assessment=filled_draft, question_code=code).value == 157


def test_a_change_made_online_after_the_preview_rolls_everything_back(
    filled_draft, sme_manager, sme_contributor
):
    book = _book(workbook_bytes(filled_draft, lang="zh-hans", user=sme_contributor))
    sheet, row = _find(book, "生产设备总数")
    book[sheet][f"D{row}"] = 157
    other_sheet, other_row = _find(book, "全年从电网购入的电量")
    book[other_sheet][f"D{other_row}"] = 4321
    upload = workbook_upload_store(assessment=filled_draft, user=sme_contributor, data=_save(book))
    first, second = (c["code"] for c in upload.payload["changes"])
    answers_save(assessment=filled_draft, user=sme_manager, values={second: 999})
    with pytest.raises(DomainError) as raised:
        workbook_upload_apply(upload=upload, user=sme_contributor, keep_mine=set(), keep_theirs=set())
    assert raised.value.code == "changed"
    assert Answer.objects.get(assessment=filled_draft, question_code=first).value != 157  # nothing partial


def test_an_impossible_combination_is_an_error_at_its_cell(filled_draft, sme_manager):
    book = _book(workbook_bytes(filled_draft, lang="zh-hans", user=sme_manager))
    sheet, row = _find(book, "其中：数字化生产设备数")
    book[sheet][f"D{row}"] = 5000
    total_sheet, total_row = _find(book, "生产设备总数")
    book[total_sheet][f"D{total_row}"] = 10
    check = workbook_check(assessment=filled_draft, data=_save(book))
    assert check.errors and check.changes == []
    assert {e["ref"] for e in check.errors} <= {f"{sheet}!D{row}", f"{total_sheet}!D{total_row}"}


@pytest.mark.parametrize(
    "mangle, message",
    [
        (lambda data: b"not a zip", "无法读取"),
        (lambda data: data[: len(data) // 2], "无法读取"),
        (lambda data: b"PK" + b"\0" * (MAX_UPLOAD_BYTES + 1), "文件过大"),
    ],
)
def test_a_damaged_or_oversized_file_gets_a_clear_message(filled_draft, sme_manager, mangle, message):
    data = workbook_bytes(filled_draft, lang="zh-hans", user=sme_manager)
    with pytest.raises(WorkbookError, match=message):
        workbook_check(assessment=filled_draft, data=mangle(data))


def test_a_workbook_of_another_assessment_or_version_is_refused(filled_draft, sme_manager):
    data = workbook_bytes(filled_draft, lang="zh-hans", user=sme_manager)
    page = assessment_page(filled_draft)
    with pytest.raises(WorkbookError, match="另一次评估"):
        read_workbook(
            data,
            assessment_id=filled_draft.pk + 1,
            versions=version_keys(filled_draft),
            sections=page.sections,
        )
    with pytest.raises(WorkbookError, match="版本"):
        read_workbook(
            data, assessment_id=filled_draft.pk, versions=("green_factory@2018",), sections=page.sections
        )
    with pytest.raises(WorkbookError, match="题目结构"):
        read_workbook(
            data,
            assessment_id=filled_draft.pk,
            versions=version_keys(filled_draft),
            sections=page.sections[:-1],
        )


def test_a_plain_spreadsheet_is_not_taken_for_a_workbook(filled_draft):
    book = openpyxl.Workbook()
    book.active["A1"] = "hello"
    with pytest.raises(WorkbookError, match="不是本系统下载的评估工作簿"):
        workbook_check(assessment=filled_draft, data=_save(book))


def test_more_than_the_row_limit_is_refused(filled_draft):
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("x")
    for number in range(MAX_ROWS + 1):
        sheet.append([number])
    with pytest.raises(WorkbookError, match="10,000"):
        workbook_check(assessment=filled_draft, data=_save(book))


def test_moved_rows_are_refused(filled_draft, sme_manager):
    book = _book(workbook_bytes(filled_draft, lang="zh-hans", user=sme_manager))
    book.worksheets[1].delete_rows(3)
    with pytest.raises(WorkbookError, match="增删或移动"):
        workbook_check(assessment=filled_draft, data=_save(book))


def test_a_submitted_assessment_takes_no_upload(filled_draft, sme_manager):
    data = workbook_bytes(filled_draft, lang="zh-hans", user=sme_manager)
    Assessment.objects.filter(pk=filled_draft.pk).update(status=Assessment.Status.SUBMITTED)
    filled_draft.refresh_from_db()
    with pytest.raises(DomainError):
        workbook_upload_store(assessment=filled_draft, user=sme_manager, data=data)


# --- pages ------------------------------------------------------------------------------------------------


def test_the_pages_take_a_member_from_download_to_confirmation(client, filled_draft, sme_contributor):
    client.force_login(sme_contributor)
    page = client.get(reverse("assessment_workbook", args=[filled_draft.pk]))
    assert page.status_code == 200
    download = client.get(reverse("assessment_workbook_download", args=[filled_draft.pk]))
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    book = _book(download.content)
    sheet, row = _find(book, "生产设备总数")
    book[sheet][f"D{row}"] = "abc"
    response = client.post(
        reverse("assessment_workbook", args=[filled_draft.pk]),
        {"workbook": SimpleUploadedFile("wb.xlsx", _save(book))},
    )
    upload = WorkbookUpload.objects.get()
    assert response.url == reverse("assessment_workbook_preview", args=[filled_draft.pk, upload.pk])
    preview = client.get(response.url).content.decode()
    assert f"{sheet}!D{row}" in preview and "确认保存" in preview
    book[sheet][f"D{row}"] = 157
    response = client.post(
        reverse("assessment_workbook", args=[filled_draft.pk]),
        {"workbook": SimpleUploadedFile("wb.xlsx", _save(book))},
    )
    upload = WorkbookUpload.objects.get()  # the earlier, unconfirmed upload is dropped
    preview = client.get(response.url).content.decode()
    assert "157" in preview
    confirmed = client.post(reverse("assessment_workbook_confirm", args=[filled_draft.pk, upload.pk]))
    assert confirmed.url == reverse("assessment_review", args=[filled_draft.pk])
    code = upload.payload["changes"][0]["code"]
    assert Answer.objects.get(assessment=filled_draft, question_code=code).value == 157


def test_a_bad_file_is_shown_on_the_page_with_its_message(client, filled_draft, sme_manager):
    client.force_login(sme_manager)
    response = client.post(
        reverse("assessment_workbook", args=[filled_draft.pk]),
        {"workbook": SimpleUploadedFile("wb.xlsx", b"garbage")},
    )
    assert response.status_code == 200
    assert "无法读取该文件" in response.content.decode()


def test_another_members_preview_is_not_found(client, filled_draft, sme_manager, sme_contributor):
    data = workbook_bytes(filled_draft, lang="zh-hans", user=sme_manager)
    upload = workbook_upload_store(assessment=filled_draft, user=sme_manager, data=data)
    client.force_login(sme_contributor)
    assert (
        client.get(reverse("assessment_workbook_preview", args=[filled_draft.pk, upload.pk])).status_code
        == 404
    )


# --- command ----------------------------------------------------------------------------------------------


def test_the_import_command_exits_2_with_cell_messages_and_saves_valid_workbooks(
    filled_draft, sme_manager, tmp_path, capsys
):
    book = _book(workbook_bytes(filled_draft, lang="zh-hans", user=sme_manager))
    sheet, row = _find(book, "生产设备总数")
    book[sheet][f"D{row}"] = "abc"
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(_save(book))
    with pytest.raises(CommandError) as raised:
        call_command("import_workbook", str(bad), "--assessment", str(filled_draft.pk), "--dry-run")
    assert raised.value.returncode == 2
    assert f"{sheet}!D{row}：" in capsys.readouterr().err
    book[sheet][f"D{row}"] = 157
    good = tmp_path / "good.xlsx"
    good.write_bytes(_save(book))
    call_command("import_workbook", str(good), "--assessment", str(filled_draft.pk), "--dry-run")
    assert not Answer.objects.filter(assessment=filled_draft, value=157).exists()
    call_command("import_workbook", str(good), "--assessment", str(filled_draft.pk), "--user", "sme_manager")
    assert Answer.objects.filter(assessment=filled_draft, value=157, updated_by=sme_manager).exists()


def test_a_workbook_downloaded_before_the_scenarios_page_was_renamed_still_reads(filled_draft, sme_manager):
    from assessment.selectors.assessments import assessment_definitions, build_sections
    from assessment.workbook import _earlier_titles, workbook_layout

    sections = build_sections(assessment_definitions(filled_draft))
    versions = version_keys(filled_draft)
    now = workbook_layout(sections, versions, "zh-hans", instructions="填写说明")
    before = workbook_layout(_earlier_titles(sections), versions, "zh-hans", instructions="填写说明")
    renamed = [(a.name, b.name) for a, b in zip(now.sheets, before.sheets, strict=True) if a.name != b.name]
    assert renamed == [("数字化经营场景", renamed[0][1])] and "基本条件与通用题目" in renamed[0][1]
    book = _book(workbook_bytes(filled_draft, lang="zh-hans", user=sme_manager))
    sheet = book[renamed[0][0]]
    sheet.title = renamed[0][1]  # as the workbook was named at download
    check = workbook_check(assessment=filled_draft, data=_save(book))
    assert (check.changes, check.conflicts, check.errors) == ([], [], []) and check.unchanged > 50
    del book[renamed[0][1]]  # a sheet missing under both names is still refused
    with pytest.raises(WorkbookError):
        workbook_check(assessment=filled_draft, data=_save(book))
