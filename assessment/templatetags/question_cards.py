"""The fill page's question cards, built in Python, and its other per-question and per-page lists.

A card is the question's badges, the notices at it (a colleague's conflicting change, the reviewer's
validated value and comments, consistency checks), its field (answer_fields), the computed value with
its derivation, evidence, who saved it, and the "说明与来源" column. Rendering the card as a template
include per question was most of the page's time; this builds the same markup with format_html (the
fast equivalent in answer_fields). The help column and the question's short text depend only on the
question and the language, so they are built once per question object (definitions are cached per
process and never changed in place) and language. The side panel's page list and the evidence form's
list of questions are built here too (a template loop over every page was the next largest cost).

    {% load question_cards %}{% question_card row assessment.pk %}
    {% fill_navigation navigation assessment.pk %} {% evidence_question_options rows %}
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django import template
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import filesizeformat, linebreaksbr
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.timezone import template_localtime
from django.utils.translation import get_language, gettext, ngettext

from assessment.confirmations import evidence_removal
from assessment.templatetags.answer_fields import answer_field, format_html, format_html_join

register = template.Library()

EMPTY = SafeString("")

# (id of the question mapping, language) -> (the mapping, its help column): the mapping is kept so that
# its id cannot be reused by another object while the entry exists.
_HELP_COLUMNS: dict[tuple[int, str], tuple[Mapping[str, Any], SafeString]] = {}


def _when(value: Any) -> str:
    return date_filter(template_localtime(value), "Y-m-d H:i")


def _language(row: Any) -> str:
    return row.lang or get_language() or ""


# (language, message) -> the message translated: the cards' fixed texts, looked up once per language
# (gettext reads the active translation on every call; a card has several of these texts).
_FIXED_TEXTS: dict[tuple[str, str], str] = {}


def _fixed(message: str, row: Any) -> str:
    """gettext(message) in the row's language (the active one while the page renders)."""
    key = (_language(row), message)
    text = _FIXED_TEXTS.get(key)
    if text is None:
        text = _FIXED_TEXTS[key] = gettext(message)
    return text


def _help_column(row: Any) -> SafeString:
    """Help lines, citations and the provisional note: all read from the question (cached)."""
    key = (id(row.question), _language(row))
    cached = _HELP_COLUMNS.get(key)
    if cached is not None and cached[0] is row.question:
        return cached[1]
    citations = row.citations
    provisional = row.question.get("provisional")
    help_lines = row.help
    column = EMPTY  # no help: no column (the field's column keeps its width)
    if help_lines or citations or provisional:
        items = format_html_join(
            "", "<dt>{}</dt><dd>{}</dd>", ((label, linebreaksbr(text)) for label, text in help_lines)
        )
        if citations:
            items += format_html(
                "<dt>{}</dt><dd>{}</dd>",
                gettext("来源"),
                conditional_escape("；").join(conditional_escape(c) for c in citations),
            )
        if provisional:
            items += format_html(
                '<dt>{}</dt><dd>{} <a href="{}#m-provisional">{}</a></dd>',
                gettext("暂定"),
                row.provisional_note
                or gettext("本题的计分或分档尚未与标准原文核对，为暂定值；与您填报的数据是否准确无关。"),
                reverse("method"),
                gettext("方法说明"),
            )
        column = format_html(
            '<div class="col-md-4"><details class="help small"><summary>{}</summary><dl class="mb-0 mt-1">{}</dl>'
            "</details></div>",
            gettext("说明与来源"),
            items,
        )
    _HELP_COLUMNS[key] = (row.question, column)
    return column


def _badges(row: Any) -> SafeString:
    parts = []
    if row.required:
        parts.append(
            format_html(
                '<span class="badge text-bg-danger-subtle border border-danger-subtle text-danger-emphasis">{}</span>',
                _fixed("必答", row),
            )
        )
    if row.prefilled:
        parts.append(format_html('<span class="badge text-bg-info">{}</span>', gettext("沿用上年，待确认")))
    if row.proposed:  # the option the figures propose, recorded by the system: nobody chose it yet
        parts.append(
            format_html(
                '<span class="badge text-bg-light border" data-proposed-answer>{}</span>',
                gettext("系统按数据预选，待您确认"),
            )
        )
    if len(row.frameworks) > 1:
        count = len(row.frameworks)
        parts.append(
            format_html(
                '<span class="badge text-bg-light border" title="{}">{}</span>',
                "、".join(row.frameworks),
                ngettext("%(n)s 个框架共用", "%(n)s 个框架共用", count) % {"n": count},
            )
        )
    parts.append(
        SafeString(
            '<span class="badge text-bg-light border text-muted font-monospace" data-changed-badge hidden></span>'
        )
    )
    return format_html('<div class="d-flex flex-wrap gap-1 mb-1 small">{}</div>', SafeString("".join(parts)))


def _notices(row: Any) -> SafeString:
    """A colleague's conflicting change, the reviewer's validated value and comments."""
    parts = []
    if row.conflict:
        conflict = row.conflict
        parts.append(
            format_html(
                '<div class="alert alert-danger py-2 px-2 small mb-2" role="alert" data-conflict><strong>{}</strong>'
                "<div>{}<span data-theirs>{}</span></div><div>{}<span data-mine>{}</span></div>"
                '<div class="mt-1 d-flex flex-wrap gap-2">'
                '<button type="submit" name="take" value="{}" class="btn btn-sm btn-outline-secondary">{}</button>'
                '<button type="submit" name="next" value="stay" class="btn btn-sm btn-outline-success">{}</button>'
                "</div></div>",
                SafeString(
                    gettext("%(name)s 于 %(time)s 修改了此题，请选择保留哪一个值。")
                    % {
                        "name": conditional_escape(conflict["by"]),
                        "time": conditional_escape(_when(conflict["at"])),
                    }
                ),
                gettext("对方的值："),
                conflict["theirs"],
                gettext("您的值："),
                conflict["mine"],
                row.code,
                gettext("采用对方的值"),
                gettext("保留我的值"),
            )
        )
    if row.validated:
        reason = row.validated.get("reason")
        parts.append(
            format_html(
                '<div class="alert alert-info py-1 px-2 small mb-2" role="note" data-validated><strong>{}</strong>{}{}</div>',
                gettext("审核核定值："),
                row.validated["value"],
                format_html("<div>{}{}</div>", gettext("核定理由："), reason) if reason else EMPTY,
            )
        )
    for comment in row.comments:
        parts.append(
            format_html(
                '<div class="alert alert-warning py-1 px-2 small mb-2" role="note"><strong>{}</strong>{}</div>',
                SafeString(gettext("审核意见（%(name)s）：") % {"name": conditional_escape(comment.author)}),
                comment.text,
            )
        )
    return SafeString("".join(parts))


def _answer(row: Any) -> SafeString:
    """The field, or the computed value with its derivation and the override, or the evidence note."""
    if row.derived:
        computed = row.computed or {}
        override = EMPTY
        if row.field:
            is_open = (
                computed.get("overridden")
                or row.field.errors
                or (row.reason_field and row.reason_field.errors)
            )
            override = format_html(
                '<details class="mt-1 override"{}><summary class="small">{}</summary><div class="mt-2">{}{}</div></details>',
                SafeString(" open") if is_open else EMPTY,
                _fixed("覆盖计算值（须说明理由）", row),
                answer_field(row.field, row.unit),
                answer_field(row.reason_field),
            )
        return format_html(
            '<div class="fw-semibold mb-1" id="label-{}">{}</div>'
            '<div class="computed" aria-labelledby="label-{}">'
            '<output class="fs-5 fw-semibold" data-computed-value>{}</output> <span class="text-muted">{}</span>{}'
            '<details class="small mt-1 method"><summary>{}</summary>'
            '<ul class="text-muted mb-1 derivation" data-computed-derivation>{}</ul>'
            '<div class="text-muted" data-computed-note>{}</div></details></div>{}',
            row.code,
            row.text,
            row.code,
            computed.get("text") or "—",
            row.unit,
            format_html(' <span class="badge text-bg-secondary">{}</span>', _fixed("已覆盖计算值", row))
            if computed.get("overridden")
            else EMPTY,
            _fixed("计算方法", row),
            format_html_join("", "<li>{}</li>", ((line,) for line in computed.get("derivation") or ())),
            computed.get("note", ""),
            override,
        )
    if row.by_evidence:
        return format_html(
            '<div class="fw-semibold mb-1">{}</div><p class="small text-muted mb-1">{}</p>',
            row.text,
            gettext("以页面下方上传的佐证材料作答。"),
        )
    if row.field:
        note = EMPTY
        if row.per_product_note:
            note = format_html(
                '<div class="small text-muted">{}{}</div>',
                gettext("各产品分别填写的值："),
                row.per_product_note,
            )
        return format_html("{}{}", answer_field(row.field, row.addon or ""), note)
    return EMPTY


def _after(row: Any, assessment_pk: int) -> SafeString:
    """What follows the answer: proposal, checks, the script's error slot, confirm, evidence, saved by."""
    parts = []
    if row.field or row.reason_field:
        parts.append(format_html('<input type="hidden" name="_present" value="{}">', row.code))
    if row.proposal:
        parts.append(
            format_html(
                '<div class="small mt-1" data-proposal>{} <button type="button" '
                'class="btn btn-link btn-sm p-0 align-baseline" data-propose="{}">{}</button></div>',
                SafeString(
                    gettext("注册时填写：%(value)s") % {"value": conditional_escape(row.proposal["text"])}
                ),
                row.proposal["value"],
                gettext("采用此值"),
            )
        )
    if getattr(row, "plan_proposal", None):
        proposal = row.plan_proposal
        parts.append(
            format_html(
                '<div class="alert alert-success py-1 px-2 small mt-2 mb-0" data-plan-proposal-at="{}">{}'
                '<div class="d-flex flex-wrap gap-2 mt-1">'
                '<button type="submit" form="plan-proposal-{}" name="confirm" value="{}" '
                'class="btn btn-sm btn-success">{}</button> '
                '<button type="submit" form="plan-proposal-{}" name="reject" value="{}" '
                'class="btn btn-sm btn-light border">{}</button></div></div>',
                row.code,
                gettext("上年改进计划建议：%(value)s（已完成的措施：%(actions)s）")
                % {"value": proposal["proposed"], "actions": "、".join(proposal["actions"])},
                row.code,
                row.code,
                gettext("确认建议"),
                row.code,
                row.code,
                gettext("拒绝建议"),
            )
        )
    if "proposed_by" in row.question:
        # The option the figures propose (增加/持平/降低); the page script keeps it current.
        proposal = row.choice_proposal or {}
        parts.append(
            format_html(
                '<div class="small mt-1 text-body-secondary" data-choice-proposal="{}">{}</div>',
                proposal.get("option", ""),
                proposal.get("text", ""),
            )
        )
    for message in row.checks:
        parts.append(
            format_html(
                '<div class="alert alert-warning py-1 px-2 small mt-2 mb-0" data-check>{}</div>', message
            )
        )
    parts.append('<div class="invalid-feedback d-block small" data-error role="alert"></div>')
    if row.prefilled:
        parts.append(
            format_html(
                '<button class="btn btn-sm btn-outline-info mt-1" type="submit" form="confirm-{}">{}</button>',
                row.code,
                gettext("确认沿用"),
            )
        )
    if row.evidence:
        # The delete button sends the page form (saving what was typed) to ask for confirmation; with
        # JS it opens the confirmation dialog instead and the page is not left (js/confirm.js).
        items = format_html_join(
            "",
            '<li class="d-flex align-items-center gap-2" data-confirm-item>📎 <a href="{}">{}</a> '
            '<span class="text-muted">{}</span> <button class="btn btn-link btn-sm text-danger p-0" '
            'type="submit" name="remove_evidence" value="{}" {}>{}<span class="visually-hidden"> {}</span>'
            "</button></li>",
            (
                (
                    reverse("evidence_download", args=[assessment_pk, item.pk]),
                    item.original_name,
                    filesizeformat(item.size),
                    item.pk,
                    evidence_removal(item, question_text=row.text, return_to="").data_attributes(),
                    gettext("删除"),
                    item.original_name,
                )
                for item in row.evidence
            ),
        )
        parts.append(
            format_html('<ul class="list-unstyled small mt-2 mb-0" data-confirm-list>{}</ul>', items)
        )
    answer = row.answer
    if answer and answer.updated_by and not row.prefilled and not row.proposed:
        parts.append(
            format_html(
                '<div class="small text-muted mt-1" data-updated>{}</div>',
                SafeString(
                    gettext("%(name)s 于 %(time)s 保存")
                    % {
                        "name": conditional_escape(answer.updated_by),
                        "time": conditional_escape(_when(answer.updated_at)),
                    }
                ),
            )
        )
    return SafeString("".join(parts))


@register.simple_tag
def question_card(row: Any, assessment_pk: int) -> SafeString:
    """One question of the fill page (views.sme_context.QuestionRow) as its card."""
    classes = "card shadow-sm mb-3 question"
    if row.prefilled:
        classes += " border-info"
    if row.comments:
        classes += " border-warning"
    condition = format_html(' data-condition="{}"', row.condition_json) if row.condition_json else EMPTY
    return format_html(
        '<div class="{}" id="q-{}" data-code="{}" data-type="{}" data-value="{}" data-seen="{}"{}{}>'
        # The help column comes first in the markup and is moved to the right from md up: its disclosure is
        # shown at the top of the card, so it is reached before the field with Tab, as it is seen.
        '<div class="card-body"><div class="row g-3">{}<div class="col-md-8 order-md-first">{}{}{}{}</div></div></div></div>',
        classes,
        row.code,
        row.code,
        row.kind,
        row.client_value,
        row.seen,
        condition,
        SafeString(" hidden") if not row.asked else EMPTY,
        _help_column(row),
        _badges(row),
        _notices(row),
        _answer(row),
        _after(row, assessment_pk),
    )


# (id of the question mapping, language) -> (the mapping, its text cut for the evidence form's list).
_SHORT_TEXTS: dict[tuple[int, str], tuple[Mapping[str, Any], str]] = {}


def _short_text(row: Any) -> str:
    key = (id(row.question), _language(row))
    cached = _SHORT_TEXTS.get(key)
    if cached is None or cached[0] is not row.question:
        cached = (row.question, Truncator(row.text).chars(60))
        _SHORT_TEXTS[key] = cached
    return cached[1]


@register.simple_tag
def evidence_question_options(rows: list[Any]) -> SafeString:
    """The evidence form's choice of question: one option per question of the page."""
    return format_html_join(
        "", '<option value="{}">{}</option>', ((row.code, _short_text(row)) for row in rows)
    )


_KEY_MARK = "section-key-mark"
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_.~-]+")


def _section_urls(assessment_pk: int) -> Any:
    """key -> the URL of that page of the assessment: one reverse() for all of them (a page key of
    letters, digits and _.~- is put in the URL as it is, which is what reverse does with it)."""
    head, _mark, tail = reverse("assessment_fill", args=[assessment_pk, _KEY_MARK]).partition(_KEY_MARK)

    def url(key: str) -> str:
        if _PLAIN_KEY.fullmatch(key):
            return f"{head}{key}{tail}"
        return reverse("assessment_fill", args=[assessment_pk, key])

    return url


@register.simple_tag
def fill_navigation(navigation: list[dict[str, Any]], assessment_pk: int) -> SafeString:
    """The page list of the side panel: framework groups, each page with its required answers done."""
    title = gettext("必答题完成数")
    optional, optional_title = gettext("选答"), gettext("本页均为选答题")
    urls = _section_urls(assessment_pk)
    parts = []
    for group in navigation:
        if group["group"]:
            parts.append(
                format_html('<div class="small fw-semibold text-success mt-2">{}</div>', group["group"])
            )
        items = []
        for item in group["items"]:
            key = item["section"].key
            progress = item["progress"]
            # A page without required questions (the SME digital scenarios) says so instead of "0/0";
            # fill.js keeps the badge current from data-optional.
            badge = f"{progress.answered}/{progress.required}" if progress.required else optional
            items.append(
                format_html(
                    '<li class="nav-item"><a class="nav-link px-2 py-1 d-flex justify-content-between '
                    'align-items-start gap-2{}"{} href="{}"><span>{}</span> <span class="badge {}" '
                    'data-progress="{}" data-optional="{}" title="{}">{}</span></a></li>',
                    SafeString(" active fw-semibold") if item["current"] else EMPTY,
                    SafeString(' aria-current="page"') if item["current"] else EMPTY,
                    urls(key),
                    item["title"],
                    "text-bg-success" if progress.required and progress.complete else "text-bg-light border",
                    key,
                    optional,
                    title if progress.required else optional_title,
                    badge,
                )
            )
        parts.append(format_html('<ul class="nav flex-column small">{}</ul>', SafeString("".join(items))))
    return SafeString("".join(parts))
