"""Reads about enterprises and people for the home pages and member management."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.utils import timezone

from assessment import reference
from assessment.models import Assessment, Enterprise, EnterpriseImport, Invitation, Membership


def enterprise_members(enterprise: Enterprise) -> list[Membership]:
    """Members with their users, managers first, then by name (one query)."""
    memberships = Membership.objects.filter(enterprise=enterprise).select_related("user")
    return sorted(
        memberships,
        key=lambda m: (m.role != Membership.Role.MANAGER, (m.user.display_name or m.user.username).lower()),
    )


def pending_invitations(enterprise: Enterprise) -> QuerySet[Invitation]:
    """Invitations neither accepted nor revoked, newest first (expired ones included, to re-send)."""
    return Invitation.objects.filter(
        enterprise=enterprise, accepted_at__isnull=True, revoked_at__isnull=True
    ).select_related("invited_by")


def invitation_by_token(token: str | uuid.UUID) -> Invitation | None:
    try:
        return Invitation.objects.select_related("enterprise", "invited_by").get(token=token)
    except (Invitation.DoesNotExist, ValueError, TypeError):
        return None


def membership_in_enterprise(enterprise: Enterprise, pk: int) -> Membership | None:
    return Membership.objects.filter(enterprise=enterprise, pk=pk).select_related("user").first()


def is_last_manager(membership: Membership) -> bool:
    """Whether removing this membership would leave its enterprise without a manager (the service
    refuses it; the confirmation says so beforehand)."""
    if membership.role != Membership.Role.MANAGER:
        return False
    return not (
        Membership.objects.filter(enterprise_id=membership.enterprise_id, role=Membership.Role.MANAGER)
        .exclude(pk=membership.pk)
        .exists()
    )


@dataclass
class Tally:
    code: str
    label: str
    count: int


@dataclass
class JurisdictionSummary:
    """What an official's home page shows about their jurisdiction."""

    city_code: str | None  # None: the whole province
    name: str
    enterprises: int
    by_city: list[Tally] = field(default_factory=list)
    by_size: list[Tally] = field(default_factory=list)
    by_industry: list[Tally] = field(default_factory=list)
    assessments_by_status: list[Tally] = field(default_factory=list)
    year: int | None = None


def jurisdiction_summary(*, city_code: str | None, top_industries: int = 8) -> JurisdictionSummary:
    """Counts of enterprises by city, size class and industry and of this year's assessments by status,
    for one city or (city_code None) the province. A fixed number of grouped queries."""
    enterprises = Enterprise.objects.all()
    if city_code:
        enterprises = enterprises.filter(city_code=city_code)
    total = enterprises.count()

    city_counts = dict(enterprises.values_list("city_code").annotate(n=Count("id")).order_by())
    cities = [city for city in reference.CITIES if city_code in (None, city.code)]
    by_city = [Tally(city.code, city.name(), city_counts.get(city.code, 0)) for city in cities]

    size_counts = dict(enterprises.values_list("size_class").annotate(n=Count("id")).order_by())
    by_size = [
        Tally(value, str(label), size_counts.get(value, 0)) for value, label in Enterprise.SizeClass.choices
    ]

    industry_rows = (
        enterprises.values_list("industry_division")
        .annotate(n=Count("id"))
        .order_by("-n", "industry_division")
    )[:top_industries]
    by_industry = [Tally(code, reference.industry_name(code), n) for code, n in industry_rows]

    year = timezone.localdate().year
    assessments = Assessment.objects.filter(enterprise__in=enterprises)
    latest_year = assessments.order_by("-year").values_list("year", flat=True).first() or year
    status_counts = dict(
        assessments.filter(year=latest_year).values_list("status").annotate(n=Count("id")).order_by()
    )
    by_status = [
        Tally(value, str(label), status_counts.get(value, 0)) for value, label in Assessment.Status.choices
    ]

    return JurisdictionSummary(
        city_code=city_code,
        name=reference.city_name(city_code or ""),
        enterprises=total,
        by_city=by_city,
        by_size=by_size,
        by_industry=by_industry,
        assessments_by_status=by_status,
        year=latest_year,
    )


def recent_enterprise_imports(user, *, limit: int = 10) -> list[EnterpriseImport]:
    """The official's latest uploaded lists, newest first, without their rows or stored preview (one query)."""
    return list(EnterpriseImport.objects.filter(uploaded_by=user).defer("rows", "check_result")[:limit])


def enterprise_import_valid_count(batch: EnterpriseImport) -> int:
    """How many rows of a list checked in the background can be imported, from its stored preview without
    reading the rest of it (one query; the progress page asks every second)."""
    count = (
        EnterpriseImport.objects.filter(pk=batch.pk)
        .values_list("check_result__valid_count", flat=True)
        .first()
    )
    return int(count or 0)
