"""The review loop as the enterprise and the reviewer live it: the return note and the commented
questions on the enterprise's pages, validated values with their reason at the question, the e-mail
quoting the note, what changed since the return on resubmission, and continuing where one stopped."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from assessment.models import AuditEvent
from assessment.services.assessments import answer_save, assessment_submit
from assessment.services.review import review_comment_add, review_decide, review_validate_answer

NOTE = "请补充能源审计报告，并核对电力消耗。"
CODE = "energy.grid_electricity_kwh"
COMMENT = "外购电量与电费发票不一致"


@pytest.fixture
def returned(filled_draft, sme_manager, city_official, django_capture_on_commit_callbacks):
    assessment_submit(assessment=filled_draft, user=sme_manager)
    review_comment_add(assessment=filled_draft, reviewer=city_official, text=COMMENT, question_code=CODE)
    review_comment_add(assessment=filled_draft, reviewer=city_official, text="整体填写认真", question_code="")
    review_validate_answer(
        assessment=filled_draft, reviewer=city_official, code=CODE, value=1000000, reason="按发票核定"
    )
    with django_capture_on_commit_callbacks(execute=True):
        review_decide(assessment=filled_draft, reviewer=city_official, decision="return", note=NOTE)
    filled_draft.refresh_from_db()
    return filled_draft


def test_the_home_page_shows_the_return_note_and_links_each_commented_question(client, returned, sme_manager):
    client.force_login(sme_manager)
    content = client.get(reverse("home")).content.decode()
    assert NOTE in content
    assert COMMENT in content
    assert "整体填写认真" in content
    assert f"/fill/energy/#q-{CODE}" in content


def test_the_fill_and_check_pages_show_the_note_and_the_commented_questions(client, returned, sme_manager):
    client.force_login(sme_manager)
    fill = client.get(reverse("assessment_fill", args=[returned.pk, "energy"])).content.decode()
    check = client.get(reverse("assessment_review", args=[returned.pk])).content.decode()
    for content in (fill, check):
        assert NOTE in content
        assert "data-commented-questions" in content
        assert f"#q-{CODE}" in content


def test_a_validated_value_is_shown_at_its_question_with_the_reason(client, returned, sme_manager):
    client.force_login(sme_manager)
    content = client.get(reverse("assessment_fill", args=[returned.pk, "energy"])).content.decode()
    card = content[content.index(f'id="q-{CODE}"') :]
    card = card[: card.index('class="card shadow-sm mb-3 question', 10)]
    assert "data-validated" in card
    assert "1,000,000" in card and "按发票核定" in card


def test_the_return_e_mail_quotes_the_note(returned, sme_manager):
    assert any(NOTE in message.body for message in mail.outbox)


def test_on_resubmission_the_reviewer_sees_what_changed_since_the_return(
    client, returned, sme_manager, city_official
):
    before = next(a.value for a in returned.answers.all() if a.question_code == CODE)
    answer_save(assessment=returned, user=sme_manager, code=CODE, value=1000000)
    assessment_submit(assessment=returned, user=sme_manager)
    client.force_login(city_official)
    content = client.get(reverse("review_detail", args=[returned.pk])).content.decode()
    section = content[content.index('id="changes-since-return"') :]
    section = section[: section.index("</section>")]
    assert f"#q-{CODE}" in section
    assert f"{before:,}" in section and "1,000,000" in section
    assert section.count("<tr>") == 2  # the header and the one changed answer


def test_the_return_keeps_the_answers_as_returned_in_the_audit_trail(returned):
    event = AuditEvent.objects.get(assessment=returned, action="review.return")
    assert event.detail["answers"][CODE] == next(
        a.value for a in returned.answers.all() if a.question_code == CODE
    )


def test_continue_goes_where_this_person_last_saved(client, draft, sme_manager, sme_contributor):
    client.force_login(sme_manager)
    url = reverse("assessment_detail", args=[draft.pk])
    first = client.get(url)
    assert first.status_code == 302 and "#q-" not in first.url  # nothing saved yet: the first page
    answer_save(assessment=draft, user=sme_manager, code=CODE, value=5)
    answer_save(assessment=draft, user=sme_contributor, code="mgmt.lawful_compliant", value=True)
    assert client.get(url).url == reverse("assessment_fill", args=[draft.pk, "energy"]) + f"#q-{CODE}"


def test_figures_given_at_sign_up_are_proposed_not_written(client, draft, sme_manager, enterprise):
    from assessment.models import Answer
    from assessment.selectors.assessments import assessment_definitions, build_sections, section_of_question

    code = "dig24.q.employees_last_year"
    section = section_of_question(build_sections(assessment_definitions(draft)), code)
    url = reverse("assessment_fill", args=[draft.pk, section.key])
    client.force_login(sme_manager)
    content = client.get(url).content.decode()
    card = content[content.index(f'id="q-{code}"') :][:6000]
    assert "data-proposal" in card and f'data-propose="{enterprise.employees}"' in card
    assert not Answer.objects.filter(assessment=draft, question_code=code).exists()
    answer_save(assessment=draft, user=sme_manager, code=code, value=enterprise.employees + 1)
    content = client.get(url).content.decode()
    assert "data-proposal" not in content[content.index(f'id="q-{code}"') :][:6000]


def test_the_english_return_notice_reads_as_english(client, returned, sme_manager):
    """Labels and their text are apart ("Review comments: Please…") and the section of a commented
    question is in ASCII parentheses."""
    import re

    from django.utils.html import strip_tags

    client.force_login(sme_manager)
    content = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    notice = content.split("data-return-notice>", 1)[1].split("</section>", 1)[0]
    text = " ".join(strip_tags(notice).split())
    assert f"Review comments: {NOTE}" in text
    assert "整体填写认真" in text and re.search(r"\): 整体填写认真", text)
    assert "（" not in text and "）" not in text
