"""What a destructive action will do, in plain words, before it is done: removing a member, leaving an
enterprise, revoking an invitation, deleting an evidence file.

One Confirmation serves both ways of asking: the confirmation page (without JS, or when the button is
opened in a new tab) and the dialog the page script opens from the button's data attributes."""

from __future__ import annotations

from dataclasses import dataclass

from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from assessment.models import Enterprise, Evidence, Invitation, Membership, User


@dataclass(frozen=True)
class Confirmation:
    title: str
    text: str  # what will happen, in plain words
    action: str  # the confirm button's label
    url: str  # where the confirmed POST goes
    cancel_url: str
    return_to: str = ""  # where to go after the action, when not the view's default
    refusal: str = ""  # why it cannot be done now: then the page offers no confirm button

    def data_attributes(self) -> SafeString:
        """The button's attributes the page script reads to ask in a dialog instead of a page."""
        return format_html(
            'data-confirm="{}" data-confirm-title="{}" data-confirm-text="{}" data-confirm-action="{}" '
            'data-confirm-return="{}"',
            self.url,
            self.title,
            self.text,
            self.action,
            self.return_to,
        )


def membership_removal(
    membership: Membership, *, enterprise: Enterprise, by: User, last_manager: bool
) -> Confirmation:
    """Removing a colleague, or (when `by` is the member) leaving the enterprise."""
    url = reverse("membership_remove", args=[membership.pk])
    cancel = reverse("enterprise_members")
    leaving = membership.user_id == by.pk
    refusal = _("企业至少需要保留一名管理员，不能移除最后一名管理员。") if last_manager else ""
    if leaving:
        return Confirmation(
            title=_("退出 %(enterprise)s？") % {"enterprise": enterprise.name},
            text=_(
                "退出后，您将不能再查看或填写本企业的评估，也不能管理成员；您的账户和已填写的答案保留。"
                "如需回来，请另一位管理员再次邀请您。"
            ),
            action=_("确认退出"),
            url=url,
            cancel_url=cancel,
            refusal=refusal,
        )
    return Confirmation(
        title=_("将 %(user)s 移出企业？") % {"user": membership.user},
        text=_(
            "%(user)s（%(username)s，%(role)s）将不能再查看或填写 %(enterprise)s 的评估。"
            "其账户和已填写的答案保留；如需恢复，可以再次邀请。"
        )
        % {
            "user": membership.user,
            "username": membership.user.username,
            "role": membership.get_role_display(),
            "enterprise": enterprise.name,
        },
        action=_("确认移除"),
        url=url,
        cancel_url=cancel,
        refusal=refusal,
    )


def invitation_revocation(invitation: Invitation) -> Confirmation:
    return Confirmation(
        title=_("撤销对 %(email)s 的邀请？") % {"email": invitation.email},
        text=_("邀请链接将立即失效，对方不能再用它加入企业（角色：%(role)s）。需要时可以重新邀请。")
        % {"role": invitation.get_role_display()},
        action=_("确认撤销"),
        url=reverse("invitation_revoke", args=[invitation.pk]),
        cancel_url=reverse("enterprise_members"),
    )


def evidence_removal(
    evidence: Evidence, *, question_text: str, return_to: str, editable: bool = True
) -> Confirmation:
    """Deleting an evidence file of an assessment (`question_text`: its question, "" for the whole
    assessment); `return_to` is the page to come back to, after or instead of deleting."""
    where = _("对应题目：%(question)s") % {"question": question_text} if question_text else _("对应整份评估")
    return Confirmation(
        title=_("删除佐证材料 %(name)s？") % {"name": evidence.original_name},
        text=_("文件 %(name)s（%(size)s，%(where)s）将被彻底删除，不能恢复；如仍需要，请重新上传。")
        % {"name": evidence.original_name, "size": filesizeformat(evidence.size), "where": where},
        action=_("确认删除"),
        url=reverse("evidence_delete", args=[evidence.assessment_id, evidence.pk]),
        cancel_url=return_to,
        return_to=return_to,
        refusal="" if editable else _("该评估已提交，答案已锁定，不能再修改。"),
    )
