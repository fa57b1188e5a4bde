"""manage.py score_answers: full result JSON, exit status 2 naming the problem."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from questionnaires.models import QuestionnaireVersion
from tests.assessment.scoring_fixtures import gf25_full_answers, green_factory_2025
from tests.builders import SME_WORKED_EXAMPLE

pytestmark = pytest.mark.django_db


def run(tmp_path, payload):
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    out = StringIO()
    call_command("score_answers", str(path), stdout=out)
    return json.loads(out.getvalue())


def fails(tmp_path, payload):
    with pytest.raises(CommandError) as error:
        run(tmp_path, payload)
    assert error.value.returncode == 2
    return str(error.value)


def test_it_scores_from_the_definition_files_when_nothing_is_loaded(tmp_path):
    result = run(tmp_path, {"framework": "sme_digital", "version": "2024", "answers": SME_WORKED_EXAMPLE})
    assert result["score"] == 53.28
    assert result["framework"] == "sme_digital" and result["level"]["code"] == "none"
    assert {"dimensions", "indicators", "missing", "veto", "details"} <= set(result)


def test_it_scores_a_version_loaded_in_the_database(tmp_path):
    definition = green_factory_2025()
    QuestionnaireVersion.objects.create(
        framework="gf_test",
        version="2025",
        title_zh="测试",
        title_en="Test",
        method=definition["method"],
        definition=definition,
        content_hash="x" * 64,
        source_file="test.yaml",
    )
    result = run(tmp_path, {"framework": "gf_test", "version": "2025", "answers": gf25_full_answers()})
    assert result["score"] == 100.0 and result["level"]["code"] == "5star"


def test_it_scores_a_list_as_an_assessment_with_the_profile(tmp_path):
    payload = [
        {"framework": "sme_digital", "version": "2024", "answers": SME_WORKED_EXAMPLE},
        {
            "framework": "green_factory",
            "version": "2025",
            "answers": {"mgmt.lawful_compliant": True},
            "enterprise": {"industry": "C14", "size_class": "small"},
        },
    ]
    result = run(tmp_path, payload)
    assert [f["framework"] for f in result["frameworks"]] == ["sme_digital", "green_factory"]
    assert result["profile"]["digital"]["index"] == 53.28
    assert result["missing"] and "mgmt.lawful_compliant" not in result["missing"]
    assert result["frameworks"][1]["veto"]["failed"] == []


@pytest.mark.parametrize(
    ("answers", "named"),
    [
        ({"dig24.q.nope": 1}, "dig24.q.nope: unknown question code"),
        ({"dig24.q.devices_total": "many"}, "dig24.q.devices_total: expected a number"),
        ({"dig24.q.devices_total": -5}, "dig24.q.devices_total: -5 is out of range"),
        ({"dig24.q.information_systems": "everything"}, "dig24.q.information_systems: option 'everything'"),
        ({"dig24.scenario.quality": 7}, "dig24.scenario.quality: level 7"),
    ],
)
def test_it_exits_2_naming_the_code_of_an_invalid_answer(tmp_path, answers, named):
    message = fails(tmp_path, {"framework": "sme_digital", "version": "2024", "answers": answers})
    assert named in message


def test_it_exits_2_on_an_unknown_version(tmp_path):
    assert "unknown version sme_digital@1999" in fails(
        tmp_path, {"framework": "sme_digital", "version": "1999"}
    )


def test_it_exits_2_on_a_malformed_file(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("score_answers", str(path))
    assert error.value.returncode == 2
    assert "not valid JSON" in str(error.value)
    assert '"framework" and "version" are required' in fails(tmp_path, {"answers": {}})
