"""Loader of the recommended-actions catalog: YAML file -> validated, immutable dataclasses.

Pure Python (no ORM). The catalog is versioned like the questionnaires: `actions-<version>.yaml`, and
every loaded catalog carries the SHA-256 of its file so a report can say which catalog it used.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from assessment.actions.schema import validate_catalog
from questionnaires.references import Citation, cite_text, load_references

CATALOG_DIR = Path(__file__).resolve().parent
CURRENT_VERSION = "2025"


class CatalogError(ValueError):
    """The catalog file is missing or invalid; the message lists every problem."""


@dataclass(frozen=True)
class Effect:
    question: str
    form: str  # value | at_least | at_most | reduce_by | increase_by | include
    target: Any
    cap: float | None = None
    provisional: bool = False
    basis: dict[str, str] | None = None


# An action's source: a reference of questionnaires/references.yaml plus the section it cites.
Source = Citation


@dataclass(frozen=True)
class Action:
    code: str
    title: dict[str, str]
    description: dict[str, str]
    why: dict[str, str]
    effort: str
    horizon: str
    benefits: tuple[str, ...]
    support: tuple[str, ...]
    effects: tuple[Effect, ...]
    improves: tuple[str, ...]
    sources: tuple[Source, ...]
    industries: tuple[str, ...] = ()
    size_classes: tuple[str, ...] = ()

    def applies_to(self, *, industry: str | None, size_class: str | None) -> bool:
        """Industry (GB/T 4754 division or class prefix) and size restrictions of the action."""
        if self.industries and not (industry and any(industry.startswith(p) for p in self.industries)):
            return False
        return not (self.size_classes and size_class not in self.size_classes)


@dataclass(frozen=True)
class Catalog:
    version: str
    content_hash: str
    title: dict[str, str]
    effort_classes: dict[str, dict[str, Any]]
    horizons: dict[str, dict[str, Any]]
    benefits: dict[str, dict[str, str]]
    support_channels: dict[str, dict[str, Any]]
    references: dict[str, dict[str, Any]]
    actions: tuple[Action, ...]
    _by_code: dict[str, Action] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_code.update({a.code: a for a in self.actions})

    def get(self, code: str) -> Action:
        return self._by_code[code]

    def effort_weight(self, effort: str) -> float:
        return float(self.effort_classes[effort]["weight"])

    def cite(self, source: Source, lang: str = "zh") -> str:
        """A human-readable citation: 《title》（number），section (no file names)."""
        return cite_text(source, self.references, lang)


def _effect(spec: dict[str, Any]) -> Effect:
    form = next(
        k for k in ("value", "at_least", "at_most", "reduce_by", "increase_by", "include") if k in spec
    )
    target = tuple(spec[form]) if form == "include" else spec[form]
    return Effect(
        question=spec["question"],
        form=form,
        target=target,
        cap=spec.get("cap"),
        provisional=bool(spec.get("provisional", False)),
        basis=spec.get("basis"),
    )


def catalog_from_data(data: dict[str, Any], *, content_hash: str = "") -> Catalog:
    """Build a Catalog from parsed YAML; raises CatalogError with every problem if invalid."""
    problems = validate_catalog(data)
    if problems:
        raise CatalogError("; ".join(problems))
    actions = tuple(
        Action(
            code=a["code"],
            title=a["title"],
            description=a["description"],
            why=a["why"],
            effort=a["effort"],
            horizon=a["horizon"],
            benefits=tuple(a["benefits"]),
            support=tuple(a["support"]),
            effects=tuple(_effect(e) for e in a["effects"]),
            improves=tuple(a["improves"]),
            sources=tuple(Source(s["ref"], str(s.get("section", ""))) for s in a["sources"]),
            industries=tuple((a.get("applies") or {}).get("industries") or ()),
            size_classes=tuple((a.get("applies") or {}).get("size_classes") or ()),
        )
        for a in data["actions"]
    )
    return Catalog(
        version=data["version"],
        content_hash=content_hash,
        title=data["title"],
        effort_classes=data["effort_classes"],
        horizons=data["horizons"],
        benefits=data["benefits"],
        support_channels=data["support_channels"],
        references=load_references(),
        actions=actions,
    )


def catalog_path(version: str = CURRENT_VERSION) -> Path:
    return CATALOG_DIR / f"actions-{version}.yaml"


@lru_cache(maxsize=4)
def load_catalog(version: str = CURRENT_VERSION) -> Catalog:
    """The shipped catalog of that version (validated, cached per process)."""
    path = catalog_path(version)
    if not path.exists():
        raise CatalogError(f"no actions catalog for version {version!r} ({path.name})")
    raw = path.read_bytes()
    data = yaml.safe_load(raw)
    return catalog_from_data(data, content_hash=hashlib.sha256(raw).hexdigest())
