"""Background tasks of the assessment app (Django's Tasks API, see assessment/background.py): the e-mails
the services send once their transaction commits, and the officials' analytics rebuild.

Arguments are ids and a language code (JSON); each task reads the current rows when it runs, so an e-mail
says what is true when it is sent, and a row deleted meanwhile means nothing to send.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation

from assessment.background import task


@task()
def send_decision_email(assessment_id: int, language: str = settings.LANGUAGE_CODE) -> int:
    """Tell the enterprise's members that their assessment was accepted or returned; returns how many
    recipients were mailed."""
    from assessment.models import Assessment
    from assessment.services.review import _send_decision_email

    if not Assessment.objects.filter(pk=assessment_id).exists():
        return 0
    with translation.override(language):
        return _send_decision_email(assessment_id)


@task()
def send_invitation_email(invitation_id: int, language: str = settings.LANGUAGE_CODE) -> int:
    """Mail an invitation link to the invited address (0 if the invitation was withdrawn meanwhile)."""
    from assessment.models import Invitation
    from assessment.services.enterprises import _send_invitation_email

    invitation = (
        Invitation.objects.select_related("enterprise", "invited_by").filter(pk=invitation_id).first()
    )
    if invitation is None:
        return 0
    with translation.override(language):
        _send_invitation_email(invitation)
    return 1


@task()
def rebuild_analytics() -> int:
    """Recompute the officials' pre-aggregated analytics (`manage.py rebuild_analytics --background`)."""
    from assessment.services.analytics import analytics_rebuild

    return analytics_rebuild()
