"""The read-only admin of questionnaire versions."""

from __future__ import annotations

from pathlib import Path

from django.urls import reverse

from questionnaires.loader import load_definitions
from questionnaires.models import QuestionnaireVersion
from tests.factories import UserFactory


def test_it_shows_versions_with_counts_and_provisional_items_read_only(
    db, client, definitions_dir: Path
) -> None:
    load_definitions(directory=definitions_dir)
    client.force_login(UserFactory(username="admin", is_staff=True, is_superuser=True))
    listing = client.get(reverse("admin:questionnaires_questionnaireversion_changelist"))
    assert listing.status_code == 200
    assert "甲框架" in listing.content.decode()
    alpha = QuestionnaireVersion.objects.get(framework="alpha")
    detail = client.get(reverse("admin:questionnaires_questionnaireversion_change", args=[alpha.pk]))
    page = detail.content.decode()
    assert detail.status_code == 200
    assert "<code>alpha.energy.intensity</code> (indicator) 能耗强度 — test fixture §5.1" in page
    assert 'name="_save"' not in page
    assert client.get(reverse("admin:questionnaires_questionnaireversion_add")).status_code == 403
    delete = reverse("admin:questionnaires_questionnaireversion_delete", args=[alpha.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert QuestionnaireVersion.objects.filter(pk=alpha.pk).exists()
