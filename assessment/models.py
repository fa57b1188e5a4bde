"""Enterprises, people and their roles, assessments and answers, review and audit.

Business rules live in services.py (writes) and selectors.py (reads); the models hold data and
the invariants the database can enforce.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person: an enterprise member (via Membership) or an official (via OfficialProfile)."""

    display_name = models.CharField(_("姓名"), max_length=100, blank=True)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.display_name or self.username


class Enterprise(models.Model):
    class SizeClass(models.TextChoices):
        LARGE = "large", _("大型")
        MEDIUM = "medium", _("中型")
        SMALL = "small", _("小型")
        MICRO = "micro", _("微型")

    name = models.CharField(_("企业名称"), max_length=200)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    city_code = models.CharField(_("所在地市"), max_length=6, db_index=True)
    county = models.CharField(_("区县"), max_length=100, blank=True)
    industry_division = models.CharField(_("行业大类"), max_length=3, db_index=True)
    industry_class = models.CharField(_("行业小类代码"), max_length=5, blank=True)
    employees = models.PositiveIntegerField(_("从业人员（人）"))
    revenue = models.DecimalField(
        _("上年营业收入（万元）"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    size_class = models.CharField(_("企业规模"), max_length=8, choices=SizeClass.choices, db_index=True)
    size_rule_version = models.CharField(_("划型标准版本"), max_length=64, blank=True)
    # Blank only for enterprises an official imported from a list (the manager completes them).
    contact_name = models.CharField(_("联系人"), max_length=100, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    contact_email = models.EmailField(_("联系邮箱"))
    main_products = models.TextField(_("主要产品"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's place in one enterprise. A user belongs to at most one enterprise."""

    class Role(models.TextChoices):
        MANAGER = "manager", _("管理员")
        CONTRIBUTOR = "contributor", _("填报人")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(_("加入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("企业成员")
        verbose_name_plural = _("企业成员")

    def __str__(self) -> str:
        return f"{self.user} @ {self.enterprise} ({self.role})"


class Invitation(models.Model):
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("邮箱"))
    role = models.CharField(_("角色"), max_length=16, choices=Membership.Role.choices)
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("邀请时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("过期时间"))
    accepted_at = models.DateTimeField(_("接受时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("成员邀请")
        verbose_name_plural = _("成员邀请")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.enterprise}"


class EnterpriseImport(models.Model):
    """An official's uploaded list of enterprises, kept between the preview and the confirmation.

    `rows` are the file's non-blank rows as read (cell text by column key, with the row number in the file);
    they are validated again whenever the preview is shown and on confirmation, so what is created is what
    the preview showed at that moment. Once confirmed, the rows are dropped and the counts kept.

    A list of more than IMPORT_DIRECT_MAX_ROWS rows is checked and confirmed by background tasks
    (`in_background`): `status` and `rows_checked` are their progress, `check_result` the preview the
    last check stored, `message` why the last confirmation did not go through."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("正在校验")
        READY = "ready", _("待确认")
        CONFIRMING = "confirming", _("正在导入")
        DONE = "done", _("已导入")
        FAILED = "failed", _("失败")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="enterprise_imports",
        verbose_name=_("上传人"),
    )
    filename = models.CharField(_("文件名"), max_length=200)
    rows = models.JSONField(_("数据行"), default=list, blank=True)
    row_count = models.PositiveIntegerField(_("数据行数"), default=0)
    ignored_columns = models.JSONField(_("未识别的列"), default=list, blank=True)
    created_count = models.PositiveIntegerField(_("导入企业数"), default=0)
    rejected_count = models.PositiveIntegerField(_("未导入行数"), default=0)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("导入时间"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.READY)
    in_background = models.BooleanField(_("后台处理"), default=False)
    language = models.CharField(_("语言"), max_length=16, default="zh-hans")
    rows_checked = models.PositiveIntegerField(_("已校验行数"), default=0)
    check_result = models.JSONField(_("校验结果"), null=True, blank=True)
    message = models.TextField(_("消息"), blank=True)
    # When a background task last showed progress on the list (queued, started, rows checked); a list
    # waiting longer than IMPORT_STALLED_MINUTES is stalled.
    progressed_at = models.DateTimeField(_("最近进展时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("企业批量导入")
        verbose_name_plural = _("企业批量导入")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["uploaded_by", "-created_at"], name="enterpriseimport_user_idx")]

    def __str__(self) -> str:
        return f"{self.filename} ({self.row_count})"

    @property
    def is_stalled(self) -> bool:
        """A background task should be working on the list (checking or importing) but has shown no
        progress for IMPORT_STALLED_MINUTES: its worker died, or none is running."""
        if not self.in_background or self.status not in (self.Status.CHECKING, self.Status.CONFIRMING):
            return False
        last = self.progressed_at or self.created_at
        return last < timezone.now() - dt.timedelta(minutes=settings.IMPORT_STALLED_MINUTES)


class OfficialProfile(models.Model):
    """An official's jurisdiction: the whole province (blank city_code) or one city."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="official")
    city_code = models.CharField(_("管辖地市"), max_length=6, blank=True, help_text=_("留空表示全省"))
    organisation = models.CharField(_("单位"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("主管部门用户")
        verbose_name_plural = _("主管部门用户")

    def __str__(self) -> str:
        return f"{self.user} ({self.city_code or 'province'})"

    @property
    def is_province(self) -> bool:
        return not self.city_code


class FactorSet(models.Model):
    """A versioned set of energy coefficients and emission factors (editable by administrators)."""

    name = models.CharField(_("名称"), max_length=200)
    year = models.PositiveIntegerField(_("适用年份"))
    is_default = models.BooleanField(_("默认"), default=False)
    notes = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("系数集")
        verbose_name_plural = _("系数集")
        ordering = ["-year", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"


class RatingScheme(models.Model):
    """A provincial rating scheme an administrator configures for a framework version (none shipped).

    GB/T 36132-2025 defines no grade; when a scheme is active for a version, its tiers are shown beside the
    score, always with the scheme's name (assessment/presentation.py). Scores never change with it.
    """

    name_zh = models.CharField(_("方案名称（中文）"), max_length=200)
    name_en = models.CharField(_("方案名称（英文）"), max_length=200)
    issuer_zh = models.CharField(_("发布机构（中文）"), max_length=200)
    issuer_en = models.CharField(_("发布机构（英文）"), max_length=200)
    document = models.CharField(_("文件名称或文号"), max_length=300)
    year = models.PositiveIntegerField(_("发布年份"))
    framework = models.SlugField(_("框架"), max_length=64, default="green_factory")
    framework_version = models.CharField(_("适用的框架版本"), max_length=32, default="2025")
    # [{"code": "t1", "min": 60, "label": {"zh": "...", "en": "..."}}, ...] by rising minimum score.
    tiers = models.JSONField(_("等级"), default=list)
    active = models.BooleanField(_("启用"), default=False)

    class Meta:
        verbose_name = _("评级方案")
        verbose_name_plural = _("评级方案")
        ordering = ["framework", "framework_version", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "framework_version"],
                condition=models.Q(active=True),
                name="one_active_rating_scheme_per_version",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name_zh} ({self.framework}@{self.framework_version})"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        problems = tier_problems(self.tiers)
        if problems:
            raise ValidationError({"tiers": problems})

    def as_dict(self) -> dict:
        return {
            "name": {"zh": self.name_zh, "en": self.name_en},
            "issuer": {"zh": self.issuer_zh, "en": self.issuer_en},
            "document": self.document,
            "year": self.year,
            "framework": self.framework,
            "framework_version": self.framework_version,
            "tiers": list(self.tiers),
        }


def tier_problems(tiers: object) -> list[str]:
    """What is wrong with a rating scheme's tiers (translated messages; empty when valid)."""
    if not isinstance(tiers, list) or not tiers:
        return [str(_("请至少填写一个等级（code、min 最低分和中英文名称 label）。"))]
    problems = []
    last = None
    for tier in tiers:
        label = tier.get("label") if isinstance(tier, dict) else None
        if not (
            isinstance(tier, dict)
            and isinstance(tier.get("code"), str)
            and isinstance(tier.get("min"), int | float)
            and isinstance(label, dict)
            and all(isinstance(label.get(k), str) and label[k].strip() for k in ("zh", "en"))
        ):
            problems.append(str(_("每个等级需要 code、min（最低分）和中英文名称 label。")))
            break
        if last is not None and tier["min"] <= last:
            problems.append(str(_("等级须按最低分从低到高排列。")))
            break
        last = tier["min"]
    return problems


class Factor(models.Model):
    factor_set = models.ForeignKey(FactorSet, on_delete=models.CASCADE, related_name="factors")
    key = models.CharField(_("键"), max_length=64)
    label_zh = models.CharField(_("中文名称"), max_length=200)
    label_en = models.CharField(_("英文名称"), max_length=200)
    value = models.DecimalField(_("数值"), max_digits=18, decimal_places=8)
    unit = models.CharField(_("单位"), max_length=64)
    source = models.CharField(_("来源"), max_length=500)
    # Data year of a year-specific factor (e.g. a grid emission factor); blank when not year-specific.
    year = models.PositiveIntegerField(_("数据年份"), null=True, blank=True)
    provisional = models.BooleanField(_("待确认"), default=False)

    class Meta:
        verbose_name = _("系数")
        verbose_name_plural = _("系数")
        constraints = [models.UniqueConstraint(fields=["factor_set", "key"], name="unique_factor_key")]

    def __str__(self) -> str:
        return f"{self.key}={self.value} {self.unit}"


class PriceSet(models.Model):
    """A dated set of reference prices of energy carriers and water (editable by administrators).

    Used by the action economics when the enterprise has not entered its own bills; the report names the
    set and its date. Loaded from assessment/data/prices-<year>.yaml by `manage.py load_prices`.
    """

    name = models.CharField(_("名称"), max_length=200)
    region = models.CharField(_("地区代码"), max_length=6, blank=True)
    as_of = models.DateField(_("价格日期"))
    is_default = models.BooleanField(_("默认"), default=False)
    notes = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("价格集")
        verbose_name_plural = _("价格集")
        ordering = ["-as_of", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.as_of})"


class Price(models.Model):
    price_set = models.ForeignKey(PriceSet, on_delete=models.CASCADE, related_name="prices")
    key = models.CharField(_("键"), max_length=64)
    carrier = models.CharField(_("能源或水"), max_length=32)
    label_zh = models.CharField(_("中文名称"), max_length=200)
    label_en = models.CharField(_("英文名称"), max_length=200)
    low = models.DecimalField(_("低值"), max_digits=14, decimal_places=4)
    high = models.DecimalField(_("高值"), max_digits=14, decimal_places=4)
    unit = models.CharField(_("单位"), max_length=32)
    ref = models.CharField(_("参考文献"), max_length=64, blank=True)
    section = models.CharField(_("章节"), max_length=200, blank=True)
    provisional = models.BooleanField(_("待确认"), default=False)
    basis_zh = models.TextField(_("依据（中文）"), blank=True)
    basis_en = models.TextField(_("依据（英文）"), blank=True)

    class Meta:
        verbose_name = _("价格")
        verbose_name_plural = _("价格")
        constraints = [models.UniqueConstraint(fields=["price_set", "key"], name="unique_price_key")]

    def __str__(self) -> str:
        return f"{self.key}={self.low}–{self.high} {self.unit}"


class Assessment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")
        RETURNED = "returned", _("退回修改")
        ACCEPTED = "accepted", _("已通过")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="assessments")
    year = models.PositiveIntegerField(_("评估年度"))
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    versions = models.ManyToManyField(
        "questionnaires.QuestionnaireVersion", related_name="assessments", verbose_name=_("框架版本")
    )
    factor_set = models.ForeignKey(
        FactorSet, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    factor_snapshot = models.JSONField(_("系数快照"), null=True, blank=True)
    result = models.JSONField(_("自评结果"), null=True, blank=True)
    validated_result = models.JSONField(_("审核后结果"), null=True, blank=True)
    # Denormalised for officials' lists and analytics: {framework: score} and {framework: level}.
    total_score = models.FloatField(_("综合得分"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_note = models.TextField(_("审核意见"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("评估")
        verbose_name_plural = _("评估")
        ordering = ["-year", "-created_at"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="unique_assessment_year")]
        indexes = [models.Index(fields=["year", "status"])]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}"

    @property
    def is_editable(self) -> bool:
        return self.status in {self.Status.DRAFT, self.Status.RETURNED}


class FrameworkResult(models.Model):
    """One framework's stored result for a submitted assessment (one row each, for analytics)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="framework_results")
    framework = models.SlugField(_("框架"), max_length=64)
    version = models.CharField(_("版本"), max_length=32)
    score = models.FloatField(_("得分"))
    level = models.CharField(_("等级"), max_length=32, blank=True)
    veto_failed = models.BooleanField(_("否决项未通过"), default=False)
    dimension_scores = models.JSONField(_("维度得分"), default=dict)
    # {indicator code: percent of its available points earned} for applicable leaf indicators, so analytics
    # can average indicators in the database without reading the full result JSON.
    indicator_scores = models.JSONField(_("指标得分率"), default=dict)
    validated = models.BooleanField(_("审核后"), default=False)
    # The row officials' analytics count: the validated one where a reviewer validated answers, else the
    # self-assessed one (assessment.services.results.framework_results_mark keeps it so).
    in_analytics = models.BooleanField(_("计入统计"), default=True, db_default=True)

    class Meta:
        verbose_name = _("框架结果")
        verbose_name_plural = _("框架结果")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "framework", "validated"], name="unique_framework_result"
            )
        ]
        indexes = [
            models.Index(fields=["framework", "level"]),
            # Officials' analytics: counts, levels and mean scores by index-only scans (PostgreSQL), without
            # reading the rows' JSON score maps.
            models.Index(
                fields=["in_analytics", "assessment"],
                include=["framework", "version", "score", "level", "veto_failed", "id"],
                name="frameworkresult_counted_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.framework}@{self.version}: {self.score:.1f} {self.level}"


class Answer(models.Model):
    """One answer, keyed by the question's stable code (shared questions are answered once)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    question_code = models.CharField(_("题目编码"), max_length=128)
    value = models.JSONField(_("答案"), null=True)
    prefilled = models.BooleanField(_("沿用上年待确认"), default=False)
    # The option the figures propose (a question's `proposed_by`), recorded by the system where nobody
    # chose one; any save by a person clears it (docs/definitions.md, Proposed options). db_default: the
    # demo's bulk INSERTs leave the column out.
    proposed = models.BooleanField(_("系统按数据预选，企业未选择"), default=False, db_default=False)
    override_reason = models.TextField(_("覆盖计算值的理由"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("答案")
        verbose_name_plural = _("答案")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "question_code"], name="unique_answer_per_question")
        ]

    def __str__(self) -> str:
        return f"{self.question_code}={self.value!r}"


class RevisionNotice(models.Model):
    """What changed for an assessment moved to a new revision of a framework version (a corrected
    definition), told to its members until one of them dismisses it or the assessment is submitted.
    `changes`: questionnaires.revisions.RevisionChange dicts; `flagged`: answers to removed questions
    (kept, not scored) and answers the new revision does not accept (kept, to correct), each with the
    question's text and the reason in both languages; scores: the live scores before and after."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="revision_notices")
    framework = models.SlugField(_("框架"), max_length=64)
    version = models.CharField(_("版本"), max_length=32)
    from_revision = models.PositiveSmallIntegerField(_("原修订号"))
    to_revision = models.PositiveSmallIntegerField(_("新修订号"))
    changes = models.JSONField(_("修改内容"), default=list)
    flagged = models.JSONField(_("需注意的答案"), default=list)
    score_before = models.FloatField(_("原得分"), null=True, blank=True)
    score_after = models.FloatField(_("新得分"), null=True, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    dismissed_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("修订通知")
        verbose_name_plural = _("修订通知")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return (
            f"{self.assessment_id} {self.framework}@{self.version} r{self.from_revision}->r{self.to_revision}"
        )


class Rescore(models.Model):
    """An official's re-score of a submitted or accepted assessment on a newer revision of one framework
    version, kept beside the result it was scored on. The counted result (analytics, results page, report)
    stays the original until an official adopts the re-score: then the two swap (`original` keeps the
    result that was counted). `result`/`validated_result`: the framework's result item on the new revision
    (the validated one where a reviewer validated answers); `problems`: why it could not be scored."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="rescores")
    framework = models.SlugField(_("框架"), max_length=64)
    version = models.CharField(_("版本"), max_length=32)
    from_revision = models.PositiveSmallIntegerField(_("原修订号"))
    to_revision = models.PositiveSmallIntegerField(_("新修订号"))
    original = models.JSONField(_("原结果"), null=True, blank=True)
    result = models.JSONField(_("重新计分结果"), null=True, blank=True)
    validated_result = models.JSONField(_("审核后重新计分结果"), null=True, blank=True)
    problems = models.JSONField(_("无法计分的原因"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    adopted_at = models.DateTimeField(_("采用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("按新修订重新计分")
        verbose_name_plural = _("按新修订重新计分")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "framework", "version", "to_revision"], name="unique_rescore"
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.assessment_id} {self.framework}@{self.version} r{self.from_revision}->r{self.to_revision}"
        )

    @property
    def score(self) -> float | None:
        """The re-score's score (validated where a reviewer validated answers)."""
        counted = self.validated_result or self.result
        return counted.get("score") if counted else None

    @property
    def original_score(self) -> float | None:
        """The score of the result the re-score stands beside (the counted one until adopted)."""
        original = self.original or {}
        counted = original.get("validated_result") or original.get("result")
        return counted.get("score") if counted else None


def evidence_upload_to(instance: Evidence, filename: str) -> str:
    # Random stored name: the original name is kept in a field, never used on disk.
    return f"evidence/{instance.assessment_id}/{uuid.uuid4().hex}"


class Evidence(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="evidence")
    question_code = models.CharField(_("题目编码"), max_length=128, blank=True)
    file = models.FileField(_("文件"), upload_to=evidence_upload_to)
    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class ReviewComment(models.Model):
    """An official's comment on an assessment, on one question or (blank code) on the whole."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="review_comments")
    question_code = models.CharField(_("题目编码"), max_length=128, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("意见"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("审核意见")
        verbose_name_plural = _("审核意见")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.question_code or '*'}: {self.text[:40]}"


class ValidatedAnswer(models.Model):
    """A reviewer's correction: the answer is not substantiated; this value is used for the validated score."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="validated_answers")
    question_code = models.CharField(_("题目编码"), max_length=128)
    value = models.JSONField(_("核定值"), null=True)
    reason = models.TextField(_("理由"))
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("核定答案")
        verbose_name_plural = _("核定答案")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "question_code"], name="unique_validated_answer")
        ]

    def __str__(self) -> str:
        return f"{self.question_code}={self.value!r}"


class AuditEvent(models.Model):
    """Every state change, as a row: who did what, when, to which object, and why. `action` is a stable
    code for programs; people read `label` (ACTION_LABELS, translated)."""

    ACTION_LABELS = {
        "assessment.create": _("创建了评估"),
        "assessment.submit": _("提交了评估"),
        "assessment.workbook_import": _("通过 Excel 工作簿更新了答案"),
        "evidence.add": _("上传了佐证材料"),
        "evidence.remove": _("删除了佐证材料"),
        "review.comment": _("添加了审核意见"),
        "review.validate_answer": _("核定了答案"),
        "review.validation_withdraw": _("撤回了核定"),
        "review.accept": _("决定：审核通过"),
        "review.return": _("决定：退回修改"),
        "enterprise.signup": _("注册了企业"),
        "enterprise.update": _("修改了企业信息"),
        "invitation.create": _("发出了成员邀请"),
        "invitation.accept": _("接受了成员邀请"),
        "invitation.revoke": _("撤回了成员邀请"),
        "membership.remove": _("移除了成员"),
        "official.create": _("创建了主管部门账号"),
        "enterprise.import": _("批量导入了企业"),
        "enterprise.import_retry": _("重试了停滞的企业名单后台任务"),
        "factor_set.loaded": _("载入了排放因子集"),
        "factor_set.copied": _("复制了排放因子集"),
        "factor_set.made_default": _("将排放因子集设为默认"),
        "price_set.loaded": _("载入了价格集"),
        "price_set.made_default": _("将价格集设为默认"),
        "revision.moved": _("评估已转到问卷的新修订"),
        "revision.notice_dismissed": _("已阅问卷修订通知"),
        "revision.rescore": _("按问卷新修订重新计分"),
        "revision.adopt": _("采用按新修订重新计分的结果"),
        "plan.action_add": _("在改进计划中加入了措施"),
        "plan.action_update": _("修改了改进计划中的措施"),
        "plan.action_remove": _("从改进计划中移除了措施"),
        "plan.reorder": _("调整了改进计划的措施顺序"),
        "plan.proposal_confirm": _("确认了上年改进计划建议的答案"),
        "plan.proposal_reject": _("拒绝了上年改进计划建议的答案"),
    }

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(_("操作"), max_length=64, db_index=True)
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assessment = models.ForeignKey(
        Assessment, on_delete=models.SET_NULL, null=True, blank=True, related_name="audit_events"
    )
    detail = models.JSONField(_("详情"), default=dict, blank=True)
    reason = models.TextField(_("理由"), blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor} {self.action}"

    @property
    def label(self) -> str:
        """The action in words, in the active language (an action without a label: its code)."""
        label = self.ACTION_LABELS.get(self.action)
        return str(label) if label is not None else self.action


# --- the improvement plan ---------------------------------------------------------------------------------


def validate_quarter(value: str) -> None:
    """A target quarter as "2027Q2" (year 2000–2099, quarter 1–4)."""
    from django.core.exceptions import ValidationError

    if value and not QUARTER_PATTERN.fullmatch(value):
        raise ValidationError(_("目标季度的格式应为年份加季度，例如 2027Q2。"), code="quarter")


QUARTER_PATTERN = re.compile(r"20\d\dQ[1-4]")


class Plan(models.Model):
    """The improvement plan of one assessment: the actions the enterprise commits to (created with its
    first action). `revision` counts its changes; docs/plan.md explains the concurrency rule."""

    assessment = models.OneToOneField(Assessment, on_delete=models.CASCADE, related_name="plan")
    revision = models.PositiveIntegerField(_("修订号"), default=0)
    # Each counted action's central figures in the plan's sequence, for officials' analytics, with the
    # revision and prices they were computed on (assessment/plan_figures.py); None: not computed yet.
    figures = models.JSONField(_("计划估算"), null=True, blank=True, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("改进计划")
        verbose_name_plural = _("改进计划")

    def __str__(self) -> str:
        return f"{self.assessment} plan r{self.revision}"


class PlanAction(models.Model):
    """One chosen action of a plan, by its catalog code (assessment/actions/actions-<version>.yaml)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("计划中")
        IN_PROGRESS = "in_progress", _("实施中")
        DONE = "done", _("已完成")
        DROPPED = "dropped", _("已放弃")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    action_code = models.CharField(_("措施编码"), max_length=64)
    owner = models.CharField(_("负责人"), max_length=100, blank=True)
    quarter = models.CharField(_("目标季度"), max_length=6, blank=True, validators=[validate_quarter])
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    note = models.TextField(_("备注"), blank=True)
    position = models.PositiveIntegerField(_("顺序"), default=0)
    # Counts this row's changes: an edit made on an older revision someone else changed since is refused.
    revision = models.PositiveIntegerField(_("修订号"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("计划措施")
        verbose_name_plural = _("计划措施")
        ordering = ["plan", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "action_code"], name="unique_plan_action"),
            models.CheckConstraint(
                condition=models.Q(quarter="") | models.Q(quarter__regex=r"^20[0-9]{2}Q[1-4]$"),
                name="plan_action_quarter_format",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action_code} ({self.status})"


class ProposalDecision(models.Model):
    """What a member decided about an answer last year's plan proposed for this assessment (confirmed:
    written as the answer; rejected: not proposed again). docs/plan.md, "Follow-through"."""

    class Decision(models.TextChoices):
        CONFIRMED = "confirmed", _("已确认")
        REJECTED = "rejected", _("已拒绝")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="proposal_decisions")
    question_code = models.CharField(_("题目编码"), max_length=200)
    value = models.JSONField(_("建议的答案"), null=True)
    decision = models.CharField(_("决定"), max_length=16, choices=Decision.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("决定时间"), auto_now=True)

    class Meta:
        verbose_name = _("计划建议答案的决定")
        verbose_name_plural = _("计划建议答案的决定")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "question_code"], name="unique_proposal_decision")
        ]

    def __str__(self) -> str:
        return f"{self.question_code}: {self.decision}"


class WorkbookUpload(models.Model):
    """An uploaded workbook as checked, kept between its preview and the person's confirmation
    (docs/workbook.md): the changes, conflicts and errors found, never the file itself. Applied once."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    language = models.CharField(max_length=8)
    # {"changes": [{code, ref, value, seen}], "conflicts": [{code, ref, value, base, theirs, seen}],
    #  "errors": [{code, ref, message}], "unchanged": n}
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("工作簿上传")
        verbose_name_plural = _("工作簿上传")

    def __str__(self) -> str:
        return f"workbook upload {self.pk} of assessment {self.assessment_id}"


# --- pre-aggregated analytics ----------------------------------------------------------------------------
# The officials' analytics group submissions by the filter columns below. The key of an assessment's group:
# year, city, industry division, size class, status and the counted framework results with their levels
# (",slug:level,slug:level,", "none" for no level reached, so the framework and level filters are substring
# matches). Kept by assessment.services.analytics.
GROUP_KEY = ("year", "city_code", "industry_division", "size_class", "status", "frameworks")


class AnalyticsEntry(models.Model):
    """The group a submitted assessment was last counted in (its key when last refreshed), so a change
    of status, enterprise, year or frameworks recomputes the group it leaves as well as the one it joins.
    No foreign key: the entry of a deleted assessment stays until its refresh takes it out of its group."""

    assessment_id = models.BigIntegerField(primary_key=True)
    year = models.PositiveIntegerField()
    city_code = models.CharField(max_length=6)
    industry_division = models.CharField(max_length=3)
    size_class = models.CharField(max_length=8)
    status = models.CharField(max_length=16)
    frameworks = models.TextField(blank=True)

    class Meta:
        verbose_name = _("分析分组")
        verbose_name_plural = _("分析分组")
        indexes = [models.Index(fields=list(GROUP_KEY), name="analyticsentry_group_idx")]

    def __str__(self) -> str:
        return f"{self.assessment_id}: {self.year} {self.city_code} {self.industry_division} {self.status}"


class ScoreAggregate(models.Model):
    """Sums and counts of one group of submissions (GROUP_KEY) for one figure of the officials' analytics:
    kind "assessment" (count, counted composite index: validated where there is one), "level" (framework results by level: score, veto failures),
    "band" (framework results by 10-point score band, code: the band's lower bound), "dimension" and
    "indicator" (percent earned per code). Analytics adds these rows up instead of reading
    every assessment; sums of the non-null values and their number reproduce the live averages exactly."""

    class Kind(models.TextChoices):
        ASSESSMENT = "assessment", "assessment"
        LEVEL = "level", "level"
        DIMENSION = "dimension", "dimension"
        INDICATOR = "indicator", "indicator"
        BAND = "band", "band"

    year = models.PositiveIntegerField()
    city_code = models.CharField(max_length=6)
    industry_division = models.CharField(max_length=3)
    size_class = models.CharField(max_length=8)
    status = models.CharField(max_length=16)
    frameworks = models.TextField(blank=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    framework = models.CharField(max_length=64, blank=True)
    version = models.CharField(max_length=32, blank=True)
    code = models.TextField(blank=True)  # level code, dimension or indicator code
    count = models.PositiveIntegerField()  # assessments, framework results or scored values
    total = models.FloatField()  # sum of the non-null values (total_score, score or percent)
    counted = models.PositiveIntegerField()  # number of non-null values
    flagged = models.PositiveIntegerField(default=0)  # level rows: results failing a veto item

    class Meta:
        verbose_name = _("分析汇总")
        verbose_name_plural = _("分析汇总")
        constraints = [
            models.UniqueConstraint(
                fields=[*GROUP_KEY, "kind", "framework", "version", "code"], name="unique_score_aggregate"
            )
        ]
        indexes = [
            # Covering: analytics adds up a year's rows of one kind and framework by an index-only scan,
            # wherever refreshes have put the rows in the table.
            models.Index(
                fields=["kind", "framework", "year"],
                include=["city_code", "industry_division", "size_class", "status", "frameworks", "version"]
                + ["code", "count", "total", "counted", "flagged"],
                name="scoreaggregate_cover_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.framework} {self.code} {self.year} {self.city_code}: {self.count}"
