"""Destructive actions ask first, in real Chromium: with JS a dialog (Esc and 取消 cancel, the focus
goes back to the button, confirming removes the row in place and keeps what was typed elsewhere on the
page); without JS the same button leads to the confirmation page."""

from __future__ import annotations

import re

import pytest

from assessment.models import Answer, Evidence, Invitation
from assessment.selectors.assessments import assessment_definitions, build_sections, section_of_question
from assessment.services.assessments import evidence_add
from tests.builders import pdf_upload
from tests.e2e.test_journey import field_selector, login, wait_saved
from tests.factories import InvitationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TEXTS = {
    "zh-hans": {
        "revoke": "撤销",
        "title": "撤销对 wang@example.com 的邀请？",
        "done": "已撤销对 wang@example.com 的邀请。",
    },
    "en": {
        "revoke": "Revoke",
        "title": "Revoke the invitation to wang@example.com?",
        "done": "The invitation to wang@example.com has been revoked.",
    },
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_revoking_an_invitation_can_be_cancelled_then_confirmed_in_the_dialog(
    live_server, sme_manager, enterprise, new_context, console_errors, language
):
    invitation = InvitationFactory(enterprise=enterprise, email="wang@example.com")
    words = TEXTS[language]
    page = new_context(language=language).new_page()
    login(page, live_server.url, "sme_manager")
    page.goto(f"{live_server.url}/enterprise/members/")
    page.fill("#id_email", "typed-but-not-sent@example.com")  # typed elsewhere on the page
    row = page.locator("tr", has_text="wang@example.com")
    button = row.get_by_role("link", name=words["revoke"])
    dialog = page.locator("#confirm-dialog")

    button.click()
    dialog.wait_for(state="visible")
    assert page.locator("#confirm-dialog-title").inner_text() == words["title"]
    assert page.evaluate("() => document.activeElement.hasAttribute('data-confirm-cancel')")
    page.keyboard.press("Escape")  # Esc cancels
    dialog.wait_for(state="hidden")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == words["revoke"]

    button.click()
    page.click("#confirm-dialog [data-confirm-cancel]")  # and so does 取消
    dialog.wait_for(state="hidden")
    assert Invitation.objects.get(pk=invitation.pk).revoked_at is None
    assert page.url.endswith("/enterprise/members/")

    button.click()
    page.click("#confirm-dialog [data-confirm-submit]")
    row.wait_for(state="detached")
    assert page.locator("#confirm-outcome").inner_text() == words["done"]
    assert page.locator("#no-invitations").is_visible()
    assert page.input_value("#id_email") == "typed-but-not-sent@example.com"
    assert Invitation.objects.get(pk=invitation.pk).revoked_at is not None
    assert console_errors == []


def test_without_js_the_button_leads_to_the_confirmation_page(live_server, browser, sme_manager, enterprise):
    invitation = InvitationFactory(enterprise=enterprise, email="wang@example.com")
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    try:
        page = context.new_page()
        login(page, live_server.url, "sme_manager")
        page.goto(f"{live_server.url}/enterprise/members/")
        page.locator("tr", has_text="wang@example.com").get_by_role("link", name="撤销").click()
        page.wait_for_url(f"**/enterprise/invitations/{invitation.pk}/revoke/")
        assert "邀请链接将立即失效" in page.inner_text("#main")
        page.get_by_role("link", name="取消").click()
        page.wait_for_url("**/enterprise/members/")
        assert Invitation.objects.get(pk=invitation.pk).revoked_at is None
        page.locator("tr", has_text="wang@example.com").get_by_role("link", name="撤销").click()
        page.get_by_role("button", name="确认撤销").click()
        page.wait_for_url("**/enterprise/members/")
        assert "已撤销对 wang@example.com 的邀请。" in page.inner_text("#main")
        assert Invitation.objects.get(pk=invitation.pk).revoked_at is not None
    finally:
        context.close()


def test_deleting_a_file_on_the_fill_page_keeps_the_answer_just_given(
    live_server, draft, sme_manager, new_context, console_errors
):
    question = "mgmt.lawful_compliant"
    evidence = evidence_add(
        assessment=draft, user=sme_manager, question_code=question, upload=pdf_upload("排污许可证.pdf")
    )
    sections = build_sections(assessment_definitions(draft))
    section = section_of_question(sections, question)
    page = new_context().new_page()
    login(page, live_server.url, "sme_manager")
    page.goto(f"{live_server.url}/assessments/{draft.pk}/fill/{section.key}/")
    # An answer given just before the file is deleted, not yet saved.
    typed = "mgmt.top_management_commitment"
    page.check(field_selector(typed, "true"))
    item = page.locator(f'[id="q-{question}"] li', has_text="排污许可证.pdf")
    item.get_by_role("button").click()
    page.locator("#confirm-dialog").wait_for(state="visible")
    assert "排污许可证.pdf" in page.inner_text("#confirm-dialog-text")
    page.click("#confirm-dialog [data-confirm-submit]")
    item.wait_for(state="detached")
    assert re.search(rf"/fill/{re.escape(section.key)}/$", page.url)  # the page was not left
    assert page.is_checked(field_selector(typed, "true"))
    assert not Evidence.objects.filter(pk=evidence.pk).exists()
    wait_saved(page)  # and the autosave still sends it
    assert Answer.objects.get(assessment=draft, question_code=typed).value is True
    assert console_errors == []
