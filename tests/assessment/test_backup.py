"""Backup and restore (issue 9, part 2): a dumped and restored database reproduces every stored score,
and the evidence files come back byte for byte. Runs on SQLite and on PostgreSQL (pg_dump/pg_restore)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from assessment.models import Answer, Assessment, Evidence, FrameworkResult
from assessment.services.assessments import evidence_add
from assessment.services.backup import (
    BackupError,
    backup_create,
    backup_manifest,
    backup_restore,
    stored_score_mismatches,
)
from tests.builders import PDF_BYTES, fill_draft, pdf_upload, submitted_assessment


def _snapshot() -> dict[int, dict]:
    return {
        a.pk: {
            "status": a.status,
            "result": json.dumps(a.result, sort_keys=True),
            "total": a.total_score,
            "rows": sorted(
                (r.framework, r.version, r.score, r.level, r.veto_failed)
                for r in FrameworkResult.objects.filter(assessment=a)
            ),
            "answers": sorted(
                (x.question_code, json.dumps(x.value)) for x in Answer.objects.filter(assessment=a)
            ),
        }
        for a in Assessment.objects.order_by("pk")
    }


@pytest.mark.django_db(transaction=True)
def test_it_restores_a_backup_that_reproduces_every_stored_score(
    frameworks_loaded, enterprise, other_enterprise, sme_manager, other_manager, media_root, tmp_path
):
    first = fill_draft(enterprise=enterprise, user=sme_manager)
    evidence = evidence_add(assessment=first, user=sme_manager, question_code="", upload=pdf_upload())
    from assessment.services.assessments import assessment_submit

    assessment_submit(assessment=first, user=sme_manager)
    submitted_assessment(
        enterprise=other_enterprise, user=other_manager, changes={"dig24.q.devices_networked": 100}
    )
    fill_draft(enterprise=enterprise, user=sme_manager, year=2024)  # a draft: no stored score
    assert stored_score_mismatches() == []
    before = _snapshot()
    assert sum(1 for item in before.values() if item["result"] != "null") == 2

    summary = backup_create(tmp_path / "backup")
    assert summary.media_files == 1
    manifest = backup_manifest(tmp_path / "backup")
    assert manifest["counts"]["assessment.Assessment"] == 3

    # Disaster: results tampered with, an assessment deleted, the evidence file lost.
    Assessment.objects.filter(pk=first.pk).update(total_score=0.0)
    FrameworkResult.objects.filter(assessment=first).update(score=1.0)
    assert stored_score_mismatches() != []
    Assessment.objects.exclude(pk=first.pk).delete()
    Path(evidence.file.path).unlink()

    backup_restore(tmp_path / "backup")

    assert _snapshot() == before
    assert stored_score_mismatches() == []
    restored = Evidence.objects.get(pk=evidence.pk)
    assert Path(restored.file.path).read_bytes() == PDF_BYTES
    assert restored.file.path.startswith(str(media_root))


@pytest.mark.django_db(transaction=True)
def test_it_backs_up_and_restores_with_the_management_commands(
    frameworks_loaded, enterprise, sme_manager, media_root, tmp_path
):
    assessment = submitted_assessment(enterprise=enterprise, user=sme_manager)
    out = io.StringIO()
    call_command("backup_data", "-o", str(tmp_path / "b"), stdout=out)
    assert "Backed up" in out.getvalue()
    Assessment.objects.all().delete()
    out = io.StringIO()
    call_command("restore_data", str(tmp_path / "b"), "--noinput", stdout=out)
    assert "Every stored score is reproduced" in out.getvalue()
    assert Assessment.objects.get(pk=assessment.pk).total_score == assessment.total_score


@pytest.mark.django_db(transaction=True)
def test_it_refuses_a_damaged_backup_before_touching_anything(
    frameworks_loaded, enterprise, sme_manager, media_root, tmp_path
):
    submitted_assessment(enterprise=enterprise, user=sme_manager)
    summary = backup_create(tmp_path / "b")
    database_file = next(p for p in summary.directory.iterdir() if p.name.startswith("database."))
    with database_file.open("ab") as handle:
        handle.write(b"x")
    Assessment.objects.all().delete()
    with pytest.raises(CommandError, match="damaged"):
        call_command("restore_data", str(tmp_path / "b"), "--noinput")
    assert Assessment.objects.count() == 0  # untouched


@pytest.mark.django_db
def test_it_refuses_to_overwrite_an_existing_backup(tmp_path, media_root):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "old").write_text("x")
    with pytest.raises(BackupError, match="not empty"):
        backup_create(tmp_path / "b")


def test_it_refuses_a_directory_that_is_not_a_backup(tmp_path):
    with pytest.raises(BackupError, match="manifest"):
        backup_manifest(tmp_path)


@pytest.mark.django_db(transaction=True)
def test_it_refuses_a_backup_of_another_engine(tmp_path, media_root):
    backup_create(tmp_path / "b")
    path = tmp_path / "b" / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["engine"] = "oracle"
    path.write_text(json.dumps(manifest))
    with pytest.raises(BackupError, match="same engine"):
        backup_restore(tmp_path / "b")


@pytest.mark.django_db
def test_it_reports_a_stored_score_that_re_scoring_does_not_reproduce(
    frameworks_loaded, enterprise, sme_manager
):
    assessment = submitted_assessment(enterprise=enterprise, user=sme_manager)
    assert stored_score_mismatches() == []
    Answer.objects.filter(assessment=assessment, question_code="dig24.q.devices_networked").update(value=100)
    problems = stored_score_mismatches()
    assert problems and all(str(assessment.pk) in line for line in problems)
