"""The recommended-actions catalog: data (actions-<version>.yaml), schema check and loader."""

from __future__ import annotations

from assessment.actions.catalog import (
    CURRENT_VERSION,
    Action,
    Catalog,
    CatalogError,
    Effect,
    Source,
    catalog_from_data,
    load_catalog,
)
from assessment.actions.schema import validate_catalog

__all__ = [
    "CURRENT_VERSION",
    "Action",
    "Catalog",
    "CatalogError",
    "Effect",
    "Source",
    "catalog_from_data",
    "load_catalog",
    "validate_catalog",
]
