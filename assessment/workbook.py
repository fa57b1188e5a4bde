"""The Excel workbook of an assessment (docs/workbook.md): written for filling offline, read back.

Plain functions on plain data (sections, answers as `CellAnswer`), no ORM: the selectors read what a
workbook needs, the services store and apply an upload. Each question's type writes and reads its own
cell (questionnaires/question_types.py), with the same form field as the web form.

Layout: an instructions sheet, then one sheet per page of questions (the pages of the web form), one row
per question: number, question, unit, answer, allowed values, help, who answered, when. Only the answer
cells are unlocked. A question shared by several pages is answered on its first page; its later rows
show that cell by a formula and are locked. A very hidden sheet identifies the assessment, its framework
versions and a checksum of the structure, and records each answer's value and save time at download,
so that a later upload can tell this person's changes from a colleague's changes made online since.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from questionnaires.question_types import question_type, takes_value
from questionnaires.text import pick

if TYPE_CHECKING:
    from assessment.selectors.assessments import Section

FORMAT = "lvzhiping-assessment-workbook"
FORMAT_VERSION = 1
META_SHEET = "_workbook"
LISTS_SHEET = "_lists"
ANSWER_COLUMN = "D"
FIRST_ROW = 2  # row 1 holds the column headings
HEADINGS = (
    gettext_lazy("序号"),
    gettext_lazy("题目"),
    gettext_lazy("单位"),
    gettext_lazy("答案"),
    gettext_lazy("允许的取值"),
    gettext_lazy("填写说明"),
    gettext_lazy("填写人"),
    gettext_lazy("填写时间"),
)
COLUMN_WIDTHS = (7, 60, 12, 36, 30, 50, 14, 18)
SHEET_NAME_LIMIT = 31
FORBIDDEN_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")
META_TABLE_ROW = 12  # the per-question table of the meta sheet starts here (after its key/value rows)
# Limits of an upload: beyond them the file is refused with a message, before it is parsed. The same
# settings as the officials' list of enterprises (IMPORT_MAX_BYTES, IMPORT_MAX_ROWS), so one setting
# governs every spreadsheet upload.
MAX_UPLOAD_BYTES = settings.IMPORT_MAX_BYTES
MAX_ROWS = settings.IMPORT_MAX_ROWS
MAX_UNPACKED_BYTES = 60 * 1024 * 1024  # a zip that unpacks to far more than its size is refused unread


class WorkbookError(ValueError):
    """The file cannot be read as this assessment's workbook (translated message for the person)."""


@dataclass(frozen=True)
class CellAnswer:
    """An answer as the workbook shows and records it."""

    value: Any
    updated_at: dt.datetime | None
    by: str = ""


@dataclass(frozen=True)
class WorkbookRow:
    """One question's row on a sheet. `editable`: its answer cell is read back (the first row of a
    question a person answers with a value); `source`: the cell holding the answer of a shared question."""

    sheet: str
    row: int
    number: int
    code: str
    question: Mapping[str, Any]
    editable: bool
    source: str = ""

    @property
    def ref(self) -> str:
        return f"{self.sheet}!{ANSWER_COLUMN}{self.row}"


@dataclass(frozen=True)
class WorkbookSheet:
    name: str
    title: str
    framework_title: str
    rows: tuple[WorkbookRow, ...]


@dataclass(frozen=True)
class WorkbookLayout:
    sheets: tuple[WorkbookSheet, ...]
    checksum: str

    def editable_rows(self) -> list[WorkbookRow]:
        return [row for sheet in self.sheets for row in sheet.rows if row.editable]


def _sheet_name(text: str, taken: set[str]) -> str:
    """A valid, unique sheet name: at most 31 characters, none of []:*?/\\, not starting or ending with '."""
    base = FORBIDDEN_IN_SHEET_NAMES.sub(" ", text).strip().strip("'").strip() or "Sheet"
    base = base[:SHEET_NAME_LIMIT].strip()
    name, counter = base, 2
    while name.casefold() in taken or name.casefold() == "history":
        suffix = f" ({counter})"
        name = base[: SHEET_NAME_LIMIT - len(suffix)].rstrip() + suffix
        counter += 1
    taken.add(name.casefold())
    return name


def structure_checksum(versions: Sequence[str], sections: Iterable[Section]) -> str:
    """SHA-256 of what the workbook's cells mean: the framework versions and, page by page, each
    question's code and type (the same whatever the language)."""
    parts = [",".join(versions)]
    for section in sections:
        parts.append(section.key)
        parts.extend(f"{q['code']}:{q.get('type')}" for q in section.questions)
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def workbook_layout(
    sections: Sequence[Section], versions: Sequence[str], lang: str, *, instructions: str
) -> WorkbookLayout:
    """The sheets and rows of an assessment's workbook in `lang` (sheet names depend on it)."""
    taken = {instructions.casefold(), META_SHEET.casefold(), LISTS_SHEET.casefold()}
    titles = [pick(section.title, lang) for section in sections]
    repeated = {title for title in titles if titles.count(title) > 1}
    first_cell: dict[str, str] = {}
    sheets = []
    for section, title in zip(sections, titles, strict=True):
        framework = pick(section.framework_title, lang) if section.framework_title else ""
        label = f"{_short(framework)}·{title}" if title in repeated and framework else title
        name = _sheet_name(label, taken)
        rows = []
        for number, question in enumerate(section.questions, start=1):
            code = question["code"]
            row = FIRST_ROW + number - 1
            source = first_cell.get(code, "")
            editable = takes_value(question) and question_type(question) is not None and not source
            if not source:
                first_cell[code] = f"{name}!{ANSWER_COLUMN}{row}"
            rows.append(WorkbookRow(name, row, number, code, question, editable, source))
        sheets.append(WorkbookSheet(name, title, framework, tuple(rows)))
    return WorkbookLayout(tuple(sheets), structure_checksum(versions, sections))


def _earlier_titles(sections: Sequence[Section]) -> list[Section]:
    """The sections under the page names of earlier workbooks (sheet names come from them): the SME digital
    scenarios' page was called like every framework's general page until 2026-12 (a workbook filled
    offline over that change still reads; the cells are checked by the structure checksum as always)."""
    from assessment.selectors.assessments import GENERAL_TITLE, SCENARIOS_TITLE

    return [replace(s, title=GENERAL_TITLE) if s.title == SCENARIOS_TITLE else s for s in sections]


def _short(framework_title: str) -> str:
    """A framework's title shortened for a sheet name prefix (its words before a space or bracket)."""
    return re.split(r"[\s（(]", framework_title, maxsplit=1)[0][:12]


# --- writing -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkbookInfo:
    """What the instructions and the meta sheet say about the assessment."""

    assessment_id: int
    enterprise: str
    uscc: str
    year: int
    versions: tuple[str, ...]  # "framework@version"
    framework_titles: tuple[str, ...]
    exported_at: dt.datetime
    exported_by: str


def _help_text(question: Mapping[str, Any], lang: str) -> str:
    labels = {"what": _("含义"), "how": _("如何获取"), "example": _("示例"), "why": _("为何重要")}
    texts = question.get("help") or {}
    if not isinstance(texts, Mapping):
        return pick(texts, lang)
    return "\n".join(f"{labels[key]}：{pick(texts[key], lang)}" for key in labels if texts.get(key))


def _quoted(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def write_workbook(
    *,
    sections: Sequence[Section],
    answers: Mapping[str, CellAnswer],
    info: WorkbookInfo,
    lang: str,
) -> bytes:
    """The .xlsx bytes of an assessment's workbook in `lang` ("zh-hans" or "en"), written in
    openpyxl's write-only mode (row by row, several times faster than building cells in memory)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.workbook.protection import WorkbookProtection
    from openpyxl.worksheet.datavalidation import DataValidation

    with translation.override(lang):
        instructions_name = _("填写说明")
        layout = workbook_layout(sections, info.versions, lang, instructions=instructions_name)
        book = Workbook(write_only=True)
        _write_instructions(book.create_sheet(instructions_name), info, Font, WriteOnlyCell)
        list_ranges: dict[tuple[str, ...], str] = {}
        heading_font = Font(bold=True, color="FFFFFF")
        heading_fill = PatternFill("solid", fgColor="2E7D32")
        answer_fill = PatternFill("solid", fgColor="FFF8E1")
        wrap = Alignment(wrap_text=True, vertical="top")
        unlocked = Protection(locked=False)
        headings = [str(h) for h in HEADINGS]
        for sheet in layout.sheets:
            ws = book.create_sheet(sheet.name)
            for index, width in enumerate(COLUMN_WIDTHS):
                ws.column_dimensions[chr(ord("A") + index)].width = width
            ws.freeze_panes = "E2"
            heading_cells = []
            for text in headings:
                cell = WriteOnlyCell(ws, value=text)
                cell.font = heading_font
                cell.fill = heading_fill
                heading_cells.append(cell)
            ws.append(heading_cells)
            validations: dict[tuple[Any, ...], Any] = {}
            for row in sheet.rows:
                question = row.question
                qtype = question_type(question)
                answer = answers.get(row.code)
                value = answer.value if answer else None
                per_product = isinstance(value, Mapping)
                open_cell = row.editable and qtype is not None and not per_product
                if row.source:
                    sheet_name, reference = row.source.split("!")
                    shown: Any = f"={_quoted(sheet_name)}!{reference}"
                    hint = _("与“%(sheet)s”第 %(row)s 行为同一题，在那里填写") % {
                        "sheet": sheet_name,
                        "row": reference[1:],
                    }
                elif qtype is None or not row.editable:
                    shown = qtype.workbook_cell(question, value, lang) if qtype else None
                    hint = _("由系统计算或上传材料作答，请在网页上处理")
                else:
                    shown = qtype.workbook_cell(question, value, lang)
                    hint = (
                        _("按产品分别作答，请在网页上修改")
                        if per_product
                        else qtype.workbook_hint(question, lang)
                    )
                cells = []
                for column, content in enumerate(
                    [
                        row.number,
                        pick(question.get("text"), lang),
                        (qtype.addon(question, lang) if qtype else "") or pick(question.get("unit"), lang),
                        shown,
                        hint,
                        _help_text(question, lang),
                        answer.by if answer and value is not None else "",
                        _local_time(answer.updated_at) if answer and value is not None else "",
                    ]
                ):
                    cell = WriteOnlyCell(ws, value=content)
                    if column in (1, 3, 4, 5):
                        cell.alignment = wrap
                    if column == 3 and open_cell:
                        cell.protection = unlocked
                        cell.fill = answer_fill
                    cells.append(cell)
                ws.append(cells)
                if not open_cell:
                    continue
                assert qtype is not None
                choices = tuple(qtype.workbook_choices(question, lang))
                bounds = qtype.workbook_bounds(question)
                if choices:
                    if choices not in list_ranges:
                        column_letter = _column_letter(len(list_ranges) + 1)
                        list_ranges[choices] = (
                            f"{_quoted(LISTS_SHEET)}!${column_letter}$1:${column_letter}${len(choices)}"
                        )
                    key: tuple[Any, ...] = ("list", list_ranges[choices])
                    if key not in validations:
                        validations[key] = DataValidation(
                            type="list",
                            formula1=list_ranges[choices],
                            allow_blank=True,
                            showErrorMessage=True,
                            errorTitle=_("请从列表中选择"),
                            error=_("请从下拉列表中选择一项。"),
                        )
                elif bounds is not None:
                    kind, low, high = bounds
                    key = (kind, low, high)
                    if key not in validations:
                        validations[key] = DataValidation(
                            type=kind,
                            operator="between",
                            formula1=_formula_number(low),
                            formula2=_formula_number(high),
                            allow_blank=True,
                            showErrorMessage=True,
                            errorTitle=_("数值不符合要求"),
                            error=_("请输入 %(low)s–%(high)s 之间的数字。")
                            % {"low": _formula_number(low), "high": _formula_number(high)},
                        )
                else:
                    continue
                validations[key].add(f"{ANSWER_COLUMN}{row.row}")
            for validation in validations.values():
                ws.data_validations.append(validation)
            ws.protection.sheet = True
            ws.protection.formatColumns = False  # widths and heights may still be changed
            ws.protection.formatRows = False
        lists = book.create_sheet(LISTS_SHEET)
        lists.sheet_state = "veryHidden"
        columns = list(list_ranges)
        for line in range(max((len(c) for c in columns), default=0)):
            lists.append([choices[line] if line < len(choices) else None for choices in columns])
        _write_meta(book.create_sheet(META_SHEET), info, layout, answers, lang)
        book.security = WorkbookProtection(lockStructure=True)
        buffer = io.BytesIO()
        book.save(buffer)
    return buffer.getvalue()


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index))


def _formula_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _local_time(moment: dt.datetime | None) -> str:
    if moment is None:
        return ""
    from django.utils import timezone

    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _write_instructions(ws: Any, info: WorkbookInfo, font: Any, cell_type: Any) -> None:
    ws.column_dimensions["A"].width = 110
    lines = [
        _("%(year)s 年度评估 · %(name)s") % {"year": info.year, "name": info.enterprise},
        _("评估框架：%(titles)s") % {"titles": "；".join(info.framework_titles)},
        _("下载时间：%(time)s（%(by)s）") % {"time": _local_time(info.exported_at), "by": info.exported_by},
        "",
        _("填写方法"),
        _("1. 每个工作表对应网页上的一页题目，每行一道题。只在黄色的“答案”列填写，其他列已锁定。"),
        _("2. 有下拉列表的题目请从列表中选择；数字题请填写数字（不带单位）。留空表示不作答或清除原答案。"),
        _("3. 系统计算的题目和需要上传材料的题目请在网页上处理。"),
        _("4. 填好后在评估的“Excel 离线填写”页面上传：先预览每一处修改和错误，确认后才会保存。"),
        _("5. 下载后如有同事在网页上修改了同一题，预览会列出冲突，由您选择保留哪一个值。"),
        _("请勿修改工作表名称或增删行，否则无法上传。"),
    ]
    for index, line in enumerate(lines):
        cell = cell_type(ws, value=line)
        if index in (0, 4):
            cell.font = font(bold=True, size=14 if index == 0 else 11)
        ws.append([cell])
    ws.protection.sheet = True


def _write_meta(
    ws: Any, info: WorkbookInfo, layout: WorkbookLayout, answers: Mapping[str, CellAnswer], lang: str
) -> None:
    ws.sheet_state = "veryHidden"
    rows: list[list[Any]] = [
        ["format", FORMAT],
        ["format_version", FORMAT_VERSION],
        ["assessment", info.assessment_id],
        ["enterprise", info.uscc],
        ["year", info.year],
        ["versions", ",".join(info.versions)],
        ["checksum", layout.checksum],
        ["language", lang],
        ["exported_at", info.exported_at.isoformat()],
    ]
    rows += [[]] * (META_TABLE_ROW - 2 - len(rows)) + [["code", "value", "updated_at"]]
    for item in rows:
        ws.append(item)
    for row in layout.editable_rows():
        answer = answers.get(row.code)
        ws.append(
            [
                row.code,
                json.dumps(answer.value if answer else None, ensure_ascii=False),
                answer.updated_at.isoformat() if answer and answer.updated_at else "",
            ]
        )
    ws.protection.sheet = True


# --- reading -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BaseAnswer:
    """An answer as it was when the workbook was downloaded."""

    value: Any
    updated_at: dt.datetime | None


@dataclass
class ReadWorkbook:
    """An uploaded workbook as read: its language, the answer cells (code: (cell reference, content))
    and what the download recorded (code: BaseAnswer)."""

    lang: str
    cells: dict[str, tuple[str, Any]] = field(default_factory=dict)
    base: dict[str, BaseAnswer] = field(default_factory=dict)
    layout: WorkbookLayout | None = None


def _zip_check(data: bytes) -> None:
    if len(data) > MAX_UPLOAD_BYTES:
        raise WorkbookError(
            _("文件过大（超过 %(mb)s MB）。请上传本评估下载的工作簿。")
            % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise WorkbookError(_("无法读取该文件：请上传 Excel 工作簿（.xlsx），且文件未损坏。")) from None
    if "xl/workbook.xml" not in names:
        raise WorkbookError(_("无法读取该文件：请上传 Excel 工作簿（.xlsx），且文件未损坏。"))
    if unpacked > MAX_UNPACKED_BYTES:
        raise WorkbookError(_("工作簿内容过多，无法读取。请上传本评估下载的工作簿。"))


def _parse_time(text: Any) -> dt.datetime | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return None


def read_workbook(
    data: bytes,
    *,
    assessment_id: int,
    versions: Sequence[str],
    sections: Sequence[Section],
) -> ReadWorkbook:
    """Read an uploaded workbook of this assessment with pandas: the answer cells of its editable rows
    and the answers recorded at download. WorkbookError (translated) for a file that is no readable
    .xlsx, too large, not a workbook of this app, of another assessment or of other framework versions,
    or whose sheets or rows were changed."""
    import pandas as pd

    _zip_check(data)
    try:
        frames: dict[str, Any] = pd.read_excel(
            io.BytesIO(data),
            sheet_name=None,
            header=None,
            dtype=object,
            engine="openpyxl",
            na_filter=False,  # "None", "NA", "null" are answers (an option's text), not missing values
        )
    except Exception:  # any reader failure means a damaged or foreign file
        raise WorkbookError(_("无法读取该文件：请上传 Excel 工作簿（.xlsx），且文件未损坏。")) from None
    if sum(len(frame.index) for frame in frames.values()) > MAX_ROWS:
        raise WorkbookError(
            _("工作簿超过 %(n)s 行，无法读取。请上传本评估下载的工作簿。") % {"n": f"{MAX_ROWS:,}"}
        )
    meta_frame = frames.get(META_SHEET)
    if meta_frame is None or meta_frame.shape[1] < 2:
        raise WorkbookError(_("这不是本系统下载的评估工作簿：请先在评估页面下载工作簿，在其中填写后上传。"))
    meta = {
        str(item[0]): item[1]
        for item in meta_frame.iloc[: META_TABLE_ROW - 2, :2].values.tolist()
        if isinstance(item[0], str)
    }
    if meta.get("format") != FORMAT:
        raise WorkbookError(_("这不是本系统下载的评估工作簿：请先在评估页面下载工作簿，在其中填写后上传。"))
    if str(meta.get("assessment")) != str(assessment_id):
        raise WorkbookError(_("该工作簿属于另一次评估，不能上传到这里。请在本评估页面下载工作簿。"))
    if str(meta.get("versions")) != ",".join(versions):
        raise WorkbookError(_("该工作簿对应的评估框架版本与本评估不同。请重新下载工作簿后填写。"))
    lang = "en" if str(meta.get("language", "")).startswith("en") else "zh-hans"
    with translation.override(lang):
        layout = workbook_layout(sections, versions, lang, instructions=_("填写说明"))
        earlier = workbook_layout(_earlier_titles(sections), versions, lang, instructions=_("填写说明"))
    if meta.get("checksum") != layout.checksum:
        raise WorkbookError(_("该工作簿的题目结构与本评估不一致（可能来自旧版本）。请重新下载工作簿后填写。"))
    result = ReadWorkbook(lang=lang, layout=layout)
    for item in meta_frame.iloc[META_TABLE_ROW - 1 :].values.tolist():
        code = item[0]
        if not isinstance(code, str) or not code:
            continue
        try:
            value = json.loads(item[1]) if isinstance(item[1], str) else None
        except ValueError:
            value = None
        result.base[code] = BaseAnswer(value, _parse_time(item[2] if len(item) > 2 else None))
    answer_index = ord(ANSWER_COLUMN) - ord("A")
    for sheet, before in zip(layout.sheets, earlier.sheets, strict=True):
        frame = frames.get(sheet.name)
        if frame is None:  # a workbook downloaded while the page had its earlier name
            frame = frames.get(before.name)
        if frame is None:
            raise WorkbookError(
                _("工作簿中缺少工作表“%(sheet)s”（工作表被改名或删除）。请重新下载工作簿后填写。")
                % {"sheet": sheet.name}
            )
        for row in sheet.rows:
            index = row.row - 1
            number = frame.iat[index, 0] if index < len(frame.index) and frame.shape[1] > 0 else None
            if not _same_number(number, row.number):
                raise WorkbookError(
                    _(
                        "工作表“%(sheet)s”的行被增删或移动（第 %(row)s 行应为第 %(number)s 题）。请重新下载工作簿后填写。"
                    )
                    % {"sheet": sheet.name, "row": row.row, "number": row.number}
                )
            if row.editable:
                cell = frame.iat[index, answer_index] if frame.shape[1] > answer_index else None
                result.cells[row.code] = (row.ref, cell)
    return result


def _same_number(cell: Any, number: int) -> bool:
    try:
        return float(cell) == number
    except (TypeError, ValueError):
        return False
