"""manage.py rescore_cohort FRAMEWORK VERSION [--year Y] [--city CODE] [--adopt --reason TEXT]: re-score the
submitted and accepted assessments scored on an earlier revision of a framework version on its latest
revision (docs/definitions.md, "Correcting a definition in production").

The re-scores are kept beside the counted results; analytics, results pages and reports keep counting the
original scores. With `--adopt` every re-score that could be scored becomes the counted result (the
original is kept in the re-score), which changes the analytics: give the decision's `--reason`.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessment.exceptions import DomainError
from assessment.services.revisions import cohort_rescore, rescore_adopt


class Command(BaseCommand):
    help = (
        "Re-score submitted and accepted assessments on the latest revision of FRAMEWORK@VERSION, keeping "
        "both results (the original stays the counted one unless --adopt)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("framework", help="framework slug, e.g. green_factory")
        parser.add_argument("version", help='framework version, e.g. "2025"')
        parser.add_argument("--year", type=int, help="only the assessments of this year")
        parser.add_argument("--city", help="only the enterprises of this city code (e.g. 230100)")
        parser.add_argument(
            "--adopt", action="store_true", help="make every scorable re-score the counted result"
        )
        parser.add_argument("--reason", default="", help="why the re-scores are adopted (audit trail)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["adopt"] and not options["reason"].strip():
            raise CommandError("--adopt needs --reason: adopting changes the counted scores and analytics")
        try:
            report = cohort_rescore(
                framework=options["framework"],
                version=options["version"],
                user=None,
                year=options["year"],
                city_code=options["city"],
            )
        except DomainError as error:
            raise CommandError(str(error.message)) from error
        label = f"{options['framework']}@{options['version']}"
        self.stdout.write(
            f"{label}: {len(report.rescored)} assessment(s) re-scored on revision {report.revision}, "
            f"{len(report.unscorable)} could not be scored (answers the revision refuses), "
            f"{report.already_adopted} adopted before and left as they are."
        )
        for rescore in report.rescored:
            original = (rescore.original or {}).get("validated_result") or (rescore.original or {}).get(
                "result"
            )
            self.stdout.write(
                f"  assessment {rescore.assessment_id}: counted {(original or {}).get('score')} "
                f"(revision {rescore.from_revision}), re-scored {rescore.score} (revision {rescore.to_revision})"
            )
        if not options["adopt"]:
            self.stdout.write(
                "The original results still count (analytics unchanged); --adopt to change that."
            )
            return
        adopted = 0
        for rescore in report.rescored:
            rescore_adopt(rescore=rescore, user=None, reason=options["reason"])
            adopted += 1
        self.stdout.write(self.style.SUCCESS(f"{adopted} re-score(s) adopted: they now count in analytics."))
