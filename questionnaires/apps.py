from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuestionnairesConfig(AppConfig):
    name = "questionnaires"
    verbose_name = _("问卷框架")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from questionnaires.definition import clear_definition_cache_on_change
        from questionnaires.models import QuestionnaireVersion

        # Any write to a version (loader, admin, test factories) drops this process's cached definitions.
        post_save.connect(clear_definition_cache_on_change, sender=QuestionnaireVersion)
        post_delete.connect(clear_definition_cache_on_change, sender=QuestionnaireVersion)
