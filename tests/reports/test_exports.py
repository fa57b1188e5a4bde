"""Exports of submissions: neutralised cells, the workbook's sheets and rows, CSV, jurisdiction of the
downloads and the export_submissions command."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from assessment.models import Assessment
from assessment.services.review import review_validate_answer
from reports.exports import csv_lines, neutralise, write_xlsx
from tests.builders import make_submitted
from tests.factories import EnterpriseFactory

HOSTILE = '=HYPERLINK("http://evil.example","点我")'


@pytest.fixture
def submissions(shipped_versions, enterprise, other_enterprise):
    hostile = EnterpriseFactory(name=HOSTILE, city_code="230100", industry_division="C13")
    return [
        make_submitted(shipped_versions, enterprise=enterprise),
        make_submitted(shipped_versions, enterprise=other_enterprise, changes={"dig24.q.devices_digital": 0}),
        make_submitted(shipped_versions, enterprise=hostile, status=Assessment.Status.ACCEPTED),
        make_submitted(shipped_versions, enterprise=enterprise, year=2024),
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+86 451", "'+86 451"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("哈尔滨", "哈尔滨"),
        ("a=b", "a=b"),
        (-2.5, -2.5),
        (None, None),
    ],
)
def test_it_neutralises_text_that_a_spreadsheet_would_evaluate(value, expected):
    assert neutralise(value) == expected


def test_the_workbook_has_a_summary_and_one_sheet_per_framework(submissions, tmp_path):
    path = tmp_path / "out.xlsx"
    count = write_xlsx(Assessment.objects.filter(year=2025), path)
    assert count == 3
    workbook = load_workbook(path, read_only=True)
    assert workbook.sheetnames == [
        "汇总",
        "clean_production_gener-2025",
        "green_factory-2025",
        "sme_digital-2024",
        "改进计划",  # the plans of these submissions (none here: the header only)
    ]
    assert list(workbook["改进计划"].iter_rows(values_only=True))[1:] == []
    summary = list(workbook["汇总"].iter_rows(values_only=True))
    assert summary[0][:3] == ("企业名称", "统一社会信用代码", "所在地市")
    assert len(summary) == 1 + 3
    names = [row[0] for row in summary[1:]]
    assert "'" + HOSTILE in names and HOSTILE not in names
    digital = list(workbook["sme_digital-2024"].iter_rows(values_only=True))
    header = digital[1]
    assert "数字化基础（%）" in header
    rows = digital[2:]
    assert len(rows) == 3
    score_column = header.index("得分")
    stored = sorted(
        Assessment.objects.get(pk=a.pk).framework_results.get(framework="sme_digital", validated=False).score
        for a in submissions[:3]
    )
    assert sorted(row[score_column] for row in rows) == stored


def test_the_workbook_has_no_formula_cells(submissions, tmp_path):
    path = tmp_path / "out.xlsx"
    write_xlsx(Assessment.objects.all(), path)
    workbook = load_workbook(path)
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)


def test_the_csv_has_a_bom_a_header_and_one_row_per_assessment(submissions):
    text = "".join(csv_lines(Assessment.objects.filter(year=2025)))
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][0] == "企业名称"
    assert len(rows) == 4
    assert "'" + HOSTILE in [row[0] for row in rows[1:]]


def test_downloads_hold_only_the_officials_jurisdiction(
    client, submissions, city_official, other_city_official
):
    client.force_login(other_city_official)
    response = client.get(reverse("officials_export", args=["csv"]), {"city": "230100"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))[1:]
    assert [row[0] for row in rows] == ["齐齐哈尔北方机械有限公司"]
    client.force_login(city_official)
    response = client.get(reverse("officials_export", args=["xlsx"]), {"year": "2025"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    cities = {row[2] for row in list(workbook["汇总"].iter_rows(values_only=True))[1:]}
    assert cities == {"哈尔滨市"}
    assert client.get(reverse("officials_export", args=["pdf"])).status_code == 404


def test_the_command_exports_a_year_of_one_city_or_the_province(submissions, tmp_path):
    out = io.StringIO()
    path = tmp_path / "harbin.csv"
    call_command("export_submissions", year=2025, city="230100", format="csv", output=str(path), stdout=out)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8").lstrip("\ufeff"))))[1:]
    assert len(rows) == 2 and {row[2] for row in rows} == {"哈尔滨市"}
    assert "2 assessments of 2025" in out.getvalue()
    workbook_path = tmp_path / "province.xlsx"
    call_command(
        "export_submissions", "--year", "2024", "--format", "xlsx", "-o", str(workbook_path), stdout=out
    )
    summary = list(load_workbook(workbook_path, read_only=True)["汇总"].iter_rows(values_only=True))
    assert len(summary) == 2 and summary[1][5] == 2024
    with pytest.raises(CommandError):
        call_command("export_submissions", year=2025, city="110100", format="csv", output=str(path))


HEADERS = {
    "zh-hans": ("综合指数（自评）", "综合指数（核定）", "汇总"),
    "en": ("Overall index (self-assessed)", "Overall index (counted)", "Summary"),
}


@pytest.fixture
def validated(submissions, city_official):
    """The dairy's 2025 assessment with a reviewer's validated value that lowers its overall index."""
    dairy = submissions[0]
    review_validate_answer(
        assessment=dairy, reviewer=city_official, code="dig24.q.devices_digital", value=0, reason="无台账"
    )
    dairy.refresh_from_db()
    index = dairy.validated_result["profile"]["overall"]["index"]
    assert index is not None and index != dairy.total_score
    return dairy


def _expected_indices() -> dict[str, tuple[float, float]]:
    """Per enterprise name (as exported) of the 2025 submissions: (self-assessed, counted) overall index."""
    expected = {}
    for assessment in Assessment.objects.filter(year=2025).select_related("enterprise"):
        counted = (
            assessment.validated_result["profile"]["overall"]["index"]
            if assessment.validated_result
            else assessment.total_score
        )
        expected[neutralise(assessment.enterprise.name)] = (assessment.total_score, counted)
    return expected


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_both_overall_indices_are_exported_the_counted_one_validated_where_there_is_one(
    validated, tmp_path, language
):
    own, counted, summary_name = HEADERS[language]
    expected = _expected_indices()
    assert len(expected) == 3 and sum(mine != theirs for mine, theirs in expected.values()) == 1
    path = tmp_path / "out.xlsx"
    with translation.override(language):
        write_xlsx(Assessment.objects.filter(year=2025), path)
        text = "".join(csv_lines(Assessment.objects.filter(year=2025)))
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    columns = rows[0].index(own), rows[0].index(counted)
    assert columns[1] == columns[0] + 1
    assert {row[0]: tuple(float(row[c]) for c in columns) for row in rows[1:]} == expected
    workbook = load_workbook(path)
    summary = list(workbook[summary_name].iter_rows(values_only=True))
    assert {row[0]: (row[columns[0]], row[columns[1]]) for row in summary[1:]} == expected
    digital = list(workbook["sme_digital-2024"].iter_rows(values_only=True))
    assert digital[1][columns[0]] == own and digital[1][columns[1]] == counted
    assert {row[0]: (row[columns[0]], row[columns[1]]) for row in digital[2:]} == expected
    # The header cells say what the counted index is.
    note = workbook[summary_name].cell(row=1, column=columns[1] + 1).comment
    assert note is not None and ("核定" in note.text if language == "zh-hans" else "validated" in note.text)
    assert workbook["sme_digital-2024"].cell(row=2, column=columns[1] + 1).comment.text == note.text
