"""Pages named by what they hold: the SME digital page of general questions is its 16 scenarios, and a page
with no required question says it is optional instead of counting 0/0."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessment.selectors.assessments import (
    GENERAL_TITLE,
    SCENARIOS_TITLE,
    assessment_definitions,
    build_sections,
)


@pytest.mark.django_db
def test_the_sme_digital_general_page_is_named_for_its_scenarios_and_the_others_keep_the_general_name(draft):
    definitions = assessment_definitions(draft)
    sections = {s.key: s for s in build_sections(definitions)}
    digital = sections["sme_digital.general"]
    scenarios = set(next(d for d in definitions if d["framework"] == "sme_digital")["settings"]["scenarios"])
    assert {q["code"] for q in digital.questions} == scenarios
    assert digital.title == SCENARIOS_TITLE
    others = [s for s in sections.values() if s.kind == "general" and s.framework != "sme_digital"]
    assert others and all(s.title == GENERAL_TITLE for s in others)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "title", "optional"),
    [
        ("zh-hans", "数字化经营场景", "本页均为选答题"),
        ("en", "Digital operation scenarios", "Every question on this page is optional"),
    ],
)
def test_the_scenarios_page_says_it_is_optional_instead_of_zero_of_zero(
    client, draft, sme_manager, language, title, optional
):
    client.force_login(sme_manager)
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    html = client.get(reverse("assessment_fill", args=[draft.pk, "sme_digital.general"])).content.decode()
    assert f'<h1 class="h4 mb-0">{title}</h1>' in html
    assert optional in html
    assert "0/0" not in html
