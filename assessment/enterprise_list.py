"""Officials' lists of enterprises as files: reading an uploaded .xlsx or CSV with pandas, recognising its
columns, naming cities and industries as people write them, and the template to fill in.

Pure module (no database): `read_enterprise_list` turns bytes into rows of cell text, or raises a DomainError
with a translated message saying what is wrong with the file. Validating the rows is the business of
assessment.services.enterprise_import.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass

import pandas as pd
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessment import reference
from assessment.exceptions import DomainError

# Column keys in template order, with the header the template writes (translated) and whether a row needs it.
COLUMNS: tuple[tuple[str, object, bool], ...] = (
    ("name", gettext_lazy("企业名称"), True),
    ("uscc", gettext_lazy("统一社会信用代码"), True),
    ("city", gettext_lazy("所在地市"), True),
    ("industry", gettext_lazy("行业大类"), True),
    ("employees", gettext_lazy("从业人员（人）"), True),
    ("revenue", gettext_lazy("上年营业收入（万元）"), True),
    ("manager_email", gettext_lazy("管理员邮箱"), True),
    ("contact_name", gettext_lazy("联系人"), False),
    ("contact_phone", gettext_lazy("联系电话"), False),
)
COLUMN_KEYS = tuple(key for key, _label, _required in COLUMNS)
REQUIRED_KEYS = tuple(key for key, _label, required in COLUMNS if required)
COLUMN_LABELS = {key: label for key, label, _required in COLUMNS}

# Headers accepted for each column, compared after `_header_key` (lower case; spaces, punctuation and any
# bracketed unit removed): the template's Chinese and English headers and the usual variants.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "name": (
        "企业名称",
        "名称",
        "企业",
        "单位名称",
        "name",
        "enterprisename",
        "enterprise",
        "company",
        "companyname",
    ),
    "uscc": (
        "统一社会信用代码",
        "社会信用代码",
        "信用代码",
        "uscc",
        "unifiedsocialcreditcode",
        "socialcreditcode",
        "creditcode",
    ),
    "city": ("所在地市", "地市", "城市", "所在城市", "地市代码", "city", "citycode", "prefecture"),
    "industry": (
        "行业大类",
        "行业",
        "所属行业",
        "行业代码",
        "industry",
        "industrydivision",
        "industrycode",
    ),
    "employees": (
        "从业人员",
        "从业人员数",
        "员工人数",
        "职工人数",
        "人数",
        "employees",
        "numberofemployees",
        "staff",
    ),
    "revenue": (
        "上年营业收入",
        "营业收入",
        "营收",
        "revenue",
        "revenuelastyear",
        "revenueoflastyear",
        "annualrevenue",
        "operatingrevenue",
    ),
    "manager_email": (
        "管理员邮箱",
        "企业管理员邮箱",
        "负责人邮箱",
        "邮箱",
        "电子邮箱",
        "manageremail",
        "email",
        "emailaddress",
    ),
    "contact_name": ("联系人", "联系人姓名", "contactname", "contact", "contactperson"),
    "contact_phone": ("联系电话", "电话", "手机", "联系方式", "contactphone", "phone", "telephone"),
}
_KEY_BY_HEADER = {alias: key for key, aliases in HEADER_ALIASES.items() for alias in aliases}
_BRACKETED = re.compile(r"[(（\[【].*?[)）\]】]")
_HEADER_NOISE = re.compile(r"[\s*＊_\-:：.。·]+")

XLSX_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls (and other Office 97-2003 files)
# A real list of 10,000 enterprises unpacks to a few MB; more than this is a damaged or hostile file.
XLSX_MAX_UNPACKED_BYTES = 100 * 1024 * 1024


@dataclass(frozen=True)
class EnterpriseList:
    """A file's rows: each a dict of cell text by column key plus "row", its row number in the file
    (the header is row 1). Blank rows are left out; `ignored_columns` are headers not recognised."""

    rows: list[dict[str, object]]
    ignored_columns: list[str]


def _header_key(header: object) -> str:
    text = _BRACKETED.sub("", str(header)).lower()
    return _HEADER_NOISE.sub("", text).replace("e-mail", "email")


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}"


def _file_error(message: str) -> DomainError:
    return DomainError(message, field="file", code="import_file")


def _decode_csv(data: bytes) -> str:
    """CSV text: UTF-8 with or without BOM, UTF-16 with BOM (Excel's "Unicode text"), else GBK (GB 18030,
    its superset), as Excel in China saves it."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _file_error(_("无法识别文件的文字编码。请在 Excel 中另存为“CSV UTF-8”或 .xlsx 文件后再上传。"))


def _read_frame(data: bytes, filename: str) -> pd.DataFrame:
    """The first sheet (or the CSV) as text cells, at most IMPORT_MAX_ROWS + 1 data rows."""
    limit = settings.IMPORT_MAX_ROWS + 1
    suffix = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if data.startswith(OLE2_MAGIC):
        raise _file_error(_("不支持旧版 Excel（.xls）文件。请在 Excel 中另存为 .xlsx 或 CSV 后再上传。"))
    if data.startswith(XLSX_MAGIC):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                unpacked = sum(member.file_size for member in archive.infolist())
        except zipfile.BadZipFile:
            raise _file_error(_("文件已损坏，无法打开。请重新保存后再上传。")) from None
        if unpacked > XLSX_MAX_UNPACKED_BYTES:
            raise _file_error(_("文件已损坏或内容过大，无法读取。请另存为 .xlsx 或 CSV 后再上传。"))
        return pd.read_excel(
            io.BytesIO(data), sheet_name=0, dtype=str, keep_default_na=False, nrows=limit, engine="openpyxl"
        )
    if suffix in ("xlsx", "xlsm"):
        raise _file_error(_("文件已损坏，无法作为 Excel 文件打开。请重新保存后再上传。"))
    if suffix not in ("csv", "txt"):
        raise _file_error(_("请上传 Excel（.xlsx）或 CSV 文件。"))
    text = _decode_csv(data)
    if "\x00" in text:
        raise _file_error(_("文件已损坏或不是文本格式的 CSV 文件。"))
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    return pd.read_csv(
        io.StringIO(text),
        dtype=str,
        keep_default_na=False,
        skip_blank_lines=False,
        nrows=limit,
        sep=delimiter,
        quoting=csv.QUOTE_MINIMAL,
        on_bad_lines="error",
    )


def read_enterprise_list(data: bytes, *, filename: str, size: int | None = None) -> EnterpriseList:
    """The rows of an uploaded list, or a DomainError (field "file") saying why the file cannot be read:
    too large, too many rows, not .xlsx/CSV, damaged, undecodable, no header row with the needed columns,
    no data rows. `size`: the upload's size when `data` holds only its beginning (a file over the limit)."""
    size = max(size or 0, len(data))
    if size > settings.IMPORT_MAX_BYTES:
        raise _file_error(
            _("文件大小为 %(size)s MB，超过 %(limit)s MB 的上限。请分成几个文件上传。")
            % {"size": _mb(size), "limit": _mb(settings.IMPORT_MAX_BYTES)}
        )
    if not data.strip():
        raise _file_error(_("文件是空的。"))
    try:
        frame = _read_frame(data, filename)
    except DomainError:
        raise
    except Exception:  # any file content: pandas, openpyxl and zipfile raise many types
        raise _file_error(
            _("无法读取文件：文件已损坏或格式不正确。请使用模板，另存为 .xlsx 或 CSV 后再上传。")
        ) from None
    if len(frame) > settings.IMPORT_MAX_ROWS:
        raise _file_error(
            _("文件超过 %(limit)s 行的上限。请分成几个文件上传。")
            % {"limit": f"{settings.IMPORT_MAX_ROWS:,}"}
        )
    columns: dict[str, int] = {}
    ignored = []
    for position, header in enumerate(frame.columns):
        key = _KEY_BY_HEADER.get(_header_key(header))
        if key is None or key in columns:
            if not str(header).startswith("Unnamed:"):
                ignored.append(str(header))
            continue
        columns[key] = position
    missing = [key for key in REQUIRED_KEYS if key not in columns]
    if missing:
        raise _file_error(
            _("第1行（表头）缺少以下列：%(columns)s。请使用模板的表头。")
            % {"columns": "、".join(str(COLUMN_LABELS[key]) for key in missing)}
        )
    rows: list[dict[str, object]] = []
    for index, values in enumerate(frame.itertuples(index=False, name=None)):
        cells = {key: _cell_text(values[position]) for key, position in columns.items()}
        if any(cells.values()):
            rows.append({"row": index + 2, **cells})
    if not rows:
        raise _file_error(_("文件中没有企业数据：第1行是表头，企业从第2行起每行一家。"))
    return EnterpriseList(rows=rows, ignored_columns=ignored)


def _cell_text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):  # NaN
        return ""
    return str(value).strip()


# --- naming cities and industries as people write them ------------------------------------------------------

_CITY_SUFFIXES = ("市", "地区")


def _city_lookup() -> dict[str, str]:
    lookup = {}
    for city in reference.CITIES:
        short = city.zh
        for suffix in _CITY_SUFFIXES:
            short = short.removesuffix(suffix)
        for name in (city.code, city.zh, short, city.en.lower()):
            lookup[name] = city.code
    lookup["da hinggan ling"] = lookup["大兴安岭"] = "232700"
    return lookup


_CITIES = _city_lookup()


def resolve_city(text: str) -> str | None:
    """The city code for a cell naming a city of Heilongjiang by code ("230100"), Chinese name ("哈尔滨市",
    "哈尔滨") or English name ("Harbin"); None if it names none."""
    cleaned = " ".join(str(text).split()).lower()
    return _CITIES.get(cleaned) or _CITIES.get(cleaned.removesuffix(" city"))


_INDUSTRY_BY_NAME = {division.zh: division.code for division in reference.INDUSTRY_DIVISIONS} | {
    division.en.lower(): division.code for division in reference.INDUSTRY_DIVISIONS
}
_INDUSTRY_CODE = re.compile(r"^c?\s*(\d{2})(?:\b|\s|$)", re.IGNORECASE)


def resolve_industry(text: str) -> str | None:
    """The GB/T 4754 division code for a cell giving it as "C14", "14", "C14 食品制造业" (the template's
    drop-down) or the division's name; None if it names no manufacturing division."""
    cleaned = " ".join(str(text).split())
    if found := _INDUSTRY_BY_NAME.get(cleaned) or _INDUSTRY_BY_NAME.get(cleaned.lower()):
        return found
    match = _INDUSTRY_CODE.match(cleaned)
    if match:
        code = "C" + match.group(1)
        return code if reference.is_industry_division(code) else None
    return None


# --- the template to fill in -------------------------------------------------------------------------------

TEMPLATE_ROWS = 10_000  # rows the drop-downs cover (the row limit)


def example_row() -> list[object]:
    """The template's example row; its name marks it (`is_example_name`) so that it is never imported."""
    from assessment.uscc import make_uscc

    return [
        _("示例：哈尔滨某某乳业有限公司（请删除本行）"),
        make_uscc(region_code="230100", org_body="12345678"),
        reference.city_name("230100"),
        reference.industry_choices()[1][1],
        120,
        5000,
        "manager@example.com",
        _("张伟"),
        "0451-86000000",
    ]


def is_example_name(name: str) -> bool:
    return name.strip().lower().startswith(("示例", "example"))


def template_xlsx() -> bytes:
    """The template workbook: headers (active language), one example row, drop-downs for city and industry
    (lists on a hidden sheet), the credit code column as text so that Excel keeps it as typed."""
    import xlsxwriter

    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = workbook.add_worksheet(str(_("企业名单")))
    lists = workbook.add_worksheet("lists")
    header = workbook.add_format({"bold": True, "bg_color": "#D9EAD3", "border": 1, "text_wrap": True})
    text = workbook.add_format({"num_format": "@"})
    example = workbook.add_format({"font_color": "#595959", "italic": True})
    widths = (34, 22, 14, 30, 14, 18, 28, 12, 16)
    for column, ((_key, label, required), width) in enumerate(zip(COLUMNS, widths, strict=True)):
        sheet.write(0, column, str(label) + ("" if required else str(_("（选填）"))), header)
        sheet.set_column(column, column, width, text if _key in ("uscc", "contact_phone") else None)
    for column, value in enumerate(example_row()):
        sheet.write(1, column, value, example)
    sheet.freeze_panes(1, 0)
    cities = [reference.city_name(city.code) for city in reference.CITIES]
    industries = [label for _code, label in reference.industry_choices()]
    lists.write_column(0, 0, cities)
    lists.write_column(0, 1, industries)
    lists.hide()
    message = {"error_type": "warning", "error_title": str(_("请从列表中选择"))}
    sheet.data_validation(
        1, 2, TEMPLATE_ROWS, 2,
        {"validate": "list", "source": f"=lists!$A$1:$A${len(cities)}", **message,
         "error_message": str(_("请选择黑龙江省的一个地市。"))},
    )  # fmt: skip
    sheet.data_validation(
        1, 3, TEMPLATE_ROWS, 3,
        {"validate": "list", "source": f"=lists!$B$1:$B${len(industries)}", **message,
         "error_message": str(_("请选择制造业（C13–C43）的一个行业大类。"))},
    )  # fmt: skip
    sheet.data_validation(
        1, 4, TEMPLATE_ROWS, 4,
        {"validate": "integer", "criteria": ">=", "value": 0, "error_type": "warning",
         "error_message": str(_("请输入整数人数。"))},
    )  # fmt: skip
    sheet.data_validation(
        1, 5, TEMPLATE_ROWS, 5,
        {"validate": "decimal", "criteria": ">=", "value": 0, "error_type": "warning",
         "error_message": str(_("请输入以万元为单位的数字。"))},
    )  # fmt: skip
    workbook.close()
    return output.getvalue()


def template_csv() -> bytes:
    """The template as CSV: UTF-8 with a BOM (so that Excel shows the Chinese headers), headers and the
    example row."""
    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\r\n")
    writer.writerow([str(label) for _key, label, _required in COLUMNS])
    writer.writerow(example_row())
    return output.getvalue().encode("utf-8-sig")
