"""Load the reference price file into PriceSet/Price (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessment.economics.prices import PRICES_FILE, PriceFileError, read_price_file
from assessment.services.prices import price_set_load


class Command(BaseCommand):
    help = (
        "Load assessment/data/prices-2025.yaml (or --file) into a PriceSet (unchanged content does nothing)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", default=str(PRICES_FILE), help="price file (YAML)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            data = read_price_file(options["file"])
        except (OSError, PriceFileError) as error:
            raise CommandError(str(error)) from error
        result = price_set_load(data=data)
        count = result.price_set.prices.count()
        self.stdout.write(f"{result.action}: {result.price_set} (id {result.price_set.pk}, {count} prices)")
