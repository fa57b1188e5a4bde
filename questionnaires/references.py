"""The references registry: the documents the project cites (questionnaires/references.yaml).

Pure Python (no ORM). Definitions, the actions catalog, the energy factors and the reports cite a
document by its id plus a section; pages and reports print the bibliographic entry, never a file name.

A citation is written either as a bare id (`gbt36132-2025`) or as `{ref: gbt36132-2025, section: "5.2"}`;
`refs:` holds a list of them. Where a definition object has no `refs`, its citations are read from its
`source` note: every registry entry whose number (or one of its `match` strings) occurs in the note is
cited (`citations_for`). The shape is documented in docs/definitions.md ("References").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from questionnaires.text import text_language

REFERENCES_FILE = Path(__file__).resolve().parent / "references.yaml"
KINDS = ("standard", "policy", "article", "guidance")
ENTRY_KEYS = {"title", "issuer", "number", "date", "url", "kind", "match"}
ID_RE = re.compile(r"^[a-z0-9][a-z0-9.-]*$")
DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


class ReferenceError(Exception):
    """The registry is invalid, or a citation names an id it does not hold."""


@dataclass(frozen=True)
class Citation:
    ref: str
    section: str = ""


def check_registry(data: Any) -> list[str]:
    """Every problem of the registry file's content (empty when valid)."""
    if not isinstance(data, dict) or data.get("kind") != "references":
        return ["references: the file must be a mapping with kind: references"]
    refs = data.get("references")
    if not isinstance(refs, dict) or not refs:
        return ["references: `references` must map ids to entries"]
    problems: list[str] = []
    for ref_id, entry in refs.items():
        where = f"references.{ref_id}"
        if not isinstance(ref_id, str) or not ID_RE.match(ref_id):
            problems.append(f"{where}: an id is lowercase letters, digits, dots and hyphens")
        if not isinstance(entry, dict):
            problems.append(f"{where}: must be a mapping")
            continue
        missing = {"title", "issuer", "number", "date", "url", "kind"} - set(entry)
        extra = set(entry) - ENTRY_KEYS
        if missing:
            problems.append(f"{where}: missing {sorted(missing)} (write null for an unknown field)")
        if extra:
            problems.append(f"{where}: unknown keys {sorted(extra)}")
        for key in ("title", "issuer"):
            value = entry.get(key)
            if not isinstance(value, dict) or not all(
                isinstance(value.get(lang), str) and value[lang].strip() for lang in ("zh", "en")
            ):
                problems.append(f"{where}.{key}: needs zh and en text")
        for key in ("number", "url"):
            if entry.get(key) is not None and not (isinstance(entry[key], str) and entry[key].strip()):
                problems.append(f"{where}.{key}: a non-empty string or null")
        url = entry.get("url")
        if isinstance(url, str) and not url.startswith(("http://", "https://")):
            problems.append(f"{where}.url: an http(s) address or null")
        date = entry.get("date")
        if date is not None and not (isinstance(date, str) and DATE_RE.match(date)):
            problems.append(f"{where}.date: 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD' (quoted) or null")
        if entry.get("kind") not in KINDS:
            problems.append(f"{where}.kind: one of {list(KINDS)}")
        match = entry.get("match", [])
        if not isinstance(match, list) or not all(isinstance(m, str) and m.strip() for m in match):
            problems.append(f"{where}.match: a list of strings")
    return problems


@lru_cache(maxsize=4)
def _load(path: str, _mtime_ns: int) -> dict[str, dict]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    problems = check_registry(data)
    if problems:
        raise ReferenceError("; ".join(problems))
    return data["references"]


def load_references(path: Path | None = None) -> dict[str, dict]:
    """{id: entry} of the registry (cached while the file is unchanged). Raises ReferenceError."""
    path = Path(path or REFERENCES_FILE)
    return _load(str(path), path.stat().st_mtime_ns)


def parse_citation(item: Any) -> Citation | None:
    """A citation from its written form (an id, or {ref, section}); None if malformed."""
    if isinstance(item, str) and item.strip():
        return Citation(item.strip())
    if isinstance(item, Mapping) and isinstance(item.get("ref"), str) and set(item) <= {"ref", "section"}:
        section = item.get("section", "")
        if isinstance(section, (str, int, float)):
            return Citation(item["ref"], str(section).strip())
    return None


def check_citations(value: Any, where: str, registry: Mapping[str, Any]) -> list[str]:
    """Problems of a `refs` value: a list of citations whose ids all exist in the registry."""
    if not isinstance(value, list) or not value:
        return [f"{where}: refs must be a non-empty list of ids or {{ref, section}}"]
    problems = []
    for item in value:
        cite = parse_citation(item)
        if cite is None:
            problems.append(f"{where}: {item!r} is not an id or {{ref: id, section: text}}")
        elif cite.ref not in registry:
            problems.append(f"{where}: reference {cite.ref!r} is not in questionnaires/references.yaml")
    return problems


def iter_refs(data: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every `refs` value in a nested structure, with a readable path."""
    if isinstance(data, Mapping):
        where = data.get("code") if isinstance(data.get("code"), str) else path
        for key, value in data.items():
            if key == "refs":
                yield where or "(file)", value
            else:
                yield from iter_refs(value, f"{path}.{key}" if path else str(key))
    elif isinstance(data, list):
        for index, item in enumerate(data):
            yield from iter_refs(item, f"{path}[{index}]")


def _patterns(registry: Mapping[str, Mapping[str, Any]]) -> list[tuple[str, str]]:
    found = []
    for ref_id, entry in registry.items():
        for text in [entry.get("number"), *entry.get("match", [])]:
            if text:
                found.append((text.casefold(), ref_id))
    return found


def inferred_citations(source: str, registry: Mapping[str, Mapping[str, Any]]) -> list[Citation]:
    """The registry entries a free-text `source` note names (by number or a `match` string).

    A dated number ("GB/T 36132-2018") wins over the undated series it contains ("GB/T 36132"), so
    an undated series only counts when no dated edition of it is named.
    """
    text = (source or "").casefold()
    hits: list[str] = []
    for pattern, ref_id in _patterns(registry):
        if pattern in text and ref_id not in hits:
            hits.append(ref_id)
    return [Citation(ref_id) for ref_id in hits]


def citations_for(obj: Mapping[str, Any], registry: Mapping[str, Any], fallback: Iterable[Any] = ()) -> list:
    """An object's citations: its `refs`, else those its `source` names, else the fallback refs."""
    if obj.get("refs"):
        return [c for c in map(parse_citation, obj["refs"]) if c and c.ref in registry]
    found = inferred_citations(str(obj.get("source") or ""), registry)
    if found:
        return found
    return [c for c in map(parse_citation, fallback) if c and c.ref in registry]


def cite_text(citation: Citation, registry: Mapping[str, Mapping[str, Any]], lang: str = "zh") -> str:
    """A short in-text citation: 《title》（number），section — no file names, no section signs."""
    entry = registry[citation.ref]
    lg = text_language(lang)
    title = entry["title"][lg]
    number = entry.get("number")
    if lg == "zh":
        text = f"《{title}》" + (f"（{number}）" if number else "")
        return text + (f"，{citation.section}" if citation.section else "")
    text = title + (f" ({number})" if number else "")
    return text + (f", {citation.section}" if citation.section else "")


def bibliography_entry(ref_id: str, registry: Mapping[str, Mapping[str, Any]], lang: str = "zh") -> str:
    """One line of a reference list: issuer. title. number, date. url."""
    entry = registry[ref_id]
    lg = text_language(lang)
    parts = [entry["issuer"][lg], f"《{entry['title'][lg]}》" if lg == "zh" else entry["title"][lg]]
    tail = ", ".join(str(x) for x in (entry.get("number"), entry.get("date")) if x)
    if tail:
        parts.append(tail)
    if entry.get("url"):
        parts.append(entry["url"])
    return ". ".join(parts) + "."


def bibliography(ref_ids: Iterable[str], registry: Mapping[str, Any], lang: str = "zh") -> list[str]:
    """The reference list for the given ids: each once, in the order first cited."""
    seen: list[str] = []
    for ref_id in ref_ids:
        if ref_id in registry and ref_id not in seen:
            seen.append(ref_id)
    return [bibliography_entry(ref_id, registry, lang) for ref_id in seen]


def render_sources_markdown(registry: Mapping[str, Mapping[str, Any]]) -> str:
    """docs/sources.md: every reference, grouped by kind (generated; see document_sources)."""
    lines = [
        "# Sources",
        "",
        "<!-- generated from questionnaires/references.yaml by `manage.py document_sources --write`;",
        "     do not edit by hand (a test checks that this file is current) -->",
        "",
        "Every document the tool cites, as listed in `questionnaires/references.yaml`. Definitions,",
        "actions and energy factors cite an entry by its id and a section; reports print the entry.",
        "A field we do not know is left out (—), never guessed.",
        "",
    ]
    headings = {
        "standard": "Standards",
        "policy": "Policy documents and notices",
        "guidance": "Guidance and platforms",
        "article": "Articles and secondary sources",
    }
    for kind in KINDS:
        ids = sorted(ref_id for ref_id, entry in registry.items() if entry["kind"] == kind)
        if not ids:
            continue
        lines += [
            f"## {headings[kind]}",
            "",
            "| id | title | issuer | number | date | url |",
            "|---|---|---|---|---|---|",
        ]
        for ref_id in ids:
            entry = registry[ref_id]
            cells = [
                f"`{ref_id}`",
                f"{entry['title']['zh']} / {entry['title']['en']}",
                f"{entry['issuer']['zh']} / {entry['issuer']['en']}",
                entry.get("number") or "—",
                entry.get("date") or "—",
                entry.get("url") or "—",
            ]
            lines.append("| " + " | ".join(str(c).replace("|", "/") for c in cells) + " |")
        lines.append("")
    return "\n".join(lines)
