"""manage.py seed_demo [--enterprises N] [--seed S]: deterministic demo data (idempotent)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandParser

from assessment.demo import DEFAULT_ENTERPRISES, DEMO_LOGINS, DEMO_PASSWORD, DemoContext, run_demo_steps


class Command(BaseCommand):
    help = "Create deterministic demo enterprises across Heilongjiang's 13 cities, their users and officials."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enterprises",
            type=int,
            default=DEFAULT_ENTERPRISES,
            help="number of demo enterprises (default 39)",
        )
        parser.add_argument("--seed", type=int, default=2026, help="random seed (same seed, same data)")

    def handle(self, *args, enterprises: int, seed: int, **options) -> None:
        if enterprises < 1:
            self.stderr.write("--enterprises must be at least 1")
            raise SystemExit(2)
        started = time.perf_counter()
        context = run_demo_steps(DemoContext(enterprises=enterprises, seed=seed, stdout=self.stdout))
        created = ", ".join(f"{number} {what}" for what, number in context.created.items()) or "nothing new"
        self.stdout.write(f"seed_demo: {created} ({time.perf_counter() - started:.1f} s).")
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"Demo logins (password {DEMO_PASSWORD}): " + ", ".join(name for name, _ in DEMO_LOGINS)
            )
