"""Render docs/sources.md from questionnaires/references.yaml (and check that the doc is current)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from questionnaires.references import ReferenceError, load_references, render_sources_markdown


class Command(BaseCommand):
    help = "Print (or --write, or --check) docs/sources.md, the list of every document the tool cites."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--doc", type=Path, default=Path(settings.BASE_DIR) / "docs" / "sources.md")
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--write", action="store_true", help="write the doc")
        group.add_argument("--check", action="store_true", help="exit non-zero if the doc is out of date")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            text = render_sources_markdown(load_references()) + "\n"
        except ReferenceError as exc:
            raise CommandError(f"questionnaires/references.yaml is invalid: {exc}") from exc
        doc: Path = options["doc"]
        if options["check"]:
            current = doc.read_text(encoding="utf-8") if doc.exists() else ""
            if current != text:
                raise CommandError(f"{doc} is out of date: run manage.py document_sources --write")
            self.stdout.write("docs/sources.md is current")
        elif options["write"]:
            doc.write_text(text, encoding="utf-8")
            self.stdout.write(f"wrote {doc}")
        else:
            self.stdout.write(text, ending="")
