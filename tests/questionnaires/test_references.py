"""The references registry: valid, complete entries; citations checked; docs/sources.md current."""

from __future__ import annotations

import copy
import re
from io import StringIO

import pytest
import yaml
from django.core.management import call_command

from questionnaires.definition import iter_indicators, iter_questions
from questionnaires.loader import resolved_definitions
from questionnaires.references import (
    REFERENCES_FILE,
    Citation,
    bibliography,
    check_registry,
    citations_for,
    cite_text,
    inferred_citations,
    load_references,
)
from questionnaires.schema import check_definition, errors


@pytest.fixture(scope="module")
def registry() -> dict:
    return load_references()


def test_the_shipped_registry_is_valid_and_never_guesses(registry):
    assert check_registry(yaml.safe_load(REFERENCES_FILE.read_text(encoding="utf-8"))) == []
    for ref_id, entry in registry.items():
        # Unknown fields are null, not empty strings or placeholders.
        for key in ("number", "url", "date"):
            assert entry[key] is None or str(entry[key]).strip(), ref_id
        assert "TODO" not in str(entry) and "xxx" not in str(entry).lower(), ref_id


def test_the_core_documents_carry_their_number_and_issuer(registry):
    assert registry["gbt36132-2025"]["number"] == "GB/T 36132-2025"
    assert registry["sme-digital-2024"]["number"] == "工信厅企业〔2024〕56号"
    assert registry["mee-grid-factor-2023"]["number"] == "公告2025年第47号"
    assert registry["cp-audit-2016"]["kind"] == "policy"
    assert registry["ghg-protocol-scope2"]["issuer"]["en"].startswith("World Resources Institute")


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda r: r["gbt36132-2025"].pop("url"), "missing ['url']"),
        (lambda r: r["gbt36132-2025"].update(date="31.12.2025"), "date:"),
        (lambda r: r["gbt36132-2025"].update(kind="book"), "kind:"),
        (lambda r: r["gbt36132-2025"].update(url="www.example"), "url:"),
        (lambda r: r["gbt36132-2025"]["title"].pop("en"), "title: needs zh and en"),
    ],
)
def test_the_registry_check_bites(registry, change, problem):
    data = {"schema": 1, "kind": "references", "references": copy.deepcopy(registry)}
    change(data["references"])
    assert any(problem in p for p in check_registry(data)), check_registry(data)


def test_a_definition_citing_an_unknown_reference_is_refused():
    data = yaml.safe_load(
        (REFERENCES_FILE.parent / "definitions" / "green_factory-2025.yaml").read_text(encoding="utf-8")
    )
    data["refs"] = ["gbt36132-2025", {"ref": "no-such-document", "section": "5.2"}]
    found = [str(p) for p in errors(check_definition(data, file="gf25.yaml"))]
    assert any("no-such-document" in p for p in found), found
    data["refs"] = [{"ref": "gbt36132-2025", "section": "5.2"}]
    assert not [p for p in errors(check_definition(data, file="gf25.yaml")) if "refs" in p.problem]


def test_every_shipped_framework_cites_its_document_and_every_sourced_object_resolves(registry):
    for definition in resolved_definitions():
        assert definition.get("refs"), definition["framework"]
        top = definition["refs"]
        for obj in [*iter_indicators(definition), *iter_questions(definition)]:
            if obj.get("source"):
                assert citations_for(obj, registry, top), obj.get("code")


def test_a_source_note_names_its_documents_by_number():
    registry = load_references()
    found = inferred_citations("GB/T 24001-2016; GB/T 36132-2018 management system category", registry)
    assert {c.ref for c in found} == {"gbt24001-2016", "gbt36132-2018"}
    assert [c.ref for c in inferred_citations("MEE/NBS 公告2025年第47号", registry)] == [
        "mee-grid-factor-2023"
    ]
    assert inferred_citations("set by this project", registry) == []


def test_citations_and_bibliography_are_plain_words(registry):
    text = cite_text(Citation("gbt36132-2025", "第5章"), registry, "zh")
    assert text == "《绿色工厂评价通则》（GB/T 36132-2025），第5章"
    assert cite_text(Citation("gbt36132-2025"), registry, "en").endswith("(GB/T 36132-2025)")
    entries = bibliography(["sme-digital-2024", "gbt36132-2025", "sme-digital-2024"], registry, "zh")
    assert (
        len(entries) == 2 and "工信厅企业〔2024〕56号" in entries[0] and "https://www.gov.cn/" in entries[0]
    )
    for line in entries:
        assert "§" not in line and ".txt" not in line and not re.search(r"\[[ABCU]\]", line)


def test_docs_sources_md_is_generated_from_the_registry():
    out = StringIO()
    call_command("document_sources", "--check", stdout=out)
    assert "current" in out.getvalue()
