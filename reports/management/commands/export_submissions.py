"""manage.py export_submissions --year Y [--city CODE] --format xlsx|csv -o FILE

The officials' export from the command line: the same workbook or CSV as the download, for the province
(or one city) and one year, in constant memory.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessment import reference
from assessment.models import Assessment
from assessment.selectors.review import SubmissionFilters, apply_filters
from reports.exports import write_csv, write_xlsx


class Command(BaseCommand):
    help = "Export the submitted assessments of a year (province or one city) as an Excel workbook or CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="assessment year")
        parser.add_argument(
            "--city", default="", help="GB/T 2260 city code, e.g. 230100 (default: the province)"
        )
        parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
        parser.add_argument("-o", "--output", required=True, help="file to write")

    def handle(self, *args, year: int, city: str, format: str, output: str, **options) -> None:
        if city and not reference.is_city_code(city):
            raise CommandError(
                f"unknown city code {city!r}; one of: {', '.join(c.code for c in reference.CITIES)}"
            )
        assessments = apply_filters(Assessment.objects.all(), SubmissionFilters(city=city, year=year))
        started = time.perf_counter()
        if format == "xlsx":
            count = write_xlsx(assessments, output)
        else:
            with open(output, "w", encoding="utf-8", newline="") as handle:
                count = write_csv(assessments, handle)
        scope = reference.city_name(city) if city else reference.PROVINCE_NAME["zh"]
        self.stdout.write(
            f"export_submissions: {count} assessments of {year} ({scope}) written to {output} "
            f"({time.perf_counter() - started:.1f} s)."
        )
