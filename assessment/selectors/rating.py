"""The rating scheme configured for a framework version (assessment.models.RatingScheme), as plain data."""

from __future__ import annotations

from typing import Any

from assessment.models import RatingScheme


def rating_schemes() -> dict[tuple[str, str], dict[str, Any]]:
    """{(framework, version): scheme dict} of the active schemes (one query)."""
    return {(s.framework, s.framework_version): s.as_dict() for s in RatingScheme.objects.filter(active=True)}


def rating_scheme_for(framework: str, version: str) -> dict[str, Any] | None:
    """The active scheme of framework@version, or None (none is shipped)."""
    scheme = RatingScheme.objects.filter(active=True, framework=framework, framework_version=version).first()
    return scheme.as_dict() if scheme else None
