"""Loading: resolution of banks, idempotency, freezing of answered versions, crosswalk."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from assessment.models import Answer
from assessment.scoring import EnterpriseFacts, score_framework
from questionnaires.definition import get_definition, indicators_reading, question_frameworks
from questionnaires.loader import (
    content_hash,
    is_frozen,
    load_definitions,
    resolved_definitions,
)
from questionnaires.logic import effective_answers, is_applicable, resolve_answers
from questionnaires.models import QuestionnaireVersion
from tests.factories import AssessmentFactory
from tests.questionnaires.conftest import VALID


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def answered_assessment(*versions: QuestionnaireVersion, code: str = "shared.has_ems", value: object = True):
    assessment = AssessmentFactory()
    assessment.versions.add(*versions)
    Answer.objects.create(assessment=assessment, question_code=code, value=value)
    return assessment


def test_it_copies_only_referenced_bank_questions_into_a_framework() -> None:
    definitions = {d["framework"]: d for d in resolved_definitions(VALID)}
    alpha_codes = [q["code"] for q in definitions["alpha"]["questions"]]
    beta_codes = [q["code"] for q in definitions["beta"]["questions"]]
    # alpha reads the computed energy intensity, which brings its formula inputs; nobody reads shared.unused.
    assert alpha_codes[-4:] == [
        "shared.has_ems",
        "shared.energy_tce",
        "shared.output_10k",
        "shared.energy_per_output",
    ]
    assert beta_codes == ["beta.q.scenario", "shared.has_ems"]
    assert "shared.unused" not in alpha_codes + beta_codes
    copied = definitions["alpha"]["questions"][-1]
    assert (
        copied["bank"] == "shared@2025" and copied["formula"] == "{shared.energy_tce} / {shared.output_10k}"
    )


def test_it_stores_json_exactly_as_hashed(db, definitions_dir: Path) -> None:
    load_definitions(directory=definitions_dir)
    beta = QuestionnaireVersion.objects.get(framework="beta")
    beta.refresh_from_db()
    assert content_hash(beta.definition) == beta.content_hash
    # YAML's integer keys (level points) are stored as JSON strings, the same in memory and in the DB.
    points = beta.definition["dimensions"][0]["indicators"][1]["rule"]["points"]
    assert points == {"1": 10, "2": 20, "3": 30, "4": 40}


def test_it_loads_banks_and_frameworks_with_their_status(db, definitions_dir: Path) -> None:
    report = load_definitions(directory=definitions_dir)
    assert sorted(report.created) == ["alpha@2025", "beta@2025", "shared@2025"]
    statuses = dict(QuestionnaireVersion.objects.values_list("framework", "status"))
    assert statuses == {"alpha": "current", "beta": "current", "shared": "bank"}
    alpha = QuestionnaireVersion.objects.get(framework="alpha")
    assert (alpha.title_zh, alpha.title_en, alpha.method) == (
        "甲框架",
        "Alpha framework",
        "green_factory_2025",
    )
    assert alpha.source_file.endswith("alpha-2025.yaml")


def test_it_loads_idempotently(db, definitions_dir: Path, django_assert_max_num_queries) -> None:
    load_definitions(directory=definitions_dir)
    before = list(QuestionnaireVersion.objects.order_by("pk").values("pk", "content_hash", "loaded_at"))
    with django_assert_max_num_queries(4):  # savepoint, select, release: no writes
        report = load_definitions(directory=definitions_dir)
    assert report.created == report.updated == []
    assert sorted(report.unchanged) == ["alpha@2025", "beta@2025", "shared@2025"]
    assert (
        list(QuestionnaireVersion.objects.order_by("pk").values("pk", "content_hash", "loaded_at")) == before
    )


def test_it_updates_a_changed_version_without_answers(db, definitions_dir: Path) -> None:
    load_definitions(directory=definitions_dir)
    old_hash = QuestionnaireVersion.objects.get(framework="alpha").content_hash
    edit(definitions_dir / "alpha-2025.yaml", "en: Energy}", "en: Energy use}")
    report = load_definitions(directory=definitions_dir)
    assert report.updated == ["alpha@2025"]
    alpha = QuestionnaireVersion.objects.get(framework="alpha")
    assert alpha.content_hash != old_hash
    assert alpha.definition["dimensions"][0]["title"]["en"] == "Energy use"


def test_it_makes_a_new_revision_of_a_version_that_has_answers(db, definitions_dir: Path) -> None:
    load_definitions(directory=definitions_dir)
    alpha = QuestionnaireVersion.objects.get(framework="alpha")
    answered_assessment(alpha)
    assert is_frozen(alpha)
    edit(definitions_dir / "alpha-2025.yaml", "benchmark: 1.0", "benchmark: 1.2")
    report = load_definitions(directory=definitions_dir)
    assert [(r.label, r.revision) for r in report.revised] == [("alpha@2025", 2)]
    assert [c.text["en"] for c in report.revised[0].changes] == [
        "The benchmark value of the indicator “Energy intensity” changed from 1 to 1.2."
    ]
    alpha.refresh_from_db()
    assert alpha.superseded_at is not None
    assert alpha.definition["dimensions"][0]["indicators"][0]["rule"]["benchmark"] == 1.0
    second = QuestionnaireVersion.objects.live().get(framework="alpha")
    assert second.revision == 2
    assert second.definition["dimensions"][0]["indicators"][0]["rule"]["benchmark"] == 1.2
    assert get_definition("alpha", "2025") == second.definition


def test_a_bank_change_revises_answered_frameworks_and_updates_the_others(db, definitions_dir: Path) -> None:
    load_definitions(directory=definitions_dir)
    answered_assessment(QuestionnaireVersion.objects.get(framework="alpha"))
    # A bank change changes every framework that copies the question: alpha has answers, beta has none.
    edit(
        definitions_dir / "bank-shared-2025.yaml",
        "Is an energy management system in place?",
        "Is an energy management system certified?",
    )
    report = load_definitions(directory=definitions_dir)
    assert [r.label for r in report.revised] == ["alpha@2025"]
    assert set(report.updated) == {"beta@2025", "shared@2025"}
    assert [c.text["en"] for c in report.revised[0].changes] == [
        "The wording of the question “Is an energy management system certified?” changed."
    ]
    assert QuestionnaireVersion.objects.filter(framework="beta").count() == 1


def test_it_does_not_freeze_a_version_whose_assessments_have_no_answers(db, definitions_dir: Path) -> None:
    load_definitions(directory=definitions_dir)
    alpha = QuestionnaireVersion.objects.get(framework="alpha")
    AssessmentFactory().versions.add(alpha)
    other = answered_assessment(QuestionnaireVersion.objects.get(framework="beta"))
    assert not is_frozen(alpha)
    assert other.versions.get().framework == "beta"


def test_it_accepts_a_new_version_next_to_a_frozen_one(db, definitions_dir: Path) -> None:
    load_definitions(directory=definitions_dir)
    answered_assessment(QuestionnaireVersion.objects.get(framework="beta"))
    old = definitions_dir / "beta-2025.yaml"
    new_text = (
        old.read_text(encoding="utf-8")
        .replace('version: "2025"', 'version: "2026"')
        .replace("beta.", "beta26.")
    )
    (definitions_dir / "beta-2026.yaml").write_text(new_text, encoding="utf-8")
    # The frozen version may only step down to legacy; its content stays as answered.
    edit(old, "status: current", "status: legacy")
    report = load_definitions(directory=definitions_dir)
    assert (report.created, report.updated) == (["beta@2026"], ["beta@2025"])
    frozen = QuestionnaireVersion.objects.get(framework="beta", version="2025")
    assert frozen.status == "legacy" and frozen.definition["status"] == "legacy"
    assert QuestionnaireVersion.objects.get(framework="beta", version="2026").status == "current"
    edit(old, "en: Scenario level}", "en: Level of the scenario}")
    report = load_definitions(directory=definitions_dir)
    assert [(r.label, r.revision) for r in report.revised] == [("beta@2025", 2)]
    assert QuestionnaireVersion.objects.live().get(framework="beta", version="2025").status == "legacy"


def test_the_command_says_what_a_new_revision_changed(db, definitions_dir: Path, capsys) -> None:
    call_command("load_questionnaires", "--dir", str(definitions_dir))
    answered_assessment(QuestionnaireVersion.objects.get(framework="beta"))
    edit(definitions_dir / "beta-2025.yaml", "en: Scenario level}", "en: Level of the scenario}")
    call_command("load_questionnaires", "--dir", str(definitions_dir))
    out = capsys.readouterr().out
    assert "new revision: beta@2025 revision 2" in out
    assert "The wording of the question “Level of the scenario” changed." in out
    assert "1 draft or returned assessment(s) moved to revision 2" in out


def test_the_command_refuses_invalid_files(db, definitions_dir: Path, capsys) -> None:
    edit(definitions_dir / "alpha-2025.yaml", "weight: 60", "weight: 70")
    with pytest.raises(CommandError):
        call_command("load_questionnaires", "--dir", str(definitions_dir))
    assert "dimension weights add up to 110, not 100" in capsys.readouterr().err
    assert not QuestionnaireVersion.objects.exists()


def test_a_crosswalk_question_is_answered_once_and_feeds_two_frameworks(db, definitions_dir: Path) -> None:
    load_definitions(directory=definitions_dir)
    alpha = QuestionnaireVersion.objects.get(framework="alpha")
    beta = QuestionnaireVersion.objects.get(framework="beta")
    assessment = answered_assessment(alpha, beta, code="shared.has_ems", value=True)
    assert assessment.answers.filter(question_code="shared.has_ems").count() == 1
    answers = dict(assessment.answers.values_list("question_code", "value"))
    definitions = [v.definition for v in assessment.versions.all()]
    assert question_frameworks("shared.has_ems", definitions) == [("alpha", "2025"), ("beta", "2025")]
    for definition, indicator in ((alpha.definition, "alpha.energy.ems"), (beta.definition, "beta.mgmt.ems")):
        assert [i["code"] for i in indicators_reading(definition, "shared.has_ems")] == [indicator]
        assert effective_answers(definition, answers)["shared.has_ems"] is True
    # Scored by both engines from the one answer: yes earns each framework's indicator, no earns neither.
    for value, alpha_points, beta_points in ((True, 20.0, 60.0), (False, 0.0, 0.0)):
        Answer.objects.filter(assessment=assessment, question_code="shared.has_ems").update(value=value)
        stored = dict(assessment.answers.values_list("question_code", "value"))
        assert earned(alpha.definition, stored, "alpha.energy.ems") == alpha_points
        assert earned(beta.definition, stored, "beta.mgmt.ems") == beta_points
    # A computed crosswalk question is computed from the same answers for the framework that reads it.
    answers |= {"shared.energy_tce": 120.0, "shared.output_10k": 200.0}
    assert resolve_answers(alpha.definition, answers)["shared.energy_per_output"] == 0.6


def earned(definition: dict, answers: dict, indicator: str) -> float:
    result = score_framework(definition=definition, answers=answers).to_dict()
    return next(i["earned"] for i in result["indicators"] if i["code"] == indicator)


def status(definition: dict, answers: dict, indicator: str, **facts: str) -> str:
    result = score_framework(
        definition=definition, answers=answers, enterprise=EnterpriseFacts(**facts)
    ).to_dict()
    return next(i["status"] for i in result["indicators"] if i["code"] == indicator)


def test_conditional_questions_and_indicators_follow_earlier_answers() -> None:
    alpha = next(d for d in resolved_definitions(VALID) if d["framework"] == "alpha")
    grade = next(q for q in alpha["questions"] if q["code"] == "alpha.q.boiler_grade")
    efficiency = alpha["dimensions"][1]["indicators"][0]
    plan = alpha["dimensions"][1]["indicators"][1]
    no_boiler = {"alpha.q.has_boiler": False, "alpha.q.boiler_grade": "g1"}
    with_boiler = {"alpha.q.has_boiler": True, "alpha.q.boiler_grade": "g1"}
    assert "alpha.q.boiler_grade" not in effective_answers(alpha, no_boiler)
    assert effective_answers(alpha, with_boiler)["alpha.q.boiler_grade"] == "g1"
    assert grade["condition"] == {"question": "alpha.q.has_boiler", "equals": True}
    assert not is_applicable(efficiency["applies"], no_boiler)
    assert is_applicable(efficiency["applies"], with_boiler)
    assert not is_applicable(plan["applies"], {}, size_class="small")
    assert is_applicable(plan["applies"], {}, size_class="medium")
    # The scoring engine reads the same definition: the boiler indicator only counts with a boiler.
    assert status(alpha, no_boiler, "alpha.boiler.efficiency") == "not_applicable"
    assert status(alpha, with_boiler, "alpha.boiler.efficiency") == "scored"
    assert earned(alpha, with_boiler, "alpha.boiler.efficiency") == 25
    assert status(alpha, {"alpha.q.measures": 4}, "alpha.boiler.plan", size_class="small") == "not_applicable"
    assert earned(alpha, {**with_boiler, "alpha.q.measures": 4}, "alpha.boiler.plan") == 15
    # Without a boiler the plan carries the whole dimension (weights rescaled within the dimension).
    assert earned(alpha, {**no_boiler, "alpha.q.measures": 4}, "alpha.boiler.plan") == 40


def test_it_rereads_the_files_when_one_changes(definitions_dir: Path) -> None:
    first = resolved_definitions(definitions_dir)
    first[0]["title"]["en"] = "Changed by a caller"
    assert resolved_definitions(definitions_dir)[0]["title"]["en"] == "Test shared bank"
    edit(definitions_dir / "bank-shared-2025.yaml", "en: Test shared bank}", "en: Test bank renamed}")
    assert resolved_definitions(definitions_dir)[0]["title"]["en"] == "Test bank renamed"
