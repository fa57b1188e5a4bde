"""Reads for the Excel workbook of an assessment (docs/workbook.md): what the workbook shows and records."""

from __future__ import annotations

from django.utils import timezone

from assessment.models import Assessment, User
from assessment.selectors.assessments import AssessmentPage, assessment_definitions, assessment_page
from assessment.workbook import CellAnswer, WorkbookInfo, write_workbook
from questionnaires.text import pick


def version_keys(assessment: Assessment) -> tuple[str, ...]:
    """The assessment's framework versions as "framework@version", in page order (one query, cached
    on the instance with the definitions)."""
    return tuple(f"{d['framework']}@{d['version']}" for d in assessment_definitions(assessment))


def cell_answers(page: AssessmentPage) -> dict[str, CellAnswer]:
    """The stored answers as the workbook shows and records them (value, save time, who)."""
    return {
        code: CellAnswer(answer.value, answer.updated_at, str(answer.updated_by) if answer.updated_by else "")
        for code, answer in page.answers.items()
    }


def workbook_bytes(assessment: Assessment, *, lang: str, user: User | None) -> bytes:
    """The .xlsx workbook of an assessment in `lang`, with its current answers. Queries: those of
    assessment_page (5) and the enterprise."""
    page = assessment_page(assessment)
    enterprise = assessment.enterprise
    info = WorkbookInfo(
        assessment_id=assessment.pk,
        enterprise=enterprise.name,
        uscc=enterprise.uscc,
        year=assessment.year,
        versions=version_keys(assessment),
        framework_titles=tuple(f"{pick(d.get('title'), lang)}（{d['version']}）" for d in page.definitions),
        exported_at=timezone.now(),
        exported_by=str(user) if user else "",
    )
    return write_workbook(sections=page.sections, answers=cell_answers(page), info=info, lang=lang)
