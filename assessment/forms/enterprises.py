"""Forms for sign-up, the enterprise profile, invitations and accepting them."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from assessment import reference
from assessment.exceptions import DomainError
from assessment.models import Enterprise, Membership
from assessment.services.enterprises import EnterpriseProfile
from assessment.uscc import uscc_warnings, validate_uscc

PROFILE_FIELDS = (
    "name",
    "uscc",
    "city_code",
    "county",
    "industry_division",
    "industry_class",
    "employees",
    "revenue",
    "contact_name",
    "contact_phone",
    "contact_email",
    "main_products",
)


def _blank_first(choices):
    return lambda: [("", "---------"), *choices()]


class DomainErrorFormMixin:
    """Put a service's DomainError at its field (or as a form-wide error); the typed values stay."""

    def add_domain_error(self, error: DomainError) -> None:
        field = error.field if error.field in self.fields else None
        self.add_error(field, str(error.message))


class EnterpriseProfileForm(DomainErrorFormMixin, forms.Form):
    name = forms.CharField(label=_("企业名称"), max_length=200)
    uscc = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=40,  # spaces and hyphens typed while copying are removed before validation
        help_text=_("18位，见营业执照；不含字母 I、O、S、V、Z。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    city_code = forms.ChoiceField(label=_("所在地市"), choices=_blank_first(reference.city_choices))
    county = forms.CharField(label=_("区县"), max_length=100, required=False)
    industry_division = forms.ChoiceField(
        label=_("行业大类（GB/T 4754-2017）"), choices=_blank_first(reference.industry_choices)
    )
    industry_class = forms.CharField(
        label=_("行业小类代码"), max_length=5, required=False, help_text=_("可选，例如 C1441（乳制品制造）。")
    )
    employees = forms.IntegerField(
        label=_("从业人员（人）"),
        min_value=0,
        error_messages={"min_value": _("从业人员不能为负数。"), "invalid": _("请输入整数人数。")},
    )
    revenue = forms.DecimalField(
        label=_("上年营业收入（万元）"),
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=2,
        error_messages={
            "min_value": _("营业收入不能为负数。"),
            "invalid": _("请输入以万元为单位的数字。"),
            "max_decimal_places": _("营业收入最多保留两位小数。"),
        },
    )
    contact_name = forms.CharField(label=_("联系人"), max_length=100)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=32)
    contact_email = forms.EmailField(label=_("联系邮箱"))
    main_products = forms.CharField(
        label=_("主要产品"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, enterprise: Enterprise | None = None, **kwargs) -> None:
        self.enterprise = enterprise
        if enterprise is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(enterprise, name) for name in PROFILE_FIELDS}
        super().__init__(*args, **kwargs)
        self.uscc_warnings: list[str] = []

    def clean_uscc(self) -> str:
        code = validate_uscc(self.cleaned_data["uscc"])
        duplicates = Enterprise.objects.filter(uscc=code)
        if self.enterprise is not None:
            duplicates = duplicates.exclude(pk=self.enterprise.pk)
        if duplicates.exists():
            raise ValidationError(
                _(
                    "统一社会信用代码为 %(uscc)s 的企业已经注册。如您是该企业员工，请联系企业管理员邀请您加入。"
                ),
                code="uscc_duplicate",
                params={"uscc": code},
            )
        self.uscc_warnings = uscc_warnings(code)
        return code

    def clean_industry_class(self) -> str:
        return self.cleaned_data.get("industry_class", "").strip().upper()

    def clean(self) -> dict:
        cleaned = super().clean()
        division, class_code = cleaned.get("industry_division"), cleaned.get("industry_class")
        if division and class_code and not reference.is_industry_class_of(class_code, division):
            self.add_error(
                "industry_class",
                _("行业小类代码应为所选大类下的4位代码，例如 %(example)s1。") % {"example": division + "1"},
            )
        return cleaned

    def profile(self) -> EnterpriseProfile:
        return EnterpriseProfile(**{name: self.cleaned_data[name] for name in PROFILE_FIELDS})


class AccountFieldsMixin(forms.Form):
    username = forms.CharField(
        label=_("用户名"),
        max_length=150,
        help_text=_("用于登录；字母、数字及 @/./+/-/_。"),
        validators=[get_user_model().username_validator],
    )
    display_name = forms.CharField(label=_("姓名"), max_length=100)
    # Passwords are re-rendered after a validation error elsewhere in the form, so nothing typed is lost.
    password1 = forms.CharField(
        label=_("密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=True),
        help_text=_("至少10个字符，不能全为数字，不能过于常见。"),
    )
    password2 = forms.CharField(
        label=_("确认密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=True),
    )

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise ValidationError(_("该用户名已被使用，请换一个。"), code="username_taken")
        return username

    def clean_password2(self) -> str:
        password1, password2 = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if password1 and password2 and password1 != password2:
            raise ValidationError(_("两次输入的密码不一致。"), code="password_mismatch")
        return password2

    def clean(self) -> dict:
        cleaned = super().clean()
        password = cleaned.get("password1")
        if password and "password2" in cleaned:
            candidate = get_user_model()(
                username=cleaned.get("username", ""),
                email=cleaned.get("email", "") or getattr(self, "invited_email", ""),
                display_name=cleaned.get("display_name", ""),
            )
            try:
                validate_password(password, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class SignupForm(AccountFieldsMixin, EnterpriseProfileForm):
    """Account and enterprise in one form: the person signing up becomes the enterprise's manager."""

    email = forms.EmailField(label=_("邮箱"), help_text=_("用于找回密码和接收通知。"))

    account_fields = ("username", "display_name", "email", "password1", "password2")
    enterprise_fields = PROFILE_FIELDS


class InvitationForm(DomainErrorFormMixin, forms.Form):
    email = forms.EmailField(label=_("同事邮箱"))
    role = forms.ChoiceField(
        label=_("角色"), choices=Membership.Role.choices, initial=Membership.Role.CONTRIBUTOR
    )


class InvitationAcceptForm(DomainErrorFormMixin, AccountFieldsMixin):
    """Create an account for an invited e-mail address."""

    def __init__(self, *args, invited_email: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.invited_email = invited_email
