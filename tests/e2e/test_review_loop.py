"""The review loop and the filling experience in real Chromium: the return note and comments reach the
enterprise, "continue" resumes where the person stopped, submitting asks for confirmation, and two
members changing one answer see both values instead of losing one."""

from __future__ import annotations

import re

import pytest

from assessment.models import Answer, Assessment, Membership
from assessment.services.assessments import answer_save, assessment_submit
from assessment.services.review import review_comment_add, review_decide, review_validate_answer
from tests.e2e.test_journey import field_selector, login, wait_saved
from tests.factories import MembershipFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
CODE = "energy.grid_electricity_kwh"
CARD = '[id="q-energy.grid_electricity_kwh"]'


def stored(assessment, code):
    return Answer.objects.get(assessment=assessment, question_code=code).value


def test_the_return_note_and_the_comments_reach_the_enterprise(
    live_server, filled_draft, sme_manager, city_official, new_context, console_errors
):
    assessment_submit(assessment=filled_draft, user=sme_manager)
    review_comment_add(
        assessment=filled_draft, reviewer=city_official, text="外购电量与发票不一致", question_code=CODE
    )
    review_validate_answer(
        assessment=filled_draft, reviewer=city_official, code=CODE, value=1000000, reason="按电费发票核定"
    )
    review_decide(
        assessment=filled_draft, reviewer=city_official, decision="return", note="请核对能源数据后重新提交"
    )
    page = new_context().new_page()
    login(page, live_server.url, "sme_manager")
    notice = page.locator("[data-return-notice]")
    assert "请核对能源数据后重新提交" in notice.inner_text()
    assert "外购电量与发票不一致" in notice.inner_text()
    notice.locator("[data-commented-questions] a").first.click()
    page.wait_for_url(re.compile(rf"/fill/energy/#q-{re.escape(CODE)}$"))
    card = page.locator(CARD)
    assert "外购电量与发票不一致" in card.inner_text()
    validated = card.locator("[data-validated]")
    assert "1,000,000" in validated.inner_text() and "按电费发票核定" in validated.inner_text()
    assert console_errors == []


def test_continue_resumes_at_the_question_last_saved(
    live_server, draft, sme_manager, new_context, console_errors
):
    answer_save(assessment=draft, user=sme_manager, code="energy.natural_gas_m3", value=42000)
    page = new_context().new_page()
    login(page, live_server.url, "sme_manager")
    page.click(f"a[href='/assessments/{draft.pk}/']")
    page.wait_for_url(re.compile(r"/fill/energy/#q-energy\.natural_gas_m3$"))
    assert page.input_value(field_selector("energy.natural_gas_m3")) == "42000"
    assert console_errors == []


def test_submitting_asks_for_confirmation_first(
    live_server, filled_draft, sme_manager, new_context, console_errors
):
    page = new_context().new_page()
    login(page, live_server.url, "sme_manager")
    page.goto(f"{live_server.url}/assessments/{filled_draft.pk}/review/")
    page.click("#submit-button")
    dialog = page.locator("#submit-confirm")
    dialog.wait_for(state="visible")
    assert dialog.locator("[data-confirm-frameworks] li").count() == 3
    page.click("[data-confirm-cancel]")
    dialog.wait_for(state="hidden")
    filled_draft.refresh_from_db()
    assert filled_draft.status == Assessment.Status.DRAFT  # nothing was submitted
    page.click("#submit-button")
    page.click("#confirm-submit")
    page.wait_for_url(re.compile(r"/results/$"))
    filled_draft.refresh_from_db()
    assert filled_draft.status == Assessment.Status.SUBMITTED
    assert console_errors == []


def test_two_members_changing_one_answer_see_both_values_and_choose(
    live_server, draft, sme_manager, enterprise, new_context, console_errors
):
    colleague = UserFactory(username="colleague", display_name="李同事")
    MembershipFactory(user=colleague, enterprise=enterprise, role=Membership.Role.CONTRIBUTOR)
    base = live_server.url
    first, second = new_context().new_page(), new_context().new_page()
    login(first, base, "sme_manager")
    login(second, base, "colleague")
    url = f"{base}/assessments/{draft.pk}/fill/energy/"
    first.goto(url)
    second.goto(url)
    # The colleague saves first; the manager, whose page still shows no answer, then types another value.
    second.fill(field_selector(CODE), "200")
    wait_saved(second)
    first.fill(field_selector(CODE), "300")
    card = first.locator(CARD)
    conflict = card.locator("[data-conflict]")
    conflict.wait_for(state="visible")
    assert "200" in conflict.inner_text() and "300" in conflict.inner_text()
    assert "李同事" in conflict.inner_text()
    assert stored(draft, CODE) == 200  # not overwritten unseen
    conflict.get_by_role("button", name="保留我的值").click()
    wait_saved(first)
    assert stored(draft, CODE) == 300
    # The colleague, in turn, types over a value they have not seen: shown both, they take the other's.
    second.fill(field_selector(CODE), "400")
    conflict = second.locator(f"{CARD} [data-conflict]")
    conflict.wait_for(state="visible")
    conflict.get_by_role("button", name="采用对方的值").click()
    assert second.input_value(field_selector(CODE)) == "300"
    assert stored(draft, CODE) == 300
    # The page's save button: a stale page does not overwrite the colleague's newer answer.
    first.reload()
    answer_save(assessment=draft, user=colleague, code=CODE, value=500)
    first.fill(field_selector("energy.natural_gas_m3"), "42000")
    first.click("#answers-form button[value=stay]")
    first.wait_for_load_state()
    assert stored(draft, CODE) == 500
    assert stored(draft, "energy.natural_gas_m3") == 42000
    assert [e for e in console_errors if "409" not in e] == []
