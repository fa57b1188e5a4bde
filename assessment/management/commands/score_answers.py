"""Score a set of answers from a JSON file and print the full result as JSON.

    python manage.py score_answers FILE.json      (FILE "-" reads standard input)

The file holds {"framework", "version", "answers": {code: value}} — optionally "enterprise":
{"industry": "C14", "size_class": "small"} — or a list of such objects for several frameworks (their
answers are merged: a shared bank question is answered once). One object prints the framework result,
a list prints the assessment result with the combined profile. Definitions come from the database when
loaded, else from the definition files. Invalid input exits with status 2 naming the question code.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from assessment.scoring import (
    EnterpriseFacts,
    ScoringInputError,
    score_assessment,
    score_framework,
    validate_answers,
)

INVALID = 2


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=INVALID)


def _definition_from_db(framework: str, version: str) -> dict[str, Any] | None:
    from questionnaires.models import QuestionnaireVersion

    try:
        row = (
            QuestionnaireVersion.objects.live()
            .filter(framework=framework, version=version)
            .exclude(status="bank")
            .first()
        )
    except DatabaseError:
        return None  # no database or not migrated: use the files
    return row.definition if row else None


_file_definitions: list[dict[str, Any]] | None = None


def _definition_from_files(framework: str, version: str) -> dict[str, Any] | None:
    global _file_definitions
    if _file_definitions is None:
        try:
            from questionnaires.loader import QuestionnaireError, resolved_definitions
        except ImportError as exc:  # pragma: no cover - the loader ships with the project
            raise CommandError(
                "no definitions: neither loaded in the database nor a loader for the files"
            ) from exc
        try:
            _file_definitions = resolved_definitions()
        except QuestionnaireError as exc:
            raise CommandError(f"the definition files are invalid:\n{exc}") from exc
    return next(
        (
            d
            for d in _file_definitions
            if d.get("kind") == "framework"
            and d.get("framework") == framework
            and str(d.get("version")) == version
        ),
        None,
    )


def _calculator() -> Any:
    """The energy calculator with the default factor set (database) or the shipped factor file."""
    try:
        from assessment.energy import energy_calculator
        from assessment.selectors.factors import current_factor_set, default_factors, factor_snapshot
    except ImportError:  # pragma: no cover - the calculator ships with the project
        return None
    try:
        factor_set = current_factor_set()
        factors = factor_snapshot(factor_set) if factor_set else default_factors()
    except DatabaseError:
        factors = default_factors()
    return energy_calculator(factors)


def _enterprise(raw: Any) -> EnterpriseFacts | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise _fail('"enterprise" must be an object {"industry", "size_class"}')
    size_class = raw.get("size_class")
    if size_class not in (None, "large", "medium", "small", "micro"):
        raise _fail(f"enterprise size_class {size_class!r} is not large, medium, small or micro")
    return EnterpriseFacts(industry=raw.get("industry"), size_class=size_class)


class Command(BaseCommand):
    help = "Score answers given as JSON and print the full result (exit status 2 on invalid input)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help='JSON file, or "-" for standard input')
        parser.add_argument("--indent", type=int, default=2)

    def handle(self, *args: Any, **options: Any) -> None:
        data = self._read(options["file"])
        items = data if isinstance(data, list) else [data]
        if not items:
            raise _fail("the file holds an empty list")
        definitions, answers, enterprise = [], {}, None
        for index, item in enumerate(items):
            where = f"item {index + 1}: " if isinstance(data, list) else ""
            if not isinstance(item, dict):
                raise _fail(f'{where}expected an object with "framework", "version" and "answers"')
            framework, version = item.get("framework"), item.get("version")
            if not isinstance(framework, str) or version is None:
                raise _fail(f'{where}"framework" and "version" are required')
            version = str(version)
            item_answers = item.get("answers", {})
            if not isinstance(item_answers, dict):
                raise _fail(f'{where}"answers" must be an object {{code: value}}')
            definition = _definition_from_db(framework, version) or _definition_from_files(framework, version)
            if definition is None:
                raise _fail(f"{where}unknown version {framework}@{version}")
            problems = validate_answers(definition, item_answers)
            if problems:
                raise _fail(
                    f"{where}invalid answers for {framework}@{version}:\n" + "\n".join(map(str, problems))
                )
            for code, value in item_answers.items():
                if code in answers and answers[code] != value:
                    raise _fail(f"{where}{code}: answered twice with different values")
                answers[code] = value
            enterprise = _enterprise(item.get("enterprise")) or enterprise
            definitions.append(definition)
        try:
            if isinstance(data, list):
                result = score_assessment(
                    definitions=definitions, answers=answers, enterprise=enterprise, calculator=_calculator()
                ).to_dict()
            else:
                result = score_framework(
                    definition=definitions[0],
                    answers=answers,
                    enterprise=enterprise,
                    calculator=_calculator(),
                ).to_dict()
        except ScoringInputError as exc:
            raise _fail(str(exc)) from exc
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=options["indent"] or None))

    def _read(self, path: str) -> Any:
        try:
            text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise _fail(f"cannot read {path}: {exc.strerror}") from exc
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise _fail(f"{path} is not valid JSON: {exc}") from exc
