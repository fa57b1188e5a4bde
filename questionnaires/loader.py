"""Read, validate, resolve and load the definition files into QuestionnaireVersion.

- `read_definition_files` parses every file of the definitions directory (YAML or JSON).
- `validate_definition_files` runs the schema check over all of them (questionnaires.schema).
- `resolve_definitions` copies the bank questions a framework references into its `questions`.
- `load_definitions` stores the resolved JSON idempotently; a changed version with answers gets a new
  revision (the answered row is kept, superseded) and `revision_created` is sent for the apps using it.
Nothing here imports the assessment app: answers are reached through the reverse relations.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from questionnaires.definition import (
    clear_definition_cache,
    framework_references,
    question_dependencies,
)
from questionnaires.models import QuestionnaireVersion
from questionnaires.question_types import is_derived
from questionnaires.revisions import RevisionChange, revision_changes
from questionnaires.schema import Problem, bank_key, check_definitions, errors
from questionnaires.signals import revision_created

DEFINITIONS_DIR = Path(__file__).resolve().parent / "definitions"
SUFFIXES = {".yaml", ".yml", ".json"}


class QuestionnaireError(Exception):
    """Definitions cannot be loaded: the messages say which file, code and problem, or which version."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = messages


# libyaml's parser when PyYAML was built with it (about 6x faster); same safe constructor either way.
if TYPE_CHECKING:
    _BaseLoader = yaml.SafeLoader
else:
    _BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_BaseLoader):
    """Safe loader that refuses a key given twice in one mapping (YAML would silently keep the last)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: set[tuple[str, str]] = set()
        for key_node, _value in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            key = (key_node.tag, key_node.value)  # the resolved tag tells "1" from 1
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key_node.value!r}", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def display_name(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path(settings.BASE_DIR).resolve()))
    except ValueError:
        return str(path)


def read_definition_files(directory: Path | None = None) -> tuple[dict[str, Any], list[Problem]]:
    """Parse every definition file: ({display name: data}, parse problems)."""
    directory = Path(directory or DEFINITIONS_DIR)
    files: dict[str, Any] = {}
    problems: list[Problem] = []
    for path in sorted(p for p in directory.iterdir() if p.suffix in SUFFIXES and p.is_file()):
        name = display_name(path)
        try:
            text = path.read_text(encoding="utf-8")
            data = json.loads(text) if path.suffix == ".json" else yaml.load(text, Loader=_UniqueKeyLoader)
        except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
            problems.append(Problem(name, "(file)", "cannot be read: " + " ".join(str(exc).split())))
            continue
        files[name] = data
    return files, problems


def validate_definition_files(directory: Path | None = None) -> tuple[dict[str, Any], list[Problem]]:
    """Read and check all files together; returns the files and every problem (errors and warnings)."""
    files, problems = read_definition_files(directory)
    return files, problems + check_definitions(files)


def content_hash(definition: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical JSON (sorted keys, no spaces) of a resolved definition."""
    canonical = json.dumps(definition, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _as_json(data: Any) -> Any:
    # What is stored is what is hashed: JSON turns YAML's integer keys (level points) into strings.
    return json.loads(json.dumps(data, ensure_ascii=False))


def resolve_definition(data: Mapping[str, Any], banks: Mapping[str, Mapping[str, Any]]) -> dict:
    """A framework with the bank questions it references copied into `questions` (each marked with
    `bank: "<bank>@<version>"`). Referenced: read by a rule, prerequisite, applicability or setting,
    or needed by such a question's condition or formula, transitively. A referenced calculator
    question brings all input (non-computed) questions of its bank: the calculator reads them all."""
    definition = _as_json(data)
    if definition.get("kind") == "bank":
        return definition
    own = {q["code"] for q in definition.get("questions") or []}
    bank_questions: dict[str, tuple[str, dict]] = {}
    for use in definition.get("uses") or []:
        for question in banks[use].get("questions") or []:
            bank_questions.setdefault(question["code"], (use, question))
    wanted: set[str] = set()
    pending = list(framework_references(definition))
    for question in definition.get("questions") or []:
        pending.extend(question_dependencies(question))
    while pending:
        code = pending.pop()
        if code in own or code in wanted or code not in bank_questions:
            continue
        wanted.add(code)
        use, question = bank_questions[code]
        pending.extend(question_dependencies(question))
        if question.get("calculator"):
            pending.extend(q["code"] for q in banks[use].get("questions") or [] if not is_derived(q))
    for use in definition.get("uses") or []:
        for question in banks[use].get("questions") or []:
            if question["code"] in wanted and bank_questions[question["code"]][0] == use:
                definition["questions"].append({**_as_json(question), "bank": use})
    return definition


def resolve_definitions(files: Mapping[str, Any]) -> list[tuple[str, dict]]:
    """[(file name, resolved definition)] for valid files: banks first, then frameworks."""
    banks = {bank_key(data): data for data in files.values() if data.get("kind") == "bank"}
    ordered = sorted(files.items(), key=lambda item: (item[1].get("kind") != "bank", item[0]))
    return [(name, resolve_definition(data, banks)) for name, data in ordered]


_resolved_cache: dict[tuple, list[dict]] = {}


def _directory_state(directory: Path) -> tuple:
    return tuple(
        (path.name, path.stat().st_mtime_ns, path.stat().st_size)
        for path in sorted(directory.iterdir())
        if path.suffix in SUFFIXES and path.is_file()
    )


def resolved_definitions(directory: Path | None = None) -> list[dict]:
    """Validated, resolved definitions straight from the files (no database). Raises QuestionnaireError.

    Cached per process while no file of the directory changes (name, size, modification time); each
    call returns fresh copies, so callers may change them.
    """
    directory = Path(directory or DEFINITIONS_DIR).resolve()
    key = (str(directory), _directory_state(directory))
    if key not in _resolved_cache:
        files, problems = validate_definition_files(directory)
        if errors(problems):
            raise QuestionnaireError([str(p) for p in errors(problems)])
        if len(_resolved_cache) >= 8:
            _resolved_cache.clear()
        _resolved_cache[key] = [definition for _name, definition in resolve_definitions(files)]
    return copy.deepcopy(_resolved_cache[key])


def is_frozen(version: QuestionnaireVersion) -> bool:
    """A version is frozen once any assessment on it has an answer."""
    return version.assessments.filter(answers__isnull=False).exists()


# Keys that say where a figure comes from or what a level is called, not what is asked or how points are
# scored: correcting a citation or a provenance note, or removing another province's rating tiers (a
# label, see docs/scoring.md), does not change the meaning of stored answers or their scores.
PROVENANCE_ONLY_KEYS = frozenset({"source", "refs", "provisional_note", "rating_tiers"})


def _without_provenance(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _without_provenance(v) for k, v in value.items() if k not in PROVENANCE_ONLY_KEYS}
    if isinstance(value, list):
        return [_without_provenance(v) for v in value]
    return value


def _only_status_changed(old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    """True if a frozen version may take the new content: only its status (current -> legacy when a
    new version arrives: lifecycle), its citations and provenance notes, or its rating-tier labels
    changed; answers keep their meaning and scores are unchanged."""
    old_rest = {k: v for k, v in old.items() if k != "status"}
    new_rest = {k: v for k, v in new.items() if k != "status"}
    return old_rest == new_rest or _without_provenance(old_rest) == _without_provenance(new_rest)


@dataclass
class Revised:
    """A version that got a new revision: its label, the new revision number, what changed (in words)
    and what the apps listening to `revision_created` did (e.g. drafts moved), one line each."""

    label: str
    revision: int
    changes: list[RevisionChange]
    notes: list[str] = field(default_factory=list)


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    revised: list[Revised] = field(default_factory=list)
    not_in_files: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class _DryRun(Exception):
    """Raised at the end of a dry run to roll everything back."""


def _new_revision(row: QuestionnaireVersion, fields: dict[str, Any], label: str) -> Revised:
    """Supersede the answered `row` by revision n+1 holding `fields`, and tell the listening apps."""
    changes = revision_changes(row.definition, fields["definition"])
    row.superseded_at = timezone.now()
    row.save(update_fields=["superseded_at"])
    latest = max(
        QuestionnaireVersion.objects.filter(framework=row.framework, version=row.version).values_list(
            "revision", flat=True
        )
    )
    new = QuestionnaireVersion.objects.create(
        framework=row.framework, version=row.version, revision=latest + 1, **fields
    )
    revised = Revised(label=label, revision=new.revision, changes=changes)
    for _receiver, note in revision_created.send(
        sender=QuestionnaireVersion, previous=row, revision=new, changes=changes
    ):
        if note:
            revised.notes.append(str(note))
    return revised


def load_definitions(*, directory: Path | None = None, dry_run: bool = False) -> LoadReport:
    """Validate all files and store every resolved definition, all or nothing.

    Idempotent: an unchanged file (same content hash) writes nothing. A changed file updates its version
    in place while no assessment has answers on it, or when only its status (current/legacy) or its
    citations (source, refs, provisional_note) changed; otherwise it becomes a new revision of the
    version (`Revised` in the report: what changed, in words) and `revision_created` is sent, inside the
    same transaction. With `dry_run` everything is rolled back and the report says what would happen.
    """
    files, problems = validate_definition_files(directory)
    if errors(problems):
        raise QuestionnaireError([str(p) for p in errors(problems)])
    report = LoadReport(warnings=[str(p) for p in problems])
    try:
        with transaction.atomic():
            _store(files, report)
            if dry_run:
                raise _DryRun
            transaction.on_commit(clear_definition_cache)
    except _DryRun:
        clear_definition_cache()
    return report


def _store(files: Mapping[str, Any], report: LoadReport) -> None:
    existing = {
        (v.framework, v.version): v
        for v in QuestionnaireVersion.objects.live().select_for_update().defer("definition")
    }
    for name, definition in resolve_definitions(files):
        key = (definition["framework"], definition["version"])
        label = f"{key[0]}@{key[1]}"
        fields = {
            "title_zh": definition["title"]["zh"][:200],
            "title_en": definition["title"]["en"][:200],
            "method": definition.get("method", ""),
            "status": "bank" if definition["kind"] == "bank" else definition["status"],
            "definition": definition,
            "content_hash": content_hash(definition),
            "source_file": name,
        }
        row = existing.pop(key, None)
        if row is None:
            QuestionnaireVersion.objects.create(framework=key[0], version=key[1], **fields)
            report.created.append(label)
        elif row.content_hash == fields["content_hash"]:
            if row.source_file != name:
                row.source_file = name
                row.save(update_fields=["source_file"])
            report.unchanged.append(label)
        elif is_frozen(row) and not _only_status_changed(row.definition, definition):
            report.revised.append(_new_revision(row, fields, label))
        else:
            for attr, value in fields.items():
                setattr(row, attr, value)
            row.save()
            report.updated.append(label)
    report.not_in_files = sorted(f"{fw}@{ver}" for fw, ver in existing)
