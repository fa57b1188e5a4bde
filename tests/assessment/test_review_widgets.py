"""A reviewer sets a validated value for choice, multiple-choice, level and yes/no questions with the
enterprise form's widgets (labels, not internal codes); numbers are still typed."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from assessment.forms.review import ValidateAnswerForm
from assessment.models import Assessment
from tests.builders import make_submitted

AREAS = "dig24.q.data_collection_areas"
SCENARIO = "dig24.scenario.product_design"
LAWFUL = "mgmt.lawful_compliant"


@pytest.fixture
def harbin(shipped_versions, enterprise, sme_manager) -> Assessment:
    return make_submitted(shipped_versions, enterprise=enterprise, submitted_by=sme_manager)


def _validate(client, assessment: Assessment, code: str, value, reason: str = "核实台账"):
    return client.post(
        reverse("review_validate", args=[assessment.pk]), {"code": code, "value": value, "reason": reason}
    )


def _input(html: str, kind: str, code: str, value: str) -> str:
    """The <input> of the validated-value widget of `code` with `value` (without the closing '>')."""
    pattern = (
        rf'<input type="{kind}"[^>]*name="value" value="{re.escape(value)}"[^>]*id="v-{re.escape(code)}-[^>]*'
    )
    match = re.search(pattern, html)
    assert match, (kind, code, value)
    return match.group(0).rstrip()


def _validated(assessment: Assessment, code: str):
    return assessment.validated_answers.get(question_code=code).value


def test_it_shows_the_forms_widgets_with_labels_for_choices_levels_and_yes_no(client, city_official, harbin):
    client.force_login(city_official)
    html = client.get(reverse("review_detail", args=[harbin.pk])).content.decode()
    # The enterprise's answer (finance, warehousing, quality) is where the reviewer starts from.
    assert _input(html, "checkbox", AREAS, "finance").endswith("checked")
    assert not _input(html, "checkbox", AREAS, "production_control").endswith("checked")
    assert "财务管理" in html and "生产管控" in html
    assert _input(html, "radio", SCENARIO, "3")
    assert _input(html, "radio", LAWFUL, "false")
    assert _input(html, "radio", LAWFUL, "true").endswith("checked")
    # A number is typed as before.
    assert 'id="v-dig24.q.devices_digital" name="value"' in html


def test_it_stores_the_options_ticked_in_the_widget(client, city_official, harbin):
    client.force_login(city_official)
    _validate(client, harbin, AREAS, ["production_control", "quality"])
    assert _validated(harbin, AREAS) == ["production_control", "quality"]
    html = client.get(reverse("review_detail", args=[harbin.pk])).content.decode()
    assert "生产管控；质量管理" in html  # shown in words
    assert _input(html, "checkbox", AREAS, "production_control").endswith("checked")
    assert not _input(html, "checkbox", AREAS, "finance").endswith("checked")


def test_it_reads_typed_option_labels_as_their_codes(client, city_official, harbin):
    client.force_login(city_official)
    _validate(client, harbin, AREAS, "生产管控、Quality management")
    assert _validated(harbin, AREAS) == ["production_control", "quality"]


def test_it_stores_a_level_and_yes_no_from_the_radio_buttons(client, city_official, harbin):
    client.force_login(city_official)
    _validate(client, harbin, SCENARIO, "3")
    _validate(client, harbin, LAWFUL, "false")
    assert _validated(harbin, SCENARIO) == 3
    assert _validated(harbin, LAWFUL) is False


def test_the_blank_choice_means_the_answer_does_not_count(client, city_official, harbin):
    client.force_login(city_official)
    _validate(client, harbin, SCENARIO, "")
    assert _validated(harbin, SCENARIO) is None


def test_it_refuses_an_unknown_option_and_stores_nothing(client, city_official, harbin):
    client.force_login(city_official)
    response = _validate(client, harbin, AREAS, ["production_control", "no_such_area"])
    assert response.status_code == 302
    assert not harbin.validated_answers.filter(question_code=AREAS).exists()


@pytest.mark.parametrize(
    ("question", "data", "expected"),
    [
        (
            {
                "code": "x.m",
                "type": "multiple",
                "options": [
                    {"code": "a", "text": {"zh": "甲", "en": "A"}},
                    {"code": "b", "text": {"zh": "乙", "en": "B"}},
                ],
            },
            {"value": ["a", "b"]},
            ["a", "b"],
        ),
        (
            {"code": "x.m", "type": "multiple", "options": [{"code": "a", "text": {"zh": "甲", "en": "A"}}]},
            {"value": "a"},
            ["a"],
        ),
        (
            {"code": "x.s", "type": "single", "options": [{"code": "a", "text": {"zh": "甲", "en": "A"}}]},
            {"value": "甲"},
            "a",
        ),
        ({"code": "x.y", "type": "yesno"}, {"value": "是"}, True),
        ({"code": "x.n", "type": "number"}, {"value": "1,200"}, 1200.0),
    ],
)
def test_the_form_reads_widgets_and_typed_text_alike(question, data, expected) -> None:
    from django.http import QueryDict

    posted = QueryDict(mutable=True)
    posted.update({"code": question["code"], "reason": "r"})
    values = data["value"] if isinstance(data["value"], list) else [data["value"]]
    posted.setlist("value", values)
    form = ValidateAnswerForm(posted, questions={question["code"]: question})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["parsed_value"] == expected
