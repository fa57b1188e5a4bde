"""Assessments built through the real services (create, answers, evidence, submit) for the security and
reliability tests. Import the fixtures: `from tests.assessment.security_fixtures import *  # noqa: F403`."""

from __future__ import annotations

import io
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from assessment.models import Assessment, Enterprise, User
from assessment.selectors.assessments import assessment_definitions, question_index
from assessment.services.assessments import answers_save_many, assessment_create, assessment_submit

DEMO_ANSWERS_FILE = Path(__file__).resolve().parents[2] / "reports" / "demo_answers.json"
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

__all__ = [
    "PDF_BYTES",
    "demo_answers",
    "fill_draft",
    "frameworks_loaded",
    "pdf_upload",
    "submitted_assessment",
]


@lru_cache(maxsize=1)
def _demo_answers() -> str:
    return json.dumps(json.loads(DEMO_ANSWERS_FILE.read_text(encoding="utf-8"))["answers"])


def demo_answers() -> dict[str, Any]:
    """The demo dairy answers (a fresh copy each call)."""
    return json.loads(_demo_answers())


@pytest.fixture
def frameworks_loaded(db) -> None:
    call_command("load_questionnaires", stdout=io.StringIO(), stderr=io.StringIO())


def pdf_upload(name: str = "证明.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def fill_draft(
    *, enterprise: Enterprise, user: User, year: int = 2025, changes: dict[str, Any] | None = None
) -> Assessment:
    """A draft with every framework, all demo answers of its questions saved through answers_save_many."""
    assessment = assessment_create(enterprise=enterprise, year=year, user=user, prefill=False)
    known = question_index(assessment_definitions(assessment))
    values = {code: value for code, value in {**demo_answers(), **(changes or {})}.items() if code in known}
    errors = answers_save_many(assessment=assessment, user=user, values=values)
    assert not errors, {code: str(error) for code, error in errors.items()}
    return assessment


def submitted_assessment(
    *, enterprise: Enterprise, user: User, year: int = 2025, changes: dict[str, Any] | None = None
) -> Assessment:
    assessment = fill_draft(enterprise=enterprise, user=user, year=year, changes=changes)
    return assessment_submit(assessment=assessment, user=user)
