"""Print a loaded definition as JSON, or list the loaded frameworks and versions."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from questionnaires.definition import iter_indicators, iter_questions, provisional_items
from questionnaires.models import QuestionnaireVersion


class Command(BaseCommand):
    help = (
        "Print the loaded definition of FRAMEWORK (current version unless --version) as JSON: every code, "
        "type, option with points or level, weight, benchmark and leading value, condition. --list prints "
        "the available frameworks and versions."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # Our --version (of the definition) replaces Django's --version (of Django).
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("framework", nargs="?", help="framework slug, e.g. green_factory")
        parser.add_argument("--version", dest="definition_version", help="version, e.g. 2025")
        parser.add_argument("--list", action="store_true", help="list loaded frameworks and versions")
        parser.add_argument("--indent", type=int, default=2, help="JSON indent (0: one line)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            self.list_versions()
            return
        framework = options["framework"]
        if not framework:
            raise CommandError("name a FRAMEWORK or use --list")
        rows = QuestionnaireVersion.objects.live().filter(framework=framework)
        version = options["definition_version"]
        if version:
            row = rows.filter(version=version).first()
        else:
            row = (
                rows.filter(status="current").order_by("-version").first()
                or rows.order_by("-version").first()
            )
        if row is None:
            known = (
                ", ".join(str(v) for v in QuestionnaireVersion.objects.all())
                or "none (run load_questionnaires)"
            )
            raise CommandError(f"{framework}@{version or 'current'} is not loaded; loaded: {known}")
        indent = options["indent"] or None
        self.stdout.write(json.dumps(row.definition, ensure_ascii=False, indent=indent))

    def list_versions(self) -> None:
        rows = list(QuestionnaireVersion.objects.order_by("framework", "-version"))
        if not rows:
            self.stdout.write("no questionnaire versions loaded (run load_questionnaires)")
            return
        header = (
            "framework",
            "version",
            "status",
            "method",
            "indicators",
            "questions",
            "provisional",
            "hash",
            "title",
        )
        lines = [header]
        for row in rows:
            definition = row.definition
            lines.append(
                (
                    row.framework,
                    row.version,
                    row.status,
                    row.method or "-",
                    str(sum(1 for _ in iter_indicators(definition))),
                    str(sum(1 for _ in iter_questions(definition))),
                    str(len(provisional_items(definition))),
                    row.content_hash[:12],
                    f"{row.title_zh} / {row.title_en}",
                )
            )
        widths = [max(len(line[i]) for line in lines) for i in range(len(header) - 1)]
        for line in lines:
            cells = [cell.ljust(width) for cell, width in zip(line[:-1], widths, strict=True)]
            self.stdout.write("  ".join([*cells, line[-1]]))
