"""Load the definition files into QuestionnaireVersion (idempotent; answered versions are frozen)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from questionnaires.loader import DEFINITIONS_DIR, QuestionnaireError, load_definitions


class Command(BaseCommand):
    help = (
        "Validate, resolve and load the questionnaire definition files; refuses changes to frozen versions."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", type=Path, default=DEFINITIONS_DIR, help="definitions directory")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = load_definitions(directory=options["dir"])
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
        if report.not_in_files:
            self.stdout.write(f"kept (no file any more): {', '.join(report.not_in_files)}")
        if report.warnings and options["verbosity"] > 1:
            for warning in report.warnings:
                self.stderr.write(self.style.WARNING(warning))
        elif report.warnings:
            self.stdout.write(f"{len(report.warnings)} warning(s): see validate_questionnaires")
        total = len(report.created) + len(report.updated) + len(report.unchanged)
        self.stdout.write(self.style.SUCCESS(f"{total} questionnaire version(s) loaded"))
