"""Read-only admin of loaded questionnaire versions: they change only through load_questionnaires."""

from __future__ import annotations

import json

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from questionnaires.definition import iter_indicators, iter_questions, provisional_items
from questionnaires.models import QuestionnaireVersion


@admin.register(QuestionnaireVersion)
class QuestionnaireVersionAdmin(admin.ModelAdmin):
    list_display = (
        "framework",
        "version",
        "revision",
        "superseded_at",
        "status",
        "method",
        "title_zh",
        "indicator_count",
        "question_count",
        "provisional_count",
        "short_hash",
        "loaded_at",
    )
    list_filter = ("status", "framework", "method")
    search_fields = ("framework", "version", "title_zh", "title_en")
    fields = (
        "framework",
        "version",
        "revision",
        "superseded_at",
        "status",
        "method",
        "title_zh",
        "title_en",
        "source_file",
        "content_hash",
        "loaded_at",
        "indicator_count",
        "question_count",
        "provisional_list",
        "definition_json",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: QuestionnaireVersion | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: QuestionnaireVersion | None = None) -> bool:
        return False

    @admin.display(description=_("指标数"))
    def indicator_count(self, obj: QuestionnaireVersion) -> int:
        return sum(1 for _indicator in iter_indicators(obj.definition))

    @admin.display(description=_("题目数"))
    def question_count(self, obj: QuestionnaireVersion) -> int:
        return sum(1 for _question in iter_questions(obj.definition))

    @admin.display(description=_("待确认项"))
    def provisional_count(self, obj: QuestionnaireVersion) -> int:
        return len(provisional_items(obj.definition))

    @admin.display(description=_("内容摘要"))
    def short_hash(self, obj: QuestionnaireVersion) -> str:
        return obj.content_hash[:12]

    @admin.display(description=_("待确认项清单"))
    def provisional_list(self, obj: QuestionnaireVersion) -> str:
        items = provisional_items(obj.definition)
        if not items:
            return "-"
        rows = format_html_join(
            "",
            "<li><code>{}</code> ({}) {} — {}</li>",
            (
                (item["code"], item["kind"], (item["title"] or {}).get("zh", ""), item["source"] or "-")
                for item in items
            ),
        )
        return format_html("<ul>{}</ul>", rows)

    @admin.display(description=_("定义"))
    def definition_json(self, obj: QuestionnaireVersion) -> str:
        text = json.dumps(obj.definition, ensure_ascii=False, indent=2)
        return format_html('<pre style="max-height:40em;overflow:auto">{}</pre>', text)
