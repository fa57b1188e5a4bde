"""Admin for the reports app: officials' export jobs, viewable for support, never edited here (the job
itself writes its progress; files are purged after EXPORT_RETENTION_HOURS)."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from assessment.admin import ReadOnlyAdmin
from reports.models import ExportJob


@admin.register(ExportJob)
class ExportJobAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "requested_by", "format", "status", "progress", "scope_city", "finished_at"]
    list_filter = ["status", "format"]
    search_fields = ["requested_by__username", "filename", "scope_city"]
    list_select_related = ["requested_by"]
    date_hierarchy = "created_at"
    # Files are served only by the requester's authorising download view; there is no media URL.
    exclude = ["file"]
    readonly_fields = ["stored_file"]

    @admin.display(description=_("进度"))
    def progress(self, job: ExportJob) -> str:
        return f"{job.rows_done}/{job.rows_total}"

    @admin.display(description=_("文件"))
    def stored_file(self, job: ExportJob) -> str:
        return job.file.name if job.file else "—"
