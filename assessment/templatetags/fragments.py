"""{% per_language [value ...] %}…{% end_per_language %}: a piece of a template rendered once per active
language (and per value given to the tag) and then remembered by the template node.

For the fixed parts of the page layout: text, {% translate %}, {% static %}, {% url %} without arguments
or with the tag's values as arguments. A page renders some forty of these, each a few dozen calls
(the active language is looked up for every translation); remembered, the piece costs one lookup. The
piece must depend on nothing but the language, the URL prefix and the given values: no request, user,
form, CSRF token or per-page variable inside it (those stay outside the tag).

The remembered pieces live as long as the parsed template (the cached template loader: the process);
each node keeps at most MAX_KEPT of them.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.urls import get_script_prefix
from django.utils.safestring import SafeString
from django.utils.translation import get_language

register = template.Library()

MAX_KEPT = 256


class PerLanguageNode(template.Node):
    def __init__(self, nodelist: NodeList, values: list[FilterExpression]) -> None:
        self.nodelist = nodelist
        self.values = values
        self.kept: dict[tuple[Any, ...], SafeString] = {}

    def render(self, context: template.Context) -> SafeString:
        key = (
            get_language(),
            get_script_prefix(),
            context.autoescape,
            *(value.resolve(context) for value in self.values),
        )
        html = self.kept.get(key)
        if html is None:
            html = SafeString(self.nodelist.render(context))
            if len(self.kept) >= MAX_KEPT:
                self.kept.clear()
            self.kept[key] = html
        return html


@register.tag
def per_language(parser: Parser, token: Token) -> PerLanguageNode:
    values = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    nodelist = parser.parse(("end_per_language",))
    parser.delete_first_token()
    return PerLanguageNode(nodelist, values)
