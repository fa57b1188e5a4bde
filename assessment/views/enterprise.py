"""An SME's own enterprise: home page, profile, members and invitations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from assessment.confirmations import invitation_revocation, membership_removal
from assessment.exceptions import DomainError
from assessment.forms.enterprises import EnterpriseProfileForm, InvitationForm
from assessment.models import Enterprise, Invitation, Membership
from assessment.permissions import get_enterprise_for_member, require_manager
from assessment.selectors.enterprises import (
    enterprise_members,
    is_last_manager,
    membership_in_enterprise,
    pending_invitations,
)
from assessment.services.enterprises import (
    enterprise_update,
    invitation_create,
    invitation_revoke,
    invitation_url,
    membership_remove,
)
from assessment.views.confirm import action_done, confirmation_page, is_confirmed
from assessment.views.sme import sme_home_context


def sme_home(request: HttpRequest, membership: Membership) -> HttpResponse:
    return render(request, "assessment/home_sme.html", sme_home_context(membership))


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_edit(request: HttpRequest) -> HttpResponse:
    enterprise = get_enterprise_for_member(request.user)
    require_manager(request.user, enterprise)
    form = EnterpriseProfileForm(request.POST or None, enterprise=enterprise)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise_update(enterprise=enterprise, user=request.user, profile=form.profile())
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("企业信息已保存。"))
            return redirect("home")
    return render(request, "assessment/enterprise_form.html", {"form": form, "enterprise": enterprise})


def _members_page(
    request: HttpRequest, enterprise: Enterprise, invite_form: InvitationForm, *, status: int = 200
) -> HttpResponse:
    now = timezone.now()
    invitations = list(pending_invitations(enterprise))
    for invitation in invitations:
        invitation.expired = invitation.expires_at <= now
        invitation.revocation = invitation_revocation(invitation)
    members = enterprise_members(enterprise)
    managers = sum(1 for member in members if member.role == Membership.Role.MANAGER)
    for member in members:
        last_manager = member.role == Membership.Role.MANAGER and managers <= 1
        member.removal = membership_removal(
            member, enterprise=enterprise, by=request.user, last_manager=last_manager
        )
    context = {
        "enterprise": enterprise,
        "members": members,
        "invitations": invitations,
        "invite_form": invite_form,
    }
    return render(request, "assessment/members.html", context, status=status)


@login_required
def members(request: HttpRequest) -> HttpResponse:
    enterprise = get_enterprise_for_member(request.user)
    require_manager(request.user, enterprise)
    return _members_page(request, enterprise, InvitationForm())


@login_required
@require_POST
def invitation_create_view(request: HttpRequest) -> HttpResponse:
    enterprise = get_enterprise_for_member(request.user)
    require_manager(request.user, enterprise)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation = invitation_create(
                enterprise=enterprise,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                invited_by=request.user,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request,
                _("邀请已发送至 %(email)s，链接：%(url)s")
                % {"email": invitation.email, "url": invitation_url(invitation)},
            )
            return redirect("enterprise_members")
    return _members_page(request, enterprise, form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def invitation_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    """GET (or POST without `confirm`): what revoking does, to confirm; POST with `confirm`: revoke."""
    enterprise = get_enterprise_for_member(request.user)
    require_manager(request.user, enterprise)
    invitation = get_object_or_404(Invitation, pk=pk, enterprise=enterprise)
    if not is_confirmed(request):
        if invitation.accepted_at or invitation.revoked_at:  # nothing left to revoke
            return redirect("enterprise_members")
        return confirmation_page(request, invitation_revocation(invitation))
    invitation_revoke(invitation=invitation, by=request.user)
    return action_done(
        request, _("已撤销对 %(email)s 的邀请。") % {"email": invitation.email}, reverse("enterprise_members")
    )


@login_required
@require_http_methods(["GET", "POST"])
def membership_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a member, or leave the enterprise (one's own membership): confirmed as above."""
    enterprise = get_enterprise_for_member(request.user)
    require_manager(request.user, enterprise)
    membership = membership_in_enterprise(enterprise, pk)
    if membership is None:
        raise Http404
    if not is_confirmed(request):
        confirmation = membership_removal(
            membership, enterprise=enterprise, by=request.user, last_manager=is_last_manager(membership)
        )
        return confirmation_page(request, confirmation)
    members_url = reverse("enterprise_members")
    try:
        membership_remove(membership=membership, by=request.user)
    except DomainError as error:
        return action_done(request, error.message, members_url, ok=False)
    if membership.user_id == request.user.pk:
        message = _("您已退出 %(enterprise)s。") % {"enterprise": enterprise.name}
        return action_done(request, message, reverse("home"), leave=True)
    return action_done(request, _("已将 %(user)s 移出企业。") % {"user": membership.user}, members_url)
