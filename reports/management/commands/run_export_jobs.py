"""manage.py run_export_jobs [--once] [--interval SECONDS]

The worker for officials' background exports, for deployments that prefer a separate process to the
server's own threads (EXPORT_RUNNER=worker; it also works next to the threads: each job is claimed once).
Runs queued jobs oldest first, marks jobs whose process died as failed, and deletes exports older than
EXPORT_RETENTION_HOURS (with files no job refers to). `--once` does one round and exits (cron); without it
the command polls until stopped (systemd service).
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from reports.export_jobs import export_jobs_fail_stale, export_jobs_purge, run_queued

PURGE_EVERY_S = 3600


class Command(BaseCommand):
    help = "Run queued background exports; mark interrupted ones failed; delete expired export files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="one round, then exit")
        parser.add_argument("--interval", type=float, default=2.0, help="seconds between polls (default 2)")

    def handle(self, *args, once: bool, interval: float, **options) -> None:
        purged_at = 0.0
        while True:
            stale = export_jobs_fail_stale()
            if time.monotonic() - purged_at >= PURGE_EVERY_S or once:
                purged = export_jobs_purge(orphans=True)
                purged_at = time.monotonic()
            else:
                purged = 0
            ran = run_queued()
            if once or ran or stale or purged:
                self.stdout.write(
                    f"run_export_jobs: {ran} exports built, {stale} interrupted marked failed, {purged} expired deleted."
                )
            if once:
                return
            time.sleep(interval)
            close_old_connections()  # a long-running process: drop connections past DB_CONN_MAX_AGE or broken
