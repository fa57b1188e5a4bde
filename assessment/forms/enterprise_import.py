"""Forms of the officials' bulk import: the upload, and one row of the list checked by the sign-up form's
fields and rules (assessment.forms.enterprises.EnterpriseProfileForm)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from assessment import reference
from assessment.forms.enterprises import DomainErrorFormMixin, EnterpriseProfileForm
from assessment.uscc import validate_uscc

# Form field -> column key of the list (assessment.enterprise_list.COLUMNS).
ROW_FIELD_COLUMNS = {
    "name": "name",
    "uscc": "uscc",
    "city_code": "city",
    "industry_division": "industry",
    "employees": "employees",
    "revenue": "revenue",
    "contact_email": "manager_email",
    "contact_name": "contact_name",
    "contact_phone": "contact_phone",
}


class EnterpriseImportUploadForm(DomainErrorFormMixin, forms.Form):
    file = forms.FileField(
        label=_("企业名单文件"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.txt"})
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "Excel（.xlsx）或 CSV（UTF-8 或 GBK 编码）；最大 %(size)s MB、%(rows)s 行。"
        ) % {
            "size": f"{settings.IMPORT_MAX_BYTES / (1024 * 1024):g}",
            "rows": f"{settings.IMPORT_MAX_ROWS:,}",
        }


class CodeField(forms.CharField):
    """A code out of a fixed set (the sign-up form's drop-downs, as a text cell): what ChoiceField checks,
    without copying the choices for every row's form."""

    def __init__(self, *, codes: list[str], **kwargs) -> None:
        super().__init__(**kwargs)
        self.codes = frozenset(codes)

    def validate(self, value: str) -> None:
        super().validate(value)
        if value and value not in self.codes:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            )


class EnterpriseImportRowForm(EnterpriseProfileForm):
    """One row of an official's list: the sign-up form's fields and messages, with the manager's e-mail as
    the contact e-mail and contact name and phone optional. Duplicates of the credit code are looked up for
    the whole list at once by the service, not row by row here. Never rendered: city and industry are
    codes (the list's cells are resolved to codes before), which keeps checking 10,000 rows quick."""

    city_code = CodeField(
        codes=[city.code for city in reference.CITIES],
        label=_("所在地市"),
        error_messages={
            "invalid_choice": _(
                "“%(value)s”不是黑龙江省的地市。请填写地市名称或代码，例如 哈尔滨市 或 230100。"
            )
        },
    )
    industry_division = CodeField(
        codes=[division.code for division in reference.INDUSTRY_DIVISIONS],
        label=_("行业大类（GB/T 4754-2017）"),
        error_messages={
            "invalid_choice": _(
                "“%(value)s”不是制造业（C13–C43）的行业大类代码。请填写例如 C14 或“C14 食品制造业”。"
            )
        },
    )
    contact_name = forms.CharField(label=_("联系人"), max_length=100, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=32, required=False)
    contact_email = forms.EmailField(label=_("管理员邮箱"))
    # Not columns of the list.
    county = None
    industry_class = None
    main_products = None

    def clean_uscc(self) -> str:
        return validate_uscc(self.cleaned_data["uscc"])

    def clean(self) -> dict:
        return self.cleaned_data  # the parent's check of the industry class: no such column
