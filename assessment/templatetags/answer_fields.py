"""The fill page's answer fields as Bootstrap 5 markup, built in Python.

The same markup crispy-forms' bootstrap5 pack gives a field (label or fieldset and legend, form-check
options, input group with an appended unit, invalid-feedback with aria-describedby), without rendering a
dozen templates per field: a page of questions renders several times faster. Chosen by the widget's kind
(choice inputs, textarea, other inputs), so every question type's field goes through it.

    {% load answer_fields %}{% answer_field row.field append=row.unit %}
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

from django import forms, template
from django.forms.utils import flatatt
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString, mark_safe

register = template.Library()


def escaped(value: Any) -> str:
    """conditional_escape(value) with a short path for the common cases (safe text, plain text): a page
    escapes a few thousand values, and Django's escape checks each for a lazy string first."""
    if isinstance(value, SafeData):
        return value
    if isinstance(value, str):
        return html.escape(value)  # what django.utils.html.escape does with a str
    return conditional_escape(value)


def format_html(template_text: str, *args: Any) -> SafeString:
    """django.utils.html.format_html (positional arguments), escaping through `escaped`."""
    return mark_safe(template_text.format(*map(escaped, args)))


def format_html_join(separator: str, template_text: str, rows: Iterable[Iterable[Any]]) -> SafeString:
    """django.utils.html.format_html_join, escaping through `escaped`."""
    return mark_safe(escaped(separator).join(template_text.format(*map(escaped, row)) for row in rows))


def _errors(field: forms.BoundField, error_id: str, block: bool) -> SafeString:
    if not field.errors:
        return mark_safe("")
    items = format_html_join(
        "",
        '<p id="error_{}_{}"><strong>{}</strong></p>',
        ((index, field.auto_id, error) for index, error in enumerate(field.errors, start=1)),
    )
    extra = " d-block" if block else ""
    return format_html('<div id="{}" class="invalid-feedback{}">{}</div>', error_id, extra, items)


def _attrs(field: forms.BoundField, extra: dict[str, Any]) -> dict[str, Any]:
    attrs = {**field.field.widget.attrs, **extra}
    if field.errors:
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = f"{field.auto_id}_error"
    return attrs


def _help(field: forms.BoundField) -> SafeString:
    if not field.help_text:
        return mark_safe("")
    return format_html('<div id="{}_helptext" class="form-text">{}</div>', field.auto_id, field.help_text)


def _choices(field: forms.BoundField, input_type: str) -> SafeString:
    value = field.value()
    chosen = {str(v) for v in value} if isinstance(value, list | tuple) else {str(value)}
    if value is None:
        chosen = set()
    invalid = " is-invalid" if field.errors else ""
    # One attribute string for every option (escaped once); only value, id and checked differ.
    common = flatatt(
        {
            "type": input_type,
            "class": f"form-check-input{invalid}",
            "name": field.html_name,
            **{k: v for k, v in _attrs(field, {}).items() if k != "aria-describedby"},
        }
    )
    base_id = escaped(field.auto_id)
    options = []
    for index, (option, label) in enumerate(field.field.choices):
        checked = " checked" if str(option) in chosen else ""
        options.append(
            f'<div class="form-check"><input{common} value="{escaped(option)}" id="{base_id}_{index}"{checked}>'
            f'<label for="{base_id}_{index}" class="form-check-label">{escaped(label)}</label></div>'
        )
    described = f' aria-describedby="{base_id}_error"' if field.errors else ""
    return format_html(
        '<div id="div_{}" class="mb-3{}"><fieldset{}><legend class="form-label fs-6">{}</legend>'
        "<div>{}</div>{}{}</fieldset></div>",
        field.auto_id,
        " has-danger" if field.errors else "",
        mark_safe(described),
        field.label,
        mark_safe("".join(options)),
        _errors(field, f"{field.auto_id}_error", block=True),
        _help(field),
    )


def _input(field: forms.BoundField, append: str) -> SafeString:
    widget = field.field.widget
    value = widget.format_value(field.value())
    invalid = " is-invalid" if field.errors else ""
    if isinstance(widget, forms.Textarea):
        attrs = _attrs(field, {"cols": "40", "rows": "10", **widget.attrs})
        attrs.update(
            {"name": field.html_name, "class": f"textarea form-control{invalid}", "id": field.auto_id}
        )
        control = format_html("<textarea{}>\n{}</textarea>", flatatt(attrs), value or "")
    else:
        css = f"{widget.input_type}input form-control{invalid}"
        attrs = _attrs(field, {"type": widget.input_type, "name": field.html_name})
        if value not in (None, ""):
            attrs["value"] = value
        attrs.update({"class": css, "id": field.auto_id})
        control = format_html("<input{}>", flatatt(attrs))
    errors = _errors(field, f"{field.auto_id}_error", block=False)
    if append:
        control = format_html(
            '<div class="input-group{}">{}<span class="input-group-text">{}</span>{}</div>',
            " has-validation" if field.errors else "",
            control,
            append,
            errors,
        )
        errors = mark_safe("")
    return format_html(
        '<div id="div_{}" class="mb-3{}"><label for="{}" class="form-label">{}</label>{}{}{}</div>',
        field.auto_id,
        " has-danger" if field.errors else "",
        field.auto_id,
        field.label,
        control,
        errors,
        _help(field),
    )


@register.simple_tag
def answer_field(field: forms.BoundField | None, append: str = "") -> SafeString:
    """A bound answer field (or a computed question's override reason) with label, unit and errors."""
    if field is None:
        return mark_safe("")
    widget = field.field.widget
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return _choices(field, "checkbox" if widget.allow_multiple_selected else "radio")
    return _input(field, conditional_escape(append) if append else "")
