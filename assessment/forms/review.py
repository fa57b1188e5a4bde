"""Forms of the officials' review: a comment, a validated value with its reason, a decision."""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from assessment.forms.answers import json_value
from assessment.services.review import ACCEPT, RETURN
from questionnaires.question_types import QuestionType, ReviewInputError, question_type
from questionnaires.text import active_language

_TYPED = object()  # no widget value: the reviewer typed the value


class ReviewCommentForm(forms.Form):
    question_code = forms.CharField(
        label=_("题目编码"), max_length=128, required=False, widget=forms.HiddenInput
    )
    text = forms.CharField(label=_("审核意见"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))


def parse_value(question: Mapping[str, Any] | None, raw: str) -> Any:
    """A reviewer's typed value as the question stores it: blank → None (the answer does not count);
    otherwise as the question's type reads typed text (numbers, yes/no, option codes separated by
    commas, levels 1–4, JSON for the rest). The service validates the parsed value against the question."""
    text = (raw or "").strip()
    if not text:
        return None
    qtype = question_type(question) or QuestionType()
    try:
        return qtype.parse_review(question or {}, text)
    except ReviewInputError as error:
        raise forms.ValidationError(str(error)) from None


def _check_as_the_enterprise_field(question: Mapping[str, Any] | None, value: Any) -> None:
    """A typed number passes the field the enterprise fills in: the same bounds, decimals and size limit,
    refused with the same messages in the page's language."""
    qtype = question_type(question)
    if question is None or qtype is None or not qtype.numeric or not isinstance(value, int | float):
        return
    field = qtype.form_field(question, active_language())
    if field is not None:
        field.clean(format(Decimal(str(value)).normalize(), "f") if math.isfinite(value) else str(value))


class ValidateAnswerForm(forms.Form):
    code = forms.CharField(label=_("题目编码"), max_length=128)
    value = forms.CharField(
        label=_("核定值"),
        required=False,
        max_length=2000,
        help_text=_("留空表示该答案不计分。"),
    )
    reason = forms.CharField(label=_("核定理由"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(
        self, *args: Any, questions: Mapping[str, Mapping[str, Any]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions or {}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        code = cleaned.get("code")
        if code:
            question = self.questions.get(code)
            try:
                chosen = self._chosen(question)
                if chosen is _TYPED:
                    cleaned["parsed_value"] = parse_value(question, cleaned.get("value", ""))
                    _check_as_the_enterprise_field(question, cleaned["parsed_value"])
                else:
                    cleaned["parsed_value"] = chosen
            except forms.ValidationError as error:
                self.add_error("value", error)
        return cleaned

    def _chosen(self, question: Mapping[str, Any] | None) -> Any:
        """The value set with the question's widget (options, levels, yes/no) as stored, or _TYPED when the
        question has no widget or the posted value is not a widget's (typed text is parsed instead)."""
        qtype = question_type(question)
        field = qtype.review_field(question, active_language()) if qtype and question else None
        if field is None or question is None:
            return _TYPED
        getlist = getattr(self.data, "getlist", None)
        raw = (
            (getlist("value") if getlist else self.data.get("value"))
            if qtype.several
            else self.data.get("value")
        )
        try:
            return json_value(question, field.clean(raw))
        except forms.ValidationError:
            return _TYPED


class WithdrawValidationForm(forms.Form):
    code = forms.CharField(label=_("题目编码"), max_length=128)
    reason = forms.CharField(label=_("撤销理由"), max_length=5000)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审核结论"),
        choices=[(ACCEPT, _("审核通过")), (RETURN, _("退回修改"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("审核意见"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("退回修改时必填，企业将在邮件和填报页面看到。"),
    )


def _target(value: str) -> tuple[str, str]:
    """A revised version named "framework@version" by the page's hidden field."""
    framework, sep, version = value.partition("@")
    if not sep or not framework or not version:
        raise forms.ValidationError(_("请选择要重新计分的框架版本。"))
    return framework, version


class RescoreCohortForm(forms.Form):
    """Which revised version to re-score (a hidden choice of the page), optionally one year."""

    target = forms.CharField(widget=forms.HiddenInput)
    year = forms.IntegerField(
        label=_("评估年度（留空为全部年度）"), required=False, min_value=2000, max_value=2100
    )

    def clean_target(self) -> tuple[str, str]:
        return _target(self.cleaned_data["target"])


class _RescoreIdsField(forms.Field):
    """The ticked rows' re-score ids (checkboxes named alike), as a sorted list of ints."""

    widget = forms.MultipleHiddenInput  # reads every value of the name; the page draws the checkboxes

    def to_python(self, value: Any) -> list[int]:
        try:
            return sorted({int(item) for item in value or []})
        except (TypeError, ValueError):
            raise forms.ValidationError(_("请选择要采用的评估。")) from None


class AdoptRescoresForm(forms.Form):
    """Adopt the re-scores of one revised version with one reason: the ticked rows, or all of them."""

    SELECTED, ALL = "selected", "all"

    target = forms.CharField(widget=forms.HiddenInput)
    rescore = _RescoreIdsField(required=False)
    scope = forms.ChoiceField(
        label=_("采用范围"),
        choices=[(SELECTED, _("勾选的评估")), (ALL, _("全部未采用且可计分的评估"))],
        initial=SELECTED,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("采用理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "采用后，这些评估计入统计的得分改为按新修订的得分；原得分保留备查，每份评估各记一条审计记录。"
        ),
    )

    def count_all(self, adoptable: int) -> None:
        """Say in the "all" choice how many re-scores it adopts."""
        self.fields["scope"].choices = [
            (self.SELECTED, _("勾选的评估")),
            (self.ALL, _("全部未采用且可计分的评估（%(count)s 份）") % {"count": adoptable}),
        ]

    def clean_target(self) -> tuple[str, str]:
        return _target(self.cleaned_data["target"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("scope") == self.SELECTED and not cleaned.get("rescore"):
            self.add_error(None, _("请勾选要采用的评估，或选择“全部”。"))
        return cleaned

    def rescore_ids(self) -> list[int] | None:
        """The ticked ids, or None for all (after is_valid)."""
        return None if self.cleaned_data["scope"] == self.ALL else self.cleaned_data["rescore"]
