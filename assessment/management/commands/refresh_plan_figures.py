"""manage.py refresh_plan_figures: compute and store every improvement plan's figures (Plan.figures) on
the current prices, as the plan services store them after each change.

Run it after upgrading the economics model or the action catalog, and once after migration 0017 to fill
the plans saved before it (a change of prices queues the background task `refresh_plan_figures`, which
stores the stale plans' figures). Until then the officials' plan analytics compute the money of plans
whose stored figures are missing or stale on each request (correct, only slower). setup_demo runs it.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from assessment.services.plan_figures import plan_figures_refresh


class Command(BaseCommand):
    help = "Compute and store every improvement plan's figures for the officials' plan analytics."

    def handle(self, *args, **options) -> None:
        started = time.process_time()
        plans = plan_figures_refresh()
        self.stdout.write(
            f"refresh_plan_figures: {plans} plan(s) stored ({time.process_time() - started:.1f} s CPU)."
        )
