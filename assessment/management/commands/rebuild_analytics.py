"""manage.py rebuild_analytics: recompute the officials' pre-aggregated analytics from the live rows.

Submissions, decisions and profile edits keep the aggregates current as they happen; run this after
writing assessments, results or enterprises outside the app's services (SQL, the shell, imports).
seed_demo and restore_data run it themselves.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from assessment.services.analytics import analytics_rebuild


class Command(BaseCommand):
    help = (
        "Recompute the officials' pre-aggregated analytics (ScoreAggregate) from the submitted assessments."
    )

    def handle(self, *args, **options) -> None:
        started = time.perf_counter()
        rows = analytics_rebuild()
        self.stdout.write(
            f"rebuild_analytics: {rows} aggregate rows ({time.perf_counter() - started:.1f} s)."
        )
