"""Counts inside translated plural sentences are written in the project's number format ("1,234
assessments"), while the plural form is still chosen on the count itself ("1 assessment")."""

from __future__ import annotations

import uuid
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from assessment.services.enterprise_import import ImportPreview


def _render(template: str, context: dict, user, language: str) -> str:
    request = RequestFactory().get("/")
    request.user = user
    with translation.override(language):
        return render_to_string(template, context, request=request)


@pytest.mark.parametrize(
    ("language", "rows", "expected"),
    [
        ("en", 12345, "The selection holds 12,345 assessments."),
        ("en", 1, "The selection holds 1 assessment."),
        ("zh-hans", 12345, "所选范围有 12,345 份评估。"),
    ],
)
def test_it_groups_the_export_confirmations_count(province_official, language, rows, expected) -> None:
    page = _render(
        "reports/export_confirm.html", {"rows": rows, "query_items": []}, province_official, language
    )
    assert expected in page


def test_it_groups_the_bulk_imports_counts(province_official) -> None:
    preview = ImportPreview(
        rows_read=2345, valid_count=2340, rejected_rows=5, error_count=5, fingerprint="x", valid=[], errors=[]
    )
    batch = SimpleNamespace(
        pk=uuid.uuid4(), status="ready", confirmed_at=None, message="", filename="list.xlsx"
    )
    page = _render(
        "assessment/enterprise_import_preview.html",
        {"preview": preview, "batch": batch, "more_valid": 2340, "more_errors": 5},
        province_official,
        "zh-hans",
    )
    assert 'id="rows-read">2,345<' in page and 'id="rows-valid">2,340<' in page
    assert "确认导入 2,340 家企业并发送邀请" in page
