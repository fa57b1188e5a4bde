"""Restore a backup made by `manage.py backup_data` (same database engine), then verify it.

    python manage.py restore_data /srv/backups/lvzhiping-2026-11-22 [--noinput]

Stop the application servers first: the database and the media directory are replaced. Checksums
are verified before anything is touched; afterwards the row counts must match the backup's and every
submitted assessment is re-scored from its stored answers and factor snapshot: the command fails if
any stored score is not reproduced. See docs/deployment.md.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessment.services.backup import BackupError, backup_manifest, backup_restore, stored_score_mismatches


class Command(BaseCommand):
    help = "Restore a backup made by backup_data (replaces the database and the media directory)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", help="A directory written by backup_data.")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")
        parser.add_argument(
            "--skip-verify", action="store_true", help="Do not re-score the submitted assessments afterwards."
        )

    def handle(self, *args, **options) -> None:
        try:
            manifest = backup_manifest(options["directory"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        if options["interactive"]:
            answer = input(
                f"Replace this installation's database and media with the backup of {manifest['created_at']} "
                f"({manifest['engine']})? Type 'yes' to continue: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled.")
        try:
            summary = backup_restore(options["directory"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored the {summary.engine} database ({sum(summary.counts.values())} rows) "
            f"and {summary.media_files} media file(s) from {summary.directory}"
        )
        if options["skip_verify"]:
            return
        problems = stored_score_mismatches()
        if problems:
            raise CommandError("Stored scores not reproduced after the restore:\n" + "\n".join(problems))
        self.stdout.write("Every stored score is reproduced by re-scoring the restored answers.")
