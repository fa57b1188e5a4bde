"""The fill page's answer fields as Bootstrap 5 markup, built in Python.

The same markup crispy-forms' bootstrap5 pack gives a field (label or fieldset and legend, form-check
options, input group with an appended unit, invalid-feedback with aria-describedby), without rendering a
dozen templates per field: a page of questions renders several times faster. Chosen by the widget's kind
(choice inputs, textarea, other inputs), so every question type's field goes through it.

    {% load answer_fields %}{% answer_field row.field append=row.unit %}
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any, NamedTuple

from django import forms, template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString

register = template.Library()

# What html.escape replaces; most values (codes, numbers, Chinese text) have none of it.
_HTML_SPECIAL = re.compile("[&<>\"']")


def escaped(value: Any) -> str:
    """conditional_escape(value) with a short path for the common cases (safe text, plain text): a page
    escapes a few thousand values, and Django's escape checks each for a lazy string first."""
    if isinstance(value, SafeData):
        return value
    if isinstance(value, str):
        # What django.utils.html.escape does with a str; text without a special character is unchanged.
        return html.escape(value) if _HTML_SPECIAL.search(value) else value
    return conditional_escape(value)


def format_html(template_text: str, *args: Any) -> SafeString:
    """django.utils.html.format_html (positional arguments), escaping through `escaped`."""
    return SafeString(template_text.format(*map(escaped, args)))


def format_html_join(separator: str, template_text: str, rows: Iterable[Iterable[Any]]) -> SafeString:
    """django.utils.html.format_html_join, escaping through `escaped`."""
    return SafeString(escaped(separator).join(template_text.format(*map(escaped, row)) for row in rows))


def flatatt(attrs: dict[str, Any]) -> SafeString:
    """django.forms.utils.flatatt (key="value" pairs sorted, then the true boolean attributes), escaping
    through `escaped`: an input's ten attributes cost Django's version some 500 calls."""
    pairs = sorted(
        (key, value) for key, value in attrs.items() if value is not None and not isinstance(value, bool)
    )
    flags = sorted(key for key, value in attrs.items() if value is True)
    return SafeString(
        "".join(f' {escaped(key)}="{escaped(value)}"' for key, value in pairs)
        + "".join(f" {escaped(key)}" for key in flags)
    )


def _errors(auto_id: str, errors: tuple[Any, ...], error_id: str, block: bool) -> SafeString:
    if not errors:
        return SafeString("")
    items = format_html_join(
        "",
        '<p id="error_{}_{}"><strong>{}</strong></p>',
        ((index, auto_id, error) for index, error in enumerate(errors, start=1)),
    )
    extra = " d-block" if block else ""
    return format_html('<div id="{}" class="invalid-feedback{}">{}</div>', error_id, extra, items)


def _attrs(spec: FieldSpec, extra: dict[str, Any]) -> dict[str, Any]:
    attrs = {**{key: value for key, value, _type in spec.attrs}, **extra}
    if spec.errors:
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = f"{spec.auto_id}_error"
    return attrs


def _help(spec: FieldSpec) -> SafeString:
    if not spec.help_text:
        return SafeString("")
    return format_html('<div id="{}_helptext" class="form-text">{}</div>', spec.auto_id, spec.help_text)


class FieldSpec(NamedTuple):
    """Everything a field's markup is made of, taken from the bound field: equal specs give equal
    markup, so the markup of a spec is built once (answer_field's memo). Texts are keyed with their
    type (a str and a safe string of the same text are escaped differently)."""

    kind: str  # radio | checkbox | textarea | input
    input_type: str
    auto_id: str
    html_name: str
    label: Any
    label_type: type
    help_text: Any
    help_type: type
    append: str
    attrs: tuple[tuple[str, Any, type], ...]
    choices: tuple[tuple[Any, type, Any, type], ...]
    value: Any  # the formatted value (inputs) or the frozenset of chosen options (choices)
    errors: tuple[tuple[Any, type], ...]


def _choices(spec: FieldSpec) -> SafeString:
    chosen = spec.value
    errors = tuple(error for error, _type in spec.errors)
    invalid = " is-invalid" if errors else ""
    # One attribute string for every option (escaped once); only value, id and checked differ.
    common = flatatt(
        {
            "type": spec.input_type,
            "class": f"form-check-input{invalid}",
            "name": spec.html_name,
            **{k: v for k, v in _attrs(spec, {}).items() if k != "aria-describedby"},
        }
    )
    base_id = escaped(spec.auto_id)
    options = []
    for index, (option, _type, label, _label_type) in enumerate(spec.choices):
        checked = " checked" if str(option) in chosen else ""
        options.append(
            f'<div class="form-check"><input{common} value="{escaped(option)}" id="{base_id}_{index}"{checked}>'
            f'<label for="{base_id}_{index}" class="form-check-label">{escaped(label)}</label></div>'
        )
    described = f' aria-describedby="{base_id}_error"' if errors else ""
    return format_html(
        '<div id="div_{}" class="mb-3{}"><fieldset{}><legend class="form-label fs-6">{}</legend>'
        "<div>{}</div>{}{}</fieldset></div>",
        spec.auto_id,
        " has-danger" if errors else "",
        SafeString(described),
        spec.label,
        SafeString("".join(options)),
        _errors(spec.auto_id, errors, f"{spec.auto_id}_error", block=True),
        _help(spec),
    )


def _input(spec: FieldSpec) -> SafeString:
    value = spec.value
    errors = tuple(error for error, _type in spec.errors)
    invalid = " is-invalid" if errors else ""
    if spec.kind == "textarea":
        attrs = _attrs(spec, {"cols": "40", "rows": "10", **{key: value for key, value, _type in spec.attrs}})
        attrs.update({"name": spec.html_name, "class": f"textarea form-control{invalid}", "id": spec.auto_id})
        control = format_html("<textarea{}>\n{}</textarea>", flatatt(attrs), value or "")
    else:
        css = f"{spec.input_type}input form-control{invalid}"
        attrs = _attrs(spec, {"type": spec.input_type, "name": spec.html_name})
        if value not in (None, ""):
            attrs["value"] = value
        attrs.update({"class": css, "id": spec.auto_id})
        control = format_html("<input{}>", flatatt(attrs))
    error_html = _errors(spec.auto_id, errors, f"{spec.auto_id}_error", block=False)
    if spec.append:
        control = format_html(
            '<div class="input-group{}">{}<span class="input-group-text">{}</span>{}</div>',
            " has-validation" if errors else "",
            control,
            spec.append,
            error_html,
        )
        error_html = SafeString("")
    return format_html(
        '<div id="div_{}" class="mb-3{}"><label for="{}" class="form-label">{}</label>{}{}{}</div>',
        spec.auto_id,
        " has-danger" if errors else "",
        spec.auto_id,
        spec.label,
        control,
        error_html,
        _help(spec),
    )


@lru_cache(maxsize=4096)
def _markup(spec: FieldSpec) -> SafeString:
    """The markup of a field spec, remembered: a page's fields are mostly the same from one request to
    the next (same question, language and value), and building one is a few hundred calls."""
    return _choices(spec) if spec.kind in ("radio", "checkbox") else _input(spec)


def _spec(field: forms.BoundField, append: str) -> FieldSpec:
    widget = field.field.widget
    label, help_text = field.label, field.help_text
    attrs = tuple((key, value, type(value)) for key, value in widget.attrs.items())
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        kind = "checkbox" if widget.allow_multiple_selected else "radio"
        value = field.value()
        chosen = frozenset(
            ()
            if value is None
            else (str(v) for v in value)
            if isinstance(value, list | tuple)
            else (str(value),)
        )
        choices = tuple((option, type(option), text, type(text)) for option, text in field.field.choices)
        return FieldSpec(
            kind, kind, field.auto_id, field.html_name, label, type(label), help_text, type(help_text),
            "", attrs, choices, chosen, tuple((e, type(e)) for e in field.errors),
        )  # fmt: skip
    kind = "textarea" if isinstance(widget, forms.Textarea) else "input"
    value = widget.format_value(field.value())
    return FieldSpec(
        kind, getattr(widget, "input_type", ""), field.auto_id, field.html_name, label, type(label),
        help_text, type(help_text), append, attrs, (), value, tuple((e, type(e)) for e in field.errors),
    )  # fmt: skip


@register.simple_tag
def answer_field(field: forms.BoundField | None, append: str = "") -> SafeString:
    """A bound answer field (or a computed question's override reason) with label, unit and errors."""
    if field is None:
        return SafeString("")
    spec = _spec(field, conditional_escape(append) if append else "")
    try:
        return _markup(spec)
    except TypeError:  # a part that cannot be a key (an unhashable attribute value): built each time
        return _markup.__wrapped__(spec)
