"""Test data built the way the app builds it: the demo dairy answers (reports/demo_answers.json), the
shipped definitions stored, drafts filled and submitted through the real services, and submitted
assessments scored by the real engine. The fixtures using these are in tests/conftest.py."""

from __future__ import annotations

import copy
import json
import signal
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from assessment.models import Answer, Assessment, Enterprise, FrameworkResult, User
from assessment.scoring import EnterpriseFacts
from assessment.selectors.assessments import assessment_definitions, evaluate, question_index
from assessment.selectors.factors import default_factors
from assessment.services.analytics import analytics_refresh
from assessment.services.assessments import answers_save_many, assessment_create, assessment_submit
from assessment.services.plans import plan_action_add
from assessment.services.results import framework_result_rows
from assessment.services.review import review_decide
from questionnaires.definition import clear_definition_cache
from questionnaires.loader import content_hash, resolved_definitions
from questionnaires.models import QuestionnaireVersion
from reports.data import Subject
from tests.factories import EnterpriseFactory, MembershipFactory

DEMO_ANSWERS_FILE = Path(__file__).resolve().parents[1] / "reports" / "demo_answers.json"
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# sme_digital 2024: the worked example of docs/provenance.md §4.3 (53.275 points), with supporting figures chosen to land in
# the bands it names (tests/questionnaires/test_sme_digital_content.py checks its point components).
SME_WORKED_EXAMPLE: dict[str, Any] = {
    "dig24.q.network": ["control_network", "application_network"],
    "dig24.q.devices_total": 100,
    "dig24.q.devices_digital": 50,  # 50%: (40,60]
    "dig24.q.devices_networked": 30,  # 30%: (20,40]
    "dig24.q.data_collection_areas": [
        "planning_scheduling",
        "production_control",
        "quality",
        "equipment",
        "energy",
        "warehousing_logistics",
        "finance",
    ],
    "dig24.q.information_systems": "several_areas",
    "dig24.q.network_security": ["policy", "boundary_detection"],
    "dig24.q.data_security": ["products"],
    "dig24.q.planning_execution": "retrofitting",
    "dig24.q.management_mechanisms": ["systems_operation", "data_management"],
    "dig24.q.talent_measures": ["dedicated_staff", "regular_training"],
    "dig24.q.digital_investment_3y": 1200,  # 1200 / 8000 = 15%: (10,20]
    "dig24.q.revenue_last_year": 3000,
    "dig24.q.revenue_year_before": 2600,
    "dig24.q.revenue_two_years_before": 2400,
    "dig24.q.energy_last_year": 540,  # 0.180 tce per 10k yuan, down from 0.2
    "dig24.q.energy_year_before": 520,
    "dig24.q.pass_rate_before": 98.5,
    "dig24.q.pass_rate_after": 98.5,  # flat
    "dig24.q.employees_last_year": 100,  # 30 per head, up from 26
    "dig24.q.employees_year_before": 100,
    "dig24.q.operating_cost_last_year": 2400,  # 80 per 100 yuan in both years: flat
    "dig24.q.operating_cost_year_before": 2080,
    # The enterprise chooses each change's option; here the options the figures above imply (and
    # propose), so the example keeps its 53.275 points.
    "dig24.q.energy_intensity_trend": "decreased",
    "dig24.q.pass_rate_trend": "unchanged",
    "dig24.q.revenue_per_employee_trend": "increased",
    "dig24.q.cost_per_100_revenue_trend": "unchanged",
}
# The frameworks of the demo answers: generic clean production (C14), green factory 2025, SME digital.
FRAMEWORKS = (("clean_production_generic", "2025"), ("green_factory", "2025"), ("sme_digital", "2024"))


@lru_cache(maxsize=1)
def _demo_answers() -> dict[str, Any]:
    return json.loads(DEMO_ANSWERS_FILE.read_text(encoding="utf-8"))["answers"]


def demo_answers() -> dict[str, Any]:
    """The demo dairy answers, a complete valid set for FRAMEWORKS (a fresh copy each call)."""
    return copy.deepcopy(_demo_answers())


@lru_cache(maxsize=1)
def _resolved() -> tuple[dict[str, Any], ...]:
    return tuple(resolved_definitions())


def demo_file() -> dict[str, Any]:
    """The whole demo answers file: enterprise, year, frameworks and answers."""
    return json.loads(DEMO_ANSWERS_FILE.read_text(encoding="utf-8"))


def demo_definitions(demo: dict[str, Any]) -> list[dict[str, Any]]:
    """The resolved definitions of the demo answers file's frameworks (from the files, no database)."""
    wanted = {(f["framework"], f["version"]) for f in demo["frameworks"]}
    return [d for d in resolved_definitions() if (d.get("framework"), str(d.get("version"))) in wanted]


def demo_subject(demo: dict[str, Any], **changes: Any) -> Subject:
    """The report's subject for the demo answers file's enterprise (`changes` replace its fields)."""
    e = demo["enterprise"] | changes
    return Subject(
        name=e["name"],
        year=demo["year"],
        status="submitted",
        uscc=e["uscc"],
        city_code=e["city_code"],
        industry_division=e["industry_division"],
        industry_class=e["industry_class"],
        size_class=e["size_class"],
        employees=e["employees"],
        revenue=e["revenue"],
        main_products=e["main_products"],
        facts=EnterpriseFacts(industry="C" + e["industry_class"], size_class=e["size_class"]),
    )


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


def pdf_upload(name: str = "证明.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def fill_draft(
    *, enterprise: Enterprise, user: User, year: int = 2025, changes: dict[str, Any] | None = None
) -> Assessment:
    """A draft with every framework, all demo answers of its questions saved through answers_save_many."""
    assessment = assessment_create(enterprise=enterprise, year=year, user=user, prefill=False)
    known = question_index(assessment_definitions(assessment))
    values = {code: value for code, value in {**demo_answers(), **(changes or {})}.items() if code in known}
    errors = answers_save_many(assessment=assessment, user=user, values=values)
    assert not errors, {code: str(error) for code, error in errors.items()}
    return assessment


def submitted_assessment(
    *, enterprise: Enterprise, user: User, year: int = 2025, changes: dict[str, Any] | None = None
) -> Assessment:
    assessment = fill_draft(enterprise=enterprise, user=user, year=year, changes=changes)
    return assessment_submit(assessment=assessment, user=user)


def assessments_in_every_status(*, reviewer: User) -> dict[str, Assessment]:
    """One filled assessment per status (draft, returned, submitted, accepted), each of its own enterprise
    with one member, on the frameworks stored now; `reviewer` returns and accepts."""
    found = {}
    for status in ("draft", "returned", "submitted", "accepted"):
        enterprise = EnterpriseFactory(name=f"{status} 企业")
        user = MembershipFactory(enterprise=enterprise).user
        assessment = fill_draft(enterprise=enterprise, user=user)
        if status != "draft":
            assessment = assessment_submit(assessment=assessment, user=user)
        if status == "returned":
            review_decide(assessment=assessment, reviewer=reviewer, decision="return", note="请核对")
        if status == "accepted":
            review_decide(assessment=assessment, reviewer=reviewer, decision="accept", note="")
        found[status] = Assessment.objects.get(pk=assessment.pk)
    return found


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


def run_db_worker() -> None:
    """`manage.py db_worker` in batch mode, as production's worker: runs the queued tasks on its own
    connection, then returns (the signal handlers it installs are put back)."""
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


def stored_answer(assessment: Assessment, code: str) -> Any:
    """The value stored for a question of the assessment (None when it has no answer)."""
    answer = Answer.objects.filter(assessment=assessment, question_code=code).first()
    return answer.value if answer else None


def make_planned(
    versions: dict[tuple[str, str], QuestionnaireVersion],
    enterprise: Enterprise,
    user: User,
    actions: list[tuple[str, str]],
) -> Assessment:
    """A submitted assessment (make_submitted) with an improvement plan of `actions` ((code, status) in
    plan order), added by `user` through the plan service."""
    assessment = make_submitted(versions, enterprise=enterprise)
    for code, status in actions:
        plan_action_add(assessment=assessment, user=user, code=code, status=status)
    return assessment
