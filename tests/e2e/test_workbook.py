"""The Excel round trip in real Chromium (issue 20, "Done when"): download the workbook, change three
answers and break one cell with openpyxl, upload, see the preview with the cell-referenced error, fix it,
upload again, confirm, and find the answers saved as this person's."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from assessment.models import Answer
from assessment.selectors.assessments import assessment_page
from assessment.selectors.workbook import version_keys
from assessment.workbook import workbook_layout
from tests.e2e.test_journey import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _row(book: openpyxl.Workbook, text: str) -> tuple[str, int]:
    """(sheet, row) of the first question whose text contains `text` and whose answer cell is open."""
    for ws in book.worksheets:
        if ws.sheet_state != "visible":
            continue
        for row in range(2, ws.max_row + 1):
            if text in str(ws[f"B{row}"].value or "") and ws[f"D{row}"].protection.locked is False:
                return ws.title, row
    raise AssertionError(f"no open row for {text!r}")


def _code(assessment, sheet: str, row: int) -> str:
    """The question code of a row, by the workbook's layout."""
    page = assessment_page(assessment)
    layout = workbook_layout(page.sections, version_keys(assessment), "zh-hans", instructions="填写说明")
    return next(r.code for r in layout.editable_rows() if (r.sheet, r.row) == (sheet, row))


def _upload(page, book: openpyxl.Workbook) -> None:
    buffer = io.BytesIO()
    book.save(buffer)
    page.set_input_files(
        "#workbook-file", files=[{"name": "填写.xlsx", "mimeType": XLSX, "buffer": buffer.getvalue()}]
    )
    page.click("text=上传并预览")
    page.wait_for_url("**/workbook/*/")


def test_it_takes_a_workbook_from_download_to_saved_answers(
    live_server, filled_draft, sme_manager, new_context, console_errors
):
    base = live_server.url
    page = new_context().new_page()
    login(page, base, "sme_manager")
    page.goto(f"{base}/assessments/{filled_draft.pk}/review/")
    page.click("#workbook-link")
    with page.expect_download() as download_info:
        page.click("[data-download=zh]")
    book = openpyxl.load_workbook(io.BytesIO(Path(download_info.value.path()).read_bytes()))

    devices_sheet, devices_row = _row(book, "生产设备总数")
    book[devices_sheet][f"D{devices_row}"] = 157  # a number
    yes_no_sheet, yes_no_row = _row(book, "是否")
    old_yes_no = book[yes_no_sheet][f"D{yes_no_row}"].value
    new_yes_no = "否" if old_yes_no == "是" else "是"
    book[yes_no_sheet][f"D{yes_no_row}"] = new_yes_no  # a yes/no from its drop-down
    factor_sheet, factor_row = _row(book, "计算外购电力排放采用的电网排放因子")
    national = "全国电力平均排放因子（最新年度）"
    new_factor, new_factor_code = (
        (national, "national")
        if book[factor_sheet][f"D{factor_row}"].value != national
        else ("东北区域电网平均排放因子（最新年度）", "northeast")
    )
    book[factor_sheet][f"D{factor_row}"] = new_factor  # a choice from its drop-down
    broken_sheet, broken_row = _row(book, "全年从电网购入的电量")
    book[broken_sheet][f"D{broken_row}"] = "大约两百万"  # not a number
    _upload(page, book)

    error = page.locator(f"[data-error='{broken_sheet}!D{broken_row}']")
    assert error.is_visible()
    assert f"{broken_sheet}!D{broken_row}" in error.inner_text()
    assert page.locator("#main button[type=submit]", has_text="确认保存").is_disabled()
    assert Answer.objects.get(assessment=filled_draft, question_code="dig24.q.devices_total").value != 157

    page.click("#upload-again")
    book[broken_sheet][f"D{broken_row}"] = 2_100_000
    _upload(page, book)
    assert page.locator("[data-error]").count() == 0
    changes = page.locator("[data-change]")
    assert changes.count() == 4
    assert f"{devices_sheet}!D{devices_row}" in page.locator("[data-changes]").inner_text()
    page.click("#confirm-workbook")
    page.wait_for_url(f"**/assessments/{filled_draft.pk}/review/")
    assert "已从工作簿保存 4 个答案" in page.inner_text("main")

    saved = {
        a.question_code: a for a in Answer.objects.filter(assessment=filled_draft, updated_by=sme_manager)
    }
    assert saved["dig24.q.devices_total"].value == 157
    assert saved["energy.grid_electricity_kwh"].value == 2_100_000
    assert saved["energy.grid_factor_basis"].value == new_factor_code
    assert saved[_code(filled_draft, yes_no_sheet, yes_no_row)].value is (new_yes_no == "是")
    assert console_errors == []
