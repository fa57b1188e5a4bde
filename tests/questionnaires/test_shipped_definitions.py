"""The shipped definition files: they validate, load, export, and hold the content the issue asks for.

Every expected file must exist (while the content was being written a missing file was skipped).
"""

from __future__ import annotations

import json
import shutil
from io import StringIO

import pytest
from django.core.management import call_command

from questionnaires.definition import (
    iter_dimensions,
    iter_indicators,
    iter_questions,
    metric_count,
    question_index,
    rule_max_points,
)
from questionnaires.loader import DEFINITIONS_DIR, display_name, load_definitions, validate_definition_files
from questionnaires.schema import errors

EXPECTED_FILES = [
    "bank-energy-2025.yaml",
    "bank-management-2025.yaml",
    "green_factory-2025.yaml",
    "green_factory-2018.yaml",
    "clean_production_generic-2025.yaml",
    "sme_digital-2024.yaml",
]


def require(name: str, loaded: dict | None = None) -> None:
    if not (DEFINITIONS_DIR / name).exists():
        pytest.fail(f"{name} is missing from {DEFINITIONS_DIR}")
    if loaded is not None and display_name(DEFINITIONS_DIR / name) not in loaded:
        pytest.fail(f"{name} (or a bank it uses) does not validate: see test_it_validates_each_shipped_file")


@pytest.fixture(scope="module")
def checked() -> tuple[dict, list]:
    return validate_definition_files()


@pytest.mark.parametrize("name", EXPECTED_FILES)
def test_it_validates_each_shipped_file(checked: tuple[dict, list], name: str) -> None:
    require(name)
    _files, problems = checked
    mine = [str(p) for p in errors(problems) if p.file == display_name(DEFINITIONS_DIR / name)]
    assert mine == [], "\n".join(mine)


def test_it_gives_every_energy_bank_question_full_help(checked: tuple[dict, list]) -> None:
    # Thin help is only a warning for the validator, but the calculator's inputs are what SME managers
    # find hardest: each one keeps what, how, an example and why.
    require("bank-energy-2025.yaml")
    _files, problems = checked
    mine = [str(p) for p in problems if p.file == display_name(DEFINITIONS_DIR / "bank-energy-2025.yaml")]
    assert mine == [], "\n".join(mine)


def test_it_ships_at_least_one_sector_clean_production_system() -> None:
    sectors = [p.name for p in DEFINITIONS_DIR.glob("clean_production_*.yaml") if "generic" not in p.name]
    assert sectors, "at least one sector clean-production system is shipped"
    _files, problems = validate_definition_files()
    for name in sectors:
        mine = [str(p) for p in errors(problems) if p.file == display_name(DEFINITIONS_DIR / name)]
        assert mine == [], "\n".join(mine)


@pytest.fixture
def loaded(db, tmp_path, checked: tuple[dict, list]) -> dict:
    """Load every shipped file that validates, with the banks it uses (a broken file elsewhere does not
    hide the counts of a good one). Returns {file name: data} of what was loaded."""
    files, problems = checked
    broken = {p.file for p in errors(problems)}
    banks = {f"{d['framework']}@{d['version']}": name for name, d in files.items() if d.get("kind") == "bank"}
    good = {
        name: data
        for name, data in files.items()
        if name not in broken and all(banks.get(use) not in broken for use in data.get("uses") or [])
    }
    for name in good:
        shutil.copy(DEFINITIONS_DIR / name.rsplit("/", 1)[-1], tmp_path)
    load_definitions(directory=tmp_path)
    return good


def export(framework: str, version: str) -> dict:
    out = StringIO()
    call_command("export_questionnaire", framework, "--version", version, stdout=out)
    return json.loads(out.getvalue())


def test_export_list_shows_every_shipped_definition(loaded: dict, checked: tuple[dict, list]) -> None:
    out = StringIO()
    call_command("export_questionnaire", "--list", stdout=out)
    rows = [line.split()[:2] for line in out.getvalue().splitlines()[1:]]
    assert sorted(rows) == sorted([data["framework"], data["version"]] for data in loaded.values())
    not_loaded = sorted(set(checked[0]) - set(loaded))
    assert not_loaded == [], f"shipped files that do not validate (or use a bank that does not): {not_loaded}"


def test_export_of_green_factory_2025_has_at_least_18_indicators(loaded: dict) -> None:
    require("green_factory-2025.yaml", loaded)
    definition = export("green_factory", "2025")
    assert metric_count(definition) >= 18  # the 18 rows of the filing form (docs/provenance.md §2.3)
    assert len(list(iter_dimensions(definition))) == 5
    assert definition["prerequisites"], "veto (basic requirement) items"
    linear = [i for i in iter_indicators(definition, leaves_only=True) if i["rule"]["type"] == "linear"]
    assert linear and all({"benchmark", "leading", "direction"} <= set(i["rule"]) for i in linear)


def test_export_of_green_factory_2018_has_at_least_25_indicators(loaded: dict) -> None:
    require("green_factory-2018.yaml", loaded)
    definition = export("green_factory", "2018")
    second_level = [i for d in iter_dimensions(definition) for i in d["indicators"]]
    assert len(second_level) >= 25  # 25 second-level indicators (docs/provenance.md §2.2)
    assert definition["status"] == "legacy"


def test_export_of_generic_clean_production_has_at_least_30_indicators(loaded: dict) -> None:
    require("clean_production_generic-2025.yaml", loaded)
    definition = export("clean_production_generic", "2025")
    assert metric_count(definition) >= 30
    assert len(list(iter_dimensions(definition))) == 6
    assert any(i.get("limiting") for i in iter_indicators(definition)), "limiting (限定性) indicators"
    assert definition["applies_to"]["fallback"] is True


def test_export_of_sme_digital_2024_sums_to_100_points_with_16_scenarios(loaded: dict) -> None:
    require("sme_digital-2024.yaml", loaded)
    definition = export("sme_digital", "2024")
    questions = question_index(definition)
    leaves = list(iter_indicators(definition, leaves_only=True))
    assert sum(rule_max_points(i, questions) for i in leaves) == pytest.approx(100, abs=1e-9)
    scenarios = definition["settings"]["scenarios"]
    assert len(scenarios) == len(set(scenarios)) == 16
    for code in scenarios:
        assert questions[code]["type"] == "level"
        assert sorted(level["level"] for level in questions[code]["levels"]) == [1, 2, 3, 4]
    assert any(questions[code].get("constrained") for code in scenarios)


def test_every_shipped_question_code_is_unique_across_frameworks(loaded: dict) -> None:
    own = [q["code"] for data in loaded.values() for q in iter_questions(data)]
    assert len(own) == len(set(own))
