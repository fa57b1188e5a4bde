"""A loaded framework version: the definition file, validated and resolved, stored as JSON.

The stored JSON is the single source for forms, scoring and reports; see docs/definitions.md.
A version corrected after assessments answered it gets a new revision (a new row, revision n+1); the
earlier row stays, marked superseded, for the assessments scored on it ("Correcting a definition in
production" in docs/definitions.md).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class QuestionnaireVersionQuerySet(models.QuerySet["QuestionnaireVersion"]):
    def live(self) -> QuestionnaireVersionQuerySet:
        """The latest revision of each version (the rows new assessments and drafts use)."""
        return self.filter(superseded_at__isnull=True)


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
    # 1 for the version as first loaded; n+1 when a corrected file changes a version that has answers.
    revision = models.PositiveSmallIntegerField(_("修订号"), default=1)
    # Set when a newer revision replaced this one; submitted assessments keep pointing at it.
    superseded_at = models.DateTimeField(_("被取代时间"), null=True, blank=True)

    objects = QuestionnaireVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("问卷版本")
        verbose_name_plural = _("问卷版本")
        ordering = ["framework", "-version", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "version", "revision"], name="unique_framework_version_revision"
            ),
            models.UniqueConstraint(
                fields=["framework", "version"],
                condition=models.Q(superseded_at__isnull=True),
                name="one_live_revision_per_version",
            ),
        ]

    def __str__(self) -> str:
        suffix = f" r{self.revision}" if self.revision > 1 else ""
        return f"{self.framework}@{self.version}{suffix}"
