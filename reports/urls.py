from django.urls import path

from reports import views, views_exports, views_officials

urlpatterns = [
    path("assessments/<int:pk>/report.pdf", views.assessment_report_pdf, name="assessment_report_pdf"),
    # Officials: analytics, exports of the filtered submissions, the regional summary PDF.
    path("analytics/", views_officials.analytics, name="officials_analytics"),
    path("exports/submissions.<str:fmt>", views_exports.export, name="officials_export"),
    path("exports/", views_exports.export_job_list, name="officials_export_jobs"),
    path("exports/new", views_exports.export_job_create, name="officials_export_job_create"),
    path("exports/<uuid:pk>/", views_exports.export_job, name="officials_export_job"),
    path("exports/<uuid:pk>/status", views_exports.export_job_status, name="officials_export_job_status"),
    path(
        "exports/<uuid:pk>/download", views_exports.export_job_download, name="officials_export_job_download"
    ),
    path("exports/<uuid:pk>/retry", views_exports.export_job_retry, name="officials_export_job_retry"),
    path("regional.pdf", views_officials.regional_pdf, name="officials_regional_pdf"),
]
