"""Render the PDF improvement report.

    python manage.py render_report --assessment ID -o FILE.pdf [--lang zh-hans|en]
    python manage.py render_report --answers FILE.json -o FILE.pdf [--lang en]
    python manage.py render_report --demo -o FILE.pdf

--answers takes the score_answers format ({"framework", "version", "answers"} or a list of them) for an
unsaved set of answers, optionally with "enterprise" (name, city_code, industry_division, size_class,
...), "year" and "frameworks" ([{"framework", "version"}]); see reports/demo_answers.json.
--demo renders the demo enterprise's (the sme_manager login's) latest submitted assessment; when
the demo data have no submitted assessment yet, it says so and exits with status 1.
Definitions come from the database when loaded, else from the definition files.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from assessment.models import Assessment, Membership
from assessment.scoring import EnterpriseFacts, ScoringInputError
from assessment.selectors.reports import latest_submitted_assessment
from reports.data import LANGUAGES, Subject, build_report_data, compose_report
from reports.pdf import render_pdf

INVALID = 2
DEMO_LOGIN = "sme_manager"


def _definition(framework: str, version: str) -> dict[str, Any]:
    from questionnaires.models import QuestionnaireVersion

    try:
        row = (
            QuestionnaireVersion.objects.live()
            .filter(framework=framework, version=version)
            .exclude(status="bank")
            .first()
        )
    except DatabaseError:
        row = None
    if row is not None:
        return row.definition
    from questionnaires.loader import QuestionnaireError, resolved_definitions

    try:
        found = [
            d
            for d in resolved_definitions()
            if d.get("framework") == framework and str(d.get("version")) == version
        ]
    except QuestionnaireError as exc:
        raise CommandError(f"the definition files are invalid:\n{exc}", returncode=INVALID) from exc
    if not found:
        raise CommandError(f"unknown version {framework}@{version}", returncode=INVALID)
    return found[0]


def _subject(data: dict[str, Any]) -> Subject:
    raw = data.get("enterprise") or {}
    if not isinstance(raw, dict):
        raise CommandError('"enterprise" must be an object', returncode=INVALID)
    division = str(raw.get("industry_division") or raw.get("industry") or "")[:3]
    klass = str(raw.get("industry_class") or "")
    size_class = raw.get("size_class") or ""
    if size_class not in ("", "large", "medium", "small", "micro"):
        raise CommandError(
            f"enterprise size_class {size_class!r} is not large, medium, small or micro", returncode=INVALID
        )
    facts = EnterpriseFacts(
        industry=(division[:1] + klass if klass and division else division) or None,
        size_class=size_class or None,
    )
    return Subject(
        name=str(raw.get("name") or "—"),
        year=int(data.get("year") or 0),
        status="unsaved",
        uscc=str(raw.get("uscc") or ""),
        city_code=str(raw.get("city_code") or ""),
        industry_division=division,
        industry_class=klass,
        size_class=size_class,
        employees=raw.get("employees"),
        revenue=raw.get("revenue"),
        main_products=str(raw.get("main_products") or ""),
        facts=facts,
    )


def read_answers_file(path: str) -> tuple[Subject, list[dict[str, Any]], dict[str, Any]]:
    """(subject, definitions, answers) from an answers file; CommandError(returncode=2) if invalid."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CommandError(f"cannot read {path}: {exc}", returncode=INVALID) from exc
    items = data if isinstance(data, list) else [data]
    if not items or not all(isinstance(item, dict) for item in items):
        raise CommandError("expected an object or a list of objects", returncode=INVALID)
    head = items[0]
    answers: dict[str, Any] = {}
    wanted: list[tuple[str, str]] = []
    for item in items:
        if not isinstance(item.get("answers", {}), dict):
            raise CommandError('"answers" must be an object {code: value}', returncode=INVALID)
        answers.update(item.get("answers", {}))
        if item.get("framework"):
            wanted.append((str(item["framework"]), str(item.get("version", ""))))
        for entry in item.get("frameworks") or []:
            wanted.append((str(entry["framework"]), str(entry["version"])))
    if not wanted:
        raise CommandError(
            'name the frameworks: "framework" and "version", or "frameworks"', returncode=INVALID
        )
    definitions = [_definition(framework, version) for framework, version in dict.fromkeys(wanted)]
    return _subject(head), definitions, answers


def demo_assessment() -> Assessment | None:
    """The demo enterprise's latest submitted assessment, if the demo data have one."""
    try:
        membership = Membership.objects.select_related("enterprise").filter(user__username=DEMO_LOGIN).first()
    except DatabaseError as exc:
        raise CommandError(f"the database is not set up ({exc}): run `manage.py setup_demo` first") from exc
    if membership is None:
        return None
    return latest_submitted_assessment(membership.enterprise_id)


class Command(BaseCommand):
    help = (
        "Render the PDF improvement report of an assessment, of an answers file, or of the demo enterprise."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--assessment", type=int, help="ID of a stored assessment")
        source.add_argument("--answers", help="JSON file of answers (score_answers format)")
        source.add_argument(
            "--demo", action="store_true", help="the demo enterprise's latest submitted assessment"
        )
        parser.add_argument("-o", "--output", required=True, help="PDF file to write")
        parser.add_argument("--lang", choices=LANGUAGES, default="zh-hans")
        parser.add_argument(
            "--annex",
            action="store_true",
            help="add the full answer annex (questions by number and text), evidence list and glossary",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        lang = options["lang"]
        try:
            if options["answers"]:
                subject, definitions, answers = read_answers_file(options["answers"])
                data = compose_report(
                    subject=subject,
                    definitions=definitions,
                    answers=answers,
                    lang=lang,
                    annex=options["annex"],
                )
            else:
                if options["demo"]:
                    assessment = demo_assessment()
                    if assessment is None:
                        raise CommandError(
                            f"the demo enterprise (login {DEMO_LOGIN}) has no submitted assessment: run "
                            "`manage.py seed_demo` once demo assessments are part of it, or render the shipped "
                            "demo answers with `--answers reports/demo_answers.json`"
                        )
                else:
                    try:
                        assessment = Assessment.objects.select_related("enterprise").get(
                            pk=options["assessment"]
                        )
                    except Assessment.DoesNotExist:
                        raise CommandError(
                            f"no assessment with ID {options['assessment']}", returncode=INVALID
                        ) from None
                data = build_report_data(assessment, lang=lang, annex=options["annex"])
        except ScoringInputError as exc:
            raise CommandError(f"the answers cannot be scored: {exc}", returncode=INVALID) from exc
        pdf = render_pdf(data)
        Path(options["output"]).write_bytes(pdf)
        self.stdout.write(
            f"{options['output']}: {len(pdf):,} bytes, {len(data.frameworks)} frameworks, "
            f"{len(data.actions)} actions ({data.lang})"
        )
