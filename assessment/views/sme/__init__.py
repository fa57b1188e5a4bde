"""The SME journey: start an assessment, fill it page by page (autosave), review, submit, see results.

Thin views: access through assessment/permissions.py, reads through assessment/selectors/assessments.py,
writes through assessment/services/assessments.py; DomainError becomes a message or a field error.

One module per page: home (start), fill, evidence, results (review, submit, results), plan.
"""

from assessment.views.sme.evidence import evidence_delete, evidence_download, evidence_upload
from assessment.views.sme.fill import (
    SEEN_SUFFIX,
    assessment_autosave,
    assessment_confirm,
    assessment_fill,
    assessment_state,
)
from assessment.views.sme.home import (
    assessment_detail,
    assessment_start,
    revision_notice_dismiss,
    short_framework_title,
    sme_assessments_context,
    sme_home_context,
)
from assessment.views.sme.plan import assessment_plan
from assessment.views.sme.results import assessment_results, assessment_review, assessment_submit_view
from assessment.views.sme.workbook import (
    assessment_workbook,
    assessment_workbook_confirm,
    assessment_workbook_download,
    assessment_workbook_preview,
)

__all__ = [
    "SEEN_SUFFIX",
    "assessment_autosave",
    "assessment_confirm",
    "assessment_detail",
    "assessment_fill",
    "assessment_plan",
    "assessment_results",
    "assessment_review",
    "assessment_start",
    "assessment_state",
    "assessment_submit_view",
    "assessment_workbook",
    "assessment_workbook_confirm",
    "assessment_workbook_download",
    "assessment_workbook_preview",
    "evidence_delete",
    "evidence_download",
    "evidence_upload",
    "revision_notice_dismiss",
    "short_framework_title",
    "sme_assessments_context",
    "sme_home_context",
]
