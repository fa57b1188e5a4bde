"""The fill page's question cards built in Python (assessment/templatetags/question_cards.py): the field
with its label, the notices at the question (conflict, validated value, comments, checks, proposal),
evidence, who saved it, the computed value and the help column; everything typed is escaped."""

from __future__ import annotations

import datetime
from html import unescape
from types import SimpleNamespace

import pytest
from django.test.html import parse_html
from django.utils import translation

from assessment.forms.answers import REASON_SUFFIX, AnswerForm
from assessment.templatetags.question_cards import evidence_question_options, fill_navigation, question_card
from assessment.views.sme_context import Progress, QuestionRow

NUMBER = {
    "code": "q.num",
    "type": "number",
    "text": {"zh": "设备数", "en": "Devices"},
    "unit": {"zh": "台", "en": "units"},
    "required": True,
    "help": {"what": {"zh": "第一行\n第二行 <i>", "en": "Line one"}},
    "provisional": True,
}
COMPUTED = {
    "code": "q.share",
    "type": "computed",
    "text": {"zh": "占比"},
    "unit": {"zh": "%"},
    "formula": "q.num * 2",
}
WHEN = datetime.datetime(2026, 3, 1, 2, 30, tzinfo=datetime.UTC)  # 10:30 in Asia/Shanghai


def make_row(question, *, data=None, answers=None, **extra):
    form = AnswerForm(data, questions=[question], answers=answers or {}, reasons={})
    if data is not None:
        form.is_valid()
    code = question["code"]
    values = {
        "question": question,
        "code": code,
        "kind": question["type"],
        "field": form[code] if code in form.fields else None,
        "reason_field": form[code + REASON_SUFFIX] if code + REASON_SUFFIX in form.fields else None,
        "required": bool(question.get("required")),
        "asked": True,
        "answered": False,
        "prefilled": False,
        "answer": None,
        "computed": None,
        "comments": [],
        "evidence": [],
        "frameworks": ["绿色工厂"],
        "condition_json": "",
    }
    values.update(extra)
    return QuestionRow(**values)


def card(row, pk=5):
    return str(question_card(row, pk))


@pytest.mark.django_db
def test_it_ties_the_label_to_the_input_and_says_what_is_required():
    html = card(make_row(NUMBER, answers={"q.num": 12}))
    assert '<label for="id_q.num" class="form-label">设备数</label>' in html
    assert (
        'name="q.num"' in html and 'value="12"' in html and '<span class="input-group-text">台</span>' in html
    )
    assert "必答" in html and 'name="_present" value="q.num"' in html
    assert 'id="q-q.num"' in html and 'data-code="q.num"' in html and " hidden" not in html.split(">")[0]
    assert '<div class="invalid-feedback d-block small" data-error role="alert"></div>' in html


@pytest.mark.django_db
def test_it_announces_a_refused_value_at_its_field():
    html = card(make_row(NUMBER, data={"q.num": "abc"}))
    assert 'aria-invalid="true"' in html and 'aria-describedby="id_q.num_error"' in html
    assert 'id="id_q.num_error"' in html


@pytest.mark.django_db
def test_it_hides_a_question_that_is_not_asked_and_keeps_its_condition_for_the_script():
    html = card(make_row(NUMBER, asked=False, condition_json='{"q": "a<b"}'))
    opening = parse_html(html)
    assert ("hidden", None) in opening.attributes
    assert ("data-condition", '{"q": "a<b"}') in opening.attributes


@pytest.mark.django_db
def test_it_shows_the_notices_at_the_question_with_what_people_typed_escaped():
    row = make_row(
        NUMBER,
        conflict={"by": "Bob <b>", "at": WHEN, "mine": "3 & 4", "theirs": "<5>"},
        validated={"value": "10 台", "reason": "见 <发票>"},
        comments=[SimpleNamespace(author="审核员 <x>", text="请核对 & 补充")],
        checks=["部分 <大于> 整体"],
        proposal={"value": "12", "text": "12 <台>"},
    )
    html = card(row)
    assert "Bob &lt;b&gt; 于 2026-03-01 10:30 修改了此题" in html
    assert "<span data-theirs>&lt;5&gt;</span>" in html and "<span data-mine>3 &amp; 4</span>" in html
    assert 'name="take" value="q.num"' in html
    assert "审核核定值：</strong>10 台<div>核定理由：见 &lt;发票&gt;</div>" in html
    assert "审核意见（审核员 &lt;x&gt;）：</strong>请核对 &amp; 补充" in html and "border-warning" in html
    assert "部分 &lt;大于&gt; 整体" in html
    assert "注册时填写：12 &lt;台&gt;" in html and 'data-propose="12"' in html


@pytest.mark.django_db
def test_it_lists_evidence_and_says_who_saved_the_answer():
    answer = SimpleNamespace(updated_by="李四 <b>", updated_at=WHEN, value=3, prefilled=False)
    evidence = [SimpleNamespace(pk=9, assessment_id=5, original_name="发票<1>.pdf", size=2048)]
    html = card(make_row(NUMBER, answer=answer, evidence=evidence), pk=5)
    assert '<a href="/assessments/5/evidence/9/">发票&lt;1&gt;.pdf</a>' in html
    # Deleting saves the page form and asks first; with JS the dialog asks, with the file named.
    assert "2.0\xa0KB" in html and 'name="remove_evidence" value="9"' in html
    assert 'data-confirm="/assessments/5/evidence/9/remove/"' in html
    assert 'data-confirm-title="删除佐证材料 发票&lt;1&gt;.pdf？"' in html
    assert "李四 &lt;b&gt; 于 2026-03-01 10:30 保存" in html


@pytest.mark.django_db
def test_a_prefilled_answer_asks_for_confirmation_instead_of_naming_who_saved_it():
    answer = SimpleNamespace(updated_by="李四", updated_at=WHEN, value=3, prefilled=True)
    html = card(make_row(NUMBER, answer=answer, prefilled=True))
    assert "沿用上年，待确认" in html and 'form="confirm-q.num"' in html and "border-info" in html
    assert "data-updated" not in html


@pytest.mark.django_db
def test_the_help_column_gives_the_help_lines_and_the_provisional_note():
    html = card(make_row(NUMBER))
    assert "<summary>说明与来源</summary>" in html
    assert "<dt>含义</dt><dd>第一行<br>第二行 &lt;i&gt;</dd>" in html
    assert "#m-provisional" in html and "<dt>暂定</dt>" in html


@pytest.mark.django_db
def test_the_help_disclosure_comes_before_the_field_as_it_is_shown_above_it():
    html = card(make_row(NUMBER))
    # First in the markup (so first with Tab), moved to the right from md up by the field's column.
    assert html.index("<summary>说明与来源</summary>") < html.index('name="q.num"')
    assert 'class="col-md-8 order-md-first"' in html


@pytest.mark.django_db
def test_a_question_without_help_has_no_empty_help_column():
    html = card(make_row(COMPUTED))
    assert "col-md-4" not in html and '<details class="help' not in html


@pytest.mark.django_db
def test_the_help_column_follows_the_language():
    row = make_row(NUMBER)
    card(row)  # cached in Chinese
    with translation.override("en"):
        html = card(make_row(NUMBER))
    assert "Line one" in html and "说明与来源" not in html


@pytest.mark.django_db
def test_a_computed_question_shows_its_value_derivation_and_an_open_override_when_refused():
    computed = {
        "value": 24.0,
        "text": "24",
        "derivation": ["设备数（12）× 2"],
        "note": "",
        "overridden": False,
    }
    html = card(make_row(COMPUTED, computed=computed, data={"q.share": "x", "q.share" + REASON_SUFFIX: ""}))
    assert '<output class="fs-5 fw-semibold" data-computed-value>24</output>' in html
    assert 'aria-labelledby="label-q.share"' in html and 'id="label-q.share"' in html
    assert "<li>设备数（12）× 2</li>" in html
    assert '<details class="mt-1 override" open>' in html
    assert 'name="q.share' + REASON_SUFFIX + '"' in html


@pytest.mark.django_db
def test_the_page_list_marks_the_current_page_and_each_pages_required_answers():
    page = SimpleNamespace(key="sme_digital.general")
    other = SimpleNamespace(key="energy")
    navigation = [
        {
            "group": "中小企业 <数字化>",
            "items": [
                {"section": page, "title": "基本情况", "progress": Progress(3, 8), "current": True},
                {"section": other, "title": "能源 & 水", "progress": Progress(2, 2), "current": False},
            ],
        }
    ]
    html = str(fill_navigation(navigation, 5))
    assert "中小企业 &lt;数字化&gt;" in html and "能源 &amp; 水" in html
    current, done = parse_html(html).children[1].children
    assert ("aria-current", "page") in current.children[0].attributes
    assert 'href="/assessments/5/fill/sme_digital.general/"' in html
    assert 'data-progress="sme_digital.general"' in html and ">3/8</span>" in html
    assert "text-bg-success" in str(done) and ">2/2</span>" in html and "aria-current" not in str(done)


@pytest.mark.django_db
def test_the_evidence_form_lists_the_pages_questions_cut_and_escaped():
    long_text = {"code": "q.long", "type": "text", "text": {"zh": "很长的题目<b>" * 20}}
    html = str(evidence_question_options([make_row(NUMBER), make_row(long_text)]))
    assert '<option value="q.num">设备数</option>' in html
    option = html.split('<option value="q.long">')[1]
    shown = unescape(option.split("</option>")[0])
    assert shown.startswith("很长的题目<b>") and len(shown) <= 62 < len(
        long_text["text"]["zh"]
    )  # cut, as |truncatechars:60


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "word"), [("zh-hans", "选答"), ("en", "Optional")])
def test_a_page_without_required_questions_is_marked_optional_not_zero_of_zero(language, word):
    from django.utils import translation

    page = SimpleNamespace(key="sme_digital.general")
    navigation = [
        {
            "group": "",
            "items": [{"section": page, "title": "场景", "progress": Progress(5, 0), "current": False}],
        }
    ]
    with translation.override(language):
        html = str(fill_navigation(navigation, 5))
    assert "0/0" not in html and "5/0" not in html
    assert f'data-optional="{word}"' in html and f">{word}</span>" in html
    assert "text-bg-success" not in html  # nothing required: not shown as a completed page
