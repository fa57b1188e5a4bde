"""An official's bulk import of enterprises in real Chromium: the template downloaded from the page and
filled with 50 enterprises of which two are wrong, the upload, the preview rejecting exactly those two
rows, the confirmation, and the 48 enterprises created with their managers' invitations queued for the
task worker (the database task backend, as in production; one task for the list's e-mails). Then the same
list over IMPORT_DIRECT_MAX_ROWS: checked and imported by the worker while the page shows the progress and
reloads itself for the preview, then for the outcome."""

from __future__ import annotations

import pytest
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from assessment import reference
from assessment.models import AuditEvent, Enterprise, EnterpriseImport, Invitation
from assessment.uscc import make_uscc
from tests.e2e.test_exports import start_worker
from tests.e2e.test_journey import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
ROWS = 50
BAD_CHECK_CHARACTER = 12  # list index: file row 13
OUTSIDE_PROVINCE = 37  # list index: file row 38


def enterprise_rows() -> list[list[object]]:
    cities = reference.CITIES
    rows = []
    for n in range(ROWS):
        city = cities[n % len(cities)]
        rows.append(
            [
                f"黑龙江批量导入测试制造有限公司{n:02d}",
                make_uscc(region_code=city.code, org_body=f"6600{n:04d}"),
                city.zh,
                reference.industry_choices()[n % 31][1],  # as the template's drop-down writes it
                20 + n * 13,
                800 + n * 250,
                f"manager{n:02d}@example.com",
            ]
        )
    code = str(rows[BAD_CHECK_CHARACTER][1])
    rows[BAD_CHECK_CHARACTER][1] = code[:-1] + ("1" if code[-1] != "1" else "2")
    rows[OUTSIDE_PROVINCE][2] = "沈阳市"
    return rows


def test_an_official_imports_fifty_enterprises_of_which_two_are_rejected(
    live_server, province_official, new_context, console_errors, settings, tmp_path
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    base = live_server.url
    page = new_context().new_page()
    login(page, base, "province_official")
    page.click("nav >> text=批量导入企业")
    page.wait_for_url(f"{base}/officials/enterprises/import/")

    with page.expect_download() as download:
        page.click("text=下载 Excel 模板")
    assert download.value.suggested_filename.endswith(".xlsx")
    with open(download.value.path(), "rb") as handle:
        workbook = load_workbook(handle)
    sheet = workbook.worksheets[0]
    sheet.delete_rows(2)  # the example row
    for row in enterprise_rows():
        sheet.append(row)
    filled = tmp_path / "企业名单.xlsx"
    workbook.save(filled)

    page.set_input_files("#id_file", str(filled))
    page.click("text=上传并预览")
    page.wait_for_url(f"{base}/officials/enterprises/import/*/")
    assert Enterprise.objects.count() == 0  # nothing written before the confirmation
    assert page.inner_text("#rows-read") == str(ROWS)
    assert page.inner_text("#rows-valid") == str(ROWS - 2)
    assert page.inner_text("#rows-rejected") == "2"
    rejected = page.locator("#import-errors tbody tr")
    assert [rejected.nth(i).get_attribute("data-row") for i in range(rejected.count())] == [
        str(BAD_CHECK_CHARACTER + 2),
        str(OUTSIDE_PROVINCE + 2),
    ]
    assert "校验位不正确" in rejected.nth(0).inner_text()
    assert "沈阳市" in rejected.nth(1).inner_text() and "不是黑龙江省的地市" in rejected.nth(1).inner_text()

    page.click("text=确认导入 48 家企业并发送邀请")
    page.wait_for_load_state("networkidle")
    assert "已导入 48 家企业" in page.inner_text("#main")

    expected = [
        row for n, row in enumerate(enterprise_rows()) if n not in (BAD_CHECK_CHARACTER, OUTSIDE_PROVINCE)
    ]
    assert set(Enterprise.objects.values_list("uscc", flat=True)) == {str(row[1]) for row in expected}
    assert Enterprise.objects.get(uscc=expected[0][1]).industry_division == "C13"
    invitations = Invitation.objects.filter(role="manager", invited_by=province_official)
    assert sorted(invitations.values_list("email", flat=True)) == sorted(str(row[6]) for row in expected)
    (queued,) = DBTaskResult.objects.filter(task_path__endswith="send_invitation_emails", status="READY")
    assert sorted(queued.args_kwargs["args"][0]) == sorted(invitations.values_list("pk", flat=True))
    assert AuditEvent.objects.filter(action="enterprise.import", actor=province_official).count() == ROWS - 2
    assert EnterpriseImport.objects.get().created_count == ROWS - 2

    # The import page lists the list as imported; the preview cannot be confirmed a second time.
    page.goto(f"{base}/officials/enterprises/import/")
    assert "已导入 48 家" in page.inner_text("#main")
    assert console_errors == []


def test_a_list_over_the_threshold_is_checked_and_imported_in_the_background(
    live_server, province_official, new_context, console_errors, settings, tmp_path
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    settings.IMPORT_DIRECT_MAX_ROWS = 10
    base = live_server.url
    page = new_context().new_page()
    login(page, base, "province_official")
    page.goto(f"{base}/officials/enterprises/import/")
    lines = ["企业名称,统一社会信用代码,所在地市,行业大类,从业人员,营业收入,管理员邮箱"]
    lines += [",".join(str(cell) for cell in row) for row in enterprise_rows()]
    listed = tmp_path / "名单.csv"
    listed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    page.set_input_files("#id_file", str(listed))
    page.click("text=上传并预览")
    page.wait_for_url(f"{base}/officials/enterprises/import/*/")
    assert "正在校验" in page.inner_text("#import-progress")  # no worker yet: it waits

    worker = start_worker()  # the page's script polls, and reloads once the check is stored
    page.wait_for_selector("#rows-valid", timeout=30_000)
    worker.join(timeout=30)
    assert page.inner_text("#rows-valid") == str(ROWS - 2)
    assert page.inner_text("#rows-rejected") == "2"
    rejected = page.locator("#import-errors tbody tr")
    assert rejected.nth(0).get_attribute("data-row") == str(BAD_CHECK_CHARACTER + 2)

    page.click("text=确认导入 48 家企业并发送邀请")
    page.wait_for_selector("#import-progress")
    assert "正在建立 48 家企业" in page.inner_text("#import-progress")
    assert Enterprise.objects.count() == 0
    worker = start_worker()
    page.wait_for_selector("text=建立了 48 家企业", timeout=30_000)
    worker.join(timeout=30)
    assert Enterprise.objects.count() == ROWS - 2
    assert EnterpriseImport.objects.get().status == "done"
    assert console_errors == []
