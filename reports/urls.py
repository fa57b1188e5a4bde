from django.urls import path

from reports import views

urlpatterns = [
    path("assessments/<int:pk>/report.pdf", views.assessment_report_pdf, name="assessment_report_pdf"),
]
