"""A loaded framework version: the definition file, validated and resolved, stored as JSON.

The stored JSON is the single source for forms, scoring and reports; see docs/definitions.md.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class QuestionnaireVersion(models.Model):
    class Status(models.TextChoices):
        CURRENT = "current", _("现行")
        LEGACY = "legacy", _("旧版")
        BANK = "bank", _("共享题库")

    framework = models.SlugField(_("框架"), max_length=64)
    version = models.CharField(_("版本"), max_length=32)
    title_zh = models.CharField(_("中文名称"), max_length=200)
    title_en = models.CharField(_("英文名称"), max_length=200)
    method = models.CharField(_("计分方法"), max_length=64, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.CURRENT)
    definition = models.JSONField(_("定义"))
    content_hash = models.CharField(_("内容摘要"), max_length=64)
    source_file = models.CharField(_("定义文件"), max_length=255)
    loaded_at = models.DateTimeField(_("载入时间"), auto_now=True)

    class Meta:
        verbose_name = _("问卷版本")
        verbose_name_plural = _("问卷版本")
        ordering = ["framework", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "version"], name="unique_framework_version"),
        ]

    def __str__(self) -> str:
        return f"{self.framework}@{self.version}"
