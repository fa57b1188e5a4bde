from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = _("评估")

    def ready(self) -> None:
        from assessment.services.revisions import move_on_revision
        from questionnaires.signals import revision_created

        # A corrected definition loaded as a new revision moves the drafts and returned assessments to it.
        revision_created.connect(move_on_revision, dispatch_uid="assessment.move_on_revision")
