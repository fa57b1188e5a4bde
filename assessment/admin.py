"""Admin site for every assessment model: useful lists, filters and search.

Officials are created here (a user with an OfficialProfile inline) or with `manage.py create_official`.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from assessment import reference
from assessment.models import (
    AnalyticsEntry,
    Answer,
    Assessment,
    AuditEvent,
    Enterprise,
    EnterpriseImport,
    Evidence,
    Factor,
    FactorSet,
    FrameworkResult,
    Invitation,
    Membership,
    OfficialProfile,
    Plan,
    PlanAction,
    Price,
    PriceSet,
    ProposalDecision,
    RatingScheme,
    Rescore,
    ReviewComment,
    RevisionNotice,
    ScoreAggregate,
    User,
    ValidatedAnswer,
    WorkbookUpload,
)
from assessment.selectors.factors import factor_set_in_use
from assessment.services.analytics import analytics_refresh
from assessment.services.factors import factor_set_copy, factor_set_make_default
from assessment.services.prices import price_set_make_default
from assessment.uscc import validate_uscc


class CityFilter(admin.SimpleListFilter):
    title = _("地市")
    parameter_name = "city"
    field = "city_code"

    def lookups(self, request, model_admin):
        return reference.city_choices()

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{self.field: self.value()})
        return queryset


class AssessmentCityFilter(CityFilter):
    field = "enterprise__city_code"


class OfficialScopeFilter(CityFilter):
    def lookups(self, request, model_admin):
        return [("province", _("全省")), *reference.city_choices()]

    def queryset(self, request, queryset):
        if self.value() == "province":
            return queryset.filter(city_code="")
        return super().queryset(request, queryset)


class AnalyticsRefreshAdmin(admin.ModelAdmin):
    """Saves and deletions here change what the officials' analytics read (an enterprise's city or
    industry, an assessment's status or year, a result): the aggregates of the assessments concerned
    are recomputed in the same transaction (assessment.services.analytics)."""

    assessment_ids_path = "pk"  # from a row of this model to its assessments' ids

    def _assessment_ids(self, queryset) -> list[int]:
        return [pk for pk in queryset.values_list(self.assessment_ids_path, flat=True) if pk is not None]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        analytics_refresh(assessment_ids=self._assessment_ids(type(obj).objects.filter(pk=obj.pk)))

    def delete_model(self, request, obj):
        with transaction.atomic():
            ids = self._assessment_ids(type(obj).objects.filter(pk=obj.pk))
            super().delete_model(request, obj)
            analytics_refresh(assessment_ids=ids)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            ids = self._assessment_ids(queryset)
            super().delete_queryset(request, queryset)
            analytics_refresh(assessment_ids=ids)


class EnterpriseAdminForm(forms.ModelForm):
    """The same rules as sign-up: a valid USCC, a Heilongjiang city, a manufacturing division."""

    city_code = forms.ChoiceField(label=_("所在地市"), choices=reference.city_choices)
    industry_division = forms.ChoiceField(label=_("行业大类"), choices=reference.industry_choices)

    class Meta:
        model = Enterprise
        exclude: list[str] = []  # every field; size_class and size_rule_version are read-only in the admin

    def clean_uscc(self) -> str:
        return validate_uscc(self.cleaned_data["uscc"])

    def clean(self) -> dict:
        cleaned = super().clean()
        division, class_code = cleaned.get("industry_division"), cleaned.get("industry_class")
        if division and class_code and not reference.is_industry_class_of(class_code.upper(), division):
            self.add_error("industry_class", ValidationError(_("行业小类代码应为所选大类下的4位代码。")))
        return cleaned


class OfficialProfileAdminForm(forms.ModelForm):
    city_code = forms.ChoiceField(
        label=_("管辖地市"), choices=lambda: [("", _("全省")), *reference.city_choices()], required=False
    )

    class Meta:
        model = OfficialProfile
        fields = ["user", "city_code", "organisation"]


class LabelledInlineFormSet(forms.BaseInlineFormSet):
    """A tabular inline names its columns in the table head only: each field (and the delete box) is also
    named on itself, as WCAG 2.1 asks of every form control (1.3.1, 4.1.2)."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        for field in form.fields.values():
            # A foreign key's widget is wrapped (the add and change links): the inner one is rendered.
            widget = getattr(field.widget, "widget", field.widget)
            if field.label and not widget.is_hidden:
                widget.attrs.setdefault("aria-label", field.label)


class LabelledTabularInline(admin.TabularInline):
    formset = LabelledInlineFormSet


class MembershipInline(LabelledTabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["enterprise"]


class OfficialProfileInline(admin.StackedInline):
    model = OfficialProfile
    form = OfficialProfileAdminForm
    extra = 0
    max_num = 1
    can_delete = True
    verbose_name_plural = _("主管部门管辖范围")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "email", "role", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "is_superuser", "membership__role"]
    search_fields = ["username", "display_name", "email", "membership__enterprise__name"]
    list_select_related = ["membership", "official"]
    fieldsets = (*BaseUserAdmin.fieldsets, (_("绿智评"), {"fields": ["display_name"]}))
    inlines = [MembershipInline, OfficialProfileInline]
    # Recorded, not edited; and Django's split date-time fields name only their first half.
    readonly_fields = ["last_login", "date_joined"]
    # Plain lists with their label: Django's two-box filter puts a name on a span that has no role
    # (WCAG 4.1.2, axe aria-prohibited-attr).
    filter_horizontal = ()

    @admin.display(description=_("角色"))
    def role(self, user: User) -> str:
        if hasattr(user, "membership"):
            return str(user.membership.get_role_display())
        if hasattr(user, "official"):
            return f"{_('主管部门')} · {reference.city_name(user.official.city_code)}"
        return _("管理员") if user.is_staff else "—"


@admin.register(Enterprise)
class EnterpriseAdmin(AnalyticsRefreshAdmin):
    form = EnterpriseAdminForm
    assessment_ids_path = "assessments__id"
    list_display = [
        "name",
        "uscc",
        "city",
        "industry_division",
        "size_class",
        "employees",
        "revenue",
        "created_at",
    ]
    list_filter = [CityFilter, "size_class", "industry_division"]
    search_fields = ["name", "uscc", "contact_name", "contact_email", "main_products"]
    readonly_fields = ["size_class", "size_rule_version", "created_at", "updated_at"]
    date_hierarchy = "created_at"
    inlines = [MembershipInline]

    @admin.display(description=_("所在地市"), ordering="city_code")
    def city(self, enterprise: Enterprise) -> str:
        return reference.city_name(enterprise.city_code)

    def save_model(self, request, obj, form, change):
        # Keep the derived size class consistent with the two inputs it comes from.
        obj.size_class = reference.size_class(obj.employees, obj.revenue)
        obj.size_rule_version = reference.size_rule_version()
        super().save_model(request, obj, form, change)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "enterprise", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__display_name", "enterprise__name", "enterprise__uscc"]
    list_select_related = ["user", "enterprise"]
    autocomplete_fields = ["user", "enterprise"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "enterprise",
        "role",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    ]
    list_filter = [
        "role",
        ("accepted_at", admin.EmptyFieldListFilter),
        ("revoked_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["email", "enterprise__name"]
    list_select_related = ["enterprise", "invited_by"]
    readonly_fields = ["token", "created_at"]
    autocomplete_fields = ["enterprise"]


@admin.register(OfficialProfile)
class OfficialProfileAdmin(admin.ModelAdmin):
    form = OfficialProfileAdminForm
    list_display = ["user", "jurisdiction", "organisation"]
    list_filter = [OfficialScopeFilter]
    search_fields = ["user__username", "user__display_name", "organisation"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]

    @admin.display(description=_("管辖范围"), ordering="city_code")
    def jurisdiction(self, profile: OfficialProfile) -> str:
        return reference.city_name(profile.city_code)


# Factor sets (energy engineer): a set an assessment uses is read-only, so stored results stay
# reproducible; administrators change factors by copying the set, editing the copy and making it default.
FACTOR_FIELDS = ["key", "label_zh", "label_en", "value", "unit", "year", "source", "provisional"]


class FactorInline(LabelledTabularInline):
    model = Factor
    extra = 0
    fields = FACTOR_FIELDS

    def get_readonly_fields(self, request, obj=None):
        return FACTOR_FIELDS if obj is not None and factor_set_in_use(obj) else []

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not (obj is not None and factor_set_in_use(obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (
            obj is not None and factor_set_in_use(obj)
        )


@admin.register(RatingScheme)
class RatingSchemeAdmin(admin.ModelAdmin):
    """A province's rating scheme (none shipped): its tiers are shown beside the score, with its name."""

    list_display = ["name_zh", "issuer_zh", "document", "year", "framework", "framework_version", "active"]
    list_filter = ["active", "framework"]
    search_fields = ["name_zh", "name_en", "issuer_zh", "document"]


@admin.register(FactorSet)
class FactorSetAdmin(admin.ModelAdmin):
    list_display = ["name", "year", "is_default", "in_use", "created_at"]
    list_filter = ["is_default", "year"]
    search_fields = ["name", "notes"]
    inlines = [FactorInline]
    actions = ["copy_sets", "make_default"]

    def get_queryset(self, request):
        used = Assessment.objects.filter(factor_set=OuterRef("pk"))
        return super().get_queryset(request).annotate(used=Exists(used))

    @admin.display(boolean=True, description=_("已被评估使用"))
    def in_use(self, obj):
        return obj.used

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and factor_set_in_use(obj):
            return ["name", "year", "notes", "is_default"]
        return ["is_default"]

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (
            obj is not None and factor_set_in_use(obj)
        )

    @admin.action(description=_("复制为新的可编辑系数集"))
    def copy_sets(self, request, queryset):
        for factor_set in queryset:
            factor_set_copy(factor_set=factor_set, actor=request.user)
        self.message_user(request, _("已复制，请编辑副本后设为默认。"))

    @admin.action(description=_("设为默认系数集（新评估使用）"))
    def make_default(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("请只选择一个系数集。"), level=messages.ERROR)
            return
        factor_set_make_default(factor_set=queryset.get(), actor=request.user)
        self.message_user(request, _("已设为默认。"))


# Price sets: dated reference prices for the action economics (reports read the default set; the
# enterprise's own bills take precedence). Prices are not stored with assessments, so sets stay editable.
PRICE_FIELDS = [
    "key",
    "carrier",
    "label_zh",
    "label_en",
    "low",
    "high",
    "unit",
    "ref",
    "section",
    "provisional",
]


class PriceInline(LabelledTabularInline):
    model = Price
    extra = 0
    fields = [*PRICE_FIELDS, "basis_zh", "basis_en"]


class PriceForm(forms.ModelForm):
    class Meta:
        model = Price
        fields = ["price_set", *PRICE_FIELDS, "basis_zh", "basis_en"]

    def clean(self):
        from assessment.economics.model import CARRIER_UNITS

        data = super().clean()
        carrier, unit = data.get("carrier"), data.get("unit")
        if carrier not in CARRIER_UNITS:
            raise ValidationError(_("未知的能源或水类别：%(carrier)s"), params={"carrier": carrier})
        if unit != f"元/{CARRIER_UNITS[carrier]}":
            raise ValidationError(_("单位应为 %(unit)s"), params={"unit": f"元/{CARRIER_UNITS[carrier]}"})
        low, high = data.get("low"), data.get("high")
        if low is not None and high is not None and not 0 <= low <= high:
            raise ValidationError(_("低值不能为负，也不能大于高值"))
        if not data.get("ref") and not data.get("provisional"):
            raise ValidationError(_("请填写参考文献，或标为待确认并说明依据"))
        return data


PriceInline.form = PriceForm


@admin.register(PriceSet)
class PriceSetAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "as_of", "is_default", "created_at"]
    list_filter = ["is_default"]
    search_fields = ["name", "notes"]
    readonly_fields = ["is_default"]
    inlines = [PriceInline]
    actions = ["make_default"]

    @admin.action(description=_("设为默认价格集"))
    def make_default(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("请只选择一个价格集。"), level=messages.ERROR)
            return
        price_set_make_default(price_set=queryset.get(), actor=request.user)
        self.message_user(request, _("已设为默认。"))


@admin.register(Price)
class PriceAdmin(admin.ModelAdmin):
    form = PriceForm
    list_display = ["key", "label_zh", "low", "high", "unit", "price_set", "provisional"]
    list_filter = ["provisional", "carrier", "price_set"]
    search_fields = ["key", "label_zh", "label_en", "ref", "basis_zh"]
    list_select_related = ["price_set"]
    fields = ["price_set", *PRICE_FIELDS, "basis_zh", "basis_en"]


@admin.register(Factor)
class FactorAdmin(admin.ModelAdmin):
    list_display = ["key", "label_zh", "value", "unit", "year", "factor_set", "provisional"]
    list_filter = ["provisional", "factor_set"]
    search_fields = ["key", "label_zh", "label_en", "source"]
    list_select_related = ["factor_set"]
    fields = ["factor_set", *FACTOR_FIELDS]

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (
            obj is not None and factor_set_in_use(obj.factor_set)
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (
            obj is not None and factor_set_in_use(obj.factor_set)
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "factor_set":
            used = Assessment.objects.filter(factor_set=OuterRef("pk"))
            kwargs["queryset"] = FactorSet.objects.annotate(used=Exists(used)).filter(used=False)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# Immutability (security engineer): a submitted or accepted assessment changes only through the
# services' return-for-revision flow, so the admin shows it, its answers, evidence and results read-only.
def _assessment_locked(assessment: Assessment | None) -> bool:
    return assessment is not None and not assessment.is_editable


class LockedAssessmentChildForm(forms.ModelForm):
    """Refuses to attach a new or moved row to a locked assessment."""

    def clean(self):
        cleaned = super().clean()
        assessment = cleaned.get("assessment")
        if _assessment_locked(assessment):
            raise ValidationError(_("该评估已提交，答案已锁定，不能再修改。"))
        return cleaned


class LockedAssessmentChildAdmin(admin.ModelAdmin):
    """Rows of an assessment (answers, evidence, results): read-only once the assessment is locked."""

    form = LockedAssessmentChildForm

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and not (
            obj is not None and _assessment_locked(obj.assessment)
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and not (
            obj is not None and _assessment_locked(obj.assessment)
        )

    def delete_queryset(self, request, queryset):
        locked = [Assessment.Status.SUBMITTED, Assessment.Status.ACCEPTED]
        if queryset.filter(assessment__status__in=locked).exists():
            raise PermissionDenied
        super().delete_queryset(request, queryset)


class FrameworkResultInline(LabelledTabularInline):
    model = FrameworkResult
    extra = 0
    readonly_fields = ["framework", "version", "score", "level", "veto_failed", "validated"]
    exclude = ["dimension_scores"]
    can_delete = False

    # Results come from scoring only: shown, never added or edited here.
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Assessment)
class AssessmentAdmin(AnalyticsRefreshAdmin):
    list_display = ["enterprise", "year", "status", "total_score", "submitted_at", "decided_at"]
    list_filter = ["status", "year", AssessmentCityFilter]
    search_fields = ["enterprise__name", "enterprise__uscc"]
    list_select_related = ["enterprise"]
    autocomplete_fields = ["enterprise"]
    raw_id_fields = ["created_by", "submitted_by", "decided_by"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [FrameworkResultInline]

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and not _assessment_locked(obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and not _assessment_locked(obj)

    def delete_queryset(self, request, queryset):
        if queryset.filter(status__in=[Assessment.Status.SUBMITTED, Assessment.Status.ACCEPTED]).exists():
            raise PermissionDenied
        super().delete_queryset(request, queryset)


@admin.register(FrameworkResult)
class FrameworkResultAdmin(AnalyticsRefreshAdmin, LockedAssessmentChildAdmin):
    assessment_ids_path = "assessment_id"
    list_display = ["assessment", "framework", "version", "score", "level", "veto_failed", "validated"]
    list_filter = ["framework", "level", "veto_failed", "validated"]
    search_fields = ["assessment__enterprise__name"]
    list_select_related = ["assessment__enterprise"]
    raw_id_fields = ["assessment"]


@admin.register(Answer)
class AnswerAdmin(LockedAssessmentChildAdmin):
    list_display = ["assessment", "question_code", "value", "prefilled", "proposed", "updated_at"]
    list_filter = ["prefilled", "proposed"]
    search_fields = ["question_code", "assessment__enterprise__name"]
    list_select_related = ["assessment__enterprise"]
    raw_id_fields = ["assessment", "updated_by"]


@admin.register(Evidence)
class EvidenceAdmin(LockedAssessmentChildAdmin):
    list_display = ["original_name", "assessment", "question_code", "content_type", "size", "uploaded_at"]
    list_filter = ["content_type"]
    search_fields = ["original_name", "question_code", "assessment__enterprise__name"]
    list_select_related = ["assessment__enterprise"]
    raw_id_fields = ["assessment", "uploaded_by"]
    # Files arrive only through the app (type checked by content) and are served only by the authorising
    # view: no upload here, and no media URL (there is none: MEDIA_URL is unset).
    exclude = ["file"]
    readonly_fields = ["stored_file", "content_type", "size"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description=_("文件"))
    def stored_file(self, evidence: Evidence) -> str:
        url = reverse("evidence_download", args=[evidence.assessment_id, evidence.pk])
        return format_html('<a href="{}">{}</a>', url, evidence.original_name)


@admin.register(ReviewComment)
class ReviewCommentAdmin(admin.ModelAdmin):
    list_display = ["assessment", "question_code", "author", "created_at"]
    search_fields = ["text", "question_code", "assessment__enterprise__name"]
    list_select_related = ["assessment__enterprise", "author"]
    raw_id_fields = ["assessment", "author"]


@admin.register(ValidatedAnswer)
class ValidatedAnswerAdmin(admin.ModelAdmin):
    list_display = ["assessment", "question_code", "value", "reviewer", "created_at"]
    search_fields = ["question_code", "reason", "assessment__enterprise__name"]
    list_select_related = ["assessment__enterprise", "reviewer"]
    raw_id_fields = ["assessment", "reviewer"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewable and searchable, never added, edited or deleted through the admin."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The audit trail is append-only: viewable and searchable, never edited here."""

    list_display = ["created_at", "actor", "action", "enterprise", "assessment"]
    list_filter = ["action"]
    search_fields = ["action", "actor__username", "enterprise__name", "reason"]
    list_select_related = ["actor", "enterprise", "assessment"]
    date_hierarchy = "created_at"


class RevisionRecordAdmin(ReadOnlyAdmin):
    """Rows written when a corrected definition became a new revision (assessment.services.revisions)."""

    list_filter = ["framework", "to_revision"]
    search_fields = ["assessment__enterprise__name", "framework"]
    list_select_related = ["assessment__enterprise"]


@admin.register(RevisionNotice)
class RevisionNoticeAdmin(RevisionRecordAdmin):
    list_display = ["assessment", "framework", "version", "to_revision", "created_at", "dismissed_at"]


@admin.register(Rescore)
class RescoreAdmin(RevisionRecordAdmin):
    list_display = ["assessment", "framework", "version", "to_revision", "created_at", "adopted_at"]


@admin.register(Plan)
class PlanAdmin(ReadOnlyAdmin):
    """Improvement plans change only through the plan page, so that every change is audited."""

    list_display = ["assessment", "revision", "updated_by", "updated_at"]
    search_fields = ["assessment__enterprise__name"]
    list_select_related = ["assessment__enterprise", "updated_by"]


@admin.register(PlanAction)
class PlanActionAdmin(ReadOnlyAdmin):
    list_display = [
        "plan",
        "position",
        "action_code",
        "owner",
        "quarter",
        "status",
        "updated_by",
        "updated_at",
    ]
    list_filter = ["status"]
    search_fields = ["action_code", "owner", "plan__assessment__enterprise__name"]
    list_select_related = ["plan__assessment__enterprise", "updated_by"]


@admin.register(EnterpriseImport)
class EnterpriseImportAdmin(ReadOnlyAdmin):
    """Officials' uploaded lists: who, when, how many rows and enterprises (the rows themselves are not
    shown; they are dropped once a list is imported)."""

    list_display = [
        "created_at",
        "uploaded_by",
        "filename",
        "row_count",
        "status",
        "created_count",
        "confirmed_at",
    ]
    list_filter = ["status", "in_background", ("confirmed_at", admin.EmptyFieldListFilter)]
    search_fields = ["uploaded_by__username", "filename"]
    list_select_related = ["uploaded_by"]
    date_hierarchy = "created_at"
    exclude = ["rows", "check_result"]


@admin.register(ProposalDecision)
class ProposalDecisionAdmin(ReadOnlyAdmin):
    """Decisions on the answers last year's plan proposed: made on the assessment's pages (audited)."""

    list_display = ["assessment", "question_code", "decision", "decided_by", "decided_at"]
    list_filter = ["decision"]
    search_fields = ["question_code", "assessment__enterprise__name"]
    list_select_related = ["assessment__enterprise", "decided_by"]


@admin.register(WorkbookUpload)
class WorkbookUploadAdmin(ReadOnlyAdmin):
    """Checked workbook uploads awaiting (or past) their person's confirmation (docs/workbook.md); kept
    two days, dropped by the next upload."""

    list_display = ["created_at", "user", "assessment", "applied_at"]
    search_fields = ["user__username", "assessment__enterprise__name"]
    list_select_related = ["user", "assessment__enterprise"]
    date_hierarchy = "created_at"


class DerivedAdmin(ReadOnlyAdmin):
    """Rows derived from the assessments by SQL (assessment.services.analytics): viewable, never edited
    here; `manage.py rebuild_analytics` recomputes them."""


@admin.register(AnalyticsEntry)
class AnalyticsEntryAdmin(DerivedAdmin):
    list_display = [
        "assessment_id",
        "year",
        "city_code",
        "industry_division",
        "size_class",
        "status",
        "frameworks",
    ]
    list_filter = ["year", "status", "size_class"]
    search_fields = ["=assessment_id", "city_code", "industry_division"]


@admin.register(ScoreAggregate)
class ScoreAggregateAdmin(DerivedAdmin):
    list_display = [
        "kind",
        "framework",
        "code",
        "year",
        "city_code",
        "industry_division",
        "status",
        "count",
        "counted",
    ]
    list_filter = ["kind", "year", "status", "framework"]
    search_fields = ["code", "city_code", "industry_division"]
