"""manage.py render_report: --answers, --assessment, --demo, and clear failures."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from tests.reports.conftest import DEMO_FILE, store_assessment

# Definitions come from the database when loaded, else from the files: the tests use an empty database.
pytestmark = pytest.mark.django_db


def pages(path) -> int:
    return len(PdfReader(io.BytesIO(path.read_bytes())).pages)


def test_it_renders_an_unsaved_answers_file(tmp_path):
    out = tmp_path / "r.pdf"
    call_command("render_report", "--answers", str(DEMO_FILE), "-o", str(out), stdout=io.StringIO())
    assert pages(out) >= 8


def test_it_renders_the_english_report(tmp_path):
    out = tmp_path / "r.pdf"
    call_command(
        "render_report", "--answers", str(DEMO_FILE), "-o", str(out), "--lang", "en", stdout=io.StringIO()
    )
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(out.read_bytes())).pages)
    assert "Executive summary" in text


def test_it_accepts_the_score_answers_format(tmp_path):
    answers = tmp_path / "a.json"
    answers.write_text(
        json.dumps(
            {
                "framework": "sme_digital",
                "version": "2024",
                "answers": {"dig24.q.planning_execution": "planned"},
            }
        ),
        encoding="utf-8",
    )
    out = tmp_path / "r.pdf"
    call_command("render_report", "--answers", str(answers), "-o", str(out), stdout=io.StringIO())
    assert out.read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({"framework": "sme_digital", "version": "1999", "answers": {}}, "unknown version sme_digital@1999"),
        ({"answers": {}}, "name the frameworks"),
        (
            {
                "framework": "sme_digital",
                "version": "2024",
                "answers": {"dig24.q.planning_execution": "nope"},
            },
            "cannot be scored",
        ),
    ],
)
def test_it_exits_with_status_2_on_invalid_input(tmp_path, content, message):
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps(content), encoding="utf-8")
    with pytest.raises(CommandError, match=message) as error:
        call_command("render_report", "--answers", str(answers), "-o", str(tmp_path / "r.pdf"))
    assert error.value.returncode == 2


@pytest.mark.usefixtures("loaded_definitions")
def test_it_renders_a_stored_assessment(tmp_path, demo, enterprise):
    assessment = store_assessment(demo, enterprise)
    out = tmp_path / "r.pdf"
    call_command("render_report", "--assessment", str(assessment.pk), "-o", str(out), stdout=io.StringIO())
    assert pages(out) >= 8


@pytest.mark.usefixtures("loaded_definitions")
def test_it_renders_the_demo_enterprises_latest_submitted_assessment(tmp_path, demo, enterprise, sme_manager):
    store_assessment(demo, enterprise, year=2024)
    store_assessment(demo, enterprise, year=2025)
    out = tmp_path / "r.pdf"
    stdout = io.StringIO()
    call_command("render_report", "--demo", "-o", str(out), stdout=stdout)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(out.read_bytes())).pages)
    assert "2025" in text and enterprise.name in text.replace("\n", "")


def test_it_says_clearly_when_the_demo_has_no_submitted_assessment(tmp_path):
    with pytest.raises(CommandError, match="has no submitted assessment"):
        call_command("render_report", "--demo", "-o", str(tmp_path / "r.pdf"))


def test_it_names_a_missing_assessment(tmp_path):
    with pytest.raises(CommandError, match="no assessment with ID 999999"):
        call_command("render_report", "--assessment", "999999", "-o", str(tmp_path / "r.pdf"))
