from django.urls import path

from assessment.views import accounts, common, enterprise, enterprise_import, method, review, revisions, sme
from assessment.views.sme import followup as sme_followup

urlpatterns = [
    path("", common.home, name="home"),
    path("method/", method.method_page, name="method"),
    # Foundation: sign-up, invitations, the enterprise profile and its members.
    path("signup/", accounts.signup, name="signup"),
    path("invitations/<uuid:token>/", accounts.invitation_accept_view, name="invitation_accept"),
    path("enterprise/", enterprise.enterprise_edit, name="enterprise_edit"),
    path("enterprise/members/", enterprise.members, name="enterprise_members"),
    path("enterprise/members/invite/", enterprise.invitation_create_view, name="invitation_create"),
    path("enterprise/members/<int:pk>/remove/", enterprise.membership_remove_view, name="membership_remove"),
    path(
        "enterprise/invitations/<int:pk>/revoke/", enterprise.invitation_revoke_view, name="invitation_revoke"
    ),
    # The SME journey: start, fill (autosave), evidence, review, submit, results.
    path("assessments/start/", sme.assessment_start, name="assessment_start"),
    path("assessments/<int:pk>/", sme.assessment_detail, name="assessment_detail"),
    path("assessments/<int:pk>/fill/<str:section>/", sme.assessment_fill, name="assessment_fill"),
    path("assessments/<int:pk>/autosave/", sme.assessment_autosave, name="assessment_autosave"),
    path("assessments/<int:pk>/state/", sme.assessment_state, name="assessment_state"),
    path("assessments/<int:pk>/confirm/", sme.assessment_confirm, name="assessment_confirm"),
    path("assessments/<int:pk>/evidence/", sme.evidence_upload, name="evidence_upload"),
    path("assessments/<int:pk>/evidence/<int:evidence_pk>/", sme.evidence_download, name="evidence_download"),
    path(
        "assessments/<int:pk>/evidence/<int:evidence_pk>/remove/", sme.evidence_delete, name="evidence_delete"
    ),
    path("assessments/<int:pk>/review/", sme.assessment_review, name="assessment_review"),
    # Filling offline in Excel: download the workbook, upload it, preview, confirm.
    path("assessments/<int:pk>/workbook/", sme.assessment_workbook, name="assessment_workbook"),
    path(
        "assessments/<int:pk>/workbook/download/",
        sme.assessment_workbook_download,
        name="assessment_workbook_download",
    ),
    path(
        "assessments/<int:pk>/workbook/<int:upload>/",
        sme.assessment_workbook_preview,
        name="assessment_workbook_preview",
    ),
    path(
        "assessments/<int:pk>/workbook/<int:upload>/confirm/",
        sme.assessment_workbook_confirm,
        name="assessment_workbook_confirm",
    ),
    path("assessments/<int:pk>/submit/", sme.assessment_submit_view, name="assessment_submit"),
    path("assessments/<int:pk>/results/", sme.assessment_results, name="assessment_results"),
    path(
        "assessments/<int:pk>/revision-notices/<int:notice_pk>/dismiss/",
        sme.revision_notice_dismiss,
        name="revision_notice_dismiss",
    ),
    path("assessments/<int:pk>/plan/", sme.assessment_plan, name="assessment_plan"),
    path("assessments/<int:pk>/proposals/", sme_followup.proposal_decide, name="assessment_proposal_decide"),
    # Officials: the review queue and the review of one assessment.
    path("review/", review.review_queue, name="review_queue"),
    # Provincial officials: corrected definitions, re-scoring on a new revision.
    path("review/revisions/", revisions.revisions_overview, name="revisions_overview"),
    path("review/revisions/rescore/", revisions.revisions_rescore, name="revisions_rescore"),
    path("review/revisions/adopt/", revisions.rescores_adopt, name="rescores_adopt"),
    path("review/<int:pk>/", review.review_detail, name="review_detail"),
    path("review/<int:pk>/comment/", review.review_comment, name="review_comment"),
    path("review/<int:pk>/validate/", review.review_validate, name="review_validate"),
    path("review/<int:pk>/withdraw/", review.review_withdraw, name="review_withdraw"),
    path("review/<int:pk>/decide/", review.review_decide, name="review_decide"),
    # Officials: the bulk import of enterprises from a list.
    path("officials/enterprises/import/", enterprise_import.enterprise_import, name="enterprise_import"),
    path(
        "officials/enterprises/import/template.<str:fmt>",
        enterprise_import.enterprise_import_template,
        name="enterprise_import_template",
    ),
    path(
        "officials/enterprises/import/<uuid:pk>/",
        enterprise_import.enterprise_import_preview,
        name="enterprise_import_preview",
    ),
    path(
        "officials/enterprises/import/<uuid:pk>/confirm/",
        enterprise_import.enterprise_import_confirm_view,
        name="enterprise_import_confirm",
    ),
    path(
        "officials/enterprises/import/<uuid:pk>/status/",
        enterprise_import.enterprise_import_status,
        name="enterprise_import_status",
    ),
    path(
        "officials/enterprises/import/<uuid:pk>/retry/",
        enterprise_import.enterprise_import_retry_view,
        name="enterprise_import_retry",
    ),
]
