"""Sign-up and accepting invitations (anonymous or signed-in people)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from assessment.exceptions import DomainError
from assessment.forms.enterprises import InvitationAcceptForm, SignupForm
from assessment.selectors.enterprises import invitation_by_token
from assessment.services.enterprises import (
    enterprise_signup,
    invitation_accept,
    invitation_accept_new_account,
    invitation_matches,
    invitation_problem,
)

_BACKEND = "django.contrib.auth.backends.ModelBackend"


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = enterprise_signup(
                username=form.cleaned_data["username"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                display_name=form.cleaned_data["display_name"],
                profile=form.profile(),
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            login(request, membership.user, backend=_BACKEND)
            messages.success(
                request,
                _("注册成功：%(enterprise)s 已创建，您是企业管理员。")
                % {"enterprise": membership.enterprise},
            )
            for warning in form.uscc_warnings:
                messages.warning(request, warning)
            return redirect("home")
    return render(request, "assessment/signup.html", {"form": form})


@require_http_methods(["GET", "POST"])
def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_by_token(token)
    if invitation is None:
        return render(
            request, "assessment/invitation_invalid.html", {"problem": _("邀请链接无效。")}, status=404
        )
    problem = invitation_problem(invitation)
    if problem:
        return render(request, "assessment/invitation_invalid.html", {"problem": problem}, status=410)

    if request.user.is_authenticated:
        if request.method == "POST":
            try:
                invitation_accept(invitation=invitation, user=request.user)
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request, _("您已加入 %(enterprise)s。") % {"enterprise": invitation.enterprise}
                )
                return redirect("home")
        return render(
            request,
            "assessment/invitation_accept.html",
            {"invitation": invitation, "email_matches": invitation_matches(invitation, request.user)},
        )

    form = InvitationAcceptForm(request.POST or None, invited_email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            membership = invitation_accept_new_account(
                invitation=invitation,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
                display_name=form.cleaned_data["display_name"],
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            login(request, membership.user, backend=_BACKEND)
            messages.success(request, _("您已加入 %(enterprise)s。") % {"enterprise": invitation.enterprise})
            return redirect("home")
    return render(request, "assessment/invitation_accept.html", {"invitation": invitation, "form": form})
