"""manage.py import_workbook FILE.xlsx --assessment ID [--dry-run] [--user USERNAME] [--resolve mine|theirs]

Uploads a filled workbook (docs/workbook.md) as the web page does: every cell checked by the web form's
rules, the changes listed (cell: old → new), then applied as USERNAME's answers in one transaction.
Invalid cells, or conflicts with answers changed online since the download (unless --resolve says which
value to keep), print their cell-referenced messages and exit with status 2 without writing anything.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessment.exceptions import DomainError
from assessment.management.commands._workbook import assessment_and_user
from assessment.models import Membership
from assessment.selectors import assessments as selectors
from assessment.services.workbook import workbook_check, workbook_upload_apply, workbook_upload_store
from assessment.workbook import MAX_UPLOAD_BYTES, WorkbookError
from questionnaires.question_types import display_value

INVALID = 2


class Command(BaseCommand):
    help = "Check an assessment's filled Excel workbook and save its changes (all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the .xlsx workbook downloaded for the assessment and filled in")
        parser.add_argument("--assessment", type=int, required=True, help="assessment id")
        parser.add_argument("--user", default="", help="the enterprise member the answers are saved as")
        parser.add_argument("--dry-run", action="store_true", help="check and list the changes only")
        parser.add_argument(
            "--resolve",
            choices=["mine", "theirs"],
            default="",
            help="keep the workbook's or the online value",
        )

    def handle(
        self, *args: Any, file: str, assessment: int, user: str, dry_run: bool, resolve: str, **options: Any
    ) -> None:
        found, person = assessment_and_user(assessment, user)
        if (
            person is not None
            and not Membership.objects.filter(user=person, enterprise=found.enterprise).exists()
        ):
            raise CommandError(f"{user} is no member of {found.enterprise.name}")
        if person is None and not dry_run:
            raise CommandError("--user is required to save (or use --dry-run)")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"no file {file}")
        if path.stat().st_size > MAX_UPLOAD_BYTES:
            raise CommandError(
                f"{file} is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB", returncode=INVALID
            )
        data = path.read_bytes()
        try:
            check = workbook_check(assessment=found, data=data)
        except WorkbookError as error:
            raise CommandError(str(error), returncode=INVALID) from None
        questions = selectors.question_index(selectors.assessment_definitions(found))
        current = {a.question_code: a.value for a in found.answers.all()}

        def shown(code: str, value: Any) -> str:
            return display_value(questions.get(code), value, "zh-hans", blank="（空）")

        for item in check.changes:
            self.stdout.write(
                f"{item['ref']}: {shown(item['code'], current.get(item['code']))} → {shown(item['code'], item['value'])}"
            )
        for item in check.conflicts:
            self.stdout.write(
                f"{item['ref']}: conflict: online {shown(item['code'], item['theirs'])}, "
                f"workbook {shown(item['code'], item['value'])} (downloaded: {shown(item['code'], item['base'])})"
            )
        for item in check.errors:
            self.stderr.write(f"{item['ref']}：{item['message']}")
        summary = (
            f"import_workbook: {len(check.changes)} changes, {len(check.conflicts)} conflicts, "
            f"{len(check.errors)} errors, {check.unchanged} unchanged"
        )
        if check.errors:
            raise CommandError(f"{summary}; nothing saved", returncode=INVALID)
        if check.conflicts and not resolve:
            raise CommandError(
                f"{summary}; nothing saved (--resolve mine|theirs decides)", returncode=INVALID
            )
        if dry_run:
            self.stdout.write(f"{summary} (dry run: nothing saved).")
            return
        assert person is not None
        conflicts = {item["code"] for item in check.conflicts}
        try:
            upload = workbook_upload_store(assessment=found, user=person, data=data)
            count = workbook_upload_apply(
                upload=upload,
                user=person,
                keep_mine=conflicts if resolve == "mine" else set(),
                keep_theirs=conflicts if resolve == "theirs" else set(),
            )
        except DomainError as error:
            raise CommandError(str(error.message), returncode=INVALID) from None
        self.stdout.write(f"{summary}; {count} answers saved as {person.username}.")
