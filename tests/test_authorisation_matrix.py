"""Authorisation matrix (issue 9, part 7): every URL pattern of config.urls (the resolver tree walked,
admin included) requested by every persona, against the explicit table below.

Personas: A anonymous, M SME manager, C SME contributor (same enterprise), O another enterprise's
manager (another city), X a city official of another city, Y a city official of the enterprise's city,
P the province official, S an administrator (superuser).

Objects: the enterprise (哈尔滨, 230100) has a submitted assessment (2025) and a draft (2024), each with
an evidence file. A URL taking an assessment is requested for one of them (`@submitted` / `@draft`); the
important ones for both. Each request runs in a transaction rolled back afterwards, so a POST that
succeeds changes nothing for the next persona.

Expected: 200 page, 302 redirect (to the login page for A, elsewhere after a POST), 400 refused input,
401 (JSON endpoints, anonymous), 403 seen but not allowed, 404 outside the user's scope, 405 wrong
method. A URL pattern without an entry makes test_it_has_an_entry_for_every_url_pattern fail.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_tasks_db.models import DBTaskResult

from assessment.models import (
    AnalyticsEntry,
    Answer,
    AuditEvent,
    Evidence,
    Factor,
    FactorSet,
    FrameworkResult,
    Membership,
    OfficialProfile,
    ProposalDecision,
    RatingScheme,
    Rescore,
    ReviewComment,
    RevisionNotice,
    ScoreAggregate,
    ValidatedAnswer,
    WorkbookUpload,
)
from assessment.services.assessments import assessment_submit, evidence_add
from assessment.services.enterprise_import import enterprise_import_upload
from assessment.services.plans import plan_action_add
from questionnaires.models import QuestionnaireVersion
from reports.models import ExportJob
from tests.builders import fill_draft, pdf_upload
from tests.factories import InvitationFactory

PERSONAS = ("A", "M", "C", "O", "X", "Y", "P", "S")
PERSONA_FIXTURES = {
    "M": "sme_manager",
    "C": "sme_contributor",
    "O": "other_manager",
    "X": "other_city_official",
    "Y": "city_official",
    "P": "province_official",
    "S": "admin_user",
}


def expect(statuses: str) -> dict[str, int]:
    """'A302 M200 ...' -> {"A": 302, "M": 200, ...}; every persona must be given."""
    table = {item[0]: int(item[1:]) for item in statuses.split()}
    assert set(table) == set(PERSONAS), statuses
    return table


@dataclass(frozen=True)
class Case:
    name: str  # URL pattern name, with namespace
    target: str = ""  # which object the URL is about: "submitted", "draft", or "" for none
    method: str = "GET"
    data: dict[str, Any] = field(default_factory=dict)
    expected: dict[str, int] = field(default_factory=dict)


# --- the application's URLs ---------------------------------------------------------------------------------

LOGIN_PAGES = "A302 M200 C200 O200 X200 Y200 P200 S200"
SME_PAGE = "A302 M200 C200 O404 X404 Y404 P404 S404"

APP_CASES: list[Case] = [
    # Public pages and authentication.
    Case(
        "set_language",
        method="POST",
        data={"language": "en"},
        expected=expect("A302 M302 C302 O302 X302 Y302 P302 S302"),
    ),
    Case("login", expected=expect("A200 M200 C200 O200 X200 Y200 P200 S200")),
    Case("logout", expected=expect("A405 M405 C405 O405 X405 Y405 P405 S405")),
    Case("logout", method="POST", expected=expect("A302 M302 C302 O302 X302 Y302 P302 S302")),
    Case("password_change", expected=expect(LOGIN_PAGES)),
    Case("password_change_done", expected=expect(LOGIN_PAGES)),
    Case("password_reset", expected=expect("A200 M200 C200 O200 X200 Y200 P200 S200")),
    Case("password_reset_done", expected=expect("A200 M200 C200 O200 X200 Y200 P200 S200")),
    Case("password_reset_confirm", expected=expect("A200 M200 C200 O200 X200 Y200 P200 S200")),
    Case("password_reset_complete", expected=expect("A200 M200 C200 O200 X200 Y200 P200 S200")),
    Case("home", expected=expect(LOGIN_PAGES)),
    Case("signup", expected=expect("A200 M302 C302 O302 X302 Y302 P302 S302")),
    Case("method", expected=expect("A200 M200 C200 O200 X200 Y200 P200 S200")),  # public method page
    Case("invitation_accept", expected=expect("A200 M200 C200 O200 X200 Y200 P200 S200")),
    # The enterprise profile and members: managers only, of their own enterprise.
    Case("enterprise_edit", expected=expect("A302 M200 C403 O200 X403 Y403 P403 S403")),
    Case("enterprise_members", expected=expect("A302 M200 C403 O200 X403 Y403 P403 S403")),
    Case(
        "invitation_create",
        method="POST",
        data={"email": "new@example.com", "role": "contributor"},
        expected=expect("A302 M302 C403 O302 X403 Y403 P403 S403"),
    ),
    # Removing, revoking and deleting a file: GET is the confirmation page, POST acts with confirm=1.
    Case(
        "membership_remove",
        target="contributor_membership",
        expected=expect("A302 M200 C403 O404 X403 Y403 P403 S403"),
    ),
    Case(
        "membership_remove",
        target="contributor_membership",
        method="POST",
        data={"confirm": "1"},
        expected=expect("A302 M302 C403 O404 X403 Y403 P403 S403"),
    ),
    Case(
        "invitation_revoke", target="invitation", expected=expect("A302 M200 C403 O404 X403 Y403 P403 S403")
    ),
    Case(
        "invitation_revoke",
        target="invitation",
        method="POST",
        data={"confirm": "1"},
        expected=expect("A302 M302 C403 O404 X403 Y403 P403 S403"),
    ),
    # The SME journey.
    Case(
        "assessment_start",
        method="POST",
        data={"year": "2023", "frameworks": ["sme_digital"]},
        expected=expect("A302 M302 C302 O302 X403 Y403 P403 S403"),
    ),
    Case("assessment_detail", "draft", expected=expect("A302 M302 C302 O404 X404 Y404 P404 S302")),
    Case("assessment_detail", "submitted", expected=expect("A302 M302 C302 O404 X404 Y302 P302 S302")),
    # Filling, the review checklist and the page state are for members; officials read the results.
    Case("assessment_fill", "draft", expected=expect("A302 M200 C200 O404 X404 Y404 P404 S403")),
    Case(
        "assessment_fill", "draft", method="POST", expected=expect("A302 M302 C302 O404 X404 Y404 P404 S403")
    ),
    Case("assessment_fill", "submitted", expected=expect("A302 M302 C302 O404 X404 Y403 P403 S403")),
    Case(
        "assessment_fill",
        "submitted",
        method="POST",
        expected=expect("A302 M302 C302 O404 X404 Y403 P403 S403"),
    ),
    Case(
        "assessment_autosave",
        "draft",
        method="POST",
        data={"question": "dig24.q.devices_networked", "dig24.q.devices_networked": "40"},
        expected=expect("A401 M200 C200 O404 X404 Y404 P404 S403"),
    ),
    Case(
        "assessment_autosave",
        "submitted",
        method="POST",
        data={"question": "dig24.q.devices_networked", "dig24.q.devices_networked": "40"},
        expected=expect("A401 M409 C409 O404 X404 Y403 P403 S403"),
    ),
    Case("assessment_state", "draft", expected=expect("A401 M200 C200 O404 X404 Y404 P404 S403")),
    Case("assessment_state", "submitted", expected=expect("A401 M200 C200 O404 X404 Y403 P403 S403")),
    Case(
        "assessment_confirm",
        "draft",
        method="POST",
        expected=expect("A302 M302 C302 O404 X404 Y404 P404 S403"),
    ),
    Case(
        "assessment_confirm",
        "submitted",
        method="POST",
        expected=expect("A302 M302 C302 O404 X404 Y403 P403 S403"),
    ),
    Case(
        "assessment_proposal_decide",
        "draft",
        method="POST",
        data={"confirm": "mgmt.cp_audit_3y"},
        expected=expect("A302 M302 C302 O404 X404 Y404 P404 S403"),
    ),
    Case(
        "assessment_proposal_decide",
        "submitted",
        method="POST",
        data={"reject": "mgmt.cp_audit_3y"},
        expected=expect("A302 M302 C302 O404 X404 Y403 P403 S403"),
    ),
    Case(
        "evidence_upload", "draft", method="POST", expected=expect("A302 M302 C302 O404 X404 Y404 P404 S403")
    ),
    Case(
        "evidence_upload",
        "submitted",
        method="POST",
        expected=expect("A302 M302 C302 O404 X404 Y403 P403 S403"),
    ),
    Case("evidence_download", "draft", expected=expect("A302 M200 C200 O404 X404 Y404 P404 S200")),
    Case("evidence_download", "submitted", expected=expect("A302 M200 C200 O404 X404 Y200 P200 S200")),
    Case("evidence_delete", "draft", expected=expect("A302 M200 C200 O404 X404 Y404 P404 S403")),
    Case(
        "evidence_delete",
        "draft",
        method="POST",
        data={"confirm": "1"},
        expected=expect("A302 M302 C302 O404 X404 Y404 P404 S403"),
    ),
    Case("evidence_delete", "submitted", expected=expect("A302 M200 C200 O404 X404 Y403 P403 S403")),
    Case(
        "evidence_delete",
        "submitted",
        method="POST",
        data={"confirm": "1"},
        expected=expect("A302 M302 C302 O404 X404 Y403 P403 S403"),
    ),
    Case("assessment_review", "draft", expected=expect("A302 M200 C200 O404 X404 Y404 P404 S403")),
    Case("assessment_review", "submitted", expected=expect("A302 M302 C302 O404 X404 Y403 P403 S403")),
    Case(
        "assessment_submit",
        "draft",
        method="POST",
        expected=expect("A302 M302 C302 O404 X404 Y404 P404 S403"),
    ),
    Case(
        "assessment_submit",
        "submitted",
        method="POST",
        expected=expect("A302 M302 C302 O404 X404 Y403 P403 S403"),
    ),
    Case(
        "revision_notice_dismiss",
        "revision_notice",
        method="POST",
        expected=expect("A302 M302 C302 O404 X404 Y404 P404 S403"),
    ),
    # Filling offline in Excel: as filling (members, editable statuses); a preview is its uploader's own.
    Case("assessment_workbook", "draft", expected=expect("A302 M200 C200 O404 X404 Y404 P404 S403")),
    Case(
        "assessment_workbook",
        "draft",
        method="POST",
        expected=expect("A302 M200 C200 O404 X404 Y404 P404 S403"),
    ),
    Case("assessment_workbook", "submitted", expected=expect("A302 M302 C302 O404 X404 Y403 P403 S403")),
    Case(
        "assessment_workbook",
        "submitted",
        method="POST",
        expected=expect("A302 M302 C302 O404 X404 Y403 P403 S403"),
    ),
    Case("assessment_workbook_download", "draft", expected=expect("A302 M200 C200 O404 X404 Y404 P404 S403")),
    Case(
        "assessment_workbook_download",
        "submitted",
        expected=expect("A302 M302 C302 O404 X404 Y403 P403 S403"),
    ),
    Case("assessment_workbook_preview", "draft", expected=expect("A302 M200 C404 O404 X404 Y404 P404 S403")),
    Case(
        "assessment_workbook_preview",
        "submitted",
        expected=expect("A302 M302 C302 O404 X404 Y403 P403 S403"),
    ),
    Case(
        "assessment_workbook_confirm",
        "draft",
        method="POST",
        expected=expect("A302 M302 C404 O404 X404 Y404 P404 S403"),
    ),
    Case(
        "assessment_workbook_confirm",
        "submitted",
        method="POST",
        expected=expect("A302 M302 C302 O404 X404 Y403 P403 S403"),
    ),
    Case("assessment_results", "draft", expected=expect("A302 M200 C200 O404 X404 Y404 P404 S200")),
    Case("assessment_results", "submitted", expected=expect("A302 M200 C200 O404 X404 Y200 P200 S200")),
    Case("assessment_report_pdf", "draft", expected=expect("A302 M200 C200 O404 X404 Y404 P404 S200")),
    Case("assessment_report_pdf", "submitted", expected=expect("A302 M200 C200 O404 X404 Y200 P200 S200")),
    # The improvement plan: members edit it whatever the status; officials of the jurisdiction read it.
    Case("assessment_plan", "draft", expected=expect("A302 M200 C200 O404 X404 Y404 P404 S200")),
    Case("assessment_plan", "submitted", expected=expect("A302 M200 C200 O404 X404 Y200 P200 S200")),
    Case(
        "assessment_plan",
        "draft",
        method="POST",
        data={"op": "add", "code": "act.energy.compressed_air"},
        expected=expect("A302 M302 C302 O404 X404 Y404 P404 S403"),
    ),
    Case(
        "assessment_plan",
        "submitted",
        method="POST",
        data={"op": "add", "code": "act.energy.compressed_air"},
        expected=expect("A302 M302 C302 O404 X404 Y403 P403 S403"),
    ),
    # Officials: the review.
    Case("review_queue", expected=expect("A302 M403 C403 O403 X200 Y200 P200 S403")),
    Case("review_detail", "submitted", expected=expect("A302 M403 C403 O403 X404 Y200 P200 S403")),
    Case("review_detail", "draft", expected=expect("A302 M403 C403 O403 X404 Y404 P404 S403")),
    Case(
        "review_comment",
        "submitted",
        method="POST",
        data={"text": "请补充能源审计报告"},
        expected=expect("A302 M403 C403 O403 X404 Y302 P302 S403"),
    ),
    Case(
        "review_validate",
        "submitted",
        method="POST",
        expected=expect("A302 M403 C403 O403 X404 Y302 P302 S403"),
    ),
    Case(
        "review_withdraw",
        "submitted",
        method="POST",
        expected=expect("A302 M403 C403 O403 X404 Y302 P302 S403"),
    ),
    Case(
        "review_decide",
        "submitted",
        method="POST",
        data={"decision": "accept"},
        expected=expect("A302 M403 C403 O403 X404 Y302 P302 S403"),
    ),
    Case(
        "review_decide",
        "draft",
        method="POST",
        data={"decision": "accept"},
        expected=expect("A302 M403 C403 O403 X404 Y404 P404 S403"),
    ),
    # Provincial officials: re-scoring on a corrected definition's new revision.
    Case("revisions_overview", expected=expect("A302 M403 C403 O403 X403 Y403 P200 S403")),
    Case(
        "revisions_rescore",
        method="POST",
        data={"target": "sme_digital@2024"},
        expected=expect("A302 M403 C403 O403 X403 Y403 P302 S403"),
    ),
    Case(
        "rescores_adopt",
        method="POST",
        data={"target": "sme_digital@2024", "scope": "selected", "reason": "决定"},
        expected=expect("A302 M403 C403 O403 X403 Y403 P400 S403"),
    ),
    Case("officials_analytics", expected=expect("A302 M403 C403 O403 X200 Y200 P200 S403")),
    Case("officials_export", target="csv", expected=expect("A302 M403 C403 O403 X200 Y200 P200 S403")),
    Case("officials_export", target="xlsx", expected=expect("A302 M403 C403 O403 X200 Y200 P200 S403")),
    Case("officials_regional_pdf", expected=expect("A302 M403 C403 O403 X200 Y200 P200 S403")),
    # Bulk import of enterprises: officials only; an uploaded list (city_official's) is seen by its uploader.
    Case("enterprise_import", expected=expect("A302 M403 C403 O403 X200 Y200 P200 S403")),
    Case("enterprise_import", method="POST", expected=expect("A302 M403 C403 O403 X400 Y400 P400 S403")),
    Case("enterprise_import_template", "xlsx", expected=expect("A302 M403 C403 O403 X200 Y200 P200 S403")),
    Case("enterprise_import_template", "csv", expected=expect("A302 M403 C403 O403 X200 Y200 P200 S403")),
    Case(
        "enterprise_import_preview",
        "enterprise_import",
        expected=expect("A302 M403 C403 O403 X404 Y200 P404 S403"),
    ),
    Case(
        "enterprise_import_confirm",
        "enterprise_import",
        method="POST",
        expected=expect("A302 M403 C403 O403 X404 Y302 P404 S403"),
    ),
    Case(
        "enterprise_import_status",
        "enterprise_import",
        expected=expect("A401 M403 C403 O403 X404 Y200 P404 S403"),
    ),
    Case(
        "enterprise_import_retry",
        "enterprise_import",
        method="POST",
        expected=expect("A302 M403 C403 O403 X404 Y302 P404 S403"),
    ),
    # Background exports: the job (city_official's, done) is seen by its requester only.
    Case("officials_export_jobs", expected=expect("A302 M403 C403 O403 X200 Y200 P200 S403")),
    Case(
        "officials_export_job_create",
        method="POST",
        expected=expect("A302 M403 C403 O403 X302 Y302 P302 S403"),
    ),
    Case("officials_export_job", "export_job", expected=expect("A302 M403 C403 O403 X404 Y200 P404 S403")),
    Case(
        "officials_export_job_status",
        "export_job",
        expected=expect("A401 M403 C403 O403 X404 Y200 P404 S403"),
    ),
    Case(
        "officials_export_job_download",
        "export_job",
        expected=expect("A302 M403 C403 O403 X404 Y200 P404 S403"),
    ),
    Case(
        "officials_export_job_retry",
        "export_job",
        method="POST",
        expected=expect("A302 M403 C403 O403 X404 Y302 P404 S403"),
    ),
]

# --- the admin site -------------------------------------------------------------------------------------------

NON_STAFF_302 = "A302 M302 C302 O302 X302 Y302 P302"  # everyone but staff is sent to the admin login


def admin_expect(staff: int) -> dict[str, int]:
    return expect(f"{NON_STAFF_302} S{staff}")


# Every model registered in the admin, with the staff statuses of its views that differ from 200.
ADMIN_MODELS: dict[str, dict[str, int]] = {
    "assessment_user": {},
    "assessment_enterprise": {},
    "assessment_membership": {},
    "assessment_invitation": {},
    "assessment_officialprofile": {},
    "assessment_factorset": {"delete": 403},  # in use by an assessment: read-only
    "assessment_factor": {"delete": 403},
    "assessment_priceset": {},  # reference prices: not stored with assessments, editable
    "assessment_price": {},
    "assessment_ratingscheme": {},  # a province's rating scheme: administrators configure it
    "assessment_assessment": {},  # the draft: editable
    "assessment_frameworkresult": {"delete": 403},  # the submitted assessment's: locked
    "assessment_answer": {},  # the draft's answer
    "assessment_evidence": {"add": 403},  # files come only through the app's checked upload
    "assessment_reviewcomment": {},
    "assessment_validatedanswer": {},
    "assessment_auditevent": {"add": 403, "delete": 403},  # append-only
    "assessment_revisionnotice": {"add": 403, "delete": 403},  # written by load_questionnaires
    "assessment_rescore": {"add": 403, "delete": 403},  # written by the re-score service
    "assessment_plan": {"add": 403, "delete": 403},  # changed only on the plan page (audited)
    "assessment_planaction": {"add": 403, "delete": 403},
    "assessment_enterpriseimport": {"add": 403, "delete": 403},  # officials' uploaded lists: read-only
    "assessment_proposaldecision": {"add": 403, "delete": 403},  # decided on the assessment's pages
    "assessment_workbookupload": {"add": 403, "delete": 403},  # checked uploads: the app's own
    "assessment_analyticsentry": {"add": 403, "delete": 403},  # derived by SQL: read-only
    "assessment_scoreaggregate": {"add": 403, "delete": 403},
    "questionnaires_questionnaireversion": {"add": 403, "delete": 403},  # loaded from files only
    "reports_exportjob": {"add": 403, "delete": 403},  # written by the job: read-only
    "django_tasks_database_dbtaskresult": {"add": 403, "delete": 403},  # background tasks: read-only
    "auth_group": {},
    "axes_accessattempt": {"add": 403},
    "axes_accessfailurelog": {"add": 403},
    "axes_accesslog": {"add": 403},
}
ADMIN_SITE_CASES: list[Case] = [
    Case("admin:index", expected=admin_expect(200)),
    Case("admin:login", expected=expect("A200 M200 C200 O200 X200 Y200 P200 S302")),
    Case("admin:logout", expected=admin_expect(405)),
    Case("admin:password_change", expected=admin_expect(200)),
    Case("admin:password_change_done", expected=admin_expect(200)),
    Case("admin:autocomplete", expected=admin_expect(403)),
    Case("admin:jsi18n", expected=admin_expect(200)),
    Case("admin:view_on_site", expected=admin_expect(404)),
    Case("admin:app_list", expected=admin_expect(200)),
    Case("admin:auth_user_password_change", target="admin_user", expected=admin_expect(200)),
]


def admin_model_cases() -> list[Case]:
    cases = []
    for model, exceptions in ADMIN_MODELS.items():
        for view in ("changelist", "add", "change", "history", "delete"):
            cases.append(
                Case(
                    f"admin:{model}_{view}",
                    target=model if view not in ("changelist", "add") else "",
                    expected=admin_expect(exceptions.get(view, 200)),
                )
            )
    return cases


CASES: list[Case] = [*APP_CASES, *ADMIN_SITE_CASES, *admin_model_cases()]
# Patterns that are deliberately not requested by name, with the reason.
NOT_REQUESTED = {
    "admin:?": "the admin's final catch-all (unnamed): tested below by an unknown admin URL",
}


# --- walking the resolver tree ----------------------------------------------------------------------------------


def url_pattern_names() -> Iterator[str]:
    def walk(patterns: list[Any], namespace: str | None) -> Iterator[str]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern):
                name = pattern.name or "?"
                yield f"{namespace}:{name}" if namespace else name

    yield from walk(get_resolver().url_patterns, None)


def test_it_has_an_entry_for_every_url_pattern():
    covered = {case.name for case in CASES} | set(NOT_REQUESTED)
    missing = sorted(set(url_pattern_names()) - covered)
    assert missing == [], f"URL patterns without an entry in the authorisation matrix: {missing}"
    unknown = sorted(covered - set(url_pattern_names()))
    assert unknown == [], f"entries for URL patterns that no longer exist: {unknown}"


def test_it_lists_every_model_registered_in_the_admin():
    registered = {f"{m._meta.app_label}_{m._meta.model_name}" for m in admin.site._registry}
    assert registered == set(ADMIN_MODELS)


# --- the world the requests run in -------------------------------------------------------------------------------


@pytest.fixture
def world(
    frameworks_loaded,
    enterprise,
    other_enterprise,
    sme_manager,
    sme_contributor,
    other_manager,
    city_official,
    other_city_official,
    province_official,
    admin_user,
    settings,
    tmp_path,
) -> dict[str, Any]:
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_factors", stdout=io.StringIO())
    submitted = fill_draft(enterprise=enterprise, user=sme_manager, year=2025)
    evidence_add(assessment=submitted, user=sme_manager, question_code="", upload=pdf_upload())
    submitted = assessment_submit(assessment=submitted, user=sme_manager)
    draft = fill_draft(enterprise=enterprise, user=sme_manager, year=2024)
    evidence_add(assessment=draft, user=sme_manager, question_code="", upload=pdf_upload())
    ReviewComment.objects.create(assessment=submitted, author=city_official, text="请补充")
    ValidatedAnswer.objects.create(
        assessment=submitted,
        question_code="dig24.q.devices_networked",
        value=1,
        reason="核定",
        reviewer=city_official,
    )
    invitation = InvitationFactory(enterprise=enterprise, invited_by=sme_manager)
    revision_notice = RevisionNotice.objects.create(
        assessment=draft, framework="sme_digital", version="2024", from_revision=1, to_revision=2
    )
    export_job = ExportJob.objects.create(
        requested_by=city_official,
        scope_city="230100",
        filename="x.xlsx",
        status=ExportJob.Status.DONE,
        rows_total=1,
        rows_done=1,
    )
    export_job.file.save("x.xlsx", ContentFile(b"PK"), save=True)
    enterprise_import = enterprise_import_upload(
        user=city_official,
        filename="list.csv",
        data="企业名称,统一社会信用代码,所在地市,行业大类,从业人员,营业收入,管理员邮箱\n甲,x,哈尔滨,C14,1,1,a@b.cn\n".encode(),
    )
    from assessment.economics.prices import default_prices
    from assessment.services.prices import price_set_load

    price_set = price_set_load(data=default_prices()).price_set
    plan_action = plan_action_add(assessment=submitted, user=sme_manager, code="act.energy.led_lighting")
    objects: dict[str, Any] = {
        "submitted": submitted,
        "draft": draft,
        # A checked upload of each, by the manager (no changes: confirming writes nothing).
        "draft_workbook_upload": WorkbookUpload.objects.create(
            assessment=draft, user=sme_manager, language="zh-hans"
        ),
        "submitted_workbook_upload": WorkbookUpload.objects.create(
            assessment=submitted, user=sme_manager, language="zh-hans"
        ),
        "contributor_membership": Membership.objects.get(user=sme_contributor),
        "invitation": invitation,
        "export_job": export_job,
        "enterprise_import": enterprise_import,
        "admin_user": admin_user,
        "assessment_user": sme_manager,
        "assessment_enterprise": enterprise,
        "assessment_membership": Membership.objects.get(user=sme_manager),
        "assessment_invitation": invitation,
        "assessment_officialprofile": OfficialProfile.objects.get(user=city_official),
        "assessment_factorset": FactorSet.objects.get(pk=submitted.factor_set_id),
        "assessment_factor": Factor.objects.filter(factor_set_id=submitted.factor_set_id).first(),
        "assessment_priceset": price_set,
        "assessment_price": price_set.prices.first(),
        "assessment_ratingscheme": RatingScheme.objects.create(
            name_zh="测试方案",
            name_en="Test scheme",
            issuer_zh="测试机构",
            issuer_en="Test body",
            document="测试文件",
            year=2026,
            tiers=[{"code": "t1", "min": 60, "label": {"zh": "一档", "en": "Tier 1"}}],
        ),
        "assessment_assessment": draft,
        "assessment_frameworkresult": FrameworkResult.objects.filter(assessment=submitted).first(),
        "assessment_answer": Answer.objects.filter(assessment=draft).first(),
        "assessment_workbookupload": WorkbookUpload.objects.filter(assessment=draft).first(),
        "assessment_evidence": Evidence.objects.get(assessment=draft),
        "assessment_reviewcomment": ReviewComment.objects.get(),
        "assessment_validatedanswer": ValidatedAnswer.objects.get(),
        "assessment_auditevent": AuditEvent.objects.first(),
        "assessment_revisionnotice": revision_notice,
        "assessment_rescore": Rescore.objects.create(
            assessment=submitted, framework="sme_digital", version="2024", from_revision=1, to_revision=2
        ),
        "revision_notice": revision_notice,
        "assessment_plan": plan_action.plan,
        "assessment_planaction": plan_action,
        "assessment_enterpriseimport": enterprise_import,
        "assessment_proposaldecision": ProposalDecision.objects.create(
            assessment=draft, question_code="mgmt.cp_audit_3y", value=True, decision="rejected"
        ),
        "assessment_analyticsentry": AnalyticsEntry.objects.get(),
        "assessment_scoreaggregate": ScoreAggregate.objects.first(),
        "questionnaires_questionnaireversion": QuestionnaireVersion.objects.first(),
        "reports_exportjob": export_job,
        "django_tasks_database_dbtaskresult": DBTaskResult.objects.create(
            args_kwargs={"args": [str(export_job.pk)], "kwargs": {}},
            task_path="reports.tasks.build_export",
            backend_name="default",
            queue_name="default",
        ),
    }
    from django.contrib.auth.models import Group

    objects["auth_group"] = Group.objects.create(name="reviewers")
    return objects


def _axes_object(model: str) -> Any:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    kwargs = {
        "user_agent": "test",
        "ip_address": "10.0.0.1",
        "username": "x",
        "http_accept": "*/*",
        "path_info": "/",
    }
    if model == "axes_accessattempt":
        return AccessAttempt.objects.create(**kwargs, get_data="", post_data="", failures_since_start=1)
    if model == "axes_accessfailurelog":
        return AccessFailureLog.objects.create(**kwargs, locked_out=False)
    return AccessLog.objects.create(**kwargs)


def build_url(case: Case, objects: dict[str, Any]) -> str:
    name, target = case.name, case.target
    if name == "password_reset_confirm":
        return reverse(name, kwargs={"uidb64": "MQ", "token": "set-password"})
    if name == "invitation_accept":
        return reverse(name, kwargs={"token": objects["invitation"].token})
    if name in ("officials_export", "enterprise_import_template"):
        return reverse(name, kwargs={"fmt": target})
    if name == "assessment_fill":
        from assessment.selectors.assessments import assessment_definitions, build_sections

        assessment = objects[target]
        section = build_sections(assessment_definitions(assessment))[-1].key
        return reverse(name, kwargs={"pk": assessment.pk, "section": section})
    if name in ("assessment_workbook_preview", "assessment_workbook_confirm"):
        upload = objects[f"{target}_workbook_upload"]
        return reverse(name, kwargs={"pk": upload.assessment_id, "upload": upload.pk})
    if name in ("evidence_download", "evidence_delete"):
        assessment = objects[target]
        return reverse(name, kwargs={"pk": assessment.pk, "evidence_pk": assessment.evidence.get().pk})
    if name == "revision_notice_dismiss":
        notice = objects[target]
        return reverse(name, kwargs={"pk": notice.assessment_id, "notice_pk": notice.pk})
    if name == "admin:app_list":
        return reverse(name, kwargs={"app_label": "assessment"})
    if name == "admin:view_on_site":
        return reverse(name, kwargs={"content_type_id": 999999, "object_id": 1})
    if name.startswith("admin:") and target:
        obj = objects.get(target) if target in objects else _axes_object(target)
        return reverse(name, kwargs={"object_id" if not name.endswith("password_change") else "id": obj.pk})
    if target:
        return reverse(name, kwargs={"pk": objects[target].pk})
    return reverse(name)


def request_status(client: Client, case: Case, objects: dict[str, Any]) -> tuple[int, str]:
    """The response's status code and its Cache-Control header."""
    with transaction.atomic():
        url = build_url(case, objects)
        response = client.post(url, case.data) if case.method == "POST" else client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        transaction.set_rollback(True)
    return response.status_code, response.get("Cache-Control", "")


def _client_for(persona: str, request: pytest.FixtureRequest) -> Client:
    client = Client()
    if persona != "A":
        client.force_login(request.getfixturevalue(PERSONA_FIXTURES[persona]))
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_it_gives_every_persona_the_expected_status_on_every_url(request, world, persona):
    client = _client_for(persona, request)
    wrong = []
    for case in CASES:
        status, cache_control = request_status(client, case, world)
        if status != case.expected[persona]:
            wrong.append(
                f"{case.method} {case.name}@{case.target or '-'}: {status}, expected {case.expected[persona]}"
            )
        directives = {part.strip() for part in cache_control.split(",")}
        signed_in = persona != "A" and not (case.name == "logout" and case.method == "POST")
        if signed_in and not {"private", "no-store"} <= directives:
            # Every response to a signed-in person (pages, PDFs, exports, evidence, JSON) stays out of
            # shared and browser caches.
            wrong.append(f"{case.method} {case.name}@{case.target or '-'}: Cache-Control {cache_control!r}")
        if case.name == "logout" and case.method == "POST" and persona != "A":
            client = _client_for(persona, request)  # the rolled-back logout still cleared the client's cookie
    assert wrong == [], "\n".join(wrong)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_it_answers_unknown_admin_urls_without_leaking(request, world, persona):
    client = _client_for(persona, request)
    status = client.get("/admin/assessment/no-such-model/").status_code
    assert status == (404 if persona == "S" else 302)


def test_it_keeps_the_table_readable():
    """Guard against an entry silently shadowing another: (name, target, method) is unique."""
    keys = [(case.name, case.target, case.method) for case in CASES]
    assert len(keys) == len(set(keys))
    assert Path(__file__).read_text(encoding="utf-8").count("Case(") >= len(APP_CASES)
