"""Access helpers used by every view.

Rules:
- An enterprise member (manager or contributor) sees and edits their own enterprise's assessments;
  only managers manage the enterprise profile and its members.
- An official sees the enterprises of their jurisdiction: one city (OfficialProfile.city_code) or the
  whole province (blank city_code). Officials see assessments once submitted (not drafts) and never
  edit answers.
- A superuser sees everything (read-only in the app; writes go through the admin site).
- An object the user may not see raises Http404 (its existence is not leaked); one they may see but
  not change raises PermissionDenied (403).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import F, QuerySet
from django.http import Http404, HttpRequest, HttpResponseBase, JsonResponse
from django.utils.translation import gettext as _

from assessment.models import Assessment, Enterprise, EnterpriseImport, Membership, OfficialProfile

if TYPE_CHECKING:
    from assessment.models import User


def membership_of(user: User) -> Membership | None:
    """The user's membership (with its enterprise), or None for non-members."""
    if not user.is_authenticated:
        return None
    try:
        return Membership.objects.select_related("enterprise").get(user=user)
    except Membership.DoesNotExist:
        return None


def official_profile_of(user: User) -> OfficialProfile | None:
    if not user.is_authenticated:
        return None
    try:
        return user.official
    except OfficialProfile.DoesNotExist:
        return None


def is_official(user: User) -> bool:
    return official_profile_of(user) is not None


def get_enterprise_for_member(user: User) -> Enterprise:
    """The enterprise the user belongs to; PermissionDenied if the user is no enterprise member."""
    membership = membership_of(user)
    if membership is None:
        raise PermissionDenied
    return membership.enterprise


def require_manager(user: User, enterprise: Enterprise) -> Membership:
    """The user's manager membership of this enterprise; PermissionDenied otherwise."""
    membership = membership_of(user)
    if (
        membership is None
        or membership.enterprise_id != enterprise.pk
        or membership.role != Membership.Role.MANAGER
    ):
        raise PermissionDenied
    return membership


def require_official(request: HttpRequest) -> OfficialProfile:
    """The requesting user's official profile; PermissionDenied (403) for anyone else."""
    profile = official_profile_of(request.user)
    if profile is None:
        raise PermissionDenied
    return profile


def json_login_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """For the page script's endpoints: 401 with a login URL instead of a redirect to the login page,
    so the script keeps unsent edits and tells the user to log in again."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return JsonResponse(
                {"ok": False, "error": _("登录已过期，请重新登录。"), "login": True}, status=401
            )
        return view(request, *args, **kwargs)

    return wrapper


def official_scope(user: User) -> str | None:
    """An official's city code, or None for a province-level official. PermissionDenied for non-officials."""
    profile = official_profile_of(user)
    if profile is None:
        raise PermissionDenied
    return profile.city_code or None


def enterprises_visible_to(user: User) -> QuerySet[Enterprise]:
    """Enterprises the user may see: their own (members), their jurisdiction (officials), all (superusers)."""
    enterprises = Enterprise.objects.all()
    if not user.is_authenticated:
        return enterprises.none()
    if user.is_superuser:
        return enterprises
    profile = official_profile_of(user)
    if profile is not None:
        return enterprises.filter(city_code=profile.city_code) if profile.city_code else enterprises
    return enterprises.filter(memberships__user=user)


def assessments_visible_to(user: User) -> QuerySet[Assessment]:
    """Assessments the user may see (members: all of their enterprise's; officials: non-drafts in scope)."""
    assessments = Assessment.objects.filter(enterprise__in=enterprises_visible_to(user))
    if user.is_authenticated and not user.is_superuser and is_official(user):
        assessments = assessments.exclude(status=Assessment.Status.DRAFT)
    return assessments


def get_assessment_for_user(user: User, pk: int, *, write: bool = False) -> Assessment:
    """The assessment `pk` if the user may see it (else Http404); with write=True, also require that the
    user may change it, i.e. is a member of its enterprise (else PermissionDenied). Whether its status
    still allows changes is the services' business (DomainError)."""
    try:
        assessment = assessments_visible_to(user).select_related("enterprise").get(pk=pk)
    except (Assessment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if write:
        membership = membership_of(user)
        if membership is None or membership.enterprise_id != assessment.enterprise_id:
            raise PermissionDenied
    return assessment


def can_manage_enterprise(user: User, enterprise: Enterprise) -> bool:
    membership = membership_of(user)
    return (
        membership is not None
        and membership.enterprise_id == enterprise.pk
        and membership.role == Membership.Role.MANAGER
    )


def can_edit_plan(user: User, assessment: Assessment) -> bool:
    """Members of the assessment's enterprise (manager and contributors) edit its improvement plan;
    officials of its jurisdiction read it (get_assessment_for_user), whatever the assessment's status."""
    membership = membership_of(user)
    return membership is not None and membership.enterprise_id == assessment.enterprise_id


def get_assessment_for_member(user: User, pk: int, *, page: bool = False) -> Assessment:
    """The assessment `pk` of the user's own enterprise, for writing (one query on the usual path: the
    SME journey's autosave). Otherwise the same answers as get_assessment_for_user(write=True): 404 for
    an assessment the user may not see, 403 for one they may see but not change.

    With `page` (a page of the journey), the same query also reads the page facts
    (selectors.assessments.with_page_facts) and the user's membership, which the page layout shows
    (`user.membership`): the queries of what the page would otherwise read separately."""
    if user.is_authenticated:
        try:
            found = Assessment.objects.select_related("enterprise").filter(
                pk=pk, enterprise__memberships__user=user
            )
            if page:
                from assessment.selectors.assessments import with_page_facts

                # Annotated after the filter: the same join, i.e. this user's membership row.
                found = with_page_facts(
                    found,
                    member_pk=F("enterprise__memberships__pk"),
                    member_role=F("enterprise__memberships__role"),
                    member_since=F("enterprise__memberships__created_at"),
                )
            assessment = found.get()
        except (Assessment.DoesNotExist, ValueError, TypeError):
            pass
        else:
            if page:
                membership = Membership.from_db(
                    assessment._state.db,
                    ["id", "user_id", "enterprise_id", "role", "created_at"],
                    [
                        assessment.member_pk,
                        user.pk,
                        assessment.enterprise_id,
                        assessment.member_role,
                        assessment.member_since,
                    ],
                )
                membership.enterprise = assessment.enterprise
                link = Membership._meta.get_field("user")
                link.set_cached_value(membership, user)  # membership.user
                link.remote_field.set_cached_value(user, membership)  # user.membership
            return assessment
    return get_assessment_for_user(user, pk, write=True)


def get_enterprise_import_for_official(request: HttpRequest, pk: object) -> EnterpriseImport:
    """An uploaded list of enterprises: officials only (else 403), and only the official who uploaded it
    (else 404). Its rows and stored preview (up to a few MB) are read only if used: the progress page's
    script asks for the status every second."""
    require_official(request)
    try:
        return EnterpriseImport.objects.defer("rows", "check_result").get(pk=pk, uploaded_by=request.user)
    except (EnterpriseImport.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
