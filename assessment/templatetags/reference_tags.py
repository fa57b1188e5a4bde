"""Template filters naming reference codes in the active language: {{ code|city_name }}, {{ code|industry_name }}."""

from __future__ import annotations

from django import template

from assessment import reference

register = template.Library()


@register.filter
def city_name(code: str) -> str:
    return reference.city_name(code or "")


@register.filter
def industry_name(code: str) -> str:
    return reference.industry_name(code or "")
