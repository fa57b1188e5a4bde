"""manage.py seed_demo [--enterprises N] [--seed S]: deterministic demo data (idempotent)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandParser

from assessment.demo import DEFAULT_ENTERPRISES, DEMO_LOGINS, DEMO_PASSWORD, DemoContext, run_demo_steps
from assessment.demo.officials import FULL_HISTORY_ENTERPRISES, OLDER_YEARS_SAMPLE


class Command(BaseCommand):
    help = "Create deterministic demo enterprises across Heilongjiang's 13 cities, their users and officials."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enterprises",
            type=int,
            default=DEFAULT_ENTERPRISES,
            help=f"number of demo enterprises (default {DEFAULT_ENTERPRISES}); with questionnaires loaded each "
            "gets a submitted assessment of the latest year, and the two years before with some chance: "
            f"the first {FULL_HISTORY_ENTERPRISES:,} and one in {OLDER_YEARS_SAMPLE} after them "
            "(a bounded history for large N: each older assessment is generated and scored in full)",
        )
        parser.add_argument("--seed", type=int, default=2026, help="random seed (same seed, same data)")
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="processes generating and scoring the bulk demo assessments (default: one per core from "
            "200 enterprises; the data are the same whatever the number)",
        )

    def handle(self, *args, enterprises: int, seed: int, workers: int | None = None, **options) -> None:
        if enterprises < 1:
            self.stderr.write("--enterprises must be at least 1")
            raise SystemExit(2)
        started = time.perf_counter()
        context = run_demo_steps(
            DemoContext(enterprises=enterprises, seed=seed, stdout=self.stdout, workers=workers)
        )
        created = ", ".join(f"{number} {what}" for what, number in context.created.items()) or "nothing new"
        self.stdout.write(f"seed_demo: {created} ({time.perf_counter() - started:.1f} s).")
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"Demo logins (password {DEMO_PASSWORD}): " + ", ".join(name for name, _ in DEMO_LOGINS)
            )
