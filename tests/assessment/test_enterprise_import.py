"""Officials' bulk import of enterprises: reading lists (xlsx, CSV in UTF-8, UTF-8 with BOM and GBK), every
row's checks, the preview, the confirmation (enterprises, invitations, audit, e-mail on commit), the limits
and damaged files, the template, and who may do it."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from assessment.enterprise_list import (
    read_enterprise_list,
    resolve_city,
    resolve_industry,
    template_csv,
    template_xlsx,
)
from assessment.exceptions import DomainError
from assessment.models import AuditEvent, Enterprise, EnterpriseImport, Invitation
from assessment.services.enterprise_import import (
    enterprise_import_check,
    enterprise_import_confirm,
    enterprise_import_upload,
)
from assessment.uscc import make_uscc
from tests.factories import EnterpriseFactory

HEADERS = [
    "企业名称",
    "统一社会信用代码",
    "所在地市",
    "行业大类",
    "从业人员（人）",
    "上年营业收入（万元）",
    "管理员邮箱",
]
ENGLISH_HEADERS = ["Enterprise name", "Unified social credit code", "City", "Industry division", "Employees",
                   "Revenue (10k yuan)", "Manager e-mail"]  # fmt: skip


def code(n: int, city: str = "230100") -> str:
    return make_uscc(region_code=city, org_body=f"{30000000 + n:08d}")


def a_row(n: int, **overrides) -> list[object]:
    values = {
        "name": f"哈尔滨测试食品有限公司{n}",
        "uscc": code(n),
        "city": "哈尔滨市",
        "industry": "C14",
        "employees": "120",
        "revenue": "5000",
        "email": f"manager{n}@example.com",
    }
    values.update(overrides)
    return list(values.values())


def csv_bytes(rows: list[list[object]], *, headers=HEADERS, encoding: str = "utf-8") -> bytes:
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(headers)
    writer.writerows(rows)
    return output.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list[object]], *, headers=HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def check_of(data: bytes, official, filename: str = "list.csv"):
    rows = read_enterprise_list(data, filename=filename).rows
    return enterprise_import_check(rows=rows, official=official.official)


def errors_by_row(check) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for error in check.errors:
        found.setdefault(error.row, []).append(error.column)
    return found


# --- reading files ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_it_reads_csv_in_utf8_with_or_without_bom_and_in_gbk(encoding, settings):
    parsed = read_enterprise_list(csv_bytes([a_row(1), a_row(2)], encoding=encoding), filename="名单.csv")
    assert [row["row"] for row in parsed.rows] == [2, 3]
    assert parsed.rows[0]["name"] == "哈尔滨测试食品有限公司1"
    assert parsed.rows[0]["city"] == "哈尔滨市"


def test_it_reads_xlsx_keeping_codes_as_text_and_rows_numbered_as_in_the_file():
    rows = [a_row(1, employees=120, revenue=5000.5), [None] * 7, a_row(2, uscc=code(2))]
    parsed = read_enterprise_list(xlsx_bytes(rows), filename="list.xlsx")
    assert [row["row"] for row in parsed.rows] == [2, 4]  # the blank row 3 is skipped, not renumbered
    assert parsed.rows[0]["employees"] == "120" and parsed.rows[0]["revenue"] == "5000.5"
    assert parsed.rows[1]["uscc"] == code(2)


def test_it_keeps_leading_zeros_of_text_cells():
    data = csv_bytes([a_row(1)], headers=[*HEADERS[:6], "管理员邮箱"])
    data = data.replace(b"manager1@example.com", b"manager1@example.com,00451-8600")
    data = data.replace("管理员邮箱".encode(), "管理员邮箱,联系电话".encode())
    assert read_enterprise_list(data, filename="x.csv").rows[0]["contact_phone"] == "00451-8600"


def test_it_accepts_english_headers_and_ignores_unknown_columns():
    data = csv_bytes([[*a_row(1), "x"]], headers=[*ENGLISH_HEADERS, "Remarks"])
    parsed = read_enterprise_list(data, filename="list.csv")
    assert parsed.rows[0]["manager_email"] == "manager1@example.com"
    assert parsed.ignored_columns == ["Remarks"]


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "x.csv", "空"),
        (b"PK\x03\x04garbage-not-a-zip", "x.xlsx", "损坏"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "x.xls", ".xls"),
        (b"just text", "x.pdf", ".xlsx"),
        (b"not an xlsx at all", "x.xlsx", "损坏"),
        ("名称,城市\n甲,哈尔滨\n".encode(), "x.csv", "统一社会信用代码"),
        (",".join(HEADERS).encode() + b"\n", "x.csv", "没有企业数据"),
        (b'"unclosed,quote\n' * 3, "x.csv", "损坏"),
    ],
)
def test_it_explains_files_it_cannot_read(data, filename, message):
    with pytest.raises(DomainError) as raised:
        read_enterprise_list(data, filename=filename)
    assert message in str(raised.value.message)
    assert raised.value.field == "file"


def test_it_refuses_files_over_the_size_and_row_limits(settings):
    settings.IMPORT_MAX_BYTES = 1000
    with pytest.raises(DomainError, match="超过"):
        read_enterprise_list(csv_bytes([a_row(n) for n in range(20)]), filename="x.csv")
    settings.IMPORT_MAX_BYTES = 5 * 1024 * 1024
    settings.IMPORT_MAX_ROWS = 10
    with pytest.raises(DomainError, match="10 行的上限"):
        read_enterprise_list(csv_bytes([a_row(n) for n in range(11)]), filename="x.csv")
    with pytest.raises(DomainError, match="10 行的上限"):
        read_enterprise_list(xlsx_bytes([a_row(n) for n in range(11)]), filename="x.xlsx")
    assert len(read_enterprise_list(csv_bytes([a_row(n) for n in range(10)]), filename="x.csv").rows) == 10


def test_it_refuses_an_xlsx_that_unpacks_to_far_more_than_a_list(monkeypatch):
    monkeypatch.setattr("assessment.enterprise_list.XLSX_MAX_UNPACKED_BYTES", 1000)
    with pytest.raises(DomainError, match="过大"):
        read_enterprise_list(xlsx_bytes([a_row(1)]), filename="x.xlsx")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("哈尔滨市", "230100"), ("哈尔滨", "230100"), ("230100", "230100"), ("Harbin", "230100"),
     (" 大庆市 ", "230600"), ("大兴安岭", "232700"), ("北京市", None), ("", None)],
)  # fmt: skip
def test_it_names_cities_by_code_or_name(text, expected):
    assert resolve_city(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("C14", "C14"), ("c14", "C14"), ("14", "C14"), ("C14 食品制造业", "C14"), ("食品制造业", "C14"),
     ("Manufacture of foods", "C14"), ("C12", None), ("C44", None), ("A01", None), ("C1441", None)],
)  # fmt: skip
def test_it_names_industry_divisions_by_code_or_name(text, expected):
    assert resolve_industry(text) == expected


# --- checking rows --------------------------------------------------------------------------------------------


def test_it_accepts_good_rows_and_derives_the_size_class_as_sign_up_does(province_official):
    check = check_of(csv_bytes([a_row(1), a_row(2, employees="1,000", revenue="50000", city="230600")]),
                     province_official)  # fmt: skip
    assert check.errors == [] and check.rejected_rows == 0
    assert [item.row for item in check.valid] == [2, 3]
    first, second = check.valid
    assert first.profile.employees == 120 and first.profile.revenue == Decimal("5000")
    assert str(first.size_class_label) == "小型" and str(second.size_class_label) == "大型"
    assert second.profile.city_code == "230600"


def test_it_rejects_every_bad_cell_with_its_row_and_column(province_official, enterprise, sme_manager):
    rows = [
        a_row(1),
        a_row(2, uscc=code(2)[:-1] + ("0" if code(2)[-1] != "0" else "1")),  # wrong check character
        a_row(3, uscc=code(1)),  # the same code as row 2
        a_row(4, uscc=enterprise.uscc),  # already registered
        a_row(5, city="北京市"),
        a_row(6, industry="C99"),
        a_row(7, employees="-3"),
        a_row(8, revenue="很多"),
        a_row(9, email="not-an-address"),
        a_row(10, email=sme_manager.email),  # already in an enterprise
        a_row(11, email="MANAGER1@example.com"),  # row 2's manager
        a_row(12, name="示例：某某公司"),
        a_row(13, name="", employees=""),
        a_row(14),
    ]
    check = check_of(csv_bytes(rows), province_official)
    assert errors_by_row(check) == {
        3: ["uscc"],
        4: ["uscc"],
        5: ["uscc"],
        6: ["city"],
        7: ["industry"],
        8: ["employees"],
        9: ["revenue"],
        10: ["manager_email"],
        11: ["manager_email"],
        12: ["manager_email"],
        13: ["name"],
        14: ["name", "employees"],
    }
    assert [item.row for item in check.valid] == [2, 15]
    messages = {(error.row, error.column): error.message for error in check.errors}
    assert "第18位应为" in messages[(3, "uscc")]
    assert "与第 2 行" in messages[(4, "uscc")]
    assert "已有" in messages[(5, "uscc")]
    assert "北京市" in messages[(6, "city")]
    assert "示例行" in messages[(13, "name")]


def test_it_keeps_a_city_official_to_their_own_city(city_official):
    rows = [a_row(1), a_row(2, city="齐齐哈尔市", uscc=code(2, "230200")), a_row(3, city="230100")]
    check = check_of(csv_bytes(rows), city_official)
    assert [item.row for item in check.valid] == [2, 4]
    (error,) = check.errors
    assert (error.row, error.column) == (3, "city")
    assert "齐齐哈尔市" in error.message and "哈尔滨市" in error.message


def test_it_translates_the_messages(province_official, settings):
    from django.utils import translation

    with translation.override("en"):
        check = check_of(csv_bytes([a_row(1, city="Beijing"), a_row(2, employees="x")]), province_official)
        assert str(check.errors[0].column_label) == "City"
        assert "Heilongjiang" in check.errors[0].message
        assert "whole number" in check.errors[1].message or "number" in check.errors[1].message


# --- confirming --------------------------------------------------------------------------------------------


@pytest.fixture
def uploaded(province_official):
    rows = [a_row(n) for n in range(1, 6)] + [a_row(6, city="上海市")]
    return enterprise_import_upload(user=province_official, filename="list.csv", data=csv_bytes(rows))


def test_it_writes_nothing_before_the_confirmation(uploaded):
    assert uploaded.row_count == 6
    assert Enterprise.objects.count() == 0 and Invitation.objects.count() == 0


def test_it_creates_the_valid_rows_and_invites_their_managers(
    uploaded, province_official, django_capture_on_commit_callbacks
):
    check = enterprise_import_check(rows=uploaded.rows, official=province_official.official)
    with django_capture_on_commit_callbacks(execute=True):
        batch = enterprise_import_confirm(
            batch=uploaded, user=province_official, fingerprint=check.fingerprint
        )
    assert (batch.created_count, batch.rejected_count, batch.rows) == (5, 1, [])
    enterprises = Enterprise.objects.order_by("name")
    assert enterprises.count() == 5
    first = enterprises.get(uscc=code(1))
    assert (first.city_code, first.industry_division, first.size_class) == ("230100", "C14", "small")
    assert first.contact_email == "manager1@example.com" and first.contact_name == ""
    invitation = Invitation.objects.get(enterprise=first)
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "manager1@example.com",
        "manager",
        province_official,
    )
    assert AuditEvent.objects.filter(action="enterprise.import").count() == 5
    assert AuditEvent.objects.filter(action="invitation.create").count() == 5
    assert sorted(message.to[0] for message in mail.outbox) == [
        f"manager{n}@example.com" for n in range(1, 6)
    ]


def test_it_refuses_a_confirmation_when_the_check_changed_since_the_preview(uploaded, province_official):
    check = enterprise_import_check(rows=uploaded.rows, official=province_official.official)
    EnterpriseFactory(uscc=code(3))  # someone signed up meanwhile
    with pytest.raises(DomainError) as raised:
        enterprise_import_confirm(batch=uploaded, user=province_official, fingerprint=check.fingerprint)
    assert raised.value.code == "import_changed"
    assert Enterprise.objects.count() == 1 and Invitation.objects.count() == 0


def test_it_imports_a_list_once(uploaded, province_official):
    check = enterprise_import_check(rows=uploaded.rows, official=province_official.official)
    enterprise_import_confirm(batch=uploaded, user=province_official, fingerprint=check.fingerprint)
    with pytest.raises(DomainError) as raised:
        enterprise_import_confirm(batch=uploaded, user=province_official, fingerprint=check.fingerprint)
    assert raised.value.code == "import_done"
    assert Enterprise.objects.count() == 5


def test_it_writes_nothing_when_a_code_is_taken_at_the_last_moment(uploaded, province_official, monkeypatch):
    check = enterprise_import_check(rows=uploaded.rows, official=province_official.official)
    original = enterprise_import_check

    def check_then_race(**kwargs):
        result = original(**kwargs)
        EnterpriseFactory(uscc=code(4))  # a concurrent sign-up commits between the check and the insert
        return result

    monkeypatch.setattr("assessment.services.enterprise_import.enterprise_import_check", check_then_race)
    with pytest.raises(DomainError):
        enterprise_import_confirm(batch=uploaded, user=province_official, fingerprint=check.fingerprint)
    assert not Enterprise.objects.exclude(uscc=code(4)).exists()
    assert (
        Invitation.objects.count() == 0 and not AuditEvent.objects.filter(action="enterprise.import").exists()
    )


def test_it_lets_only_officials_upload(sme_manager):
    with pytest.raises(DomainError):
        enterprise_import_upload(user=sme_manager, filename="x.csv", data=csv_bytes([a_row(1)]))


# --- the pages -------------------------------------------------------------------------------------------------


def upload(client, data: bytes, name: str = "名单.csv"):
    return client.post(reverse("enterprise_import"), {"file": SimpleUploadedFile(name, data)})


def test_it_walks_an_official_from_upload_through_preview_to_confirmation(client, city_official):
    client.force_login(city_official)
    response = upload(
        client, csv_bytes([a_row(1), a_row(2, city="大庆市", uscc=code(2, "230600")), a_row(3)])
    )
    batch = EnterpriseImport.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "enterprise_import_preview", args=[batch.pk]
    )
    page = client.get(response.url).content.decode()
    assert 'id="rows-valid">2<' in page and 'id="rows-rejected">1<' in page
    assert 'data-row="3"' in page and "不在您的管辖范围" in page
    fingerprint = page.split('name="fingerprint" value="')[1].split('"')[0]
    response = client.post(
        reverse("enterprise_import_confirm", args=[batch.pk]), {"fingerprint": fingerprint}
    )
    assert response.status_code == 302
    assert set(Enterprise.objects.values_list("uscc", flat=True)) == {code(1), code(3)}
    page = client.get(response.url).content.decode()
    assert "已导入 2 家企业" in page


def test_it_shows_file_problems_on_the_upload_page(client, province_official, settings):
    client.force_login(province_official)
    response = upload(client, b"PK\x03\x04broken", "list.xlsx")
    assert response.status_code == 400
    assert "损坏" in response.content.decode()
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    response = upload(client, csv_bytes([a_row(n) for n in range(12_000)]))
    assert response.status_code == 400
    assert "文件大小为 1.2 MB，超过 1.0 MB 的上限" in response.content.decode()
    assert EnterpriseImport.objects.count() == 0


def test_it_does_not_confirm_a_stale_preview(client, province_official):
    client.force_login(province_official)
    upload(client, csv_bytes([a_row(1)]))
    batch = EnterpriseImport.objects.get()
    response = client.post(
        reverse("enterprise_import_confirm", args=[batch.pk]), {"fingerprint": "old"}, follow=True
    )
    assert "发生了变化" in response.content.decode()
    assert Enterprise.objects.count() == 0


def test_it_shows_an_uploaded_list_to_its_uploader_only(client, city_official, province_official):
    batch = enterprise_import_upload(user=city_official, filename="x.csv", data=csv_bytes([a_row(1)]))
    client.force_login(province_official)
    assert client.get(reverse("enterprise_import_preview", args=[batch.pk])).status_code == 404
    response = client.post(reverse("enterprise_import_confirm", args=[batch.pk]), {"fingerprint": "x"})
    assert response.status_code == 404


def test_it_offers_the_template_with_drop_downs_and_an_example_that_is_never_imported(
    client, province_official
):
    client.force_login(province_official)
    response = client.get(reverse("enterprise_import_template", args=["xlsx"]))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    assert [cell.value for cell in sheet[1]][:7] == HEADERS
    ranges = {str(validation.sqref): validation for validation in sheet.data_validations.dataValidation}
    assert ranges["C2:C10001"].type == "list" and "lists!" in ranges["C2:C10001"].formula1
    assert workbook["lists"].sheet_state == "hidden"
    assert workbook["lists"]["A1"].value == "哈尔滨市"
    for data, name in ((response.content, "t.xlsx"), (template_csv(), "t.csv")):
        check = check_of(data, province_official, filename=name)
        assert check.valid == [] and [e.message for e in check.errors if e.column == "name"][0].startswith(
            "这是"
        )
        assert [e.column for e in check.errors] == ["name"]  # only the example marker: the rest is valid
    assert client.get(reverse("enterprise_import_template", args=["csv"])).content.startswith(b"\xef\xbb\xbf")
    assert client.get(reverse("enterprise_import_template", args=["pdf"])).status_code == 404


def test_it_writes_the_template_headers_in_the_active_language():
    from django.utils import translation

    with translation.override("en"):
        sheet = load_workbook(io.BytesIO(template_xlsx())).worksheets[0]
    assert sheet["A1"].value == "Enterprise name" and sheet["C2"].value == "Harbin"


# --- robustness -----------------------------------------------------------------------------------------------

CELL = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        ["", "哈尔滨市", "C14", "230100", "-1", "1e400", "NaN", "=1+1", "0x10", "１２０", "1,2,3"]
    ),
    st.integers(-(10**20), 10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)


@pytest.mark.django_db
@given(rows=st.lists(st.lists(CELL, min_size=7, max_size=9), min_size=1, max_size=6), as_xlsx=st.booleans())
def test_it_never_fails_on_random_cells(rows, as_xlsx, client, province_official):
    """Whatever the cells hold, the upload and the preview answer with a page (never a 500), and nothing
    is created before the confirmation."""
    client.force_login(province_official)
    cleaned = [[cell.replace("\x00", "") for cell in row] for row in rows]
    if as_xlsx:
        data = xlsx_bytes(
            [[_xlsx_safe(cell) for cell in row] for row in cleaned], headers=HEADERS + ["联系人", "联系电话"]
        )
    else:
        data = csv_bytes(cleaned, headers=HEADERS + ["联系人", "联系电话"])
    response = upload(client, data, "list.xlsx" if as_xlsx else "list.csv")
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        assert client.get(response.url).status_code == 200
    assert Enterprise.objects.count() == 0


def _xlsx_safe(cell: str) -> str:
    """openpyxl refuses control characters in cells (so no spreadsheet can hold them)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", cell)


@given(data=st.binary(max_size=2000), name=st.sampled_from(["x.csv", "x.xlsx", "x.txt", "x"]))
def test_it_reads_random_bytes_or_says_why_not(data, name):
    try:
        read_enterprise_list(data, filename=name)
    except DomainError as error:
        assert error.field == "file" and str(error.message)


def test_it_keeps_users_other_than_officials_out(client, sme_manager):
    client.force_login(sme_manager)
    assert client.get(reverse("enterprise_import")).status_code == 403
    assert client.get(reverse("enterprise_import_template", args=["xlsx"])).status_code == 403


def test_it_lists_the_first_problems_of_a_long_list_and_counts_them_all(
    client, province_official, monkeypatch
):
    monkeypatch.setattr("assessment.services.enterprise_import.PREVIEW_ERRORS", 3)
    client.force_login(province_official)
    response = upload(client, csv_bytes([a_row(n, city="上海市") for n in range(5)]))
    page = client.get(response.url).content.decode()
    assert page.count("data-row=") == 3 and 'id="rows-rejected">5<' in page
    assert "另有 2 个未列出" in page
