"""manage.py setup_demo: everything a fresh checkout needs to run the demo. Idempotent."""

from __future__ import annotations

import shutil

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandParser

from assessment.demo import DEFAULT_ENTERPRISES, DEMO_LOGINS, DEMO_PASSWORD

# Loaders written by other areas; run when present.
OPTIONAL_LOADERS = ("load_questionnaires", "load_factors", "load_prices")


class Command(BaseCommand):
    help = "Migrate, load questionnaires and factor sets, seed demo data, compile translations; print the logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enterprises", type=int, default=DEFAULT_ENTERPRISES)

    def handle(self, *args, enterprises: int, **options) -> None:
        self.step("migrate")
        call_command("migrate", interactive=False, verbosity=0)
        available = get_commands()
        for loader in OPTIONAL_LOADERS:
            if loader in available:
                self.step(loader)
                call_command(loader)
        self.step("seed_demo")
        call_command("seed_demo", enterprises=enterprises, verbosity=0, stdout=self.stdout)
        # Plans saved through the plan services carry their figures; this fills older ones.
        self.step("refresh_plan_figures")
        call_command("refresh_plan_figures", stdout=self.stdout)
        self.compile_translations_if_needed()
        self.print_logins()

    def step(self, name: str) -> None:
        self.stdout.write(self.style.MIGRATE_HEADING(f"== {name}"))

    def compile_translations_if_needed(self) -> None:
        """The .mo files are committed; recompile only if a .po is newer and gettext is installed."""
        stale = [
            po
            for locale_dir in settings.LOCALE_PATHS
            for po in locale_dir.glob("*/LC_MESSAGES/*.po")
            if not po.with_suffix(".mo").exists()
            or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
        ]
        if not stale:
            return
        if shutil.which("msgfmt") is None:
            self.stdout.write(
                self.style.WARNING("Translations changed but gettext's msgfmt is missing; skipped.")
            )
            return
        self.step("compilemessages")
        for locale_dir in settings.LOCALE_PATHS:
            call_command(
                "compilemessages", locale=[p.name for p in locale_dir.iterdir() if p.is_dir()], verbosity=0
            )

    def print_logins(self) -> None:
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demo ready at {settings.SITE_URL.rstrip('/')}/"))
        self.stdout.write(f"Every demo login uses the password: {DEMO_PASSWORD}")
        for username, role in DEMO_LOGINS:
            self.stdout.write(f"  {username:<18} {role}")
