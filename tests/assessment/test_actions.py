"""The recommended-actions catalog: shipped data valid, keyed to real codes, sourced; the schema check bites."""

from __future__ import annotations

import copy

import pytest
import yaml

from assessment.actions import CatalogError, catalog_from_data, load_catalog, validate_catalog
from assessment.actions.catalog import catalog_path
from assessment.actions.targets import indicators_improved, known_codes
from questionnaires.loader import resolved_definitions


@pytest.fixture(scope="module")
def definitions() -> list[dict]:
    return [d for d in resolved_definitions() if d.get("kind") == "framework"]


@pytest.fixture(scope="module")
def raw() -> dict:
    return yaml.safe_load(catalog_path().read_text(encoding="utf-8"))


def test_it_ships_at_least_60_valid_actions():
    catalog = load_catalog()
    assert len(catalog.actions) >= 60
    assert catalog.version == "2025"
    assert len(catalog.content_hash) == 64


def test_it_names_only_codes_that_exist_in_the_shipped_definitions(raw, definitions):
    assert validate_catalog(raw, known_codes=known_codes(definitions)) == []


def test_it_keeps_each_improves_list_true_to_the_definitions(definitions):
    for action in load_catalog().actions:
        expected = indicators_improved(definitions, [effect.question for effect in action.effects])
        assert list(action.improves) == expected, action.code


# Year-on-year outcomes (energy per revenue, pass rate, revenue per employee, cost) follow from the other
# actions over time; no action sets them directly.
NOT_LEVERS = {"dig24.outcomes"}


def test_it_improves_every_dimension_of_the_current_frameworks(definitions):
    improved = {code for action in load_catalog().actions for code in action.improves}
    for definition in definitions:
        if definition.get("status") != "current":
            continue
        for dimension in definition["dimensions"]:
            if dimension["code"] in NOT_LEVERS:
                continue
            leaves = []
            stack = list(dimension["indicators"])
            while stack:
                indicator = stack.pop()
                stack.extend(indicator.get("children", []))
                leaves.append(indicator["code"])
            assert improved & set(leaves), f"no action improves {dimension['code']}"


def test_it_cites_every_recommending_policy_document_with_its_section():
    catalog = load_catalog()
    cited = {s.ref for a in catalog.actions for s in a.sources}
    for ref in (
        "hlj-think-tank-green-innovation",
        "hlj-manufacturing-13th-plan",
        "chen-green-manufacturing-high-quality",
        "li-green-manufacturing-dual-carbon",
        "rer-2025-green-industrialisation",
    ):
        assert ref in cited
    for action in catalog.actions:
        for source in action.sources:
            if catalog.references[source.ref]["kind"] in ("article", "policy"):
                assert source.section, action.code


def test_its_citations_read_as_bibliographic_text_without_file_names():
    catalog = load_catalog()
    texts = [catalog.cite(s, lang) for a in catalog.actions for s in a.sources for lang in ("zh", "en")]
    assert texts
    assert not [t for t in texts if ".txt" in t or "§" in t or "seed" in t]
    plan = next(s for a in catalog.actions for s in a.sources if s.ref == "hlj-manufacturing-13th-plan")
    assert "2016—2020" in catalog.cite(plan, "zh")  # a past plan says its years


def test_it_states_a_basis_for_every_numeric_target_and_flags_assumptions():
    catalog = load_catalog()
    numeric = [
        e
        for a in catalog.actions
        for e in a.effects
        if e.form in ("at_least", "at_most", "reduce_by", "increase_by")
    ]
    assert numeric
    assert all(e.basis and e.basis["zh"] and e.basis["en"] for e in numeric)
    assumptions = [e for e in numeric if "假设" in e.basis["zh"]]
    assert assumptions and all(e.provisional for e in assumptions)


def test_it_uses_the_four_cleaner_production_effort_classes_and_three_horizons():
    catalog = load_catalog()
    assert {a.effort for a in catalog.actions} == {"无费", "低费", "中费", "高费"}
    assert {a.horizon for a in catalog.actions} == {"short", "medium", "long"}
    assert [catalog.effort_weight(e) for e in ("无费", "低费", "中费", "高费")] == [1, 2, 4, 8]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: d["actions"][0].update(effort="免费"), "effort: must be one of"),
        (lambda d: d["actions"][0].update(horizon="soon"), "horizon: must be one of"),
        (lambda d: d["actions"][0].update(support=["lottery"]), "unknown support channel 'lottery'"),
        (lambda d: d["actions"][1].update(code=d["actions"][0]["code"]), "duplicate code"),
        (lambda d: d["actions"][0].update(sources=[{"ref": "nowhere"}]), "must name a reference"),
        (
            lambda d: d["actions"][0].update(sources=[{"ref": "hlj-manufacturing-13th-plan"}]),
            "cited with its section",
        ),
        (
            lambda d: d["actions"][0].update(effects=[{"question": "calc.water_reuse_rate", "at_least": 90}]),
            "states its basis",
        ),
        (
            lambda d: d["actions"][0].update(effects=[{"question": "mgmt.x", "value": True, "at_least": 1}]),
            "exactly one of",
        ),
        (lambda d: d["actions"][0].update(title={"zh": "标题"}), "needs non-empty zh and en"),
        (lambda d: d["actions"][0].pop("why"), "missing keys ['why']"),
        (lambda d: d["effort_classes"].pop("高费"), "must define exactly"),
    ],
)
def test_it_rejects_a_broken_catalog_naming_the_problem(raw, change, problem):
    broken = copy.deepcopy(raw)
    change(broken)
    problems = validate_catalog(broken)
    assert any(problem in p for p in problems), problems
    with pytest.raises(CatalogError):
        catalog_from_data(broken)


def test_it_rejects_an_unknown_question_code_against_the_definitions(raw, definitions):
    broken = copy.deepcopy(raw)
    broken["actions"][0]["effects"] = [{"question": "mgmt.does_not_exist", "value": True}]
    problems = validate_catalog(broken, known_codes=known_codes(definitions))
    assert any("unknown question code 'mgmt.does_not_exist'" in p for p in problems)
