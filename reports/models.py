"""Reports read assessment data; their one table records the officials' background exports."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A running job writes its heartbeat at least once per chunk of 1,000 rows (about a second); one older
# than this means the worker running it died (restart, crash, out of memory).
STALE_AFTER = timedelta(minutes=2)


def export_upload_to(instance: ExportJob, filename: str) -> str:
    # Random stored name under MEDIA_ROOT (never served directly); the download name is `filename`.
    return f"exports/{uuid.uuid4().hex}.{instance.format}"


class ExportJob(models.Model):
    """One official's export of the filtered submissions, built in the background.

    `parameters` are the filters as submitted (query items); they are cleaned again and scoped to the
    requester's jurisdiction when the job runs, so a stored city never widens what a city official sees.
    `scope_city` is the city the rows were limited to ("" for the whole province)."""

    class Format(models.TextChoices):
        XLSX = "xlsx", "Excel"
        CSV = "csv", "CSV"

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("正在导出")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="export_jobs",
        verbose_name=_("申请人"),
    )
    parameters = models.JSONField(_("筛选条件"), default=dict, blank=True)
    scope_city = models.CharField(_("范围（地市代码）"), max_length=6, blank=True)
    format = models.CharField(_("格式"), max_length=8, choices=Format.choices, default=Format.XLSX)
    language = models.CharField(_("语言"), max_length=16, default="zh-hans")
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(_("总行数"), default=0)
    rows_done = models.PositiveIntegerField(_("已写行数"), default=0)
    file = models.FileField(_("文件"), upload_to=export_upload_to, blank=True)
    filename = models.CharField(_("下载文件名"), max_length=120)
    error = models.TextField(_("错误"), blank=True)
    created_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("最近进度时间"), default=timezone.now)

    class Meta:
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["requested_by", "-created_at"], name="exportjob_user_idx"),
            models.Index(fields=["status", "created_at"], name="exportjob_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.filename} ({self.status})"

    def is_stale(self, now: datetime | None = None) -> bool:
        """Running but no progress for STALE_AFTER: the worker running it died (restart, crash, out of
        memory). A queued job waits for a worker however long it takes."""
        if self.status == self.Status.RUNNING:
            return self.heartbeat_at < (now or timezone.now()) - STALE_AFTER
        return False

    def shown_status(self, now: datetime | None = None) -> str:
        return self.Status.FAILED if self.is_stale(now) else self.status

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(100, int(100 * self.rows_done / self.rows_total)) if self.rows_total else 0
