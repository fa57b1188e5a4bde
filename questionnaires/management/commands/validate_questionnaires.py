"""Check every definition file against docs/definitions.md; exit non-zero on any error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from questionnaires.loader import DEFINITIONS_DIR, validate_definition_files
from questionnaires.schema import errors


class Command(BaseCommand):
    help = "Validate the questionnaire definition files (file, code, problem for each problem found)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", type=Path, default=DEFINITIONS_DIR, help="definitions directory")
        parser.add_argument("--quiet-warnings", action="store_true", help="print errors only")

    def handle(self, *args: Any, **options: Any) -> None:
        files, problems = validate_definition_files(options["dir"])
        found = errors(problems)
        for problem in problems:
            if problem.severity == "error":
                self.stderr.write(str(problem))
            elif not options["quiet_warnings"]:
                self.stderr.write(self.style.WARNING(str(problem)))
        if found:
            raise CommandError(f"{len(found)} error(s) in the definition files")
        warnings = len(problems) - len(found)
        self.stdout.write(
            self.style.SUCCESS(f"{len(files)} definition file(s) valid ({warnings} warning(s))")
        )
