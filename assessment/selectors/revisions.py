"""Reads about revisions of framework versions (a corrected definition, docs/definitions.md): which revision
an assessment's results were scored on, the latest one, the officials' re-scores, the open notices."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max, OuterRef, Subquery

from assessment.models import Assessment, Rescore, RevisionNotice
from questionnaires.models import QuestionnaireVersion


@dataclass(frozen=True)
class RevisionState:
    """For one framework of an assessment: the revision its counted result was scored on, the latest
    revision of its version, and the officials' re-scores on later revisions (plain dicts, newest first:
    to_revision, score, adopted, original_score, scorable)."""

    framework: str
    scored: int
    latest: int
    rescores: list[dict[str, Any]] = field(default_factory=list)

    @property
    def revised(self) -> bool:
        return self.latest > 1 or self.scored > 1


def revision_states(assessment: Assessment) -> dict[str, RevisionState]:
    """By framework, for the frameworks whose version has more than one revision: one query (the
    assessment's versions with the latest revision of each), a second for the re-scores only when a
    version has been revised."""
    latest = (
        QuestionnaireVersion.objects.filter(framework=OuterRef("framework"), version=OuterRef("version"))
        .values("framework", "version")
        .annotate(latest=Max("revision"))
        .values("latest")
    )
    linked = list(
        assessment.versions.annotate(latest=Subquery(latest)).values_list(
            "framework", "version", "revision", "latest"
        )
    )
    scored_in_result = {
        item["framework"]: item.get("revision", 1)
        for item in (assessment.result or {}).get("frameworks") or []
    }
    states: dict[str, RevisionState] = {}
    for framework, _version, revision, newest in linked:
        # A submitted result says which revision it was scored on; a draft is on the one it points at.
        scored = scored_in_result.get(framework, revision) if assessment.result else revision
        state = RevisionState(framework=framework, scored=scored, latest=newest or revision)
        if state.revised:
            states[framework] = state
    if not states:
        return states
    for rescore in Rescore.objects.filter(assessment=assessment).order_by("-to_revision"):
        if rescore.framework not in states:
            continue
        states[rescore.framework].rescores.append(
            {
                "to_revision": rescore.to_revision,
                "from_revision": rescore.from_revision,
                "score": rescore.score,
                "adopted": rescore.adopted_at is not None,
                "original_score": rescore.original_score,
                "scorable": rescore.result is not None,
            }
        )
    return states


def open_notices(assessment_ids: Iterable[int]) -> dict[int, list[RevisionNotice]]:
    """The notices not yet dismissed of these assessments, by assessment id, oldest first (one query)."""
    found: dict[int, list[RevisionNotice]] = {}
    for notice in (
        RevisionNotice.objects.filter(assessment_id__in=list(assessment_ids), dismissed_at__isnull=True)
        .select_related("assessment")
        .order_by("created_at", "pk")
    ):
        found.setdefault(notice.assessment_id, []).append(notice)
    return found


@dataclass
class RevisedVersion:
    """A framework version with more than one revision, as the provincial officials' page shows it."""

    framework: str
    version: str
    title: Any
    revision: int
    earlier: int  # submitted or accepted assessments still on an earlier revision
    rescores: list[Rescore]
    rescored: int  # re-scores not adopted
    adopted: int
    adoptable: int  # re-scores not adopted that could be scored


RESCORES_SHOWN = 50


def revised_versions() -> list[RevisedVersion]:
    """Every live version with a revision above 1: how many submitted or accepted assessments are on an
    earlier revision, and its re-scores (the newest RESCORES_SHOWN, with their enterprises). Five queries
    per revised version; there are a handful at most."""
    found = []
    live = QuestionnaireVersion.objects.live().filter(revision__gt=1).defer("definition")
    for row in live.order_by("framework", "version"):
        on_earlier = Assessment.objects.filter(
            status__in=(Assessment.Status.SUBMITTED, Assessment.Status.ACCEPTED),
            versions__framework=row.framework,
            versions__version=row.version,
            versions__revision__lt=row.revision,
        )
        rescores = Rescore.objects.filter(
            framework=row.framework, version=row.version, to_revision=row.revision
        )
        found.append(
            RevisedVersion(
                framework=row.framework,
                version=row.version,
                title={"zh": row.title_zh, "en": row.title_en},
                revision=row.revision,
                earlier=on_earlier.count(),
                rescores=list(
                    rescores.select_related("assessment__enterprise").order_by("-created_at", "-pk")[
                        :RESCORES_SHOWN
                    ]
                ),
                rescored=rescores.filter(adopted_at__isnull=True).count(),
                adopted=rescores.filter(adopted_at__isnull=False).count(),
                adoptable=rescores.filter(adopted_at__isnull=True, result__isnull=False).count(),
            )
        )
    return found
