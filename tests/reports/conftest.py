"""Report fixtures: the shipped demo answers (reports/demo_answers.json), as plain data or stored."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache

from assessment.models import Answer, Assessment, Enterprise
from questionnaires.loader import load_definitions
from questionnaires.models import QuestionnaireVersion
from reports.data import compose_report
from tests.builders import demo_definitions, demo_file, demo_subject
from tests.factories import AssessmentFactory

DEMO_FILE = Path(settings.BASE_DIR) / "reports" / "demo_answers.json"
HOSTILE_NAME = "<b>粗体</b> & <script>alert(1)</script> 公司"
HOSTILE_PRODUCT = '<font size="40">大</font> & </para> 酸奶'


@pytest.fixture
def empty_cache():
    """An empty cache before and after the test (no cached analytics from another test)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def demo() -> dict[str, Any]:
    return demo_file()


@pytest.fixture(scope="session", name="demo_definitions")
def demo_definitions_fixture(demo) -> list[dict[str, Any]]:
    return demo_definitions(demo)


@pytest.fixture(scope="session")
def demo_report(demo, demo_definitions):
    """The demo report data in Chinese with hostile user text in the name and a free-text answer, with the
    answer annex (render_report --annex), where the free-text answer is printed."""
    answers = demo["answers"] | {"energy.main_product_name": HOSTILE_PRODUCT}
    return compose_report(
        subject=demo_subject(demo, name=HOSTILE_NAME),
        definitions=demo_definitions,
        answers=answers,
        lang="zh-hans",
        generated=date(2026, 3, 1),
        annex=True,
    )


@pytest.fixture(scope="session")
def demo_report_en(demo, demo_definitions):
    return compose_report(
        subject=demo_subject(demo),
        definitions=demo_definitions,
        answers=demo["answers"],
        lang="en",
        generated=date(2026, 3, 1),
        annex=True,
    )


@pytest.fixture
def loaded_definitions(db) -> None:
    load_definitions()


def store_assessment(
    demo: dict[str, Any],
    enterprise: Enterprise,
    *,
    status: str = Assessment.Status.SUBMITTED,
    year: int | None = None,
) -> Assessment:
    """A stored assessment of the enterprise with the demo answers on the demo frameworks' versions."""
    assessment = AssessmentFactory(enterprise=enterprise, status=status, year=year or demo["year"])
    for wanted in demo["frameworks"]:
        assessment.versions.add(QuestionnaireVersion.objects.get(**wanted))
    Answer.objects.bulk_create(
        Answer(assessment=assessment, question_code=code, value=value)
        for code, value in demo["answers"].items()
    )
    return assessment
