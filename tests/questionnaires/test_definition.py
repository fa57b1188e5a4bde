"""Helpers over the resolved JSON and the per-process definition cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from questionnaires.definition import (
    DefinitionNotFound,
    clear_definition_cache,
    definition_diff,
    definition_for_version,
    dimension_of,
    find_indicator,
    find_question,
    general_questions,
    get_definition,
    indicator_max_points,
    iter_indicators,
    metric_count,
    provisional_items,
    question_frameworks,
    questions_of_dimension,
)
from questionnaires.loader import load_definitions, resolved_definitions
from questionnaires.models import QuestionnaireVersion
from tests.questionnaires.conftest import VALID


@pytest.fixture
def alpha() -> dict:
    return next(d for d in resolved_definitions(VALID) if d["framework"] == "alpha")


@pytest.fixture(autouse=True)
def _empty_cache():
    clear_definition_cache()
    yield
    clear_definition_cache()


def test_it_iterates_indicators_depth_first_and_finds_by_code(alpha: dict) -> None:
    codes = [i["code"] for i in iter_indicators(alpha)]
    assert codes == [
        "alpha.energy.intensity",
        "alpha.energy.ems",
        "alpha.boiler.efficiency",
        "alpha.boiler.plan",
    ]
    assert find_question(alpha, "shared.has_ems")["bank"] == "shared@2025"
    assert find_question(alpha, "nope") is None
    assert find_indicator(alpha, "alpha.boiler.plan")["weight"] == 15
    assert dimension_of(alpha, "alpha.boiler.plan")["code"] == "alpha.boiler"


def test_it_lists_the_questions_of_a_dimension_with_their_inputs_and_conditions(alpha: dict) -> None:
    energy = [q["code"] for q in questions_of_dimension(alpha, "alpha.energy")]
    boiler = [q["code"] for q in questions_of_dimension(alpha, "alpha.boiler")]
    # The computed intensity brings its bank inputs; the boiler grade brings the question its condition reads.
    assert energy == ["shared.has_ems", "shared.energy_tce", "shared.output_10k", "shared.energy_per_output"]
    assert boiler == ["alpha.q.has_boiler", "alpha.q.boiler_grade", "alpha.q.measures"]
    assert [q["code"] for q in general_questions(alpha)] == ["alpha.q.lawful"]
    with pytest.raises(KeyError):
        questions_of_dimension(alpha, "alpha.nope")


def test_it_reads_children_and_max_points() -> None:
    parent = {"code": "p", "weight": 8, "children": [{"code": "a", "weight": 4}, {"code": "b", "weight": 4}]}
    definition = {"dimensions": [{"code": "d", "indicators": [parent]}]}
    assert [i["code"] for i in iter_indicators(definition)] == ["p", "a", "b"]
    assert [i["code"] for i in iter_indicators(definition, leaves_only=True)] == ["a", "b"]
    assert indicator_max_points(parent) == 8
    assert metric_count(definition) == 2
    alternatives = {
        **parent,
        "children": [{**c, "applies": {"size_classes": ["small"]}} for c in parent["children"]],
    }
    assert metric_count({"dimensions": [{"code": "d", "indicators": [alternatives, {"code": "x"}]}]}) == 2


def test_it_tells_which_frameworks_a_question_feeds() -> None:
    definitions = resolved_definitions(VALID)
    assert question_frameworks("shared.has_ems", definitions) == [("alpha", "2025"), ("beta", "2025")]
    assert question_frameworks("shared.energy_tce", definitions) == [("alpha", "2025")]
    assert question_frameworks("shared.unused", definitions) == []


def test_it_lists_provisional_items(alpha: dict) -> None:
    items = {(item["code"], item["kind"]) for item in provisional_items(alpha)}
    assert items == {("settings.rating_tiers", "settings"), ("alpha.energy.intensity", "indicator")}


def test_it_describes_what_changed(alpha: dict) -> None:
    changed = {**alpha, "status": "legacy", "questions": alpha["questions"][1:]}
    assert definition_diff(alpha, changed) == ["top-level 'status' changed", "alpha.q.lawful removed"]


def test_it_reads_the_database_once_per_version(db, definitions_dir: Path, django_assert_num_queries) -> None:
    load_definitions(directory=definitions_dir)
    with django_assert_num_queries(1):
        first = get_definition("alpha", "2025")
    with django_assert_num_queries(0):
        again = get_definition("alpha", "2025")
    assert first is again and first["framework"] == "alpha"
    with django_assert_num_queries(1):
        assert get_definition("alpha") is first  # current version: another key, same content hash
    row = QuestionnaireVersion.objects.get(framework="alpha")
    with django_assert_num_queries(0):
        assert definition_for_version(row) is first


def test_it_prefers_the_current_version_and_raises_for_unknown_ones(db, definitions_dir: Path) -> None:
    load_definitions(directory=definitions_dir)
    legacy = QuestionnaireVersion.objects.get(framework="alpha")
    QuestionnaireVersion.objects.create(
        framework="alpha",
        version="2030",
        title_zh="新",
        title_en="New",
        method=legacy.method,
        status="legacy",
        definition={**legacy.definition, "version": "2030"},
        content_hash="x" * 64,
        source_file="-",
    )
    assert get_definition("alpha")["version"] == "2025"
    with pytest.raises(DefinitionNotFound):
        get_definition("alpha", "1999")
    with pytest.raises(DefinitionNotFound):
        get_definition("shared")  # banks are not frameworks


def test_it_forgets_cached_definitions_when_a_version_is_written(db, definitions_dir: Path) -> None:
    load_definitions(directory=definitions_dir)
    first = get_definition("beta", "2025")
    row = QuestionnaireVersion.objects.get(framework="beta")
    row.definition = {**row.definition, "title": {"zh": "改", "en": "Changed"}}
    row.content_hash = "y" * 64
    row.save()
    again = get_definition("beta", "2025")
    assert again is not first and again["title"]["en"] == "Changed"
