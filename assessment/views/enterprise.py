"""An SME's own enterprise: home page, profile, members and invitations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from assessment.exceptions import DomainError
from assessment.forms.enterprises import EnterpriseProfileForm, InvitationForm
from assessment.models import Enterprise, Invitation, Membership
from assessment.permissions import get_enterprise_for_member, require_manager
from assessment.selectors.enterprises import enterprise_members, membership_in_enterprise, pending_invitations
from assessment.services.enterprises import (
    enterprise_update,
    invitation_create,
    invitation_revoke,
    invitation_url,
    membership_remove,
)
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
    context = {
        "enterprise": enterprise,
        "members": enterprise_members(enterprise),
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
@require_POST
def invitation_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = get_enterprise_for_member(request.user)
    require_manager(request.user, enterprise)
    invitation = get_object_or_404(Invitation, pk=pk, enterprise=enterprise)
    invitation_revoke(invitation=invitation, by=request.user)
    messages.success(request, _("已撤销对 %(email)s 的邀请。") % {"email": invitation.email})
    return redirect("enterprise_members")


@login_required
@require_POST
def membership_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = get_enterprise_for_member(request.user)
    require_manager(request.user, enterprise)
    membership = membership_in_enterprise(enterprise, pk)
    if membership is None:
        raise Http404
    try:
        membership_remove(membership=membership, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已将 %(user)s 移出企业。") % {"user": membership.user})
        if membership.user_id == request.user.pk:
            return redirect("home")
    return redirect("enterprise_members")
