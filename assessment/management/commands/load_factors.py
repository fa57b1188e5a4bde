"""Load the energy coefficients and emission factors file into FactorSet/Factor (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessment.selectors.factors import FACTORS_FILE, FactorFileError, read_factor_file
from assessment.services.factors import factor_set_load


class Command(BaseCommand):
    help = (
        "Load assessment/data/factors-2025.yaml (or --file) into a FactorSet. Unchanged content does "
        "nothing; a set used by an assessment is never changed: a new revision is created instead."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", default=str(FACTORS_FILE), help="factor file (YAML)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            data = read_factor_file(options["file"])
        except (OSError, FactorFileError) as error:
            raise CommandError(str(error)) from error
        result = factor_set_load(data=data)
        count = result.factor_set.factors.count()
        self.stdout.write(
            f"{result.action}: {result.factor_set} (id {result.factor_set.pk}, {count} factors)"
        )
