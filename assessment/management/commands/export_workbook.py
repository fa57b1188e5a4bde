"""manage.py export_workbook --assessment ID -o FILE.xlsx [--lang en] [--user USERNAME]

The Excel workbook of an assessment for filling offline (docs/workbook.md), as the download gives it.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from assessment.management.commands._workbook import assessment_and_user
from assessment.selectors.workbook import workbook_bytes
from questionnaires.text import report_language


class Command(BaseCommand):
    help = "Write the Excel workbook of an assessment (one sheet per page of questions) for filling offline."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--assessment", type=int, required=True, help="assessment id")
        parser.add_argument("-o", "--output", required=True, help="the .xlsx file to write")
        parser.add_argument("--lang", default="zh-hans", help="zh-hans (default) or en")
        parser.add_argument("--user", default="", help="username named as who downloaded it")

    def handle(self, *args: Any, assessment: int, output: str, lang: str, user: str, **options: Any) -> None:
        found, person = assessment_and_user(assessment, user)
        started = time.perf_counter()
        data = workbook_bytes(found, lang=report_language(lang), user=person)
        with open(output, "wb") as handle:
            handle.write(data)
        self.stdout.write(
            f"export_workbook: assessment {found.pk} ({found.enterprise.name}, {found.year}) written to "
            f"{output} ({len(data):,} bytes, {time.perf_counter() - started:.2f} s)."
        )
