"""The schema check: valid fixtures pass, each broken fixture fails naming its problem."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from questionnaires.loader import read_definition_files, validate_definition_files
from questionnaires.schema import check_definition, check_definitions, errors, find_cycle
from tests.questionnaires.conftest import BROKEN, FIXTURES, SHARED_BANK, VALID

BROKEN_FILES = sorted(BROKEN.glob("*.yaml"))


def expected_problem(path: Path) -> str:
    match = re.match(r"# Broken on purpose\. expect: (.+)", path.read_text(encoding="utf-8").splitlines()[0])
    assert match, f"{path.name} must start with '# Broken on purpose. expect: <problem>'"
    return match.group(1)


def problems_with_bank(tmp_path: Path, path: Path) -> list[str]:
    shutil.copy(path, tmp_path)
    shutil.copy(SHARED_BANK, tmp_path)
    _files, problems = validate_definition_files(tmp_path)
    return [str(p) for p in errors(problems)]


def test_it_accepts_the_valid_fixtures() -> None:
    files, problems = validate_definition_files(VALID)
    assert len(files) == 3
    assert errors(problems) == []


def test_it_accepts_the_unbroken_base_of_the_broken_fixtures(tmp_path: Path) -> None:
    assert problems_with_bank(tmp_path, FIXTURES / "broken-base.yaml") == []


def test_it_has_a_broken_fixture_for_every_named_problem() -> None:
    assert len(BROKEN_FILES) >= 30


@pytest.mark.parametrize("path", BROKEN_FILES, ids=lambda p: p.stem)
def test_it_rejects_each_broken_fixture_naming_the_problem(tmp_path: Path, path: Path) -> None:
    expected = expected_problem(path)
    found = problems_with_bank(tmp_path, path)
    assert found, f"{path.name} passed the schema check"
    assert any(expected in problem for problem in found), found
    assert all(problem.startswith(f"{tmp_path / path.name}: ") for problem in found), found


def test_it_names_file_and_code_in_each_problem(tmp_path: Path) -> None:
    found = problems_with_bank(tmp_path, BROKEN / "option-points-exceed-weight.yaml")
    assert (
        f"{tmp_path / 'option-points-exceed-weight.yaml'}: broken.energy.grade: option points 50" in found[0]
    )


def test_it_exits_non_zero_with_the_messages_on_broken_files(tmp_path: Path, capsys) -> None:
    shutil.copy(BROKEN / "dimension-weights-sum.yaml", tmp_path)
    shutil.copy(SHARED_BANK, tmp_path)
    with pytest.raises(CommandError, match="error"):
        call_command("validate_questionnaires", "--dir", str(tmp_path))
    assert "dimension weights add up to 90, not 100" in capsys.readouterr().err


def test_it_exits_zero_on_valid_files(capsys) -> None:
    call_command("validate_questionnaires", "--dir", str(VALID))
    assert "3 definition file(s) valid" in capsys.readouterr().out


def test_it_checks_one_file_alone_without_its_banks() -> None:
    files, _ = read_definition_files(VALID)
    alpha = next(data for name, data in files.items() if name.endswith("alpha-2025.yaml"))
    found = [str(p) for p in check_definition(alpha, file="alpha.yaml")]
    assert any("'shared.energy_per_output' is not a question of this file" in p for p in found)


def test_it_accepts_clean_production_weights_as_fractions_or_percentages() -> None:
    files, _ = read_definition_files(FIXTURES)
    base = files[next(name for name in files if name.endswith("broken-base.yaml"))]
    base = {**base, "method": "clean_production", "uses": [], "applies_to": {"fallback": True}}
    base["dimensions"] = [
        {
            **base["dimensions"][0],
            "weight": 0.6,
            "indicators": [
                {
                    **base["dimensions"][0]["indicators"][1],
                    "weight": 100,
                    "rule": {"type": "options", "question": "broken.q.grade"},
                }
            ],
        },
        {
            **base["dimensions"][1],
            "weight": 0.4,
            "indicators": [{**base["dimensions"][1]["indicators"][0], "weight": 1}],
        },
    ]
    assert errors(check_definitions({"cp.yaml": base})) == []


def test_it_requires_help_and_source_on_questions_and_warns_on_thin_help() -> None:
    files, _ = read_definition_files(VALID)
    bank = dict(files[next(name for name in files if name.endswith("bank-shared-2025.yaml"))])
    stripped = [{k: v for k, v in q.items() if k not in ("help", "source")} for q in bank["questions"]]
    found = [
        str(p) for p in errors(check_definitions({"bank-shared-2025.yaml": {**bank, "questions": stripped}}))
    ]
    assert "bank-shared-2025.yaml: shared.has_ems: question has no help (what, how, example, why)" in found
    assert (
        "bank-shared-2025.yaml: shared.has_ems: question has no source (standard and clause, or document)"
        in found
    )
    assert not any("shared.energy_per_output: question has no help" in p for p in found)  # computed
    problems = check_definitions({"bank-shared-2025.yaml": bank})
    assert errors(problems) == []
    assert {p.severity for p in problems} == {"warning"}
    assert "bank-shared-2025.yaml: shared.has_ems: warning: help has no how, example, why" in map(
        str, problems
    )


def test_it_finds_a_cycle_and_its_path() -> None:
    assert find_cycle({"a": ["b"], "b": ["c"], "c": ["a"]}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": ["b"], "b": ["c"], "c": []}) is None
    assert find_cycle({"a": ["a"]}) == ["a", "a"]


def test_it_survives_garbage_without_crashing() -> None:
    for garbage in (
        None,
        [],
        "text",
        42,
        {"dimensions": "x", "questions": {"a": 1}},
        {
            "kind": "framework",
            "dimensions": [None, {"indicators": [1, {"rule": []}]}],
            "questions": [None, {"options": 3}],
        },
    ):
        assert errors(check_definitions({"garbage.yaml": garbage}))


def clean_production_system(framework: str, applies_to: dict) -> dict:
    files, _ = read_definition_files(FIXTURES)
    base = files[next(name for name in files if name.endswith("broken-base.yaml"))]
    prefix = framework.replace("_", "")
    text = json.dumps(
        {**base, "framework": framework, "method": "clean_production", "uses": [], "applies_to": applies_to}
    ).replace("broken.", f"{prefix}.")
    definition = json.loads(text)
    definition["dimensions"][0]["weight"], definition["dimensions"][1]["weight"] = 0.6, 0.4
    definition["dimensions"][0]["indicators"][0]["weight"] = 0.5
    definition["dimensions"][0]["indicators"][0]["rule"] = {
        "type": "yesno",
        "question": f"{prefix}.q.has_boiler",
    }
    definition["dimensions"][0]["indicators"][1]["weight"] = 0.5
    definition["dimensions"][1]["indicators"][0]["weight"] = 1
    return definition


def test_it_lets_the_industry_pick_exactly_one_clean_production_system() -> None:
    generic = clean_production_system("cp_generic", {"fallback": True})
    dairy = clean_production_system("cp_dairy", {"industries": ["C144"]})
    milk = clean_production_system("cp_milk", {"industries": ["C1441"]})
    paper = clean_production_system("cp_paper", {"industries": ["C22"]})
    assert errors(check_definitions({"a.yaml": generic, "b.yaml": dairy, "c.yaml": paper})) == []
    found = [str(p) for p in errors(check_definitions({"a.yaml": generic, "b.yaml": dairy, "c.yaml": milk}))]
    assert found == [
        "c.yaml: applies_to: industries C1441 are also claimed by cp_dairy@1: the industry must pick one system"
    ]
    second = clean_production_system("cp_other", {"fallback": True})
    found = [str(p) for p in errors(check_definitions({"a.yaml": generic, "b.yaml": second}))]
    assert found == [
        "b.yaml: applies_to: more than one fallback clean-production system: cp_generic@1, cp_other@1"
    ]
