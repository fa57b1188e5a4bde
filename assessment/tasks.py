"""Background tasks of the assessment app (Django's Tasks API, see assessment/background.py): the e-mails
the services send once their transaction commits, the officials' analytics rebuild, and the check and
import of an official's large list of enterprises, and the refresh of the plans' stored figures after a
price change.

Arguments are ids and a language code (JSON); each task reads the current rows when it runs, so an e-mail
says what is true when it is sent, and a row deleted meanwhile means nothing to send.
"""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.utils import translation

from assessment.background import task

logger = logging.getLogger(__name__)


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
    """Mail an invitation link to the invited address (0 if the invitation was withdrawn meanwhile). The
    services now enqueue send_invitation_emails; this one stays for tasks queued before that change."""
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
def send_invitation_emails(invitation_ids: list[int], language: str = settings.LANGUAGE_CODE) -> int:
    """Mail the invitation links of several invitations (an official's imported list: one task for the
    lot, not one per enterprise); returns how many were mailed. An address that fails does not stop the
    others; the task fails at the end, naming how many were not sent, so the failure shows in the task
    results."""
    from assessment.models import Invitation
    from assessment.services.enterprises import _send_invitation_email

    invitations = Invitation.objects.select_related("enterprise", "invited_by").filter(pk__in=invitation_ids)
    sent = failed = 0
    with translation.override(language):
        for invitation in invitations.order_by("pk").iterator(chunk_size=500):
            try:
                _send_invitation_email(invitation)
            except Exception:
                logger.exception("invitation %s: e-mail not sent", invitation.pk)
                failed += 1
            else:
                sent += 1
    if failed:
        raise RuntimeError(f"{failed} of {sent + failed} invitation e-mails not sent (see the log)")
    return sent


@task()
def check_enterprise_import(import_id: str) -> str | None:
    """Check every row of an official's large list and store its preview; returns the list's status."""
    from assessment.services.enterprise_import import enterprise_import_run_check

    batch = enterprise_import_run_check(uuid.UUID(import_id))
    return batch.status if batch else None


@task()
def confirm_enterprise_import(import_id: str, fingerprint: str) -> str | None:
    """Import an official's large list once confirmed (enterprises, audit events, invitations in one
    transaction); returns the list's status."""
    from assessment.services.enterprise_import import enterprise_import_run_confirm

    batch = enterprise_import_run_confirm(uuid.UUID(import_id), fingerprint)
    return batch.status if batch else None


@task()
def rebuild_analytics() -> int:
    """Recompute the officials' pre-aggregated analytics (`manage.py rebuild_analytics --background`)."""
    from assessment.services.analytics import analytics_rebuild

    return analytics_rebuild()


@task()
def refresh_plan_figures() -> int:
    """Store again the figures of the plans whose stored ones are stale (queued when a price set or price
    changes: assessment/services/plan_figures.py); returns how many plans were written. Idempotent: a
    second task queued for the same change finds every plan fresh and writes nothing."""
    from assessment.services.plan_figures import plan_figures_refresh

    return plan_figures_refresh(stale_only=True)
