"""Test data for the SME journey: the shipped frameworks loaded, the default factor set, and the
demo dairy answers (reports/demo_answers.json) as a complete set of answers.

Import into a test module: `from tests.assessment.journey_fixtures import *  # noqa: F403`.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

from assessment.models import Assessment, Enterprise, FactorSet, User
from assessment.selectors.assessments import assessment_definitions, question_index
from assessment.selectors.factors import read_factor_file
from assessment.services.assessments import answers_save_many, assessment_create
from assessment.services.factors import factor_set_load
from questionnaires.definition import clear_definition_cache
from questionnaires.loader import content_hash, resolved_definitions
from questionnaires.models import QuestionnaireVersion

DEMO_ANSWERS_FILE = Path(__file__).resolve().parents[2] / "reports" / "demo_answers.json"

__all__ = ["complete_answers", "frameworks_loaded", "factor_set", "draft", "filled_draft"]


@lru_cache(maxsize=1)
def _demo_answers() -> dict[str, Any]:
    return json.loads(DEMO_ANSWERS_FILE.read_text(encoding="utf-8"))["answers"]


def complete_answers() -> dict[str, Any]:
    """A complete, valid set of answers for green factory 2025, generic clean production, SME digital."""
    return dict(_demo_answers())


@lru_cache(maxsize=1)
def _resolved() -> tuple[dict[str, Any], ...]:
    return tuple(resolved_definitions())


def store_shipped_definitions() -> None:
    """Every shipped definition stored as a QuestionnaireVersion, as load_questionnaires stores it."""
    QuestionnaireVersion.objects.bulk_create(
        [
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
    )
    clear_definition_cache()


@pytest.fixture
def frameworks_loaded(db) -> None:
    """Every shipped definition loaded."""
    store_shipped_definitions()
    yield
    clear_definition_cache()


@pytest.fixture
def factor_set(db) -> FactorSet:
    factor_set_load(data=read_factor_file())
    return FactorSet.objects.get(is_default=True)


@pytest.fixture
def draft(frameworks_loaded, factor_set, enterprise: Enterprise, sme_manager: User) -> Assessment:
    """The dairy enterprise's 2025 draft with every framework (generic clean production: C14)."""
    return assessment_create(enterprise=enterprise, year=2025, user=sme_manager)


@pytest.fixture
def filled_draft(draft: Assessment, sme_manager: User) -> Assessment:
    known = question_index(assessment_definitions(draft))
    values = {code: value for code, value in complete_answers().items() if code in known}
    errors = answers_save_many(assessment=draft, user=sme_manager, values=values)
    assert not errors, {code: str(e.message) for code, e in errors.items()}
    return draft
