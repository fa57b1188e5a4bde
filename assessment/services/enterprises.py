"""Writes about enterprises and people: sign-up, profile, invitations, members, officials.

Every service is atomic, validates its input (DomainError with a translatable message and the form
field it belongs to), records an AuditEvent and leaves e-mail to a background task enqueued when the
transaction commits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assessment import reference
from assessment.background import enqueue_on_commit
from assessment.exceptions import DomainError
from assessment.models import AuditEvent, Enterprise, Invitation, Membership, OfficialProfile
from assessment.services.analytics import analytics_refresh_enterprise
from assessment.tasks import send_invitation_emails
from assessment.uscc import validate_uscc

if TYPE_CHECKING:
    from assessment.models import User


@dataclass(frozen=True)
class EnterpriseProfile:
    """The editable facts of an enterprise, as entered in sign-up and profile forms."""

    name: str
    uscc: str
    city_code: str
    industry_division: str
    employees: int
    revenue: Decimal
    contact_name: str
    contact_phone: str
    contact_email: str
    county: str = ""
    industry_class: str = ""
    main_products: str = ""


def _validated_profile_fields(
    profile: EnterpriseProfile, *, exclude_pk: int | None = None
) -> dict[str, object]:
    """Model field values for a profile, with derived size class; DomainError at the first bad field or
    when another enterprise has its credit code."""
    fields = profile_fields(profile)
    duplicates = Enterprise.objects.filter(uscc=fields["uscc"])
    if exclude_pk is not None:
        duplicates = duplicates.exclude(pk=exclude_pk)
    if duplicates.exists():
        raise DomainError(
            _("统一社会信用代码为 %(uscc)s 的企业已经注册。如您是该企业员工，请联系企业管理员邀请您加入。")
            % {"uscc": fields["uscc"]},
            field="uscc",
            code="uscc_duplicate",
        )
    return fields


def profile_fields(profile: EnterpriseProfile) -> dict[str, object]:
    """Model field values for a profile, with derived size class, without looking for duplicates of its
    credit code (the caller does: one enterprise, or a whole imported list at once); DomainError at the
    first bad field."""
    try:
        uscc = validate_uscc(profile.uscc)
    except ValidationError as error:
        raise DomainError(error.messages[0], field="uscc", code=error.code or "uscc") from None
    if not reference.is_city_code(profile.city_code):
        raise DomainError(_("请选择黑龙江省的一个地市。"), field="city_code")
    if not reference.is_industry_division(profile.industry_division):
        raise DomainError(_("请选择制造业（C13–C43）的一个行业大类。"), field="industry_division")
    industry_class = profile.industry_class.strip().upper()
    if industry_class and not reference.is_industry_class_of(industry_class, profile.industry_division):
        raise DomainError(
            _("行业小类代码应为所选大类下的4位代码，例如 %(example)s1。")
            % {"example": profile.industry_division + "1"},
            field="industry_class",
        )
    if profile.employees is None or profile.employees < 0:
        raise DomainError(_("从业人员不能为负数。"), field="employees")
    if profile.revenue is None or profile.revenue < 0:
        raise DomainError(_("营业收入不能为负数。"), field="revenue")
    fields = asdict(profile)
    fields.update(
        uscc=uscc,
        industry_class=industry_class,
        name=profile.name.strip(),
        size_class=reference.size_class(profile.employees, profile.revenue),
        size_rule_version=reference.size_rule_version(),
    )
    return fields


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise DomainError(" ".join(error.messages), field="password1", code="password") from None


@transaction.atomic
def enterprise_signup(
    *, username: str, email: str, password: str, display_name: str, profile: EnterpriseProfile
) -> Membership:
    """Create an account, its enterprise and the manager membership in one step."""
    user_model = get_user_model()
    if user_model.objects.filter(username__iexact=username).exists():
        raise DomainError(_("该用户名已被使用，请换一个。"), field="username", code="username_taken")
    fields = _validated_profile_fields(profile)
    user = user_model(username=username, email=email, display_name=display_name)
    _check_password(password, user)
    user.set_password(password)
    user.save()
    try:
        with transaction.atomic():
            enterprise = Enterprise.objects.create(**fields)
    except IntegrityError:  # a concurrent sign-up with the same code won the race
        raise DomainError(
            _("该统一社会信用代码的企业已经注册。"), field="uscc", code="uscc_duplicate"
        ) from None
    membership = Membership.objects.create(user=user, enterprise=enterprise, role=Membership.Role.MANAGER)
    AuditEvent.objects.create(
        actor=user, action="enterprise.signup", enterprise=enterprise, detail={"uscc": enterprise.uscc}
    )
    return membership


@transaction.atomic
def enterprise_update(*, enterprise: Enterprise, user: User, profile: EnterpriseProfile) -> Enterprise:
    """Change an enterprise's profile (re-deriving its size class) and record what changed."""
    fields = _validated_profile_fields(profile, exclude_pk=enterprise.pk)
    changed = {}
    for name, value in fields.items():
        if getattr(enterprise, name) != value:
            changed[name] = [str(getattr(enterprise, name)), str(value)]
            setattr(enterprise, name, value)
    if changed:
        enterprise.save()
        if changed.keys() & {"city_code", "industry_division", "size_class"}:
            analytics_refresh_enterprise(enterprise=enterprise)
        AuditEvent.objects.create(
            actor=user, action="enterprise.update", enterprise=enterprise, detail=changed
        )
    return enterprise


def invitation_url(invitation: Invitation) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("invitation_accept", args=[invitation.token])


def _send_invitation_email(invitation: Invitation) -> None:
    """The invitation e-mail (run by the task assessment.tasks.send_invitation_email)."""
    inviter = str(invitation.invited_by) if invitation.invited_by else _("企业管理员")
    subject = _("%(enterprise)s 邀请您加入绿智评") % {"enterprise": invitation.enterprise.name}
    body = _(
        "%(inviter)s 邀请您以“%(role)s”身份加入 %(enterprise)s 在绿智评（绿色成熟度自评）中的账户。\n\n"
        "请在 %(expires)s 之前打开以下链接接受邀请：\n%(url)s\n\n如果您不认识邀请人，请忽略本邮件。"
    ) % {
        "inviter": inviter,
        "role": invitation.get_role_display(),
        "enterprise": invitation.enterprise.name,
        "expires": timezone.localtime(invitation.expires_at).strftime("%Y-%m-%d %H:%M"),
        "url": invitation_url(invitation),
    }
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])


def invitation_email_problem(membership: Membership | None, *, enterprise_pk: int | None) -> str | None:
    """Why an address whose account has `membership` cannot be invited to the enterprise (None: it can)."""
    if membership is None:
        return None
    if membership.enterprise_id == enterprise_pk:
        return _("该邮箱的用户已经是本企业成员。")
    return _("该邮箱的用户已属于另一家企业，无法再加入。")


@transaction.atomic
def invitation_create(*, enterprise: Enterprise, email: str, role: str, invited_by: User) -> Invitation:
    """Invite a colleague by e-mail; replaces a pending invitation to the same address. Mail sent on commit."""
    email = email.strip().lower()
    if role not in Membership.Role.values:
        raise DomainError(_("请选择角色。"), field="role")
    existing = Membership.objects.filter(user__email__iexact=email).select_related("enterprise").first()
    problem = invitation_email_problem(existing, enterprise_pk=enterprise.pk)
    if problem is not None:
        raise DomainError(problem, field="email", code="already_member")
    now = timezone.now()
    Invitation.objects.filter(
        enterprise=enterprise, email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    (invitation,) = invitations_issue(
        addresses=[(enterprise, email)], role=role, invited_by=invited_by, now=now
    )
    return invitation


def invitations_issue(
    *, addresses: list[tuple[Enterprise, str]], role: str, invited_by: User, now: dt.datetime
) -> list[Invitation]:
    """Store invitations to checked addresses (each to its enterprise), record them and mail each once the
    caller's transaction commits (one background task for all of them): invitation_create for one colleague,
    the officials' bulk import for the managers of the new enterprises (a few queries however many)."""
    expires_at = now + dt.timedelta(days=settings.INVITATION_VALID_DAYS)
    invitations = Invitation.objects.bulk_create(
        Invitation(
            enterprise=enterprise, email=email, role=role, invited_by=invited_by, expires_at=expires_at
        )
        for enterprise, email in addresses
    )
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=invited_by,
            action="invitation.create",
            enterprise=invitation.enterprise,
            detail={"email": invitation.email, "role": role, "invitation": invitation.pk},
        )
        for invitation in invitations
    )
    language = translation.get_language() or settings.LANGUAGE_CODE
    # One task for all of them: with the database backend each enqueued task is an insert of its own.
    enqueue_on_commit(send_invitation_emails, [invitation.pk for invitation in invitations], language)
    return invitations


def invitation_problem(invitation: Invitation, *, now: dt.datetime | None = None) -> str | None:
    """Why an invitation can no longer be accepted (a translated message), or None if it can."""
    now = now or timezone.now()
    if invitation.revoked_at is not None:
        return _("该邀请已被撤销。请联系企业管理员重新邀请。")
    if invitation.accepted_at is not None:
        return _("该邀请已被接受，不能重复使用。请直接登录。")
    if invitation.expires_at <= now:
        return _("该邀请已于 %(date)s 过期。请联系企业管理员重新发送邀请。") % {
            "date": timezone.localtime(invitation.expires_at).strftime("%Y-%m-%d %H:%M")
        }
    return None


def _lock_acceptable(invitation: Invitation) -> Invitation:
    invitation = Invitation.objects.select_for_update().select_related("enterprise").get(pk=invitation.pk)
    problem = invitation_problem(invitation)
    if problem:
        raise DomainError(problem, code="invitation_unusable")
    return invitation


def _join(invitation: Invitation, user: User) -> Membership:
    membership = Membership.objects.create(user=user, enterprise=invitation.enterprise, role=invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    AuditEvent.objects.create(
        actor=user,
        action="invitation.accept",
        enterprise=invitation.enterprise,
        detail={"invitation": invitation.pk, "role": invitation.role},
    )
    return membership


def invitation_matches(invitation: Invitation, user: User) -> bool:
    """Whether the account's e-mail address is the invited one (case and surrounding spaces aside)."""
    return bool(user.email) and user.email.strip().lower() == invitation.email.strip().lower()


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """A signed-in user without an enterprise (and not an official) accepts an invitation sent to their
    own e-mail address: a link forwarded to, or opened by, someone else's account is refused."""
    invitation = _lock_acceptable(invitation)
    if not invitation_matches(invitation, user):
        raise DomainError(
            _(
                "此邀请发给 %(email)s，只能由该邮箱的账户接受。请退出后用该邮箱的账户登录，或为该邮箱创建新账户。"
            )
            % {"email": invitation.email},
            code="wrong_email",
        )
    if Membership.objects.filter(user=user).exists():
        raise DomainError(_("您的账户已属于一家企业，不能再加入另一家。"), code="already_member")
    if OfficialProfile.objects.filter(user=user).exists():
        raise DomainError(_("主管部门账户不能加入企业。"), code="official")
    return _join(invitation, user)


@transaction.atomic
def invitation_accept_new_account(
    *, invitation: Invitation, username: str, password: str, display_name: str
) -> Membership:
    """Accept an invitation by creating an account for the invited e-mail address."""
    invitation = _lock_acceptable(invitation)
    user_model = get_user_model()
    if user_model.objects.filter(username__iexact=username).exists():
        raise DomainError(_("该用户名已被使用，请换一个。"), field="username", code="username_taken")
    user = user_model(username=username, email=invitation.email, display_name=display_name)
    _check_password(password, user)
    user.set_password(password)
    user.save()
    return _join(invitation, user)


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by: User) -> Invitation:
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        AuditEvent.objects.create(
            actor=by,
            action="invitation.revoke",
            enterprise=invitation.enterprise,
            detail={"invitation": invitation.pk, "email": invitation.email},
        )
    return invitation


@transaction.atomic
def membership_remove(*, membership: Membership, by: User) -> None:
    """Remove a member from an enterprise (the account stays). An enterprise always keeps a manager."""
    membership = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    if membership.role == Membership.Role.MANAGER:
        managers = Membership.objects.select_for_update().filter(
            enterprise_id=membership.enterprise_id, role=Membership.Role.MANAGER
        )
        if managers.count() <= 1:
            raise DomainError(_("企业至少需要保留一名管理员，不能移除最后一名管理员。"), code="last_manager")
    AuditEvent.objects.create(
        actor=by,
        action="membership.remove",
        enterprise_id=membership.enterprise_id,
        detail={"user": membership.user.username, "role": membership.role},
    )
    membership.delete()


@transaction.atomic
def official_create(
    *,
    username: str,
    email: str,
    password: str | None,
    city_code: str,
    display_name: str = "",
    organisation: str = "",
    created_by: User | None = None,
) -> OfficialProfile:
    """Create an official's account with a jurisdiction: a city code, or "" for the whole province.

    Without a password the account gets an unusable one; the official then sets it via password reset."""
    if city_code and not reference.is_city_code(city_code):
        raise DomainError(_("管辖地市代码无效：%(code)s。") % {"code": city_code}, field="city_code")
    user_model = get_user_model()
    if user_model.objects.filter(username__iexact=username).exists():
        raise DomainError(_("该用户名已被使用，请换一个。"), field="username", code="username_taken")
    user = user_model(username=username, email=email, display_name=display_name)
    if password:
        _check_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    profile = OfficialProfile.objects.create(user=user, city_code=city_code, organisation=organisation)
    AuditEvent.objects.create(
        actor=created_by, action="official.create", detail={"user": username, "city_code": city_code}
    )
    return profile
