"""What the fill page remembers or skips to render fast, and that it is never stale: the page facts read
with the assessment (absent evidence, comments, notices and plans are not queried), the membership read in
the same query, each answer field's markup remembered by everything it is made of, the side panel's links."""

from __future__ import annotations

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import SafeString

from assessment.models import (
    Assessment,
    Evidence,
    Membership,
    Plan,
    PlanAction,
    ReviewComment,
    RevisionNotice,
    User,
)
from assessment.permissions import get_assessment_for_member
from assessment.selectors.assessments import (
    assessment_definitions,
    build_sections,
    page_fact,
    with_page_facts,
)
from assessment.services.assessments import assessment_create
from assessment.templatetags.answer_fields import answer_field
from assessment.templatetags.question_cards import _section_urls

FACTS = ("has_evidence", "has_comments", "has_open_notices", "may_have_plan")


def facts_of(assessment: Assessment) -> dict[str, bool]:
    found = with_page_facts(Assessment.objects.filter(pk=assessment.pk)).get()
    return {name: page_fact(found, name) for name in FACTS}


def fill_url(assessment: Assessment, key: str | None = None) -> str:
    key = key or build_sections(assessment_definitions(assessment))[0].key
    return reverse("assessment_fill", args=[assessment.pk, key])


def test_a_fresh_draft_has_none_of_the_facts_and_its_page_skips_their_queries(
    client, draft, sme_manager, django_assert_max_num_queries
):
    assert facts_of(draft) == dict.fromkeys(FACTS, False)
    client.force_login(sme_manager)
    client.get(fill_url(draft))  # definitions cached
    # session, user, assessment (with enterprise, factor set, facts, membership), versions, answers,
    # factors: no evidence, comments, notices, plan or membership query.
    with django_assert_max_num_queries(6):
        response = client.get(fill_url(draft))
    assert response.status_code == 200


def test_an_assessment_read_without_facts_reads_everything():
    assessment = Assessment()
    assert all(page_fact(assessment, name) for name in FACTS)


def test_each_fact_follows_the_rows_and_the_page_shows_them(client, draft, sme_manager, sme_contributor):
    section = build_sections(assessment_definitions(draft))[0]
    code = section.questions[0]["code"]
    ReviewComment.objects.create(
        assessment=draft, question_code=code, author=sme_contributor, text="请核对 <此值>"
    )
    Evidence.objects.create(
        assessment=draft, question_code=code, file="evidence/x.pdf", original_name="证明材料.pdf", size=10
    )
    notice = RevisionNotice.objects.create(
        assessment=draft, framework="sme_digital", version="2024", from_revision=1, to_revision=2
    )
    assert facts_of(draft) == {
        "has_evidence": True,
        "has_comments": True,
        "has_open_notices": True,
        "may_have_plan": False,
    }
    client.force_login(sme_manager)
    content = client.get(fill_url(draft, section.key)).content.decode()
    assert "请核对 &lt;此值&gt;" in content
    assert "证明材料.pdf" in content
    assert f'data-revision-notice="{notice.pk}"' in content

    RevisionNotice.objects.filter(pk=notice.pk).update(dismissed_at=timezone.now())
    assert facts_of(draft)["has_open_notices"] is False
    assert (
        f'data-revision-notice="{notice.pk}"' not in client.get(fill_url(draft, section.key)).content.decode()
    )


@pytest.mark.parametrize(
    ("year", "status", "expected"),
    [
        (2024, Assessment.Status.ACCEPTED, True),
        (2024, Assessment.Status.SUBMITTED, True),
        (2024, Assessment.Status.DRAFT, False),  # still editable: not last year's plan
        (2026, Assessment.Status.ACCEPTED, False),  # a later year
    ],
)
def test_the_plan_fact_is_set_only_by_a_plan_of_an_earlier_finished_assessment(
    draft, sme_manager, year, status, expected
):
    other = assessment_create(enterprise=draft.enterprise, year=year, user=sme_manager)
    Assessment.objects.filter(pk=other.pk).update(status=status)
    plan = Plan.objects.create(assessment=other)
    assert facts_of(draft)["may_have_plan"] is False  # a plan without actions proposes nothing
    PlanAction.objects.create(plan=plan, action_code="x", status=PlanAction.Status.DONE)
    assert facts_of(draft)["may_have_plan"] is expected


def test_the_membership_read_with_the_assessment_is_the_users_own(
    draft, sme_manager, sme_contributor, django_assert_num_queries
):
    for user, role in ((sme_contributor, "contributor"), (sme_manager, "manager")):
        fresh = User.objects.get(pk=user.pk)
        with django_assert_num_queries(1):
            assessment = get_assessment_for_member(fresh, draft.pk, page=True)
            shown = fresh.membership
        membership = Membership.objects.get(user=user)
        assert assessment.pk == draft.pk
        assert (shown.pk, shown.role, shown.created_at) == (membership.pk, role, membership.created_at)
        assert shown.user is fresh and shown.enterprise == draft.enterprise  # no query either


def test_the_layout_shows_each_member_their_own_role(client, draft, sme_manager, sme_contributor):
    members_link = reverse("enterprise_members")
    client.force_login(sme_contributor)
    assert members_link not in client.get(fill_url(draft)).content.decode()
    client.force_login(sme_manager)
    assert members_link in client.get(fill_url(draft)).content.decode()


def test_a_non_member_is_not_given_a_membership(draft, other_manager):
    from django.http import Http404

    with pytest.raises(Http404):
        get_assessment_for_member(User.objects.get(pk=other_manager.pk), draft.pk, page=True)


# --- the answer fields' remembered markup -------------------------------------------------------------


class OneField(forms.Form):
    def __init__(self, *args, field, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"] = field


def rendered(field, data=None, append=""):
    form = OneField(data, field=field)
    if data is not None:
        form.is_valid()
    return str(answer_field(form["q"], append))


def test_a_remembered_field_follows_the_language_of_its_label():
    from django.utils.translation import gettext_lazy

    field = forms.CharField(label=gettext_lazy("保存"), required=False)
    with translation.override("zh-hans"):
        chinese = rendered(field)
    with translation.override("en"):
        english = rendered(field)
    with translation.override("zh-hans"):
        assert rendered(field) == chinese
    assert ">保存</label>" in chinese
    assert ">Save</label>" in english


def test_a_remembered_field_follows_its_value_errors_and_choices():
    number = forms.IntegerField(label="数量", required=True)
    assert 'value="3"' in rendered(number, {"q": "3"})
    assert 'value="4"' in rendered(number, {"q": "4"})
    empty = rendered(number, {"q": ""})
    assert 'aria-invalid="true"' in empty and "invalid-feedback" in empty
    assert 'aria-invalid="true"' not in rendered(number)
    radio = forms.ChoiceField(label="选择", choices=[("a", "甲"), ("b", "乙")], widget=forms.RadioSelect)
    assert 'value="a" id="id_q_0" checked' in rendered(radio, {"q": "a"})
    assert 'value="b" id="id_q_1" checked' in rendered(radio, {"q": "b"})
    other = forms.ChoiceField(label="选择", choices=[("a", "丙"), ("b", "乙")], widget=forms.RadioSelect)
    assert "丙" in rendered(other, {"q": "a"})


def test_a_safe_label_and_a_plain_label_of_the_same_text_are_not_confused():
    plain = forms.CharField(label="<b>粗</b>", required=False)
    safe = forms.CharField(label=SafeString("<b>粗</b>"), required=False)
    assert "&lt;b&gt;粗&lt;/b&gt;" in rendered(plain)
    assert "<b>粗</b>" in rendered(safe)
    assert "&lt;b&gt;粗&lt;/b&gt;" in rendered(plain)


def test_a_field_with_an_unhashable_attribute_is_still_rendered():
    field = forms.CharField(label="备注", required=False, widget=forms.TextInput(attrs={"data-x": ["a"]}))
    assert "data-x=" in rendered(field)


def test_the_flattened_attributes_are_djangos():
    from django.forms.utils import flatatt as django_flatatt

    from assessment.templatetags.answer_fields import flatatt

    attrs = {"b": "x<y", "a": 3, "required": True, "hidden": False, "none": None, "c": SafeString("&amp;")}
    assert flatatt(attrs) == django_flatatt(attrs)


# --- the side panel's links -----------------------------------------------------------------------------


def test_the_side_panel_links_are_the_reversed_urls():
    urls = _section_urls(42)
    for key in ("energy", "dig24.outcomes", "gf25.dim-1_a~b", "页面", "a b", "x/y"):
        try:
            expected = reverse("assessment_fill", args=[42, key])
        except Exception:  # a key the URL pattern does not take is not a page key
            continue
        assert urls(key) == expected


# --- the layout's pieces remembered per language ----------------------------------------------------------


def test_a_per_language_piece_is_rendered_once_per_language_and_value():
    from django.template import engines

    piece = engines["django"].from_string(
        "{% load i18n fragments %}{% per_language x %}{% translate '保存' %}{{ x }}{{ y }}{% end_per_language %}"
    )
    with translation.override("zh-hans"):
        assert piece.render({"x": 1, "y": "a"}) == "保存1a"
        assert piece.render({"x": 2, "y": "a"}) == "保存2a"
        # Only the language and the given values are the key: anything else inside is remembered as
        # first rendered (which is why such a piece holds nothing per request or per user).
        assert piece.render({"x": 1, "y": "b"}) == "保存1a"
    with translation.override("en"):
        assert piece.render({"x": 1, "y": "b"}) == "Save1b"


def test_the_layout_follows_the_language_switch(client, draft, sme_manager):
    client.force_login(sme_manager)
    url = fill_url(draft)
    for language, skip_link, upload in (
        ("en", "Skip to main content", "Upload evidence"),
        ("zh-hans", "跳到主要内容", "上传佐证材料"),
        ("en", "Skip to main content", "Upload evidence"),
    ):
        client.cookies["django_language"] = language
        content = client.get(url).content.decode()
        assert skip_link in content and upload in content, language
