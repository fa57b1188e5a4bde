"""Answer forms built from question definitions: one field per question, rendered with crispy-forms.

Field names are the question codes (a computed question's override reason is `<code>__reason`). The
same form parses the page's save button and the autosave of one question, so both accept exactly the
same input. Every field is optional here: required answers are enforced at submission, so a draft can
be saved half-filled.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from questionnaires.text import pick

REASON_SUFFIX = "__reason"
# No answer needs more than 18 significant digits; the bound also keeps numbers within a float's range.
MAX_DIGITS = 18
# Largest magnitude a typed number may have (security: 100 kB of digits or 1e308 would overflow the
# float arithmetic of scoring and the energy balance). 10^15 is far above any real figure asked.
NUMBER_LIMIT = Decimal("1e15")
PRODUCTS_HELP = _("每行一个产品：产品名称, 产量占比（%），占比合计 100。")


def _number_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _step(question: Mapping[str, Any]) -> str:
    decimals = question.get("decimals")
    if decimals is None:
        return "any"
    return "1" if int(decimals) == 0 else f"{Decimal(1).scaleb(-int(decimals))}"


class ProductsField(forms.CharField):
    """The clean-production products question: lines of `name, share`."""

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        if not text:
            return None
        products = []
        for number, line in enumerate(text.splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            for separator in (",", "，", "\t", ";", "；"):
                if separator in line:
                    name, _sep, share = line.rpartition(separator)
                    break
            else:
                raise forms.ValidationError(_("第 %(n)s 行应为“产品名称, 占比”。") % {"n": number})
            try:
                share_value = float(share.strip().rstrip("%").strip())
            except ValueError:
                raise forms.ValidationError(_("第 %(n)s 行的占比不是数字。") % {"n": number}) from None
            products.append({"name": name.strip(), "share": share_value})
        return products or None


def products_text(value: Any) -> str:
    if not isinstance(value, list):
        return ""
    return "\n".join(f"{item.get('name', '')}, {_number_text(item.get('share', ''))}" for item in value)


def _number_field(question: Mapping[str, Any]) -> forms.Field:
    low, high = question.get("min"), question.get("max")
    if question.get("type") == "percentage":
        low = 0 if low is None else low
        high = 100 if high is None else high
    attrs: dict[str, Any] = {"step": _step(question), "inputmode": "decimal"}
    if low is not None:
        attrs["min"] = low
    if high is not None:
        attrs["max"] = high
    decimals = question.get("decimals")
    return forms.DecimalField(
        required=False,
        max_digits=MAX_DIGITS,
        min_value=Decimal(str(low)) if low is not None else None,
        max_value=Decimal(str(high)) if high is not None else None,
        decimal_places=int(decimals) if decimals is not None else None,
        widget=forms.NumberInput(attrs=attrs),
        validators=[_within_number_limit],
    )


def _within_number_limit(value: Decimal | None) -> None:
    if value is not None and abs(value) >= NUMBER_LIMIT:
        raise forms.ValidationError(_("数值过大，请检查单位和位数。"), code="too_large")


def field_for(question: Mapping[str, Any]) -> forms.Field | None:
    """The form field of a question (None for a file question: answered by evidence uploads)."""
    kind = question.get("type")
    label = pick(question.get("text")) or question["code"]
    field: forms.Field
    if kind == "single":
        field = forms.ChoiceField(
            required=False,
            choices=[(o["code"], pick(o.get("text"))) for o in question.get("options") or []],
            widget=forms.RadioSelect,
        )
    elif kind == "multiple":
        options = question.get("options") or []
        field = forms.MultipleChoiceField(
            required=False,
            choices=[(o["code"], pick(o.get("text"))) for o in options],
            widget=forms.CheckboxSelectMultiple(
                attrs={"data-exclusive": " ".join(o["code"] for o in options if o.get("exclusive"))}
            ),
        )
    elif kind in ("number", "percentage"):
        field = _number_field(question)
    elif kind == "level":
        field = forms.TypedChoiceField(
            required=False,
            coerce=int,
            empty_value=None,
            choices=[
                (level["level"], f"{level['level']} · {pick(level.get('text'))}")
                for level in sorted(question.get("levels") or [], key=lambda item: item["level"])
            ],
            widget=forms.RadioSelect,
        )
    elif kind == "yesno":
        field = forms.TypedChoiceField(
            required=False,
            coerce=lambda value: value == "true",
            empty_value=None,
            choices=[("true", _("是")), ("false", _("否"))],
            widget=forms.RadioSelect,
        )
    elif kind == "text":
        field = forms.CharField(required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))
    elif kind == "computed":
        field = forms.DecimalField(
            required=False,
            max_digits=MAX_DIGITS,
            widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
        )
        label = _("覆盖计算值")
    elif kind == "products":
        field = ProductsField(
            required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3}), help_text=PRODUCTS_HELP
        )
    else:
        return None
    field.label = label
    return field


def initial_value(question: Mapping[str, Any], value: Any) -> Any:
    kind = question.get("type")
    if value is None:
        return None
    if kind == "yesno":
        return "true" if value is True else "false" if value is False else None
    if kind == "products":
        return products_text(value)
    if isinstance(value, dict):  # a per-product answer: shown beside the field, not in it
        return None
    if kind in ("number", "percentage", "computed"):
        return _number_text(value)
    return value


def json_value(question: Mapping[str, Any], cleaned: Any) -> Any:
    """A cleaned field value as the stored JSON answer (docs/definitions.md, "Answer values")."""
    if cleaned is None or cleaned == "" or cleaned == []:
        return None
    kind = question.get("type")
    if kind in ("number", "percentage", "computed"):
        number = Decimal(cleaned)
        if question.get("decimals") == 0 or (number == number.to_integral_value() and kind != "computed"):
            return int(number)
        return float(number)
    if kind == "text":
        return str(cleaned).strip() or None
    return cleaned


class AnswerForm(forms.Form):
    """The questions of one page (or the one question of an autosave)."""

    def __init__(
        self,
        *args: Any,
        questions: Iterable[Mapping[str, Any]],
        answers: Mapping[str, Any] | None = None,
        reasons: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions: dict[str, Mapping[str, Any]] = {}
        answers = answers or {}
        reasons = reasons or {}
        for question in questions:
            code = question["code"]
            if code in self.questions:
                continue
            field = field_for(question)
            if field is None:
                continue
            self.questions[code] = question
            field.initial = initial_value(question, answers.get(code))
            field.widget.attrs.setdefault("data-question", code)
            self.fields[code] = field
            if question.get("type") == "computed":
                reason = forms.CharField(
                    required=False,
                    max_length=2000,
                    label=_("覆盖理由"),
                    widget=forms.Textarea(attrs={"rows": 2, "data-question": code}),
                    initial=reasons.get(code, ""),
                )
                self.fields[code + REASON_SUFFIX] = reason

    def answer_values(self) -> tuple[dict[str, Any], dict[str, str]]:
        """(values by code, override reasons by code) of the valid fields (call after is_valid())."""
        values: dict[str, Any] = {}
        reasons: dict[str, str] = {}
        for code, question in self.questions.items():
            if code not in self.cleaned_data:
                continue
            values[code] = json_value(question, self.cleaned_data[code])
            if question.get("type") == "computed":
                reasons[code] = self.cleaned_data.get(code + REASON_SUFFIX, "")
        return values, reasons


class EvidenceForm(forms.Form):
    question = forms.CharField(required=False, widget=forms.HiddenInput)
    file = forms.FileField(label=_("佐证材料"))


class StartAssessmentForm(forms.Form):
    year = forms.TypedChoiceField(label=_("评估年度"), coerce=int)
    frameworks = forms.MultipleChoiceField(
        label=_("评估框架"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一个评估框架。")},
    )
    prefill = forms.BooleanField(label=_("沿用上一次评估的答案（逐题确认）"), required=False, initial=True)

    def __init__(
        self, *args: Any, years: list[int], frameworks: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, str(year)) for year in years]
        self.fields["frameworks"].choices = frameworks
        self.fields["frameworks"].initial = [code for code, _label in frameworks]
