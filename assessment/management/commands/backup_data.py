"""Back up the database and the media directory into a new directory.

    python manage.py backup_data -o /srv/backups/lvzhiping-2026-11-22

PostgreSQL is dumped with `pg_dump -Fc`, SQLite copied with its online backup API (the application may
keep running); the media directory (evidence files) is copied; manifest.json records checksums and row
counts. Restore with `manage.py restore_data DIR`. See docs/deployment.md.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessment.services.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database and the media directory into a new directory (see docs/deployment.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "-o", "--output", required=True, help="A new (or empty) directory for the backup."
        )

    def handle(self, *args, **options) -> None:
        try:
            summary = backup_create(options["output"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(summary.counts.values())
        self.stdout.write(
            f"Backed up the {summary.engine} database ({rows} rows in {len(summary.counts)} tables) "
            f"and {summary.media_files} media file(s) to {summary.directory}"
        )
