"""Backup and restore of everything the application stores: the database and the media directory.

A backup is a directory:

    manifest.json       engine, time, applied migrations, row counts, SHA-256 of every file below
    database.dump       PostgreSQL: `pg_dump -Fc` (custom format, restored with pg_restore)
    database.sqlite3    SQLite: a consistent copy made with SQLite's online backup API
    media/              a copy of settings.MEDIA_ROOT (evidence files)

`backup_create` writes one, `backup_restore` puts one back (same database engine only; the running
application should be stopped during a restore), and `stored_score_mismatches` re-scores every
submitted assessment from its stored answers and factor snapshot and reports any difference from the
stored results, which proves that a restored database reproduces every stored score.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

MANIFEST = "manifest.json"
PG_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
MEDIA_DIR = "media"
FORMAT_VERSION = 1
COUNTED_APPS = ("assessment", "questionnaires", "reports")
UNSCORED_RESULT_KEYS = frozenset({"recommendations"})


class BackupError(Exception):
    """A backup or restore could not be done; the message says why."""


@dataclass(frozen=True)
class BackupSummary:
    directory: Path
    engine: str
    counts: dict[str, int]
    media_files: int


def _engine() -> str:
    vendor = connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        raise BackupError(f"Unsupported database engine: {vendor}")
    return vendor


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def row_counts() -> dict[str, int]:
    """Rows per model of our apps (plus users): what a restore must give back."""
    counts: dict[str, int] = {}
    for app_label in COUNTED_APPS:
        try:
            config = apps.get_app_config(app_label)
        except LookupError:
            continue
        for model in config.get_models():
            counts[model._meta.label] = model._default_manager.count()
    return dict(sorted(counts.items()))


def _applied_migrations() -> list[str]:
    return sorted(f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations())


def _pg_command(program: str) -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    args = [program, "--no-owner", "--no-acl"]
    if db.get("HOST"):
        args += ["-h", str(db["HOST"])]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(args: list[str], env: dict[str, str]) -> None:
    try:
        result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as error:
        raise BackupError(f"{args[0]} not found: install the PostgreSQL client tools") from error
    if result.returncode != 0:
        raise BackupError(f"{args[0]} failed ({result.returncode}): {result.stderr.strip()}")


def _files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.is_file()) if directory.is_dir() else []


def backup_create(directory: Path | str) -> BackupSummary:
    """Write a backup of the database and the media directory into `directory` (created; must be
    empty or absent, so an old backup is never overwritten by mistake)."""
    target = Path(directory)
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty: choose a new directory for each backup")
    target.mkdir(parents=True, exist_ok=True)
    engine = _engine()
    connection.ensure_connection()
    if engine == "postgresql":
        args, env = _pg_command("pg_dump")
        _run([*args, "-Fc", "-f", str(target / PG_DUMP), str(connection.settings_dict["NAME"])], env)
        database_file = PG_DUMP
    else:
        if connection.in_atomic_block:
            # SQLite's backup waits for the writer's lock forever; a backup is never part of a transaction.
            raise BackupError("Cannot back up inside a transaction")
        destination = sqlite3.connect(target / SQLITE_COPY)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
        database_file = SQLITE_COPY
    media_root = Path(settings.MEDIA_ROOT)
    media_target = target / MEDIA_DIR
    if media_root.is_dir():
        shutil.copytree(media_root, media_target)
    else:
        media_target.mkdir()
    files = [target / database_file, *_files(media_target)]
    counts = row_counts()
    manifest = {
        "format": FORMAT_VERSION,
        "engine": engine,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database_file": database_file,
        "migrations": _applied_migrations(),
        "counts": counts,
        "files": {str(path.relative_to(target)): _sha256(path) for path in files},
    }
    (target / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return BackupSummary(directory=target, engine=engine, counts=counts, media_files=len(files) - 1)


def backup_manifest(directory: Path | str) -> dict[str, Any]:
    """The backup's manifest, after checking that every listed file is present and unchanged."""
    source = Path(directory)
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BackupError(
            f"{source} holds no readable {MANIFEST}: not a backup of this application"
        ) from error
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}")
    for name, digest in manifest.get("files", {}).items():
        path = source / name
        if not path.is_file():
            raise BackupError(f"Backup file missing: {name}")
        if _sha256(path) != digest:
            raise BackupError(f"Backup file damaged (checksum differs): {name}")
    listed = set(manifest.get("files", {}))
    extra = [
        str(p.relative_to(source))
        for p in _files(source / MEDIA_DIR)
        if str(p.relative_to(source)) not in listed
    ]
    if extra:
        raise BackupError(f"Files in the backup that its manifest does not list: {', '.join(extra[:5])}")
    return manifest


def _restore_media(source: Path) -> int:
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    incoming = media_root.with_name(media_root.name + ".restoring")
    previous = media_root.with_name(media_root.name + ".before-restore")
    for leftover in (incoming, previous):
        if leftover.exists():
            shutil.rmtree(leftover)
    shutil.copytree(source, incoming)
    if media_root.exists():
        media_root.rename(previous)
    incoming.rename(media_root)
    if previous.exists():
        shutil.rmtree(previous)
    return len(_files(media_root))


def backup_restore(directory: Path | str) -> BackupSummary:
    """Replace the database and the media directory with the backup's content. The backup must come
    from the same engine; its checksums are verified first, and the row counts after the restore must
    equal those recorded in the manifest."""
    source = Path(directory)
    manifest = backup_manifest(source)
    engine = _engine()
    if manifest["engine"] != engine:
        raise BackupError(
            f"The backup is of a {manifest['engine']} database; this installation uses {engine}. "
            "Restore it into the same engine (see docs/deployment.md)."
        )
    database_file = source / manifest["database_file"]
    if engine == "postgresql":
        name = str(connection.settings_dict["NAME"])
        connection.close()
        args, env = _pg_command("pg_restore")
        _run([*args, "--clean", "--if-exists", "--single-transaction", "-d", name, str(database_file)], env)
    else:
        connection.ensure_connection()
        if connection.in_atomic_block:
            raise BackupError("Cannot restore inside a transaction")
        backup = sqlite3.connect(database_file)
        try:
            backup.backup(connection.connection)
        finally:
            backup.close()
    media_files = _restore_media(source / MEDIA_DIR)
    counts = row_counts()
    expected = manifest.get("counts", {})
    differing = {
        label: (expected.get(label), counts.get(label))
        for label in expected
        if expected[label] != counts.get(label)
    }
    if differing:
        raise BackupError(f"Row counts after the restore differ from the backup's: {differing}")
    from assessment.services.analytics import analytics_rebuild

    analytics_rebuild()  # the officials' aggregates recomputed from the restored rows
    return BackupSummary(directory=source, engine=engine, counts=counts, media_files=media_files)


def _normalised(value: Any) -> Any:
    return json.loads(json.dumps(value, sort_keys=True, ensure_ascii=False))


def stored_score_mismatches() -> list[str]:
    """Re-score every submitted or accepted assessment from its stored answers, evidence and factor
    snapshot, exactly as the submission did, and compare with the stored result and the FrameworkResult
    rows. Returns one line per difference (empty: every stored score is reproduced). Returned
    assessments are left out: their answers may legitimately have changed since their submission."""
    from assessment.models import Assessment, FrameworkResult
    from assessment.selectors.assessments import assessment_page, assessment_versions, tag_revisions

    problems: list[str] = []
    stored = (
        Assessment.objects.filter(status__in=[Assessment.Status.SUBMITTED, Assessment.Status.ACCEPTED])
        .exclude(result=None)
        .select_related("enterprise")
        .order_by("pk")
    )
    for assessment in stored:
        evaluation = assessment_page(assessment).evaluate()
        if evaluation.result is None:
            problems.append(f"assessment {assessment.pk}: cannot be re-scored ({evaluation.problems})")
            continue
        result = evaluation.result.to_dict()
        tag_revisions(result, assessment_versions(assessment))
        if evaluation.balance is not None:
            result["energy"] = evaluation.balance.to_dict()
        # Scores, levels, dimensions, veto, profile and energy balance; not the recommended actions stored
        # alongside (they come from the action catalogue, which may grow between releases).
        stored_result = {k: v for k, v in (assessment.result or {}).items() if k not in UNSCORED_RESULT_KEYS}
        if _normalised(result) != _normalised(stored_result):
            problems.append(f"assessment {assessment.pk}: re-scored result differs from the stored result")
        overall = (result.get("profile") or {}).get("overall") or {}
        if overall.get("index") != assessment.total_score:
            problems.append(
                f"assessment {assessment.pk}: total score {assessment.total_score} != re-scored {overall.get('index')}"
            )
        rows = {
            row.framework: row
            for row in FrameworkResult.objects.filter(assessment=assessment, validated=False)
        }
        for item in result["frameworks"]:
            row = rows.pop(item["framework"], None)
            level = (item.get("level") or {}).get("code", "") or ""
            if row is None:
                problems.append(f"assessment {assessment.pk}: no stored result row for {item['framework']}")
            elif row.score != item["score"] or row.level != level or row.version != item["version"]:
                problems.append(
                    f"assessment {assessment.pk}: {item['framework']} stored {row.score} {row.level!r}, "
                    f"re-scored {item['score']} {level!r}"
                )
        for framework in rows:
            problems.append(
                f"assessment {assessment.pk}: stored result row for unscored framework {framework}"
            )
    return problems
