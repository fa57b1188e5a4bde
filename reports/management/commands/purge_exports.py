"""manage.py purge_exports: delete officials' exports older than EXPORT_RETENTION_HOURS (jobs and files,
and files under exports/ that no job refers to) and mark exports whose worker died as failed.

Every export task does the same after building its file; run this daily (cron) so that old files go even
when nobody exports.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from reports.export_jobs import export_jobs_fail_stale, export_jobs_purge


class Command(BaseCommand):
    help = "Delete expired export files; mark interrupted exports failed."

    def handle(self, *args, **options) -> None:
        stale = export_jobs_fail_stale()
        purged = export_jobs_purge(orphans=True)
        self.stdout.write(f"purge_exports: {purged} expired deleted, {stale} interrupted marked failed.")
