"""Answer forms built from question definitions: one field per question, rendered with crispy-forms.

Each question's type builds its field and converts values (questionnaires/question_types.py). Field
names are the question codes (a computed question's override reason is `<code>__reason`). The
same form parses the page's save button and the autosave of one question, so both accept exactly the
same input. Every field is optional here: required answers are enforced at submission, so a draft can
be saved half-filled.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from questionnaires.question_types import question_type
from questionnaires.text import active_language, pick

REASON_SUFFIX = "__reason"


def field_for(question: Mapping[str, Any]) -> forms.Field | None:
    """The form field of a question, as its type builds it (None: not answered in a form, e.g. a file)."""
    qtype = question_type(question)
    field = qtype.form_field(question, active_language()) if qtype else None
    if field is None:
        return None
    field.label = _("覆盖计算值") if qtype.derived else pick(question.get("text")) or question["code"]
    return field


def initial_value(question: Mapping[str, Any], value: Any) -> Any:
    qtype = question_type(question)
    if value is None or qtype is None:
        return None if value is None else value
    return qtype.initial(question, value)


def json_value(question: Mapping[str, Any], cleaned: Any) -> Any:
    """A cleaned field value as the stored JSON answer (docs/definitions.md, "Answer values")."""
    if cleaned is None or cleaned == "" or cleaned == []:
        return None
    qtype = question_type(question)
    return qtype.stored(question, cleaned) if qtype else cleaned


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
            if question_type(question).derived:  # type: ignore[union-attr]  # field_for gave a field
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
            if question_type(question).derived:  # type: ignore[union-attr]
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
