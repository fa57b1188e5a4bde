"""The fill page's field markup built in Python (assessment/templatetags/answer_fields.py): labels tied to
their inputs, options checked from the answer, unit appended, errors announced, input escaped."""

from __future__ import annotations

from assessment.forms.answers import AnswerForm
from assessment.templatetags.answer_fields import answer_field

SINGLE = {
    "code": "q.single",
    "type": "single",
    "text": {"zh": "单选 <b>"},
    "options": [{"code": "a", "text": {"zh": "甲"}}, {"code": "b", "text": {"zh": "乙 & 丙"}}],
}
MULTIPLE = {
    "code": "q.multi",
    "type": "multiple",
    "text": {"zh": "多选"},
    "options": [{"code": "a", "text": {"zh": "甲"}}, {"code": "n", "text": {"zh": "无"}, "exclusive": True}],
}
NUMBER = {"code": "q.num", "type": "number", "text": {"zh": "设备数"}, "min": 0, "decimals": 0}
TEXT = {"code": "q.txt", "type": "text", "text": {"zh": "说明"}}


def render(data=None, answers=None):
    form = AnswerForm(data, questions=[SINGLE, MULTIPLE, NUMBER, TEXT], answers=answers or {})
    if data is not None:
        form.is_valid()
    return {name: str(answer_field(form[name], "台" if name == "q.num" else "")) for name in form.fields}


def test_options_are_labelled_inputs_in_a_fieldset_checked_from_the_answer():
    html = render(answers={"q.single": "b", "q.multi": ["a", "n"]})
    single = html["q.single"]
    assert "<legend" in single and "单选 &lt;b&gt;" in single
    assert 'id="id_q.single_1" checked' in single and 'id="id_q.single_0">' in single
    assert '<label for="id_q.single_1" class="form-check-label">乙 &amp; 丙</label>' in single
    assert 'type="radio"' in single and 'name="q.single"' in single and 'data-question="q.single"' in single
    multi = html["q.multi"]
    assert multi.count(" checked") == 2 and 'type="checkbox"' in multi and 'data-exclusive="n"' in multi


def test_a_number_has_its_label_unit_bounds_and_value():
    number = render(answers={"q.num": 5})["q.num"]
    assert '<label for="id_q.num" class="form-label">设备数</label>' in number
    assert 'value="5"' in number and 'min="0"' in number and 'type="number"' in number
    assert '<span class="input-group-text">台</span>' in number


def test_an_error_is_announced_at_its_field_and_the_typed_value_kept():
    html = render(data={"q.num": "-5", "q.single": "zzz", "q.txt": "<script>"})
    number = html["q.num"]
    assert 'value="-5"' in number and "is-invalid" in number
    assert (
        'aria-describedby="id_q.num_error"' in number
        and 'id="id_q.num_error" class="invalid-feedback"' in number
    )
    single = html["q.single"]
    assert 'aria-describedby="id_q.single_error"' in single and "invalid-feedback d-block" in single
    assert "&lt;script&gt;" in html["q.txt"] and "<script>" not in html["q.txt"]
