"""Load the definition files into QuestionnaireVersion (idempotent; an answered version changed by its file
gets a new revision, and the command says what changed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from questionnaires.loader import DEFINITIONS_DIR, QuestionnaireError, load_definitions
from questionnaires.revisions import changes_summary


class Command(BaseCommand):
    help = (
        "Validate, resolve and load the questionnaire definition files; a changed version that has answers "
        "becomes a new revision (drafts move to it; submitted assessments keep theirs)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", type=Path, default=DEFINITIONS_DIR, help="definitions directory")
        parser.add_argument(
            "--dry-run", action="store_true", help="say what would be loaded and changed, then roll back"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = load_definitions(directory=options["dir"], dry_run=options["dry_run"])
        except QuestionnaireError as exc:
            for message in exc.messages:
                self.stderr.write(message)
            raise CommandError("questionnaire definitions were not loaded") from exc
        for label, names in (
            ("created", report.created),
            ("updated", report.updated),
            ("unchanged", report.unchanged),
        ):
            if names:
                self.stdout.write(f"{label}: {', '.join(names)}")
        for revised in report.revised:
            self.stdout.write(f"new revision: {revised.label} revision {revised.revision}; what changed:")
            self.stdout.write(changes_summary(revised.changes) or "  - (content only)")
            for note in revised.notes:
                self.stdout.write(f"  {note}")
        if report.not_in_files:
            self.stdout.write(f"kept (no file any more): {', '.join(report.not_in_files)}")
        if report.warnings and options["verbosity"] > 1:
            for warning in report.warnings:
                self.stderr.write(self.style.WARNING(warning))
        elif report.warnings:
            self.stdout.write(f"{len(report.warnings)} warning(s): see validate_questionnaires")
        total = len(report.created) + len(report.updated) + len(report.unchanged) + len(report.revised)
        if options["dry_run"]:
            self.stdout.write(self.style.WARNING(f"dry run: {total} version(s) checked, nothing was stored"))
        else:
            self.stdout.write(self.style.SUCCESS(f"{total} questionnaire version(s) loaded"))
