"""manage.py rebuild_analytics: recompute the officials' pre-aggregated analytics from the live rows.

Submissions, decisions and profile edits keep the aggregates current as they happen; run this after
writing assessments, results or enterprises outside the app's services (SQL, the shell, imports).
seed_demo and restore_data run it themselves. `--background` hands the rebuild to the task worker
(the task assessment.tasks.rebuild_analytics) instead of running it in this process.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandParser

from assessment.services.analytics import analytics_rebuild
from assessment.tasks import rebuild_analytics


class Command(BaseCommand):
    help = (
        "Recompute the officials' pre-aggregated analytics (ScoreAggregate) from the submitted assessments."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--background", action="store_true", help="enqueue the rebuild for the task worker and return"
        )

    def handle(self, *args, background: bool = False, **options) -> None:
        if background:
            result = rebuild_analytics.enqueue()
            self.stdout.write(f"rebuild_analytics: enqueued as task {result.id} ({result.status}).")
            return
        started = time.perf_counter()
        rows = analytics_rebuild()
        self.stdout.write(
            f"rebuild_analytics: {rows} aggregate rows ({time.perf_counter() - started:.1f} s)."
        )
