"""Test data for the officials' area: the shipped frameworks loaded, and submitted assessments whose
stored results come from the real scoring engine (the demo dairy answers, optionally varied).

Import the fixture into a test module: `from tests.assessment.review_fixtures import shipped_versions_fixture  # noqa: F401`.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from assessment.models import Answer, Assessment, Enterprise, FrameworkResult, User
from assessment.scoring import EnterpriseFacts
from assessment.selectors.assessments import evaluate
from assessment.selectors.factors import default_factors
from assessment.services.analytics import analytics_refresh
from assessment.services.results import framework_result_rows
from questionnaires.definition import clear_definition_cache
from questionnaires.loader import content_hash, resolved_definitions
from questionnaires.models import QuestionnaireVersion

DEMO_ANSWERS_FILE = Path(__file__).resolve().parents[2] / "reports" / "demo_answers.json"
FRAMEWORKS = (("clean_production_generic", "2025"), ("green_factory", "2025"), ("sme_digital", "2024"))

__all__ = ["demo_answers", "make_submitted", "shipped_versions_fixture"]


@lru_cache(maxsize=1)
def _resolved() -> tuple[dict[str, Any], ...]:
    return tuple(resolved_definitions())


@lru_cache(maxsize=1)
def demo_answers() -> dict[str, Any]:
    return json.loads(DEMO_ANSWERS_FILE.read_text(encoding="utf-8"))["answers"]


@pytest.fixture(name="shipped_versions")
def shipped_versions_fixture(db) -> dict[tuple[str, str], QuestionnaireVersion]:
    """Every shipped definition stored as a QuestionnaireVersion (as load_questionnaires does)."""
    rows = [
        QuestionnaireVersion(
            framework=d["framework"],
            version=d["version"],
            title_zh=d["title"]["zh"][:200],
            title_en=d["title"]["en"][:200],
            method=d.get("method", ""),
            status="bank" if d["kind"] == "bank" else d["status"],
            definition=d,
            content_hash=content_hash(d),
            source_file=f"{d['framework']}-{d['version']}.yaml",
        )
        for d in _resolved()
    ]
    QuestionnaireVersion.objects.bulk_create(rows)
    clear_definition_cache()
    return {(v.framework, v.version): v for v in QuestionnaireVersion.objects.all()}


def make_submitted(
    versions: dict[tuple[str, str], QuestionnaireVersion],
    *,
    enterprise: Enterprise,
    year: int = 2025,
    status: str = Assessment.Status.SUBMITTED,
    changes: dict[str, Any] | None = None,
    submitted_by: User | None = None,
) -> Assessment:
    """A submitted assessment of the demo answers (with `changes`), scored by the real engine and stored
    the way assessment_submit stores it (result, total_score, FrameworkResult rows, analytics aggregates)."""
    answers = {**demo_answers(), **(changes or {})}
    chosen = [versions[key] for key in FRAMEWORKS]
    definitions = [v.definition for v in chosen]
    evaluation = evaluate(
        definitions=definitions, answers=answers, enterprise=enterprise, factors=default_factors()
    )
    assert evaluation.result is not None, evaluation.problems
    result = evaluation.result.to_dict()
    assessment = Assessment.objects.create(
        enterprise=enterprise,
        year=year,
        status=status,
        result=result,
        total_score=(result["profile"].get("overall") or {}).get("index"),
        factor_snapshot=default_factors(),
        submitted_by=submitted_by,
        submitted_at=timezone.now(),
    )
    assessment.versions.set(chosen)
    Answer.objects.bulk_create(
        [Answer(assessment=assessment, question_code=code, value=value) for code, value in answers.items()]
    )
    FrameworkResult.objects.bulk_create(
        framework_result_rows(assessment=assessment, result=result, validated=False)
    )
    analytics_refresh(assessment_ids=[assessment.pk])
    return assessment


def facts(enterprise: Enterprise) -> EnterpriseFacts:
    return EnterpriseFacts.from_enterprise(enterprise)
