from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = _("评估")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from assessment.models import Price, PriceSet
        from assessment.services.plan_figures import price_changed
        from assessment.services.revisions import move_on_revision
        from questionnaires.signals import revision_created

        # A corrected definition loaded as a new revision moves the drafts and returned assessments to it.
        revision_created.connect(move_on_revision, dispatch_uid="assessment.move_on_revision")
        # A price set or price saved or deleted (the admin, load_prices) queues the plans' figures' refresh.
        for model in (PriceSet, Price):
            for name, signal in (("saved", post_save), ("deleted", post_delete)):
                signal.connect(
                    price_changed, sender=model, dispatch_uid=f"plan_figures.{model.__name__}.{name}"
                )
