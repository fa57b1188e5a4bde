"""Removing a member, leaving the enterprise, revoking an invitation and deleting an evidence file are
asked first: GET (or a POST without `confirm`) shows what will happen and changes nothing; a POST with
`confirm=1` does it, recorded as before; the dialog's JSON POST says the outcome and stays on the page.
Who may do what is the authorisation matrix's (tests/test_authorisation_matrix.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from assessment.models import Answer, AuditEvent, Evidence, Invitation, Membership
from assessment.selectors.assessments import assessment_definitions, build_sections, section_of_question
from assessment.services.assessments import evidence_add
from tests.builders import pdf_upload
from tests.factories import InvitationFactory, MembershipFactory, UserFactory

LANGUAGES = ["zh-hans", "en"]
QUESTION = "mgmt.lawful_compliant"
JSON = {"HTTP_ACCEPT": "application/json"}


def as_user(client, user, language):
    client.force_login(user)
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    return client


def words(zh: str, en: str, language: str) -> str:
    return escape(zh if language == "zh-hans" else en)


@pytest.fixture
def evidence(draft, sme_manager, media_root) -> Evidence:
    return evidence_add(
        assessment=draft, user=sme_manager, question_code=QUESTION, upload=pdf_upload("排污许可证.pdf")
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_removing_a_member_is_asked_first_then_done_and_recorded(
    client, sme_manager, sme_contributor, enterprise, language
):
    url = reverse("membership_remove", args=[sme_contributor.membership.pk])
    client = as_user(client, sme_manager, language)
    for response in (client.get(url), client.post(url)):  # a POST without confirm only asks too
        assert response.status_code == 200
        html = response.content.decode()
        assert words("将 ", "Remove ", language) + escape(str(sme_contributor)) in html
        assert words("将不能再查看或填写", "will no longer be able to see or fill in", language) in html
        assert 'name="confirm" value="1"' in html and "csrfmiddlewaretoken" in html
        assert f'href="{reverse("enterprise_members")}"' in html  # 取消 goes back
    assert Membership.objects.filter(user=sme_contributor).exists()
    assert not AuditEvent.objects.filter(action="membership.remove").exists()

    response = client.post(url, {"confirm": "1"})
    assert response.status_code == 302 and response.url == reverse("enterprise_members")
    assert not Membership.objects.filter(user=sme_contributor).exists()
    event = AuditEvent.objects.get(action="membership.remove")
    assert event.actor == sme_manager and event.detail == {
        "user": sme_contributor.username,
        "role": "contributor",
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_leaving_the_enterprise_says_so_and_the_dialog_is_sent_home(
    client, sme_manager, enterprise, language
):
    MembershipFactory(enterprise=enterprise, user=UserFactory(username="second_manager"))
    url = reverse("membership_remove", args=[sme_manager.membership.pk])
    client = as_user(client, sme_manager, language)
    html = client.get(url).content.decode()
    assert words("退出 ", "Leave ", language) + escape(enterprise.name) in html
    assert words("确认退出", "Leave", language) in html
    response = client.post(url, {"confirm": "1"}, **JSON)
    assert response.json() == {
        "ok": True,
        "message": (
            f"您已退出 {enterprise.name}。" if language == "zh-hans" else f"You have left {enterprise.name}."
        ),
        "redirect": reverse("home"),
    }
    assert not Membership.objects.filter(user=sme_manager).exists()
    home = client.get(reverse("home")).content.decode()
    assert words("您已退出 ", "You have left ", language) in home  # where the dialog's page goes


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_last_manager_is_told_beforehand_that_they_cannot_leave(client, sme_manager, language):
    url = reverse("membership_remove", args=[sme_manager.membership.pk])
    client = as_user(client, sme_manager, language)
    html = client.get(url).content.decode()
    assert words("企业至少需要保留一名管理员", "at least one manager", language) in html
    assert 'name="confirm"' not in html  # nothing to confirm
    members = client.get(reverse("enterprise_members")).content.decode()
    assert f'href="{url}"' in members and f'data-confirm="{url}"' not in members  # the page explains
    response = client.post(url, {"confirm": "1"})  # and the service still refuses
    assert response.status_code == 302 and Membership.objects.filter(user=sme_manager).exists()


@pytest.mark.parametrize("language", LANGUAGES)
def test_revoking_an_invitation_is_asked_first_and_the_dialog_stays_on_the_page(
    client, sme_manager, enterprise, language
):
    invitation = InvitationFactory(enterprise=enterprise, email="wang@example.com")
    url = reverse("invitation_revoke", args=[invitation.pk])
    client = as_user(client, sme_manager, language)
    html = client.get(url).content.decode()
    assert (
        words("撤销对 wang@example.com 的邀请？", "Revoke the invitation to wang@example.com?", language)
        in html
    )
    assert words("邀请链接将立即失效", "The invitation link stops working at once", language) in html
    members = client.get(reverse("enterprise_members")).content.decode()
    assert f'href="{url}" data-confirm="{url}"' in members  # a link to the page, a dialog with JS
    assert Invitation.objects.get(pk=invitation.pk).revoked_at is None

    response = client.post(url, {"confirm": "1"}, **JSON)
    assert response.json() == {
        "ok": True,
        "message": "已撤销对 wang@example.com 的邀请。"
        if language == "zh-hans"
        else "The invitation to wang@example.com has been revoked.",
        "redirect": "",
    }
    assert Invitation.objects.get(pk=invitation.pk).revoked_at is not None
    assert AuditEvent.objects.filter(action="invitation.revoke", actor=sme_manager).count() == 1
    assert client.get(url).status_code == 302  # nothing left to revoke: back to the members


@pytest.mark.parametrize("language", LANGUAGES)
def test_deleting_an_evidence_file_is_asked_first_with_its_question_then_done(
    client, draft, sme_contributor, evidence, language
):
    back = reverse("assessment_fill", args=[draft.pk, "x"]) + f"#q-{QUESTION}"
    url = reverse("evidence_delete", args=[draft.pk, evidence.pk])
    client = as_user(client, sme_contributor, language)
    html = client.get(url, {"return_to": back}).content.decode()
    assert (
        words("删除佐证材料 排污许可证.pdf？", "Delete the evidence file 排污许可证.pdf?", language) in html
    )
    assert (
        words("对应题目：企业依法设立", "for the question: Was the enterprise lawfully established", language)
        in html
    )
    assert words("不能恢复", "cannot be restored", language) in html
    assert f'href="{escape(back)}"' in html and f'name="return_to" value="{escape(back)}"' in html
    assert Evidence.objects.filter(pk=evidence.pk).exists()

    response = client.post(url, {"confirm": "1", "return_to": back})
    assert response.status_code == 302 and response.url == back
    assert not Evidence.objects.filter(pk=evidence.pk).exists()
    event = AuditEvent.objects.get(action="evidence.remove")
    assert event.actor == sme_contributor and event.detail["name"] == "排污许可证.pdf"


def test_the_dialog_gets_the_outcome_of_deleting_a_file_as_json(client, draft, sme_manager, evidence):
    client.force_login(sme_manager)
    url = reverse("evidence_delete", args=[draft.pk, evidence.pk])
    response = client.post(url, {"confirm": "1"}, **JSON)
    assert response.json() == {"ok": True, "message": "已删除佐证材料 排污许可证.pdf。", "redirect": ""}
    assert not Evidence.objects.exists()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_submitted_assessments_file_cannot_be_deleted_and_the_page_says_why(
    client, draft, sme_manager, evidence, language
):
    type(draft).objects.filter(pk=draft.pk).update(status="submitted")
    client = as_user(client, sme_manager, language)
    url = reverse("evidence_delete", args=[draft.pk, evidence.pk])
    html = client.get(url).content.decode()
    assert words("答案已锁定", "locked", language) in html and 'name="confirm"' not in html
    response = client.post(url, {"confirm": "1"}, **JSON)
    assert response.json()["ok"] is False
    assert Evidence.objects.filter(pk=evidence.pk).exists()


@pytest.mark.parametrize("language", LANGUAGES)
def test_without_js_the_delete_button_saves_the_typed_answers_before_asking(
    client, draft, sme_manager, evidence, language
):
    section = section_of_question(build_sections(assessment_definitions(draft)), QUESTION)
    fill = reverse("assessment_fill", args=[draft.pk, section.key])
    client = as_user(client, sme_manager, language)
    page = client.get(fill).content.decode()
    assert f'name="remove_evidence" value="{evidence.pk}"' in page
    # The page's first submit button saves: Enter in a field does not start deleting a file.
    form = page[page.index('id="answers-form"') :]
    assert form.index("data-default-save") < form.index('name="remove_evidence"')

    response = client.post(fill, {QUESTION: "true", "remove_evidence": str(evidence.pk)})
    assert Answer.objects.get(assessment=draft, question_code=QUESTION).value is True
    confirm_url = reverse("evidence_delete", args=[draft.pk, evidence.pk])
    assert response.status_code == 302 and response.url.startswith(confirm_url + "?return_to=")
    html = client.get(response.url).content.decode()
    assert f'href="{fill}#q-{QUESTION}"' in html  # 取消 returns to the question
    assert Evidence.objects.filter(pk=evidence.pk).exists()


def test_without_js_a_refused_answer_stops_before_the_confirmation(client, draft, sme_manager, evidence):
    section = section_of_question(build_sections(assessment_definitions(draft)), QUESTION)
    fill = reverse("assessment_fill", args=[draft.pk, section.key])
    client.force_login(sme_manager)
    response = client.post(fill, {QUESTION: "perhaps", "remove_evidence": str(evidence.pk)})
    assert response.status_code == 200  # the page again, as typed, with its message
    assert "部分答案未保存" in response.content.decode()
    assert Evidence.objects.filter(pk=evidence.pk).exists()
