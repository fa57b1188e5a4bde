"""export_questionnaire and document_provisional."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from questionnaires.loader import content_hash, load_definitions
from questionnaires.management.commands.document_provisional import END, START
from tests.questionnaires.conftest import VALID


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_export_prints_the_stored_definition_as_json(db, definitions_dir: Path) -> None:
    load_definitions(directory=definitions_dir)
    exported = json.loads(run("export_questionnaire", "alpha", "--version", "2025"))
    assert (exported["framework"], exported["version"]) == ("alpha", "2025")
    intensity = exported["dimensions"][0]["indicators"][0]
    assert (intensity["weight"], intensity["rule"]["benchmark"], intensity["rule"]["leading"]) == (
        40,
        1.0,
        0.5,
    )
    grade = next(q for q in exported["questions"] if q["code"] == "alpha.q.boiler_grade")
    assert grade["condition"] == {"question": "alpha.q.has_boiler", "equals": True}
    assert [(o["code"], o["points"]) for o in grade["options"]] == [("g1", 25), ("g2", 15), ("g3", 0)]
    # Exactly what was stored and hashed.
    assert content_hash(exported) == content_hash(json.loads(run("export_questionnaire", "alpha")))


def test_export_list_shows_every_loaded_version(db, definitions_dir: Path) -> None:
    assert "no questionnaire versions loaded" in run("export_questionnaire", "--list")
    load_definitions(directory=definitions_dir)
    lines = run("export_questionnaire", "--list").splitlines()
    assert lines[0].split()[:4] == ["framework", "version", "status", "method"]
    rows = {tuple(line.split()[:6]) for line in lines[1:]}
    assert rows == {
        ("alpha", "2025", "current", "green_factory_2025", "4", "8"),
        ("beta", "2025", "current", "sme_digital_2024", "2", "2"),
        ("shared", "2025", "bank", "-", "0", "5"),
    }


def test_export_fails_clearly_for_an_unknown_framework_or_version(db, definitions_dir: Path) -> None:
    load_definitions(directory=definitions_dir)
    with pytest.raises(CommandError, match="alpha@1999 is not loaded; loaded: alpha@2025"):
        run("export_questionnaire", "alpha", "--version", "1999")
    with pytest.raises(CommandError, match="--list"):
        run("export_questionnaire")


def test_document_provisional_writes_and_checks_the_generated_block(tmp_path: Path) -> None:
    doc = tmp_path / "frameworks.md"
    doc.write_text(f"# Doc\n\n{START}\n{END}\n\nafter\n", encoding="utf-8")
    with pytest.raises(CommandError, match="out of date"):
        run("document_provisional", "--dir", str(VALID), "--doc", str(doc), "--check")
    run("document_provisional", "--dir", str(VALID), "--doc", str(doc), "--write")
    text = doc.read_text(encoding="utf-8")
    assert "| `alpha@2025` | 0 | 1 | 0 | 1 | 0 | 0 | 0 | 0 | 0 |" in text
    assert "- `alpha.energy.intensity` (indicator) 能耗强度 — test fixture §5.1" in text
    assert text.endswith(f"{END}\n\nafter\n")
    assert "is current" in run("document_provisional", "--dir", str(VALID), "--doc", str(doc), "--check")


def test_the_provisional_table_in_docs_frameworks_is_current() -> None:
    try:
        run("document_provisional", "--check")
    except CommandError as exc:
        pytest.fail(f"{exc} (the definition files changed what is provisional)")
