"""What export_workbook and import_workbook share: the assessment and the person named."""

from __future__ import annotations

from django.core.management.base import CommandError

from assessment.models import Assessment, User


def assessment_and_user(assessment_id: int, username: str) -> tuple[Assessment, User | None]:
    """The assessment and (if a username is given) the user; CommandError when either does not exist."""
    found = Assessment.objects.select_related("enterprise").filter(pk=assessment_id).first()
    if found is None:
        raise CommandError(f"no assessment {assessment_id}")
    person = User.objects.filter(username=username).first() if username else None
    if username and person is None:
        raise CommandError(f"no user {username!r}")
    return found, person
