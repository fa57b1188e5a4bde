from django.urls import path

from reports import views, views_officials

urlpatterns = [
    path("assessments/<int:pk>/report.pdf", views.assessment_report_pdf, name="assessment_report_pdf"),
    # Officials: analytics, exports of the filtered submissions, the regional summary PDF.
    path("analytics/", views_officials.analytics, name="officials_analytics"),
    path("exports/submissions.<str:fmt>", views_officials.export, name="officials_export"),
    path("regional.pdf", views_officials.regional_pdf, name="officials_regional_pdf"),
]
